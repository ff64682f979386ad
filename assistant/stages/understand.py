"""Stage 1, understand: clean what was typed, read what a follow-up takes from the conversation
(stages/context.py: signals for retrieval, never a rewritten sentence), and read what kind of
answer the question wants.

Input checks live here because every front end (command line, chat page, evals) passes
through: an empty question, a 50,000-character paste or control characters get a clear Dutch
message instead of a traceback or a slow, useless search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from assistant.stages.answer_slot import answered_in_words, asked_slot
from assistant.stages.context import context_of, lean_of, search_text
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
from assistant.types import EarlierTurn, FollowupSignals, Question
from foundation.errors import QuestionError
from foundation.lexical import QUESTION_WORDS

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


def _asks(text: str) -> bool:
    """The question has a question word of its own ("En in Glanerbrug?" has none)."""
    return any(w in QUESTION_WORDS for w in re.findall(r"\w+", text.lower()))


def _no_weight(term: str) -> float:
    return 1.0


def understand(
    question: str,
    earlier: Sequence[EarlierTurn] | None = None,
    term_weight: Callable[[str], float] | None = None,
) -> Question:
    """The question the later stages work on. earlier: the conversation's earlier turns,
    newest last; a follow-up that leans on them gets their context as labels and retrieval
    signals, a question with its own subject is left as asked. term_weight: the index's idf,
    to pick the salient words of the previous answer's quotes."""
    text = clean_question(question)
    lean = lean_of(text, bool(earlier))
    if lean.kind is None or not earlier:
        return _typed(text, lean.text)
    labels, carried, signals = context_of(lean.text, lean, earlier, term_weight or _no_weight)
    query = search_text(lean.text, carried)
    # "En in Glanerbrug?" asks what the previous question asked: read its kind from there
    asking = [t.question for t in earlier if _asks(t.question)]
    kind_of = query if _asks(text) or not asking else f"{asking[-1]} {query}"
    return _typed(text, query, kind_of, labels, signals)


def _typed(
    text: str,
    query: str,
    kind_of: str | None = None,
    context: tuple[str, ...] = (),
    signals: FollowupSignals | None = None,
) -> Question:
    kind_of = query if kind_of is None else kind_of
    slot = asked_slot(kind_of)
    in_words = answered_in_words(slot)
    return Question(
        text=text,
        query=query,
        is_list=is_list_question(kind_of),
        asks_number=asks_for_number(kind_of) and not in_words,
        asks_amount=asks_for_amount(kind_of),
        definition_subject=definition_subject(query) if signals is None else None,
        asks_when=asks_when(kind_of),
        asks_who=asks_who(kind_of),
        asks_why=asks_why(kind_of),
        slot=slot,
        parts=question_parts(query),
        context=context,
        signals=signals,
    )
