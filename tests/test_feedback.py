"""Feedback store: what staff click must survive restarts and come out for maintainers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from assistant.types import Answer, Citation
from ui.feedback import (
    FeedbackEntry,
    export_bytes,
    export_feedback,
    feedback_path,
    read_feedback,
    save_feedback,
)


def _answer(question: str = "Wat is het Zorg- en Veiligheidshuis?") -> Answer:
    citation = Citation(
        n=1,
        doc_id="wegwijzer",
        title="Wegwijzer",
        publisher="VNG",
        date="2025-01",
        page=4,
        section="1 Inleiding",
        quote="Het Zorg- en Veiligheidshuis brengt partners samen.",
        text="Inleiding. Het Zorg- en Veiligheidshuis brengt partners samen.",
    )
    return Answer(
        question=question,
        text="Het brengt partners samen [1].",
        citations=[citation],
        mode="extractive",
        abstained=False,
        standalone_question=question + " (standalone)",
    )


def test_store_and_read_back(tmp_path: Path) -> None:
    db = feedback_path(tmp_path / "home")
    save_feedback(db, FeedbackEntry.from_answer("a1", _answer(), "up", "  helder  "))
    rows = read_feedback(db)
    assert len(rows) == 1
    row = rows[0]
    assert row["answer_id"] == "a1"
    assert row["rating"] == "up"
    assert row["comment"] == "helder"
    assert row["mode"] == "extractive"
    assert row["question"] == "Wat is het Zorg- en Veiligheidshuis?"
    assert row["standalone_question"].endswith("(standalone)")
    assert row["answer"] == "Het brengt partners samen [1]."
    assert row["citations"][0]["title"] == "Wegwijzer"
    assert row["citations"][0]["page"] == 4
    assert row["created_at"] and row["updated_at"]


def test_same_answer_updates_one_row_and_keeps_comment(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite"
    save_feedback(db, FeedbackEntry.from_answer("a1", _answer(), "up", "eerst"))
    save_feedback(db, FeedbackEntry.from_answer("a1", _answer(), "down"))
    save_feedback(db, FeedbackEntry.from_answer("a2", _answer("Tweede vraag?"), "up"))
    rows = read_feedback(db)
    assert [r["answer_id"] for r in rows] == ["a1", "a2"]
    assert rows[0]["rating"] == "down"
    assert rows[0]["comment"] == "eerst"  # an empty comment does not wipe an earlier one


def test_bad_rating_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        save_feedback(tmp_path / "f.sqlite", FeedbackEntry.from_answer("a", _answer(), "meh"))  # type: ignore[arg-type]


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_feedback(tmp_path / "none.sqlite") == []
    assert export_feedback(tmp_path / "none.sqlite", tmp_path / "out.jsonl") == 0
    assert (tmp_path / "out.jsonl").read_text() == ""


def test_export_jsonl(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite"
    save_feedback(db, FeedbackEntry.from_answer("a1", _answer(), "up", 'goed; "citaat"'))
    save_feedback(db, FeedbackEntry.from_answer("a2", _answer("Vraag 2?"), "down"))
    out = tmp_path / "feedback.jsonl"
    assert export_feedback(db, out, "jsonl") == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [x["rating"] for x in lines] == ["up", "down"]
    assert lines[0]["comment"] == 'goed; "citaat"'
    assert lines[0]["citations"][0]["quote"].startswith("Het Zorg- en Veiligheidshuis")
    assert export_bytes(db, "jsonl").decode("utf-8") == out.read_text(encoding="utf-8")


def test_export_csv_to_stream(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite"
    save_feedback(
        db, FeedbackEntry.from_answer("a1", _answer(), "up", "regel 1\nregel 2, met komma")
    )
    buf = io.StringIO()
    assert export_feedback(db, buf, "csv") == 1
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == 1
    assert rows[0]["comment"] == "regel 1\nregel 2, met komma"
    assert rows[0]["rating"] == "up"
    assert json.loads(rows[0]["citations"])[0]["doc_id"] == "wegwijzer"


def test_export_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        export_feedback(tmp_path / "f.sqlite", tmp_path / "out", "xml")  # type: ignore[arg-type]
