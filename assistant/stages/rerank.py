"""Stage 3, rerank: reorder the fused candidates before an answer reads the first few.

This is the seam for a learned reranker: retrieval hands over RERANK_CANDIDATES fused passages
(the right one is among them for nearly every eval question, while the answer reads only the
first ANSWER_PASSAGES), the reranker returns them in its order with its own score, and the
assistant keeps the first k. The one implementation today keeps the fused order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.types import Passage, Question

# Fused passages handed to the reranker.
RERANK_CANDIDATES = 40


@dataclass(frozen=True)
class Reranked:
    passage: Passage
    score: float


class Reranker(Protocol):
    def rerank(self, question: Question, passages: Sequence[Passage]) -> list[Reranked]:
        """passages: fused candidates, best first (score = RRF score, rank = fused rank,
        dense_score = cosine to the query). Returns them best first with a score each; it may
        drop some, never add any."""
        ...


class FusedOrder:
    """The identity reranker: retrieval's fused order and RRF score."""

    def rerank(self, question: Question, passages: Sequence[Passage]) -> list[Reranked]:
        return [Reranked(p, p.score) for p in passages]


def top(reranked: Sequence[Reranked], k: int) -> list[Passage]:
    """The first k passages, ranked 1..k and scored by the reranker."""
    return [
        replace(r.passage, rank=rank, score=r.score) for rank, r in enumerate(reranked[:k], start=1)
    ]
