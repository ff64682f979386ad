"""`--profile`: the cold `ask` process under cProfile and under -X importtime, and the report
of the import times, so a slow cold start can be traced to the import that costs it."""

from __future__ import annotations

import io
import pstats
import sys
from pathlib import Path

from benchmarks.measure import child_env, run_child
from benchmarks.stages import COLD_QUESTION


def profile_cold_ask(home: Path, corpus: Path, path: Path) -> None:
    """cProfile of one whole `vraagbaak ask` process (imports, model load, index open)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(path), "-m", "ui.cli"]
    run_child([*cmd, "ask", COLD_QUESTION, "--json"], child_env(home, corpus), 600)
    text = io.StringIO()
    pstats.Stats(str(path), stream=text).sort_stats("cumulative").print_stats(40)
    path.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")
    # Imports are most of a cold start: the same command under -X importtime.
    cmd = [sys.executable, "-X", "importtime", "-m", "ui.cli", "ask", COLD_QUESTION, "--json"]
    child = run_child(cmd, child_env(home, corpus), 600)
    path.with_name("cold-ask-importtime.txt").write_text(
        importtime_report(child.stderr), encoding="utf-8"
    )


def importtime_report(stderr: str, top: int = 60) -> str:
    """`-X importtime` output: the total, then the `top` modules by cumulative time (with
    their nesting), then the raw lines, so a costly import can be traced to who pulls it in."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
        if own_us.strip().isdigit():
            rows.append((int(own_us), int(cumulative_us), name.rstrip()))
    total_ms = sum(own for own, _, _ in rows) / 1000.0
    lines = [f"imports: {len(rows)} modules, {total_ms:.0f} ms (sum of self times)", ""]
    lines.append(f"top {top} by cumulative ms:")
    for _, cumulative, name in sorted(rows, key=lambda r: -r[1])[:top]:
        lines.append(f"{cumulative / 1000.0:9.1f}  {name}")
    lines += ["", "raw (children before their parent):", stderr]
    return "\n".join(lines)
