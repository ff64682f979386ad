"""Whether the evidence answers the question at all: the signal the extractive answer
abstains on ("Dit staat niet in de documenten die ik ken.").

Similarity alone is fooled by passages that match the rest of a question: one about
Groningen is not answered by passages about Utrecht, one about fines not by passages that
never mention a fine, and a "Hoeveel …?" not by sentences without a number. So the signal is
the best sentence match averaged with the best passage match, lowered for names and for
specific question words that no top passage holds, and zero for a number question whose best
sentences give no number. MIN_RELEVANCE is swept with `python -m evals.calibrate_abstention`;
the measured trade-offs are in evals/CALIBRATION.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.stages.answer_slot import answered_in_words, gives_asked_quantity
from assistant.stages.answerer import TermWeight
from assistant.stages.candidates import Sentence
from assistant.stages.evidence import W_LEX
from assistant.stages.question_type import gives_amount, gives_number
from assistant.types import Passage, Question
from foundation.lexical import QUESTION_WORDS, content_terms, fold, same_stem

# Abstain when the signal is below this.
MIN_RELEVANCE = 0.86
# Per name in the question (place, organisation, law) that no top passage mentions.
NAME_PENALTY = 0.03
MAX_NAME_PENALTIES = 2
# Times the share of the question's weight (idf of its content words) no top passage holds.
COVERAGE_PENALTY = 0.04
# A number question needs a number in one of this many best sentences.
NUMBER_CHECK_TOP = 3

_NAME = re.compile(r"\b[A-Z][\w'’]*(?:-[\w'’]+)*-?")


def _names(question: str) -> list[str]:
    """Capitalised words after the first word: places, organisations, laws, acronyms."""
    found = []
    for m in _NAME.finditer(question):
        word = fold(m.group().rstrip("-"))
        if m.start() > 0 and word not in QUESTION_WORDS and len(word) >= 3:
            found.append(word)
    return found


def missing_names(question: str, passages: Sequence[Passage]) -> list[str]:
    """Names of the question that no passage mentions (plural endings tolerated)."""
    # folded passage by passage: fold() caches each passage, not one string per question
    haystack = " ".join(fold(f"{p.title} {p.section} {p.text}") for p in passages)
    return [n for n in _names(question) if (n[:-1] if len(n) >= 6 else n) not in haystack]


def _weight_share(
    question: str, term_weight: TermWeight | None, missing: Callable[[str, float], bool]
) -> float:
    """Share (by term weight) of the question's content words for which missing(term, weight)
    holds; 0.0 without term weights or content words."""
    if term_weight is None:
        return 0.0
    weights = {t: term_weight(t) for t in set(content_terms(question, drop_question_words=True))}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if missing(t, w)) / total


def uncovered_weight(
    question: str, passages: Sequence[Passage], term_weight: TermWeight | None
) -> float:
    """Share (by term weight) of the question's content words that no passage contains."""
    held: set[str] = set()
    for p in passages:
        held.update(content_terms(f"{p.title} {p.section} {p.text}"))
    return _weight_share(
        question,
        term_weight,
        lambda t, _w: t not in held and not any(same_stem(t, h) for h in held),
    )


# No chunk holds this (the index's idf gives such a term its maximum), so its weight is the
# weight of a word the corpus does not know.
_NO_SUCH_TERM = "\x00"


def unknown_weight(question: str, term_weight: TermWeight | None) -> float:
    """Share (by term weight) of the question's content words that no chunk of the corpus
    holds. Unlike `uncovered` (not in the top passages), better retrieval cannot fix these:
    "Wat zegt de Opiumwet over …" when no document mentions the Opiumwet."""
    if term_weight is None:
        return 0.0
    ceiling = term_weight(_NO_SUCH_TERM)
    return _weight_share(question, term_weight, lambda _t, w: w >= ceiling - 1e-9)


def lacks_number(question: Question, scored: list[Sentence]) -> bool:
    """A number question whose best sentences hold no number is not answered by them, nor
    is a money question whose best sentences name no amount, nor a "Hoe vaak/lang …?" whose
    best sentences give no number and none of its scored sentences a frequency or duration
    in words."""
    in_words = answered_in_words(question.slot)
    if NUMBER_CHECK_TOP <= 0 or not (question.asks_number or question.asks_amount or in_words):
        return False
    best = sorted(scored, key=lambda c: -c.score)[:NUMBER_CHECK_TOP]
    if question.asks_amount:
        return not any(gives_amount(c.text) for c in best)
    if any(gives_number(c.text, question.query) for c in best):
        return False
    # a frequency or duration in words may rank lower ("elk kwartaal" as the fourth sentence):
    # any scored sentence will do, since the slot stage (stages/extractive.py) still refuses
    # when no sentence giving it scores near the best
    return not (in_words and any(gives_asked_quantity(question.slot, c.text) for c in scored))


def relevance(
    question: Question,
    scored: list[Sentence],
    passages: Sequence[Passage],
    term_weight: TermWeight | None = None,
) -> float:
    """Best sentence match (without the rank prior) averaged with the best dense score of the
    top passages: one strong sentence in a weak passage, or a strong passage without any
    matching sentence, is not enough on its own. The best dense score rather than the first
    passage's, because the fused ranking may put a BM25 favourite first."""
    if not scored or lacks_number(question, scored):
        return 0.0
    missing = min(len(missing_names(question.query, passages)), MAX_NAME_PENALTIES)
    best = max(c.cosine + W_LEX * c.lex for c in scored if c.cosine is not None)
    dense = [p.dense_score for p in passages if p.dense_score is not None]
    signal = best if not dense else 0.5 * best + 0.5 * float(max(dense))
    uncovered = uncovered_weight(question.query, passages, term_weight)
    return signal - NAME_PENALTY * missing - COVERAGE_PENALTY * uncovered


# What a learned abstention model reads of one question's evidence (evals/train_reranker.py
# fits it; stages/abstention.py applies it). first_score and score_gap are the reranker's
# scores of its first passage and the gap to the second.
ABSTENTION_FEATURES: tuple[str, ...] = (
    "signal",
    "best_sentence",
    "best_dense",
    "missing_names",
    "uncovered",
    "unknown",
    "lacks_number",
    "first_score",
    "score_gap",
)


def abstention_features(
    question: Question,
    scored: list[Sentence],
    passages: Sequence[Passage],
    term_weight: TermWeight | None = None,
) -> list[float]:
    """ABSTENTION_FEATURES of one question, in that order."""
    best = max((c.cosine + W_LEX * c.lex for c in scored if c.cosine is not None), default=0.0)
    dense = max((p.dense_score for p in passages if p.dense_score is not None), default=0.0)
    first = passages[0].score if passages else 0.0
    gap = first - passages[1].score if len(passages) > 1 else 0.0
    return [
        relevance(question, scored, passages, term_weight),
        best,
        float(dense),
        float(len(missing_names(question.query, passages))),
        uncovered_weight(question.query, passages, term_weight),
        unknown_weight(question.query, term_weight),
        float(lacks_number(question, scored)),
        float(first),
        float(gap),
    ]
