"""What the learned reranker sees of each fused candidate: one row of numbers per passage.

A bi-encoder scores a passage by one vector and BM25 by term counts over the whole chunk; both
like a passage that restates the question's topic (a chapter's introduction, a title page, the
sibling chunk that names the example) as much as the one that answers it. The features below
add what they cannot see: which question words are *discriminative* among the candidates (a
word that every candidate holds, like the example's name, says nothing about which one
answers), whether one sentence holds those words together, whether it or the next sentence
holds what the question asks for (a number, a date, a name, a reason, list items), and how
generic a passage is (introduction, colophon, how much it resembles its whole document).

Pure functions of the question, the candidates and a CorpusProfile; no I/O. The learned weights
live in assistant/models/ (`vraagbaak train-reranker` makes them, see evals/train_reranker.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.stages.corpus_profile import CorpusProfile
from assistant.stages.facets import heading_facets, question_facets
from assistant.types import Passage, Question
from foundation.lexical import content_terms, fold, same_stem
from foundation.sections import split_path
from foundation.sentences import sentence_spans

TermWeight = Callable[[str], float]

# Passages the reranker scores; the rest of the fused candidates keep their fused order
# behind them (the right passage is in the fused top 30 for 0.99 of the Q&A set).
RERANK_DEPTH = 30

GENERIC_SECTION = re.compile(
    r"inleiding|voorwoord|samenvatting|colofon|literatuur|bronnen|bijlage|inhoud|introductie|"
    r"tot slot|conclusie|leeswijzer|over dit|verantwoording|dankwoord|aanleiding",
    re.IGNORECASE,
)
_YEAR_OR_MONTH = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|"
    r"oktober|november|december)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d+|\b(?:één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|procent)\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(?:omdat|doordat|daardoor|waardoor|reden|zodat|oorzaak|want|daarom|vanwege|om te)\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(r"\b(?:[A-Z]{2,}[a-z]?|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)\b")
_TWO_CAPITALS = re.compile(r"\b[A-Z][a-z]+\s+[A-Z]")
_LIST_SHAPE = re.compile(r"(?::\s*$)|(?:^\s*[•\-–*▪◦·»])|(?:,.*,.*\b(?:en|of)\b)", re.MULTILINE)
_DEFINING = re.compile(r"\b(?:is|zijn|houdt|betekent|staat voor|bedoeld)\b")
_BULLET_LINE = re.compile(r"(?m)^\s*(?:[•\-–*▪◦·»]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_NAME = re.compile(r"\b[A-Z][\w'’]*(?:-[\w'’]+)*")
_WORD = re.compile(r"\w+")

FEATURES: tuple[str, ...] = (
    # how retrieval found it
    "log_fused_rank",
    "fused_score_share",
    "log_dense_rank",
    "log_bm25_rank",
    "cosine",
    "cosine_gap",
    "bm25_share",
    # the question's words (idf-weighted) in the passage, its section path, its title
    "coverage_text",
    "coverage_section",
    "coverage_title",
    "coverage_best_sentence",
    "coverage_best_pair",
    "sentences_half_covered",
    # the same, weighting words by how few candidates hold them
    "contrast_text",
    "contrast_best_sentence",
    "contrast_section",
    # the question itself
    "question_terms",
    "question_max_idf",
    "question_mean_idf",
    "question_lexical",
    "lists_agree_on_first",
    # what the question asks for, near its words
    "answer_kind_near",
    "answer_kind_anywhere",
    "number_in_best_sentence",
    "asks_number",
    "date_in_best_sentence",
    "name_in_best_sentence",
    "reason_in_best_sentence",
    "list_items",
    "asks_definition",
    # how generic the passage is
    "generic_section",
    "first_chunk",
    "opens_section",
    "section_depth",
    "document_likeness",
    "chapter_likeness",
    # misc
    "log_length",
    "section_intro",
    "best_sentence_position",
    "names_present",
    # the part of a case the question asks about against the one the heading names
    # (stages/facets.py); -1 when the question asks about no such part
    "facet_match",
    "facet_other",
)


@dataclass(frozen=True)
class _Sent:
    text: str
    terms: frozenset[str]


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[_Sent, ...]:
    """A passage's sentences with their stems; cached by text, since the same passages come
    back for many questions."""
    return tuple(
        _Sent(text[a:b], frozenset(content_terms(text[a:b]))) for a, b in sentence_spans(text)
    )


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    return frozenset(content_terms(text))


def _question_names(question: str) -> list[str]:
    """Capitalised words after the first: places, organisations, programmes."""
    return [
        fold(m.group()) for m in _NAME.finditer(question) if m.start() > 0 and len(m.group()) >= 3
    ]


class _Weights:
    """idf-weighted coverage of the question's terms, plain and contrastive.

    Which question terms a passage word stands for (`same_stem`) is worked out once per word
    and question: the thirty candidates share most of their words, and comparing every
    question term with every word of every sentence was most of a warm ask's time."""

    def __init__(self, terms: list[str], idf: TermWeight, candidate_terms: list[frozenset[str]]):
        self.terms = terms
        self.idf = {t: idf(t) for t in terms}
        self.total = sum(self.idf.values()) or 1.0
        self._asked_by: dict[str, frozenset[str]] = {}
        self._matched_in: dict[frozenset[str], frozenset[str]] = {}
        n = max(len(candidate_terms), 1)
        held = {t: sum(1 for ts in candidate_terms if t in self.matched(ts)) / n for t in terms}
        self.contrast = {t: self.idf[t] * (1.0 - held[t]) for t in terms}
        self.contrast_total = sum(self.contrast.values()) or 1.0

    def matched(self, terms: frozenset[str]) -> frozenset[str]:
        """The question terms that `terms` hold, exactly or as the same stem."""
        found = self._matched_in.get(terms)
        if found is None:
            hit: set[str] = set()
            for word in terms:
                asked = self._asked_by.get(word)
                if asked is None:
                    asked = frozenset(t for t in self.terms if same_stem(t, word))
                    self._asked_by[word] = asked
                hit |= asked
            found = self._matched_in[terms] = frozenset(hit)
        return found

    def coverage(self, terms: frozenset[str]) -> float:
        found = self.matched(terms)
        return sum(self.idf[t] for t in self.terms if t in found) / self.total

    def contrast_coverage(self, terms: frozenset[str]) -> float:
        found = self.matched(terms)
        return sum(self.contrast[t] for t in self.terms if t in found) / self.contrast_total


