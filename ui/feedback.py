"""Thumbs up/down on answers, kept in a SQLite file in the data dir.

Staff rate answers on the chat page; maintainers export the ratings to see which questions
go wrong. SQLite because it needs no server, survives restarts, and copes with a few
Streamlit sessions writing at once. One row per answer (keyed by `answer_id`), so changing
a thumb or adding a comment later updates that row instead of counting the answer twice.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from assistant.types import Answer

Rating = Literal["up", "down"]
ExportFormat = Literal["jsonl", "csv"]

FEEDBACK_FILE = "feedback.sqlite"
COLUMNS = (
    "answer_id",
    "created_at",
    "updated_at",
    "question",
    "standalone_question",
    "answer",
    "citations",
    "rating",
    "comment",
    "mode",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL
)
"""


def feedback_path(home: Path) -> Path:
    return Path(home) / FEEDBACK_FILE


@dataclass(frozen=True)
class FeedbackEntry:
    answer_id: str
    question: str
    standalone_question: str
    answer: str
    citations: list[dict[str, Any]]
    rating: Rating
    comment: str
    mode: str

    @classmethod
    def from_answer(
        cls, answer_id: str, answer: Answer, rating: Rating, comment: str = ""
    ) -> FeedbackEntry:
        return cls(
            answer_id=answer_id,
            question=answer.question,
            standalone_question=answer.standalone_question or answer.question,
            answer=answer.text,
            citations=[c.to_json() for c in answer.citations],
            rating=rating,
            comment=comment.strip(),
            mode=str(answer.mode),
        )


@contextmanager
def _connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection per operation: Streamlit reruns on many threads, and a
    sqlite3 connection must not cross threads."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        conn.execute(_SCHEMA)
        with conn:
            yield conn
    finally:
        conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_feedback(db_path: Path, entry: FeedbackEntry) -> None:
    """Insert, or update the rating and comment of an answer rated before."""
    if entry.rating not in ("up", "down"):
        raise ValueError(f"rating must be 'up' or 'down', not {entry.rating!r}")
    now = _now()
    with _connect(db_path) as conn:
        conn.execute(
            """
            INSERT INTO feedback (answer_id, created_at, updated_at, question,
                standalone_question, answer, citations, rating, comment, mode)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(answer_id) DO UPDATE SET
                updated_at = excluded.updated_at,
                rating = excluded.rating,
                comment = CASE WHEN excluded.comment != '' THEN excluded.comment
                               ELSE feedback.comment END
            """,
            (
                entry.answer_id,
                now,
                now,
                entry.question,
                entry.standalone_question,
                entry.answer,
                json.dumps(entry.citations, ensure_ascii=False),
                entry.rating,
                entry.comment,
                entry.mode,
            ),
        )


def read_feedback(db_path: Path) -> list[dict[str, Any]]:
    """All rows, oldest first, citations decoded; an absent file means no feedback yet."""
    if not Path(db_path).is_file():
        return []
    with _connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY created_at, rowid"
        ).fetchall()
    out = []
    for row in rows:
        item = dict(row)
        item["citations"] = json.loads(item["citations"] or "[]")
        out.append(item)
    return out


def _write(rows: list[dict[str, Any]], fh: TextIO, fmt: ExportFormat) -> None:
    if fmt == "jsonl":
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "citations": json.dumps(row["citations"], ensure_ascii=False)})


def export_feedback(db_path: Path, out: Path | TextIO, fmt: ExportFormat = "jsonl") -> int:
    """Write all feedback as JSON Lines or CSV to a file path or an open text stream
    (e.g. sys.stdout); returns the number of rows. CSV keeps citations as a JSON string so
    one answer stays one spreadsheet row."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"format must be 'jsonl' or 'csv', not {fmt!r}")
    rows = read_feedback(db_path)
    if isinstance(out, str | Path):
        with Path(out).open("w", encoding="utf-8", newline="") as fh:
            _write(rows, fh, fmt)
    else:
        _write(rows, out, fmt)
    return len(rows)


def export_bytes(db_path: Path, fmt: ExportFormat = "jsonl") -> bytes:
    """For a download button."""
    buf = io.StringIO()
    export_feedback(db_path, buf, fmt)
    return buf.getvalue().encode("utf-8")
