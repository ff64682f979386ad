"""How every figure is taken: each stage a user experiences as a separate process runs as one
(the real `vraagbaak` command, a fresh data dir, an environment without foreign settings),
reaped with wait4 so each has its own peak memory; plus disk use and percentiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Variables that would make a run measure something else (a shared server, an LLM).
_FOREIGN_ENV = (
    "VRAAGBAAK_CHROMA_URL",
    "VRAAGBAAK_COLLECTION",
    "VRAAGBAAK_LLM_BASE_URL",
    "VRAAGBAAK_LLM_MODEL",
    "VRAAGBAAK_LLM_API_KEY",
    "VRAAGBAAK_TEST_HOME",
)


@dataclass
class Child:
    """A finished subprocess with its own wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    maxrss_mb: float

    def json(self) -> Any:
        """The last JSON line of stdout (tqdm or warnings may precede it on other streams)."""
        if self.returncode != 0:
            raise RuntimeError(f"child failed ({self.returncode}): {self.stderr[-2000:]}")
        lines = [ln for ln in self.stdout.splitlines() if ln.strip()]
        return json.loads(lines[-1])


def run_child(cmd: Sequence[str], env: dict[str, str], timeout: float) -> Child:
    """Run cmd, reaping it with wait4 so its own ru_maxrss is known (RUSAGE_CHILDREN only
    gives the maximum over all children so far). Output goes to files: no pipe can fill."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise TimeoutError(f"{' '.join(cmd)} took longer than {timeout:.0f} s")
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            wall,
            usage.ru_maxrss / 1024.0,  # KiB on Linux
        )


def vraagbaak_cmd() -> list[str]:
    """The installed console script next to this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("vraagbaak")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def child_env(home: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env.update(
        {
            "VRAAGBAAK_HOME": str(home),
            "VRAAGBAAK_CORPUS": str(corpus),
            "ANONYMIZED_TELEMETRY": "False",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def disk_bytes(path: Path) -> int:
    """Allocated bytes like `du` (sparse or preallocated files count as what they use)."""
    if not path.exists():
        return 0
    total = 0
    for p in [path, *path.rglob("*")]:
        try:
            st = p.lstat()
        except OSError:
            continue
        total += st.st_blocks * 512
    return total


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without importing numpy here."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)
