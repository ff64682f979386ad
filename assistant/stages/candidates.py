"""The sentences of the top passages that an extractive answer may quote.

Staff paste answers into memos, so every quoted sentence must be a whole, readable source
sentence: headings, fragments, URL lines and questions in the source are never quoted. A short
lead such as "City deal-gemeenten:" is kept but not quotable on its own: its list items borrow
its score, so a list is found by what introduces it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.types import Passage
from foundation.lexical import content_terms
from foundation.sentences import sentence_spans

MIN_SENTENCE_CHARS = 25

BULLET = re.compile(r"^\s*(?:[•\-–*▪◦·»]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_URL = re.compile(r"(https?://|www\.|\S+@\S+\.\w+)", re.IGNORECASE)
_TERMINAL = tuple(".!?;:,…\"”’)'")


@dataclass
class Sentence:
    """One candidate sentence; start/end are offsets into its passage's text. The scores
    are filled in by stages/evidence.py."""

    passage_index: int
    start: int
    end: int
    text: str
    is_item: bool
    terms: frozenset[str]
    selectable: bool = True
    lead: int | None = None  # index of the "…:" sentence a list item belongs to
    lead_span: tuple[int, int] | None = None  # that sentence's offsets in the passage
    cheap: float = 0.0
    lex: float = 0.0
    cosine: float | None = None
    score: float = 0.0


def _is_item(text: str) -> bool:
    return bool(BULLET.match(text))


def _usable(text: str, is_item: bool) -> bool:
    """Headings, fragments, URL lines and crumbs make unreadable answers; keep whole sentences."""
    stripped = text.strip()
    if len(stripped) < MIN_SENTENCE_CHARS and not (is_item and len(stripped) >= 12):
        return False
    if _URL.search(stripped) and len(_URL.sub("", stripped).strip()) < 60:
        return False
    if sum(ch.isalpha() for ch in stripped) < 0.6 * len(stripped):
        return False
    body = BULLET.sub("", stripped)
    if body.endswith("?"):
        return False  # a question in the source asks, it does not answer
    if not body.endswith(_TERMINAL) and len(body.split()) < 10 and not is_item:
        return False  # a heading
    first = next((ch for ch in body if ch.isalpha()), "")
    return not (first.islower() and not is_item and len(body.split()) < 6)


def candidates(passages: Sequence[Passage]) -> list[Sentence]:
    """All sentences worth scoring, in passage and document order. A lead is kept,
    unselectable, because its list items borrow its score."""
    out: list[Sentence] = []
    for pi, passage in enumerate(passages):
        lead: int | None = None
        for start, end in sentence_spans(passage.text):
            raw = passage.text[start:end]
            # Trim whitespace but keep offsets exact, so the quote is a true substring.
            start += len(raw) - len(raw.lstrip())
            end -= len(raw) - len(raw.rstrip())
            text = passage.text[start:end]
            item = _is_item(text)
            is_lead = not item and text.endswith(":")
            usable = _usable(text, item)
            if usable or is_lead:
                out.append(Sentence(pi, start, end, text, item, frozenset(content_terms(text))))
                out[-1].selectable = usable
                out[-1].lead = lead if item else None
                if item and lead is not None:
                    out[-1].lead_span = (out[lead].start, out[lead].end)
            if is_lead:
                lead = len(out) - 1
            elif not item and not text.endswith("?"):
                lead = None  # a question heading between lead and items does not end the list
    return out
