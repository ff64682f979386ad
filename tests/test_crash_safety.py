"""An ingest killed at any moment leaves the previous index fully usable, and the next ingest
completes to exactly what a clean build gives.

A small corpus of real paragraphs from corpus/ is indexed (version 1), then changed (one
document edited, one removed, one added: version 2). `vraagbaak ingest` runs as a real
subprocess and is SIGKILLed at each named phase of ingest/pipeline.py (the
VRAAGBAAK_TEST_PAUSE_AT hook: before anything is written, after the first changed document
was written, after all were written, after the switch, after stale chunks were deleted) and
at two moments picked from the measured length of an unpaused run (whatever the code is
doing then, e.g. embedding or writing Chroma). After each kill:

- `vraagbaak search --json` answers (exit 0, no traceback) and its passages are exactly
  version 1 or exactly version 2 (before / after the switch), never a mix;
- the live chunks counted by the reader equal the chunk counts recorded in the live state;
- a normal ingest then completes and the index equals a clean build of version 2 (chunk ids
  and texts), the store keeps no stale chunks and BM25 covers exactly the live chunks.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from foundation.settings import Settings
from ingest.index import IndexReader
from ingest.pipeline import PAUSE_ENV, run_ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TIMEOUT = 120  # seconds for any one subprocess; the machine may be busy
QUERY = "samenwerking tussen zorg en veiligheid in de wijk"
ALL = 40  # retrieval's candidate pool: -k 40 returns every live chunk of this small index

pytestmark = pytest.mark.timeout(600)


def vraagbaak_cmd() -> list[str]:
    script = Path(sys.executable).with_name("vraagbaak")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VRAAGBAAK_") or k == "VRAAGBAAK_TEST_HOME"
    }
    env.update(VRAAGBAAK_HOME=str(home), VRAAGBAAK_EMBEDDING="e5-small-q4", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def run_cli(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*vraagbaak_cmd(), *args],
        cwd=ROOT,
        env=cli_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


# --- the corpus versions ---------------------------------------------------------------


def paragraphs(name: str, start: int, count: int) -> str:
    """Real paragraphs (over 300 characters) of a bundled corpus file."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    found = [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 300]
    return "\n\n".join(found[start : start + count]) + "\n"


WEGWIJZER = "wegwijzer-domeinoverstijgend-samenwerken.md"
LEDENBRIEF = "vng-ledenbrief-zorg-en-veiligheid.txt"
INSPIRATIE = "inspiratieboek-ondermijning-in-de-wijk.txt"
KOMPAS = "informatiebronnen-oov-complexe-veiligheidsthemas.txt"

DOCS: dict[str, tuple[str, str, str]] = {  # id -> (file, title, text)
    "alpha-v1": ("alpha.md", "Alpha", "# Wegwijzer\n\n" + paragraphs(WEGWIJZER, 0, 3)),
    "alpha-v2": ("alpha.md", "Alpha", "# Wegwijzer\n\n" + paragraphs(WEGWIJZER, 3, 4)),
    "beta": ("beta.txt", "Beta", paragraphs(LEDENBRIEF, 1, 3)),
    "gamma": ("gamma.txt", "Gamma", paragraphs(INSPIRATIE, 1, 2)),
    "delta": ("delta.txt", "Delta", paragraphs(KOMPAS, 0, 3)),
}
VERSION_1 = ["alpha-v1", "beta", "gamma"]
VERSION_2 = ["alpha-v2", "gamma", "delta"]  # alpha changed, beta removed, delta added


