"""Server mode end to end: a real `chroma run` on 127.0.0.1 and the real `vraagbaak` command.

Why subprocesses all the way: the contract is what a site runs (a Chroma server shared by
colleagues, `VRAAGBAAK_CHROMA_URL` in the environment), so the test exercises the same
command line, environment handling and exit codes, not an in-process shortcut.
The bundled corpus is not re-embedded: the data dir is seeded with the session index's
embedding cache (keyed by model + text, so the hits are the real vectors).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.settings import Settings
from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
COMMAND_TIMEOUT = 300.0


def _heartbeat(url: str, timeout: float = 2.0) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(f"{url}/api/v2/heartbeat", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server in a temp dir; stopped (terminate, then kill) at teardown."""
    chroma = BIN / "chroma"
    if not chroma.exists():
        pytest.fail(f"{chroma} not found: the chromadb package ships the `chroma` command")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
        + ["--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited ({proc.returncode}): {_tail(folder)}")
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run did not answer in {START_TIMEOUT:.0f} s: {_tail(folder)}")
            time.sleep(0.2)
        yield url
    finally:
        stop(proc)
        log.close()


def _tail(folder: Path) -> str:
    return (folder / "server.log").read_text(errors="replace")[-2000:]


@pytest.fixture(scope="module")
def server_home(
    tmp_path_factory: pytest.TempPathFactory, corpus_index: Settings, chroma_server: str
) -> Path:
    home = tmp_path_factory.mktemp("server-mode") / "home"
    home.mkdir()
    shutil.copy2(corpus_index.home / "embedding-cache.sqlite", home / "embedding-cache.sqlite")
    return home


def _run(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VRAAGBAAK_LLM") and k != "VRAAGBAAK_COLLECTION"
    }
    env.update(
        {
            "VRAAGBAAK_HOME": str(home),
            "VRAAGBAAK_CHROMA_URL": url,
            "VRAAGBAAK_CORPUS": str(ROOT / "corpus"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    return subprocess.run(
        [str(BIN / "vraagbaak"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def _json(proc: subprocess.CompletedProcess[str]) -> object:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def ingested(server_home: Path, chroma_server: str) -> dict[str, object]:
    report = _json(_run(server_home, chroma_server, "ingest", "--json"))
    assert isinstance(report, dict)
    return report


def test_ingest_into_server_adds_the_corpus_without_reembedding(
    ingested: dict[str, object], server_home: Path, chroma_server: str
) -> None:
    assert ingested["added"] == 5
    assert ingested["failed"] == {}
    chunks = int(ingested["chunks"])  # type: ignore[call-overload]
    assert chunks > 100
    # The seeded cache serves the vectors. Not `== 0`: with a prebuilt VRAAGBAAK_TEST_HOME the
    # cleaning code may have changed a few chunk texts since that index was built.
    assert int(ingested["embedded"]) <= chunks // 20  # type: ignore[call-overload]
    # the vectors live on the server, never in the local embedded store
    assert not (server_home / "chroma").exists()
    assert (server_home / "bm25-vraagbaak").is_dir()
    again = _json(_run(server_home, chroma_server, "ingest", "--json"))
    assert isinstance(again, dict)
    assert (again["added"], again["unchanged"]) == (0, 5)


def test_server_side_collection_holds_the_chunks(
    ingested: dict[str, object], chroma_server: str
) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    base = f"{chroma_server}/api/v2/tenants/default_tenant/databases/default_database"
    with opener.open(f"{base}/collections", timeout=10) as resp:
        collections = json.load(resp)
    found = [c for c in collections if c["name"] == "vraagbaak"]
    assert found, collections
    with opener.open(f"{base}/collections/{found[0]['id']}/count", timeout=10) as resp:
        assert json.load(resp) == ingested["chunks"]


def test_search_finds_a_known_passage(
    ingested: dict[str, object], server_home: Path, chroma_server: str
) -> None:
    results = _json(_run(server_home, chroma_server, "search", "knock and talk Utrecht", "--json"))
    assert isinstance(results, list) and results
    assert results[0]["doc_id"] == "ondermijning-in-de-wijk"
    assert "knock" in results[0]["text"].lower()


def test_ask_returns_citations(
    ingested: dict[str, object], server_home: Path, chroma_server: str
) -> None:
    answer = _json(
        _run(server_home, chroma_server, "ask", "Wat is knock and talk in Utrecht?", "--json")
    )
    assert isinstance(answer, dict)
    assert answer["abstained"] is False
    assert answer["citations"]
    assert {c["doc_id"] for c in answer["citations"]} >= {"ondermijning-in-de-wijk"}
    assert not (server_home / "chroma").exists()


def test_bm25_is_rebuilt_from_the_server_when_missing(
    ingested: dict[str, object], server_home: Path, chroma_server: str
) -> None:
    folder = server_home / "bm25-vraagbaak"
    shutil.rmtree(folder)
    results = _json(
        _run(server_home, chroma_server, "search", "knock and talk Utrecht", "-k", "3", "--json")
    )
    assert isinstance(results, list) and results[0]["doc_id"] == "ondermijning-in-de-wijk"
    assert (folder / "rows.json").is_file()
    rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
    assert len(rows["ids"]) == ingested["chunks"]
    assert not (server_home / "chroma").exists()


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for args in (("search", "knock and talk", "--json"), ("ingest", "--json")):
        proc = _run(tmp_path / "home", url, *args)
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        assert "chroma run" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stdout.strip() == ""
    assert not (tmp_path / "home" / "chroma").exists()


def test_reader_reads_the_live_state_from_the_server(
    ingested: dict[str, object], server_home: Path, chroma_server: str
) -> None:
    """The chat page's check for a newer ingest works over HTTP too."""
    from ingest.index import IndexReader

    settings = Settings(
        home=server_home,
        corpus_dir=ROOT / "corpus",
        embedding="e5-small-q4",
        chroma_url=chroma_server,
    )
    reader = IndexReader(settings)
    assert len(reader.live.docs) == 5
    assert reader.live_changed() is False