def _gives_kind(question: Question, sentence: str, asked_words: set[str]) -> bool:
    """Does the sentence hold what the question asks for?"""
    if question.asks_number:
        return any(m.group().lower() not in asked_words for m in _NUMBER.finditer(sentence))
    if question.asks_when:
        return bool(_YEAR_OR_MONTH.search(sentence))
    if question.asks_who:
        return bool(_TWO_CAPITALS.search(sentence)) or any(
            m.group().lower() not in asked_words for m in _ORGANISATION.finditer(sentence)
        )
    if question.asks_why:
        return bool(_CAUSAL.search(sentence))
    if question.is_list:
        return bool(_LIST_SHAPE.search(sentence))
    if question.definition_subject:
        return bool(_DEFINING.search(sentence))
    return False


def _log_rank(rank: int | None) -> float:
    return math.log(rank if rank else 100)


def _facet_features(asked: frozenset[str], named: frozenset[str]) -> tuple[float, float]:
    """(the heading names an asked part, the heading names only other parts); -1 for both
    when the question asks about no part."""
    if not asked:
        return (-1.0, -1.0)
    return (float(bool(asked & named)), float(bool(named) and not asked & named))


def feature_rows(
    question: Question,
    passages: Sequence[Passage],
    profile: CorpusProfile,
    idf: TermWeight,
) -> np.ndarray:
    """One row of FEATURES per passage (the fused candidates, best first)."""
    if not passages:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    q_terms = sorted(set(content_terms(question.query, drop_question_words=True)))
    candidate_terms = [_terms(f"{p.text} {p.section}") for p in passages]
    weights = _Weights(q_terms, idf, candidate_terms)
    names = _question_names(question.query)
    asked_words = {w.lower() for w in _WORD.findall(question.query)}
    kind_asked = (
        question.asks_number
        or question.asks_when
        or question.asks_who
        or question.asks_why
        or question.is_list
        or question.definition_subject is not None
    )
    cosines = [p.dense_score if p.dense_score is not None else 0.0 for p in passages]
    best_cosine = max(cosines)
    best_bm25 = max((p.bm25_score or 0.0) for p in passages) or 1.0
    best_fused = max(p.score for p in passages) or 1.0
    top5 = frozenset().union(*candidate_terms[:5])
    idfs = [weights.idf[t] for t in q_terms] or [0.0]
    first = passages[0]
    asked_facets = question_facets(question.query)
    question_part = [
        len(q_terms),
        max(idfs),
        float(np.mean(idfs)),
        weights.coverage(top5) if q_terms else 0.0,
        float(first.dense_rank == 1 and first.bm25_rank == 1),
    ]
    rows = []
    for p, cosine, cand_terms in zip(passages, cosines, candidate_terms, strict=True):
        sents = _sentences(p.text) or (_Sent(p.text, _terms(p.text)),)
        plain = [weights.coverage(s.terms) for s in sents]
        contrast = [weights.contrast_coverage(s.terms) for s in sents]
        best = int(np.argmax(plain))
        best_text = sents[best].text
        pairs = [
            weights.coverage(sents[i].terms | sents[i + 1].terms) for i in range(len(sents) - 1)
        ]
        kinds = [_gives_kind(question, s.text, asked_words) for s in sents]
        near = max(
            c * float(kinds[i] or (i + 1 < len(kinds) and kinds[i + 1]))
            for i, c in enumerate(contrast)
        )
        haystack = fold(f"{p.title} {p.section} {p.text}")
        present = (
            sum(1 for n in names if (n[:-1] if len(n) >= 6 else n) in haystack) / len(names)
            if names
            else 1.0
        )
        section_terms = _terms(p.section)
        place = profile.place(p.chunk_id)
        rows.append(
            [
                math.log(max(p.rank, 1)),
                p.score / best_fused,
                _log_rank(p.dense_rank),
                _log_rank(p.bm25_rank),
                cosine,
                cosine - best_cosine,
                (p.bm25_score or 0.0) / best_bm25,
                weights.coverage(cand_terms),
                weights.coverage(section_terms),
                weights.coverage(_terms(p.title)),
                max(plain),
                max(pairs, default=plain[0]),
                sum(1 for c in plain if c >= 0.5),
                weights.contrast_coverage(cand_terms),
                max(contrast),
                weights.contrast_coverage(section_terms),
                *question_part,
                near if kind_asked else -1.0,
                float(any(kinds)) if kind_asked else -1.0,
                float(question.asks_number and bool(_NUMBER.search(best_text))),
                float(question.asks_number),
                float(question.asks_when and bool(_YEAR_OR_MONTH.search(best_text))),
                float(question.asks_who and bool(_ORGANISATION.search(best_text))),
                float(question.asks_why and bool(_CAUSAL.search(best_text))),
                float(question.is_list) * min(len(_BULLET_LINE.findall(p.text)), 6) / 6,
                float(question.definition_subject is not None),
                float(bool(GENERIC_SECTION.search(p.section))),
                float(p.chunk_index == 0),
                float(place.opens_section),
                len([h for h in split_path(p.section) if h.strip()]),
                place.document_likeness,
                place.chapter_likeness,
                math.log(len(p.text) + 1),
                float(p.section_intro),
                best / max(len(sents), 1),
                present,
                *_facet_features(asked_facets, heading_facets(p.section)),
            ]
        )
    return np.asarray(rows, dtype=np.float64)