def write_corpus(folder: Path, version: list[str]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    manifest = []
    for key in version:
        file, title, text = DOCS[key]
        (folder / file).write_text(text, encoding="utf-8")
        doc_id = key.split("-")[0]
        manifest.append(f'[[document]]\nid = "{doc_id}"\nfile = "{file}"\ntitle = "{title}"\n')
    (folder / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return folder


def settings_for(home: Path, corpus: Path) -> Settings:
    return Settings(home=home, corpus_dir=corpus, embedding="e5-small-q4")


def live_chunks(settings: Settings) -> dict[str, str]:
    """chunk id -> text of the live chunks, as the search side sees them."""
    reader = IndexReader(settings)
    return {cid: c.text for cid, c in reader.chunks.items()}


@dataclass(frozen=True)
class Versions:
    base_home: Path
    corpus_v2: Path
    v1: dict[str, str]
    v2: dict[str, str]
    full_run_seconds: float


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Version 1 indexed (the home every scenario starts from) and a clean build of
    version 2 (what every interrupted run must end up equal to)."""
    tmp = tmp_path_factory.mktemp("crash")
    corpus_v1 = write_corpus(tmp / "corpus-v1", VERSION_1)
    corpus_v2 = write_corpus(tmp / "corpus-v2", VERSION_2)
    base = settings_for(tmp / "base-home", corpus_v1)
    assert not run_ingest(base).failed
    v1 = live_chunks(base)
    # The clean build of version 2 starts from an empty home: nothing of version 1 around.
    ref = settings_for(tmp / "ref-home", corpus_v2)
    t0 = time.perf_counter()
    assert not run_ingest(ref).failed
    full = time.perf_counter() - t0
    v2 = live_chunks(ref)
    assert 3 < len(v1) < ALL and 3 < len(v2) < ALL, (len(v1), len(v2))
    assert set(v1.values()) & set(v2.values()), "gamma is unchanged, so versions share chunks"
    assert set(v1.values()) - set(v2.values()) and set(v2.values()) - set(v1.values())
    return Versions(tmp / "base-home", corpus_v2, v1, v2, full)


def fresh_home(versions: Versions, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(versions.base_home, home)
    return home


def start_ingest(home: Path, corpus: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*vraagbaak_cmd(), "ingest", "--corpus", str(corpus), "--json"],
        cwd=ROOT,
        env=cli_env(home, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pause(proc: subprocess.Popen[str], phase: str) -> None:
    """Read the child's stderr until it reports the pause (or fail, bounded in time)."""
    assert proc.stderr is not None
    deadline = time.monotonic() + TIMEOUT
    seen: list[str] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            if f"vraagbaak-pause: {phase}" in line:  # may follow a progress bar's \r
                return
        elif proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"ingest never paused at {phase!r} (rc {proc.poll()}):\n{''.join(seen)[-3000:]}")


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)


def search_texts(home: Path) -> set[str]:
    """Every live passage, through the real command line."""
    result = run_cli(home, "search", QUERY, "-k", str(ALL), "--json")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    return {p["text"] for p in json.loads(result.stdout)}


def check_usable_then_recover(
    versions: Versions, home: Path, expect: str | None
) -> tuple[str, float]:
    """After a kill: search shows exactly one version (the expected one, when known), the
    reader's chunk count matches the live state, and a normal ingest converges to the
    clean build of version 2. Returns which version was live and the recovery time."""
    texts = search_texts(home)
    old, new = set(versions.v1.values()), set(versions.v2.values())
    assert texts in (old, new), (
        f"search mixes versions: {len(texts & old)} old and {len(texts & new)} new passages "
        f"of {len(texts)}"
    )
    seen = "v1" if texts == old else "v2"
    if expect is not None:
        assert seen == expect

    settings = settings_for(home, versions.corpus_v2)
    reader = IndexReader(settings)
    assert len(reader.chunks) == sum(int(d["chunks"]) for d in reader.live.docs.values())
    expected_docs = {"alpha", "beta", "gamma"} if seen == "v1" else {"alpha", "gamma", "delta"}
    assert set(reader.live.docs) == expected_docs

    t0 = time.perf_counter()
    report = run_ingest(settings)
    recovery = time.perf_counter() - t0
    assert not report.failed, report.failed
    reader = IndexReader(settings)
    assert {cid: c.text for cid, c in reader.chunks.items()} == versions.v2
    assert reader._collection.count() == len(versions.v2), "stale chunks left in the store"
    assert sorted(reader.bm25.ids) == sorted(versions.v2)
    return seen, recovery


PHASES = [  # (phase of ingest/pipeline.py, live version a search must see after the kill)
    # (a kill before anything is written, at "locked", is covered by the lock test below)
    ("added-one", "v1"),
    ("added", "v1"),
    ("switched", "v2"),
    ("deleted", "v2"),
]


@pytest.mark.parametrize(("phase", "expect"), PHASES)
def test_kill_at_phase_keeps_index_usable(
    versions: Versions, tmp_path: Path, phase: str, expect: str
) -> None:
    home = fresh_home(versions, tmp_path)
    proc = start_ingest(home, versions.corpus_v2, **{PAUSE_ENV: phase})
    try:
        wait_for_pause(proc, phase)
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL
    check_usable_then_recover(versions, home, expect)


