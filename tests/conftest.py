"""Shared fixtures. The real index of the bundled corpus is built once per test run
(embedding is the cost: about two minutes here) in a temporary data dir, which the two
processes of `make test` (pytest-xdist, one test file at a time each) share."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import foundation  # noqa: F401  (offline defaults)
from foundation.settings import Settings
from ingest.embedders import register_embedder
from tests.fake_embedder import FAKE_EMBEDDING, HashEmbeddings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OUTPUT = ROOT / "test-output"

# Unit tests that need vectors but not e5 use this; see tests/fake_embedder.py.
register_embedder(FAKE_EMBEDDING, lambda _: HashEmbeddings(), usage=repr(FAKE_EMBEDDING))


# Browser test files: one Streamlit server and one Chromium each, which time out when both run
# at once on the two cores (see browser_turn). Kept apart in the order below.
BROWSER_FILES = ("tests/test_browser.py", "tests/test_browser_documents.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order test files for the two processes of `make test` (`--dist loadfile
    --no-loadscope-reorder` hands out whole files in this order).

    The first file's first test needs the corpus index, so the first process starts
    embedding the corpus at once (about two minutes); then come the files that need no
    index, which the second process works through meanwhile instead of waiting on the build
    lock; then the files that need it, most tests first, with the two browser files first
    and last so they rarely meet. A plain `pytest` run keeps this order too. The run took as
    long as with xdist's own order (788 s against 766-805 s here): the build uses both cores
    either way, so what this order buys is the browser files kept apart.
    """
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)

    def uses_index(item: pytest.Item) -> bool:
        return "corpus_index" in getattr(item, "fixturenames", ())

    def needs_index(name: str) -> bool:
        return any(uses_index(i) for i in files[name])

    with_index = sorted((f for f in files if needs_index(f)), key=lambda f: -len(files[f]))
    without = sorted((f for f in files if not needs_index(f)), key=lambda f: -len(files[f]))

    def builds_at_once(name: str) -> tuple[bool, int]:
        return (uses_index(files[name][0]), len(files[name]))

    candidates = [f for f in with_index if f not in BROWSER_FILES]
    opener = [max(candidates, key=builds_at_once)] if candidates else []
    rest = [f for f in with_index if f not in opener and f not in BROWSER_FILES]
    browser = [f for f in BROWSER_FILES if f in files]
    order = opener + without + browser[:1] + rest + browser[1:]
    items[:] = [item for name in order for item in files[name]]


@pytest.fixture(scope="module")
def browser_turn(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[None]:
    """Held by a browser test file while it runs its page server and Chromium, so the other
    process of `make test` never runs the other browser file at the same time: on two cores,
    two servers and two browsers made waits time out (three failures in one run)."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    folder = base if worker_id == "master" else base.parent
    with FileLock(str(folder / "browser.lock")):
        yield


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts a person may want to look at (screenshots, reports)."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Settings:
    """Settings of a real index over the bundled corpus, built once per test run.

    Under `make test` (pytest-xdist, two processes) the first process to get here builds it
    in the run's shared temporary folder while the other waits on a file lock, then finds it
    up to date (ingest is incremental) instead of embedding the corpus a second time on the
    same two cores. VRAAGBAAK_TEST_HOME may point at a prebuilt data dir to skip the cold
    ingest while developing; CI never sets it.
    """
    from filelock import FileLock

    from ingest.pipeline import run_ingest

    prebuilt = os.environ.get("VRAAGBAAK_TEST_HOME")
    if prebuilt:
        home = Path(prebuilt)
    elif worker_id == "master":
        home = tmp_path_factory.mktemp("index") / "home"
    else:
        home = tmp_path_factory.getbasetemp().parent / "corpus-index" / "home"
    settings = Settings(home=home, corpus_dir=CORPUS, embedding="e5-small-q4")
    home.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home.parent / "build.lock")):
        report = run_ingest(settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def assistant(corpus_index: Settings):
    from assistant.service import Assistant

    return Assistant.open(corpus_index)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A two-document corpus that embeds in a second, for ingest behaviour tests."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text(
        "# Zorg en veiligheid\n\nDe gemeente werkt samen met zorgpartners en politie. "
        "Het Zorg- en Veiligheidshuis brengt partners samen rond complexe casuïstiek.\n\n"
        "## Rol van de burgemeester\n\nDe burgemeester is verantwoordelijk voor de openbare "
        "orde. Hij kan een woning sluiten bij drugshandel.\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "Jonge aanwas\n\nJongeren worden geronseld als drugskoerier. Preventie op scholen en "
        "in de wijk helpt om te voorkomen dat zij in de criminaliteit belanden.\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        '[[document]]\nid = "a"\nfile = "a.md"\ntitle = "Document A"\npublisher = "VNG"\n'
        'date = "2024"\n\n[[document]]\nid = "b"\nfile = "b.txt"\ntitle = "Document B"\n',
        encoding="utf-8",
    )
    return folder


def copy_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
