"""The Q&A set format (docs/ARCHITECTURE.md): read a JSONL file and check every line before
anything is asked, so a typo on line 80 does not surface after ten minutes of asking."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.gold import normalize
from foundation.errors import UserError

QUESTION_TYPES = ("fact", "list", "why", "multi", "cross", "none")


class QAFormatError(UserError):
    """The Q&A file is not in the Q&A format (docs/ARCHITECTURE.md); the message names every
    bad line."""


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answer: str
    quotes: tuple[str, ...]
    docs: tuple[str, ...]
    type: str
    line: int
    conversation: str | None = None
    paraphrase_of: str | None = None

    @property
    def family(self) -> str:
        """A question and its paraphrases are one family, and so are the turns of one
        conversation: they must sit on the same side of any split between training and
        testing."""
        return self.paraphrase_of or self.conversation or self.id

    @property
    def answerable(self) -> bool:
        return self.type != "none"


def _check_item(raw: Any, lineno: int) -> tuple[QAItem | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["expected a JSON object"]
    errors = []
    for key in ("id", "question", "answer", "doc", "type"):
        if not isinstance(raw.get(key), str):
            errors.append(f"'{key}' must be a string")
    quotes = raw.get("quotes")
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        errors.append("'quotes' must be a list of strings")
        quotes = []
    qtype = raw.get("type")
    if isinstance(qtype, str) and qtype not in QUESTION_TYPES:
        errors.append(f"'type' is {qtype!r}, expected one of {', '.join(QUESTION_TYPES)}")
    if qtype == "none" and quotes:
        errors.append("a 'none' question must have empty 'quotes'")
    if isinstance(qtype, str) and qtype != "none":
        if not quotes:
            errors.append(f"a '{qtype}' question needs at least one quote")
        for i, q in enumerate(quotes):
            if not normalize(q):
                errors.append(f"quote {i} has no letters or digits, it can never match")
    if isinstance(raw.get("question"), str) and not raw["question"].strip():
        errors.append("'question' is empty")
    conversation = raw.get("conversation")
    if conversation is not None and not isinstance(conversation, str):
        errors.append("'conversation' must be a string when present")
    if errors:
        return None, errors
    docs = tuple(d.strip() for d in raw["doc"].split("|") if d.strip())
    item = QAItem(
        id=raw["id"],
        question=raw["question"],
        answer=raw["answer"],
        quotes=tuple(quotes),
        docs=docs,
        type=raw["type"],
        line=lineno,
        conversation=conversation,
        paraphrase_of=raw.get("paraphrase_of")
        if isinstance(raw.get("paraphrase_of"), str)
        else None,
    )
    return item, []


def load_qa(path: Path) -> list[QAItem]:
    """Validate the whole file before running anything: a typo on line 80 should not surface after
    ten minutes of asking. All problems are reported at once, each with its line number."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAFormatError(f"{path}: cannot read Q&A file: {exc}") from exc
    items: list[QAItem] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        item, problems = _check_item(raw, lineno)
        errors.extend(f"{path}:{lineno}: {p}" for p in problems)
        if item is None:
            continue
        if item.id in seen:
            errors.append(f"{path}:{lineno}: id {item.id!r} already used on line {seen[item.id]}")
            continue
        seen[item.id] = lineno
        items.append(item)
    if not items and not errors:
        errors.append(f"{path}: no questions in file")
    if errors:
        raise QAFormatError("invalid Q&A file:\n  " + "\n  ".join(errors))
    return items