def test_killed_rebuild_keeps_index_usable(versions: Versions, tmp_path: Path) -> None:
    """`ingest --rebuild` with the same model rebuilds in place behind the live state, so a
    kill before its switch leaves the previous index searchable too."""
    home = fresh_home(versions, tmp_path)
    proc = subprocess.Popen(
        [*vraagbaak_cmd(), "ingest", "--rebuild", "--corpus", str(versions.corpus_v2)],
        cwd=ROOT,
        env=cli_env(home, **{PAUSE_ENV: "added"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_pause(proc, "added")
    finally:
        kill(proc)
    check_usable_then_recover(versions, home, "v1")


def test_completed_rebuild_replaces_every_chunk(versions: Versions, tmp_path: Path) -> None:
    """The in-place rebuild writes new versions and leaves no chunk of the old ones behind."""
    home = fresh_home(versions, tmp_path)
    settings = settings_for(home, versions.corpus_v2)
    report = run_ingest(settings, rebuild=True)
    assert not report.failed and sorted(report.updated) == ["alpha", "gamma"]
    reader = IndexReader(settings)
    assert {c.text for c in reader.chunks.values()} == set(versions.v2.values())
    assert not set(reader.chunks) & set(versions.v1), "rebuilt chunks are new versions"
    assert reader._collection.count() == len(versions.v2)
    assert sorted(reader.bm25.ids) == sorted(reader.chunks)
    again = run_ingest(settings)  # and the next normal ingest sees nothing to do
    assert sorted(again.unchanged) == ["alpha", "delta", "gamma"] and again.embedded == 0


@pytest.mark.parametrize("fraction", [0.6])
def test_kill_after_a_delay_keeps_index_usable(
    versions: Versions, tmp_path: Path, fraction: float
) -> None:
    """Unpaused runs killed part-way (process start included), wherever that lands."""
    home = fresh_home(versions, tmp_path)
    startup = 4.0  # interpreter, chromadb and the embedding model; the in-process run had them
    delay = startup + fraction * versions.full_run_seconds
    proc = start_ingest(home, versions.corpus_v2)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    finally:
        if proc.poll() is None:
            kill(proc)
        else:
            proc.communicate(timeout=TIMEOUT)
    check_usable_then_recover(versions, home, None)


def test_second_ingest_refuses_or_waits(versions: Versions, tmp_path: Path) -> None:
    """While one ingest holds the lock a second exits 2 with "Another ingest"; one with
    --wait waits, and takes over (and does the whole job) once the first is SIGKILLed,
    so a killed ingest leaves no stale lock behind."""
    home = fresh_home(versions, tmp_path)
    first = start_ingest(home, versions.corpus_v2, **{PAUSE_ENV: "locked"})
    waiter: subprocess.Popen[str] | None = None
    try:
        wait_for_pause(first, "locked")
        refused = subprocess.Popen(
            [*vraagbaak_cmd(), "ingest", "--corpus", str(versions.corpus_v2)],
            cwd=ROOT,
            env=cli_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        waiter = subprocess.Popen(
            [*vraagbaak_cmd(), "ingest", "--corpus", str(versions.corpus_v2)]
            + ["--json", "--wait", str(TIMEOUT)],
            cwd=ROOT,
            env=cli_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = refused.communicate(timeout=TIMEOUT)
        assert refused.returncode == 2, out + err
        assert "Another ingest" in err and "--wait" in err, err
        assert "Traceback" not in out + err
        assert first.poll() is None

        # The waiter has the lock file open while the first still holds the lock: waiting.
        lock = (home / "ingest.lock").resolve()
        deadline = time.monotonic() + TIMEOUT
        while not holds_open(waiter.pid, lock):
            assert waiter.poll() is None, waiter.communicate()
            assert time.monotonic() < deadline, "the --wait ingest never reached the lock"
            time.sleep(0.2)
        time.sleep(0.5)
        assert waiter.poll() is None, "the --wait ingest did not wait"
    except BaseException:
        if waiter is not None:
            kill(waiter)
        raise
    finally:
        kill(first)
    assert waiter is not None
    out, err = waiter.communicate(timeout=TIMEOUT)
    assert waiter.returncode == 0, out + err
    summary = json.loads(out)
    assert (summary["added"], summary["updated"], summary["removed"]) == (1, 1, 1), summary
    settings = settings_for(home, versions.corpus_v2)
    assert live_chunks(settings) == versions.v2


def holds_open(pid: int, path: Path) -> bool:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if Path(os.readlink(fd)) == path:
                return True
        except OSError:
            continue
    return False
