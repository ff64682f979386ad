"""A chunk whose first sentence continues the one before it, across the chunk border.

Chunks are cut by length, so a passage can open mid-thought: "De procesregisseur zorgt ook
voor overdracht van de uitkomsten van dit overleg aan de rechter." says what else the
procesregisseur does ("ook") about an overleg ("dit overleg") the reader has not seen; the
sentence that says what a procesregisseur is ("Een procesregisseur van de gemeente is
verantwoordelijk voor … organisatie van het casusoverleg.") closes the chunk before it. An
answer that opens on such a sentence is half an answer, so that sentence is brought in from
the previous chunk of the same section, as stages/list_items.py brings a list's items in
from the next chunk. Within one chunk the same is done by stages/compose.py.

The test is wording only (a sentence that opens by pointing back, or says "ook" among its
first words); nothing here is tuned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.stages.candidates import Sentence, candidates
from assistant.types import Passage
from foundation.lexical import content_terms, same_stem

PreviousPassage = Callable[[Passage], Passage | None]

# "Ook …", "Daarnaast …", "Dit leidde tot …", "Zij …": the sentence leans on what came before.
_OPENS_BACK = re.compile(
    r"^\W*(?:ook|daarnaast|verder|bovendien|tevens|daarbij|hierbij|vervolgens|daarna|"
    r"daarom|daardoor|hierdoor|hierom|dit|dat|deze|die|zij|ze|hij|hun|daar|hier|"
    r"tegen\s+(?:deze|die)|om\s+(?:die|deze)\s+reden)\b",
    re.IGNORECASE,
)
# "De procesregisseur zorgt ook voor …": "ook" early in the sentence adds to something said.
OOK_WITHIN_WORDS = 5
_OOK_EARLY = re.compile(rf"^\W*(?:\S+\s+){{1,{OOK_WITHIN_WORDS}}}ook\b", re.IGNORECASE)


def leans_back(text: str) -> bool:
    return bool(_OPENS_BACK.match(text) or _OOK_EARLY.match(text))


def _question_terms_held(asked: set[str], terms: frozenset[str]) -> int:
    return sum(1 for term in asked if any(same_stem(term, word) for word in terms))


def _opens_passage(sentence: Sentence, passage: Passage) -> bool:
    return not passage.text[: sentence.start].strip()


def with_previous_sentence(
    question: str,
    ordered: list[Sentence],
    passages: Sequence[Passage],
    previous_passage: PreviousPassage | None,
) -> tuple[list[Sentence], list[Passage]]:
    """ordered: the answer's sentences (compose.order). When the answer opens on a sentence
    that opens its chunk and leans back, the last quotable sentence of the chunk before it
    (same document, same section) is put in front, its chunk appended to the passages, if
    that sentence holds at least as many of the question's words as the one it precedes: the
    chunk border then cut through the answer itself. A sentence that holds fewer is the
    chunk's previous thought, background that would only make the answer vaguer.
    The sentence brought must also hold the first content word of the one it precedes (in
    Dutch most often its subject).
    Returns the sentences and the passages they point into."""
    passages = list(passages)
    if not ordered or previous_passage is None:
        return ordered, passages
    first = ordered[0]
    passage = passages[first.passage_index]
    if first.is_item or not _opens_passage(first, passage) or not leans_back(first.text):
        return ordered, passages
    before = previous_passage(passage)
    if before is None or before.section != passage.section:
        return ordered, passages
    if before.chunk_id in {p.chunk_id for p in passages}:
        return ordered, passages  # the answer quotes that chunk already
    # chunks may overlap: then the sentence before the answer's first one is the one before
    # where that sentence appears in the previous chunk, not the previous chunk's last
    overlap = before.text.find(first.text)
    upto = overlap if overlap >= 0 else len(before.text)
    quotable = [c for c in candidates([before]) if c.selectable and not c.is_item and c.end <= upto]
    if not quotable or before.text[quotable[-1].end : upto].strip():
        return ordered, passages  # a list or a heading stands between them, not a sentence
    last = quotable[-1]
    if last.text.rstrip().endswith(("?", ":")):
        return ordered, passages
    # the same subject: "De procesregisseur zorgt ook …" after "Een procesregisseur … is";
    # a sentence on something else is the chunk's previous thought
    opening = content_terms(first.text)[:1]
    if not opening or not any(same_stem(opening[0], word) for word in last.terms):
        return ordered, passages
    asked = set(content_terms(question, drop_question_words=True))
    held = _question_terms_held(asked, last.terms)
    if not held or held < _question_terms_held(asked, first.terms):
        return ordered, passages
    passages.append(before)
    brought = Sentence(
        len(passages) - 1,
        last.start,
        last.end,
        last.text,
        False,
        frozenset(content_terms(last.text)),
        score=first.score,
    )
    return [brought, *ordered], passages


# Openers that only add to what came before ("En ook …", "Daarnaast …"); a demonstrative
# ("Dit model biedt …") often points to the section's heading, which the citation shows.
_CONTINUES = re.compile(
    r"^\W*(?:en|maar|of|want|ook|daarnaast|bovendien|verder|tevens|vervolgens|daarna)\b",
    re.IGNORECASE,
)


def without_dangling_opening(
    ordered: list[Sentence], passages: Sequence[Passage], previous_passage: PreviousPassage | None
) -> list[Sentence]:
    """An answer does not open on a sentence that continues the chunk before ("En ook op de
    mate waarin het vraagstuk 'jonge aanwas' speelt in de gemeente.") when that sentence is
    padding and with_previous_sentence could not bring what it continues: the reader meets
    half a thought first. As the answer's best sentence it stays, and so does the opening of
    a section, which continues nothing."""
    if len(ordered) < 2 or previous_passage is None:
        return ordered
    first = ordered[0]
    passage = passages[first.passage_index]
    best = max(ordered, key=lambda s: s.score)
    if first is best or first.is_item or not _opens_passage(first, passage):
        return ordered
    if not (_CONTINUES.match(first.text) or _OOK_EARLY.match(first.text)):
        return ordered
    before = previous_passage(passage)
    continues = before is not None and before.section == passage.section
    return ordered[1:] if continues else ordered
