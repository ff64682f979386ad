"""Stage 1, understand: clean what was typed, make a follow-up standalone, and read what kind
of answer the question wants.

Input checks live here because every front end (command line, chat page, evals) passes
through: an empty question, a 50,000-character paste or control characters get a clear Dutch
message instead of a traceback or a slow, useless search.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.stages.followup import make_standalone
from assistant.stages.question_type import (
    asks_for_amount,
    asks_for_number,
    asks_when,
    asks_who,
    asks_why,
    definition_subject,
    is_list_question,
    question_parts,
)
from assistant.types import Question
from foundation.errors import QuestionError

MAX_QUESTION_CHARS = 2000

# Terminal colour codes (ESC [ ... m) come along when a question is pasted from a terminal;
# dropping only the ESC would leave "[31m" in the question.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _clean_char(ch: str) -> str:
    """Control characters become a space (they may separate words); invisible format
    characters such as a zero-width space are dropped (they sit inside words)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    return "" if category.startswith("C") else ch


def clean_question(question: str) -> str:
    """Control characters out, whitespace folded, length checked."""
    if question is None:
        raise QuestionError("Stel een vraag: het vraagveld is leeg.")
    text = ANSI_ESCAPE.sub("", unicodedata.normalize("NFC", str(question)))
    text = "".join(_clean_char(ch) for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"\w", text):
        raise QuestionError("Stel een vraag: het vraagveld is leeg.")
    if len(text) > MAX_QUESTION_CHARS:
        count, limit = (f"{n:,}".replace(",", ".") for n in (len(text), MAX_QUESTION_CHARS))
        raise QuestionError(
            f"Deze vraag is te lang ({count} tekens; maximaal {limit}). "
            "Stel een kortere vraag, of plak alleen de kern van de tekst."
        )
    return text


def understand(question: str, history: list[tuple[str, str]] | None = None) -> Question:
    """The question the later stages work on. history: the conversation's earlier turns as
    (standalone question, answer text), newest last; a follow-up is completed from them."""
    text = clean_question(question)
    query = make_standalone(text, history) if history else text
    return Question(
        text=text,
        query=query,
        is_list=is_list_question(query),
        asks_number=asks_for_number(query),
        asks_amount=asks_for_amount(query),
        definition_subject=definition_subject(query),
        asks_when=asks_when(query),
        asks_who=asks_who(query),
        asks_why=asks_why(query),
        parts=question_parts(query),
    )
