"""Honest alternatives: when the reranker is not sure of its first passage, say so and show
the other likely passages ("Ook relevant"), apart from the answer.

How sure the reranker is shows in the gap between its first and second score: on questions
it was not trained on, the first passage is right far less often when that gap is small
(evals/CALIBRATION.md). The gap below which an answer counts as unsure is calibrated with the
reranker and stored in its model file (`Reranker.unsure_margin`; evals/train_reranker.py).
An alternative is a passage, not an answer: it is shown with the one sentence of it that
matches the question best, and staff decide whether it goes into a memo.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from assistant.stages.answer_slot import gives
from assistant.stages.answerer import TermWeight
from assistant.stages.candidates import candidates
from assistant.types import Citation, Passage, Question
from foundation.lexical import content_terms, same_stem

MAX_ALTERNATIVES = 3
# Alternatives come from the passages right after the first one.
ALTERNATIVE_RANKS = 5
# ... and score within this many unsure margins of it: a passage far below the first is rarely
# the answer, and a list of them costs staff attention. On the held-out halves of session 16's
# eval, 3 margins dropped 85 of 272 / 92 of 296 shown passages and 3 of 51 / 2 of 47 gold
# ones (evals/CALIBRATION.md, session 17).
ALTERNATIVE_GAP_MARGINS = 3.0
UNSURE_NOTICE = (
    "Ik weet niet zeker of de passage hierboven de beste is: andere passages scoren bijna even "
    "hoog. Bekijk ook ‘Ook relevant’ hieronder."
)


REFUSAL_NOTICE = (
    "Andere passages noemen dat wel: ze staan onder ‘Ook relevant’ hieronder. Of ze uw vraag "
    "beantwoorden, moet u zelf beoordelen."
)


def is_unsure(passages: Sequence[Passage], unsure_margin: float | None) -> bool:
    """The first two passages are closer than the calibrated margin."""
    if unsure_margin is None or len(passages) < 2:
        return False
    return passages[0].score - passages[1].score < unsure_margin


def best_sentence(question: Question, passage: Passage, term_weight: TermWeight | None) -> str:
    """The passage's quotable sentence that gives the detail the question asks for (a count,
    a date, a name: stages/answer_slot.py) and holds most of the question's weight (its idf),
    the earlier one on a tie; the passage's opening when none is quotable."""
    terms = sorted(set(content_terms(question.query, drop_question_words=True)))
    weight = {t: (term_weight(t) if term_weight else 1.0) for t in terms}

    def held(sentence_terms: frozenset[str]) -> float:
        return sum(
            weight[t]
            for t in terms
            if t in sentence_terms or any(same_stem(t, s) for s in sentence_terms)
        )

    quotable = [s for s in candidates([passage]) if s.selectable]
    if not quotable:
        return passage.text.strip()[:300]
    slot = question.slot
    best = max(
        quotable,
        key=lambda s: (
            slot is not None and gives(slot, s.text, question.text),
            held(s.terms),
            -s.start,
        ),
    )
    return best.text


def alternatives(
    question: Question,
    passages: Sequence[Passage],
    cited: Collection[str],
    unsure_margin: float | None,
    term_weight: TermWeight | None = None,
    first_number: int = 1,
) -> list[Citation]:
    """Up to MAX_ALTERNATIVES passages of the first ALTERNATIVE_RANKS that the answer does not
    cite (normally from the second on) and that score within ALTERNATIVE_GAP_MARGINS unsure
    margins of the first, numbered from first_number on, when the reranker is unsure; else
    none. cited: chunk ids of the answer's citations."""
    if unsure_margin is None or not is_unsure(passages, unsure_margin):
        return []
    floor = passages[0].score - ALTERNATIVE_GAP_MARGINS * unsure_margin
    return _offered(
        question,
        passages,
        lambda p: p.chunk_id not in cited and p.score >= floor,
        term_weight,
        first_number,
    )


def refusal_alternatives(
    question: Question,
    passages: Sequence[Passage],
    cited: Collection[str],
    holds: Callable[[Passage], bool],
    term_weight: TermWeight | None = None,
) -> list[Citation]:
    """The top passages that hold what a refused answer lacked. An answer refused by its own
    check (the asked detail, a place or a name the quoted passage does not give) leaves staff
    with nothing, while a passage just below it may name the asked towns: shown apart, as
    alternatives, it is a lead to check rather than an answer. cited: chunk ids of the
    passages the refused answer quoted; holds: whether a passage passes the failed check."""
    return _offered(question, passages, lambda p: p.chunk_id not in cited and holds(p), term_weight)


def _offered(
    question: Question,
    passages: Sequence[Passage],
    keep: Callable[[Passage], bool],
    term_weight: TermWeight | None,
    first_number: int = 1,
) -> list[Citation]:
    """Up to MAX_ALTERNATIVES of the first ALTERNATIVE_RANKS passages that `keep` accepts,
    each with its best sentence, numbered from first_number on."""
    out: list[Citation] = []
    for passage in passages[:ALTERNATIVE_RANKS]:
        if not keep(passage):
            continue
        quote = best_sentence(question, passage, term_weight)
        out.append(Citation.from_passage(first_number + len(out), passage, quote))
        if len(out) >= MAX_ALTERNATIVES:
            break
    return out
