"""Evidence for an extractive answer: each candidate sentence scored for the question.

    score(s) = cos(e5_query(q), e5_passage(s))          semantic match, e5 range ~0.7-0.9
             + W_LEX  * coverage(q, s)                   share of q's content stems in s
             + W_RANK * rank_prior(passage of s)         trust in the reranked order

Embedding is the expensive part (~24 ms per 140-character sentence on 2 cores), so only a
shortlist of EMBED_BUDGET sentences, chosen by the cheap lexical + rank score, is embedded,
in one batch, and sentence vectors are kept (follow-ups and repeated questions reuse the same
passages). The weights were tuned on the Q&A set: evals/CALIBRATION.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from assistant.stages.answerer import ANSWER_PASSAGES
from assistant.stages.candidates import Sentence, candidates
from assistant.types import Passage, Question
from foundation.lexical import content_terms, same_stem

W_LEX = 0.10
# A sentence from the first passage gets +0.12, from the sixth +0.02.
W_RANK = 0.12
# Sentences that get their own e5 cosine: the cheap shortlist already holds the ones e5
# would pick, so a larger budget buys latency, not better answers.
EMBED_BUDGET = 6
# Sentences that hold what the question asks for (a number, a date: stages/answer_slot.py) and
# are embedded on top of the budget, best cheap score first, when the answer lacks that detail.
EXTRA_BUDGET = 6
# e5 cost grows with length; a sentence's first 140 characters carry its meaning (against 200:
# the same held-out figures within one question, warm ask p95 -13 %; evals/CALIBRATION.md).
EMBED_CHARS = 140
# What a list's lead adds to its cheap score: it stands for the whole list.
LEAD_BONUS = 0.15
CHEAP_RANK_WEIGHT = 0.25


class SentenceEmbedder(Protocol):
    """What scoring needs of an embedder (any ingest.embedders.Embedder has it)."""

    def query_vector(self, text: str) -> np.ndarray: ...

    def passage_vectors(self, texts: list[str]) -> np.ndarray: ...


class SentenceVectors:
    """Sentence vectors of one embedder by text, most recently used kept: the same chunks come
    back for follow-ups and re-asks. Shared by the threads of one assistant."""

    def __init__(self, embedder: SentenceEmbedder, size: int = 4096) -> None:
        self.embedder = embedder
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def vectors(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._data]
        if missing:
            fresh = self.embedder.passage_vectors(missing)
            with self._lock:
                for t, v in zip(missing, fresh, strict=True):
                    self._data[t] = v
                    self._data.move_to_end(t)
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        with self._lock:
            return np.vstack([self._data[t] for t in texts])


def coverage(question_terms: frozenset[str], terms: frozenset[str]) -> float:
    """Share of the question's content stems that occur in the sentence."""
    if not question_terms:
        return 0.0
    hits = sum(1 for q in question_terms if q in terms or any(same_stem(q, t) for t in terms))
    return hits / len(question_terms)


def rank_prior(passage_index: int) -> float:
    return 1.0 - passage_index / ANSWER_PASSAGES


def score_sentences(
    question: Question,
    passages: Sequence[Passage],
    vectors: SentenceVectors,
    query_vector: np.ndarray | None = None,
    also: Callable[[str], bool] | None = None,
) -> list[Sentence]:
    """Selectable candidates with scores; only the EMBED_BUDGET most promising sentences get
    their own e5 cosine, plus up to EXTRA_BUDGET sentences for which `also` holds: the cheap
    score cannot see that a sentence gives the asked number, so it would rarely reach them.
    List items under a lead share the lead's cosine (one embedding for the whole list), minus
    a tiny step that keeps them in list order."""
    cands = candidates(passages)
    if not cands:
        return []
    q_terms = frozenset(content_terms(question.query, drop_question_words=True))
    for c in cands:
        c.lex = coverage(q_terms, c.terms)
    leads = {c.lead for c in cands if c.lead is not None}
    for i, c in enumerate(cands):
        if c.lead is not None:
            c.lex = max(c.lex, cands[c.lead].lex)
        c.cheap = (
            c.lex
            + CHEAP_RANK_WEIGHT * rank_prior(c.passage_index)
            + (LEAD_BONUS if i in leads else 0.0)
        )
    own = [i for i, c in enumerate(cands) if c.lead is None]
    by_cheap = sorted(own, key=lambda i: (-cands[i].cheap, i))
    shortlist = by_cheap[:EMBED_BUDGET]
    if also is not None:
        extra = [i for i in by_cheap[EMBED_BUDGET:] if also(cands[i].text)]
        shortlist += extra[:EXTRA_BUDGET]
    if query_vector is None:
        query_vector = vectors.embedder.query_vector(question.query)
    found = vectors.vectors([cands[i].text[:EMBED_CHARS] for i in shortlist])
    for i, cos in zip(shortlist, found @ np.asarray(query_vector, dtype=np.float32), strict=True):
        cands[i].cosine = float(cos)
    for k, c in enumerate(cands):
        if c.lead is not None:
            lead_cosine = cands[c.lead].cosine
            if lead_cosine is not None:
                c.cosine = lead_cosine - 0.001 * (k - c.lead)
    scored = [c for c in cands if c.cosine is not None]
    for c in scored:
        cosine = c.cosine if c.cosine is not None else 0.0  # always set here; for mypy
        c.score = cosine + W_LEX * c.lex + W_RANK * rank_prior(c.passage_index)
    return [c for c in scored if c.selectable]
