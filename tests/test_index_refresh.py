"""A long-running assistant (the chat page) picks up an ingest made while it runs: new
documents are found and changed text is quoted as it now stands, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant.service as service
from assistant.service import Assistant
from foundation.settings import Settings
from ingest.pipeline import run_ingest

NEW_DOC = (
    "# Kansspelen\n\nDe Kansspelautoriteit houdt toezicht op illegale gokactiviteiten in "
    "speelhallen en op internet. Gemeenten melden signalen van illegaal gokken bij haar.\n"
)


def _settings(home: Path, corpus: Path) -> Settings:
    return Settings(home=home, corpus_dir=corpus, embedding="e5-small-q4")


def test_running_assistant_sees_a_later_ingest(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    assistant = Assistant.open(settings)
    question = "Wie houdt toezicht op illegale gokactiviteiten?"
    assert all(p.doc_id != "c" for p in assistant.search(question))
    assert assistant.status().documents == 2

    # A colleague adds a document and changes another, then ingests (here: same process).
    (small_corpus / "c.md").write_text(NEW_DOC, encoding="utf-8")
    with (small_corpus / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n[[document]]\nid = "c"\nfile = "c.md"\ntitle = "Document C"\n')
    b = small_corpus / "b.txt"
    b.write_text(b.read_text(encoding="utf-8").replace("drugskoerier", "geldezel"), "utf-8")
    run_ingest(settings)

    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    found = assistant.search(question)
    assert found[0].doc_id == "c"
    assert assistant.status().documents == 3
    answer = assistant.ask("Waarvoor worden jongeren geronseld?")
    assert not answer.abstained
    quoted = " ".join(c.text for c in answer.citations)
    assert "geldezel" in quoted and "drugskoerier" not in quoted


@pytest.fixture
def checking(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Assistant, Settings]:
    """An assistant over the small corpus that checks the live state on every call."""
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    return Assistant.open(settings), settings


def test_no_reopen_while_nothing_changed(checking: tuple[Assistant, Settings]) -> None:
    assistant, settings = checking
    reader = assistant.index
    assistant.search("Wat doet de burgemeester?")
    assert assistant.index is reader  # same live state: the reader is kept
    run_ingest(settings)  # unchanged corpus: nothing switches
    assistant.search("Wat doet de burgemeester?")
    assert assistant.index is reader


def test_failed_reopen_keeps_the_old_reader(
    checking: tuple[Assistant, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, _ = checking
    reader = assistant.index

    def broken() -> bool:
        raise RuntimeError("Chroma is weg")

    monkeypatch.setattr(reader, "live_changed", broken)
    assert assistant.search("Wat doet de burgemeester?")
    assert assistant.index is reader
