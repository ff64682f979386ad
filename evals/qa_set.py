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


@dataclass(frozen=True)
class QAProblem:
    """One thing wrong with a Q&A file, as data, so each front end words it in its own
    language (the command line in English, `english`; the maintainers' page in Dutch),
    the way evals/failures.py does for failed questions.

    line: 1-based line in the file, None for the file as a whole; kind: what is wrong
    (the keys of _ENGLISH); key: the field concerned; value: the offending value (a type,
    an id, a JSON error); number: a quote's index, the earlier line of a duplicate id or
    the column of a JSON error.
    """

    line: int | None
    kind: str
    key: str = ""
    value: str = ""
    number: int | None = None

    @property
    def english(self) -> str:
        return _ENGLISH[self.kind].format(
            key=self.key, value=self.value, number=self.number, types=", ".join(QUESTION_TYPES)
        )


_ENGLISH = {
    "unreadable": "cannot read Q&A file: {value}",
    "no_questions": "no questions in file",
    "json": "not valid JSON ({value} at column {number})",
    "not_object": "expected a JSON object",
    "not_string": "'{key}' must be a string",
    "quotes_not_list": "'quotes' must be a list of strings",
    "unknown_type": "'type' is {value!r}, expected one of {types}",
    "none_with_quotes": "a 'none' question must have empty 'quotes'",
    "needs_quote": "a '{value}' question needs at least one quote",
    "empty_quote": "quote {number} has no letters or digits, it can never match",
    "empty_question": "'question' is empty",
    "conversation_not_string": "'conversation' must be a string when present",
    "duplicate_id": "id {value!r} already used on line {number}",
}
PROBLEM_KINDS = tuple(_ENGLISH)


class QAFormatError(UserError):
    """The Q&A file is not in the Q&A format (docs/ARCHITECTURE.md); the message names every
    bad line, and `problems` holds them as data."""

    def __init__(self, message: str, problems: list[QAProblem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[QAProblem] = list(problems or [])


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


def _check_item(raw: Any, lineno: int) -> tuple[QAItem | None, list[QAProblem]]:
    if not isinstance(raw, dict):
        return None, [QAProblem(lineno, "not_object")]
    errors = []
    for key in ("id", "question", "answer", "doc", "type"):
        if not isinstance(raw.get(key), str):
            errors.append(QAProblem(lineno, "not_string", key=key))
    quotes = raw.get("quotes")
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        errors.append(QAProblem(lineno, "quotes_not_list", key="quotes"))
        quotes = []
    qtype = raw.get("type")
    if isinstance(qtype, str) and qtype not in QUESTION_TYPES:
        errors.append(QAProblem(lineno, "unknown_type", key="type", value=qtype))
    if qtype == "none" and quotes:
        errors.append(QAProblem(lineno, "none_with_quotes", key="quotes"))
    if isinstance(qtype, str) and qtype != "none":
        if not quotes:
            errors.append(QAProblem(lineno, "needs_quote", key="quotes", value=qtype))
        for i, q in enumerate(quotes):
            if not normalize(q):
                errors.append(QAProblem(lineno, "empty_quote", key="quotes", number=i))
    if isinstance(raw.get("question"), str) and not raw["question"].strip():
        errors.append(QAProblem(lineno, "empty_question", key="question"))
    conversation = raw.get("conversation")
    if conversation is not None and not isinstance(conversation, str):
        errors.append(QAProblem(lineno, "conversation_not_string", key="conversation"))
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


def _english(path: Path, problem: QAProblem) -> str:
    where = f"{path}:{problem.line}" if problem.line is not None else f"{path}"
    return f"{where}: {problem.english}"


def load_qa(path: Path) -> list[QAItem]:
    """Validate the whole file before running anything: a typo on line 80 should not surface after
    ten minutes of asking. All problems are reported at once, each with its line number."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problem = QAProblem(None, "unreadable", value=str(exc))
        raise QAFormatError(_english(path, problem), [problem]) from exc
    items: list[QAItem] = []
    errors: list[QAProblem] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(QAProblem(lineno, "json", value=exc.msg, number=exc.colno))
            continue
        item, problems = _check_item(raw, lineno)
        errors.extend(problems)
        if item is None:
            continue
        if item.id in seen:
            errors.append(
                QAProblem(lineno, "duplicate_id", key="id", value=item.id, number=seen[item.id])
            )
            continue
        seen[item.id] = lineno
        items.append(item)
    if not items and not errors:
        errors.append(QAProblem(None, "no_questions"))
    if errors:
        message = "invalid Q&A file:\n  " + "\n  ".join(_english(path, e) for e in errors)
        raise QAFormatError(message, errors)
    return items
