"""An extractive answer from scored evidence: choose the sentences, order them, mark each with
the number of its passage, and quote exactly what was used.

Why extractive: staff paste answers into memos, so every sentence must be verifiably in a
source. Nothing is generated; the answer is a selection of source sentences.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from assistant.stages.candidates import BULLET, Sentence
from assistant.types import ABSTAIN_TEXT, QUOTE_GAP, Answer, Citation, Passage
from foundation.sentences import FOOTNOTE_MARK

# Sentences of a non-list answer (of one passage): the best one and what surrounds it.
MAX_SENTENCES = 4
LIST_MAX_SENTENCES = 7
DUPLICATE_JACCARD = 0.75
# Sentences of *other* passages this far below the best one are padding, not answer. A
# non-list answer quotes one passage only (margin 0: another passage would have to beat the
# best sentence, which it cannot): a wrong citation costs staff more than a missing one.
KEEP_MARGIN = 0.0
LIST_KEEP_MARGIN = 0.04
# Neighbours from the best sentence's own passage read as one coherent statement, so they
# may trail the best sentence further.
SAME_PASSAGE_MARGIN = 0.12


def sentence_key(text: str) -> str:
    """How given sentences are recognised again: case and whitespace do not matter."""
    return " ".join(text.split()).lower()


# ---------------------------------------------------------------------------- selection


def _is_duplicate(c: Sentence, chosen: list[Sentence], passages: Sequence[Passage]) -> bool:
    """Overlapping chunks repeat sentences; the same claim twice adds nothing."""
    for other in chosen:
        if not c.terms or not other.terms:
            if c.text == other.text:
                return True
            continue
        jac = len(c.terms & other.terms) / len(c.terms | other.terms)
        if jac >= DUPLICATE_JACCARD:
            return True
        if passages[c.passage_index].doc_id == passages[other.passage_index].doc_id and (
            c.text in other.text or other.text in c.text
        ):
            return True
    return False


def select(
    scored: list[Sentence],
    passages: Sequence[Passage],
    as_list: bool,
    given: Collection[str] = (),
    only_new: bool = False,
) -> list[Sentence]:
    """The answer's sentences, best first. given: sentence_key()s earlier answers in the
    conversation quoted; they are not used as padding, so a follow-up that lands on the same
    passage gives its best sentence (it may be what the user asks again: "Wanneer is dat
    gestart?") plus what was not said yet. only_new ("vertel meer"): not even the best
    sentence repeats, unless nothing new is left."""
    limit = max(MAX_SENTENCES, LIST_MAX_SENTENCES) if as_list else MAX_SENTENCES
    margin = LIST_KEEP_MARGIN if as_list else KEEP_MARGIN
    ranked = sorted(scored, key=lambda c: -c.score)
    if given and only_new:
        ranked = [c for c in ranked if sentence_key(c.text) not in given] or ranked[:1]
    best = ranked[0]
    chosen: list[Sentence] = []
    for c in ranked:
        if len(chosen) >= limit:
            break
        if chosen and given and sentence_key(c.text) in given:
            continue  # said before in this conversation: only the best sentence may repeat
        if chosen and c.text.startswith(FOOTNOTE_MARK):
            continue  # an aside, not part of the passage's story: it answers or it stays out
        allowed = SAME_PASSAGE_MARGIN if c.passage_index == best.passage_index else margin
        if c.score >= best.score - max(margin, allowed) and not _is_duplicate(c, chosen, passages):
            chosen.append(c)
    return _with_antecedent(chosen, scored, limit)


# A sentence that opens by pointing back ("Tegen deze achtergrond startte de gemeente …",
# "Daarom …", "Dit leidde tot …") says half of what it means; the sentence before it says the
# rest (the background, the reason, what "dit" is).
_POINTS_BACK = re.compile(
    r"^\W*(?:tegen\s+(?:deze|die|die\s+achtergrond|deze\s+achtergrond)\b|om\s+(?:die|deze)\s+"
    r"reden\b|daarom|daardoor|hierdoor|hierom|dit\s+(?:is|was|leidde|leidt|betekent|"
    r"heeft|zorgde|zorgt)\b|dat\s+(?:is|was|leidde|leidt|betekent|komt)\b)",
    re.IGNORECASE,
)


# A sentence before such a one that itself opens with a pronoun still leans on the one before
# it ("Zij namen bezit van woningen …"); the chain is followed this far back.
_LEANS_BACK = re.compile(r"^\W*(?:zij|ze|hij|die|deze|dit|dat|daar|hier|hun|daarbij)\b", re.I)
MAX_ANTECEDENTS = 3


def _antecedents(sentence: Sentence, scored: list[Sentence]) -> list[Sentence]:
    """The sentences before one in its passage that it leans on, nearest first."""
    before = sorted(
        (
            c
            for c in scored
            if c.passage_index == sentence.passage_index
            and c.end <= sentence.start
            and c.selectable
        ),
        key=lambda c: -c.start,
    )
    chain: list[Sentence] = []
    for c in before[:MAX_ANTECEDENTS]:
        chain.append(c)
        if not _LEANS_BACK.match(c.text):
            break
    return chain


def _with_antecedent(chosen: list[Sentence], scored: list[Sentence], limit: int) -> list[Sentence]:
    """With the predecessors of each chosen sentence of the best passage that points back to
    them; they take the places of the weakest other sentences when the answer is full."""
    if not chosen:
        return chosen
    best = chosen[0]

    def key(c: Sentence) -> tuple[int, int]:
        return (c.passage_index, c.start)

    taken = {key(c) for c in chosen}
    pointing = [
        c for c in chosen if c.passage_index == best.passage_index and _POINTS_BACK.match(c.text)
    ]
    anchored = {key(best)} | {key(c) for c in pointing}
    extra: list[Sentence] = []
    for c in pointing:
        for a in _antecedents(c, scored):
            anchored.add(key(a))
            if key(a) in taken:
                break  # what it leans on is in the answer already, and stays
            taken.add(key(a))
            extra.append(a)
    if not extra:
        return chosen
    kept = [c for c in chosen if key(c) in anchored]
    others = [c for c in chosen if key(c) not in anchored]
    room = max(limit - len(kept) - len(extra), 0)
    return [*kept, *extra, *others[:room]]


# A "waarom" answer must hold the reason. Passages often state the fact the question repeats
# ("Deze samenwerking staat onder druk.") and give the reason in the next sentence, which
# shares few of the question's words ("Reden hiervoor is dat …", "Dit komt doordat …").
_STATES_REASON = re.compile(
    r"\b(?:omdat|doordat|reden|redenen|oorzaak|oorzaken|want|vanwege|dankzij|daardoor|"
    r"waardoor|komt\s+door)\b",
    re.IGNORECASE,
)
_OPENS_WITH_REASON = re.compile(
    r"^\W*(?:(?:de|een|belangrijke|andere)\s+)?(?:reden|redenen|oorzaak|oorzaken)\b"
    r"|^\W*(?:dit|dat|het)\s+komt\s+(?:doordat|omdat|door)\b"
    r"|^\W*(?:omdat|doordat|want)\b"
    r"|^\W*(?:dit|dat)\s+heeft\s+(?:te\s+maken\s+met|als\s+oorzaak)\b",
    re.IGNORECASE,
)


def with_stated_reason(chosen: list[Sentence], scored: list[Sentence]) -> list[Sentence]:
    """For a "waarom" question whose chosen sentences state no reason: the sentence right
    after one of them that opens by giving it, in place of the weakest when the answer is
    full. Unchanged when no such sentence follows."""
    if not chosen or any(_STATES_REASON.search(c.text) for c in chosen):
        return chosen
    taken = {(c.passage_index, c.start) for c in chosen}
    for c in chosen:
        after = [
            n
            for n in scored
            if n.passage_index == c.passage_index and n.start >= c.end and n.selectable
        ]
        if not after:
            continue
        following = min(after, key=lambda n: n.start)
        if (following.passage_index, following.start) in taken:
            continue
        if _OPENS_WITH_REASON.match(following.text):
            return [*chosen[: MAX_SENTENCES - 1], following]
    return chosen


def order(chosen: list[Sentence]) -> list[Sentence]:
    """Passages in order of their best sentence; sentences of one passage in document order,
    so a passage's sentences read as they were written."""
    groups: dict[int, list[Sentence]] = {}
    for c in chosen:  # chosen is best-first, so groups are created best-first
        groups.setdefault(c.passage_index, []).append(c)
    return [c for group in groups.values() for c in sorted(group, key=lambda s: s.start)]


# ---------------------------------------------------------------------------- composition


def _with_marker(text: str, n: int) -> str:
    """Put [n] before the final full stop (or a lead's colon) so the marker reads as part of
    the sentence, not as the first item of the list after it."""
    body = BULLET.sub("", text).strip()
    body = re.sub(r"\s+", " ", body)
    if body.endswith((".", "!", "?", ":")) and not body.endswith("..."):
        return f"{body[:-1]} [{n}]{body[-1]}"
    if body.endswith((",", ";")):
        return f"{body[:-1]} [{n}]"
    return f"{body} [{n}]"


def _quote(passage: Passage, sentences: list[Sentence]) -> str:
    """The cited sentence(s) as exact text of the passage; gaps shown as an ellipsis."""
    parts: list[str] = []
    run_start, run_end = sentences[0].start, sentences[0].end
    for s in sentences[1:]:
        gap = passage.text[run_end : s.start]
        if gap.strip() == "":
            run_end = s.end
        else:
            parts.append(passage.text[run_start:run_end])
            run_start, run_end = s.start, s.end
    parts.append(passage.text[run_start:run_end])
    return QUOTE_GAP.join(parts)


def _prose_with_items(ordered: list[Sentence], number: dict[int, int]) -> str:
    """Sentences run on as prose; list items (after their lead) each go on a "- " line."""
    out = ""
    after_item = False
    for c in ordered:
        line = _with_marker(c.text, number[c.passage_index])
        if c.is_item:
            out += f"\n- {line}"
        else:
            out += ("\n" if after_item else " ") + line
        after_item = c.is_item
    return out.strip()


def compose(
    ordered: list[Sentence], passages: Sequence[Passage], as_list: bool
) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers (a "- " list when as_list) and one citation per passage,
    numbered in order of first use."""
    number: dict[int, int] = {}
    for c in ordered:
        number.setdefault(c.passage_index, len(number) + 1)
    if as_list and not any(c.is_item for c in ordered):
        text = "\n".join(f"- {_with_marker(c.text, number[c.passage_index])}" for c in ordered)
    else:
        text = _prose_with_items(ordered, number)
    citations = []
    for pi, n in number.items():
        own = sorted((c for c in ordered if c.passage_index == pi), key=lambda s: s.start)
        citations.append(Citation.from_passage(n, passages[pi], _quote(passages[pi], own)))
    return text, citations


def abstain(question: str, passages: Sequence[Passage] = ()) -> Answer:
    """The honest answer when the documents do not cover the question."""
    return Answer(
        question=question,
        text=ABSTAIN_TEXT,
        citations=[],
        mode="extractive",
        abstained=True,
        passages=list(passages),
    )
