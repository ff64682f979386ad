"""The rerank seam: the assistant hands its reranker the fused candidates and answers from the
order the reranker returns."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.service import Assistant
from assistant.stages.answerer import ANSWER_PASSAGES
from assistant.stages.rerank import (
    RERANK_CANDIDATES,
    FusedOrder,
    LearnedReranker,
    RerankContext,
    Reranked,
)
from assistant.types import Passage, Question

QUESTION = "Wat is het Zorg- en Veiligheidshuis?"


class Reversed:
    """Puts the fused order upside down and remembers what it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[Question, list[Passage]]] = []

    def rerank(
        self, question: Question, passages: Sequence[Passage], context: RerankContext
    ) -> list[Reranked]:
        self.seen.append((question, list(passages)))
        return [Reranked(p, float(i)) for i, p in enumerate(reversed(passages))]


def test_the_injected_reranker_sees_the_fused_candidates_and_sets_the_order(assistant) -> None:
    fused = Assistant(assistant.index, reranker=FusedOrder()).search(QUESTION, k=RERANK_CANDIDATES)
    reranker = Reversed()
    custom = Assistant(assistant.index, reranker=reranker)

    got = custom.search(QUESTION, k=5)
    question, candidates = reranker.seen[-1]
    assert question.query == QUESTION
    assert [p.chunk_id for p in candidates] == [p.chunk_id for p in fused]
    assert len(candidates) == RERANK_CANDIDATES
    assert [p.chunk_id for p in got] == [p.chunk_id for p in candidates[::-1][:5]]
    assert [p.rank for p in got] == [1, 2, 3, 4, 5]
    assert [p.score for p in got] == [0.0, 1.0, 2.0, 3.0, 4.0]

    answer = custom.ask(QUESTION)
    expected = [p.chunk_id for p in reranker.seen[-1][1][::-1][:ANSWER_PASSAGES]]
    assert [p.chunk_id for p in answer.passages] == expected


def test_the_default_reranker_is_the_bundled_learned_model(assistant) -> None:
    assert isinstance(assistant.reranker, LearnedReranker)


def test_the_fused_order_reranker_keeps_the_fused_order(assistant) -> None:
    found = Assistant(assistant.index, reranker=FusedOrder()).search(QUESTION, k=10)
    assert [p.rank for p in found] == list(range(1, 11))
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
