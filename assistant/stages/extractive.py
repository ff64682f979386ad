"""The extractive answerer (the default, offline mode): evidence → relevance → composition.

It quotes whole sentences of the top passages, each followed by [n] pointing to its source, or
abstains when the evidence does not answer the question. Built once per assistant: it keeps
the sentence vectors it computed, since follow-ups and repeated questions reuse passages.
"""

from __future__ import annotations

from assistant.stages.answerer import ANSWER_PASSAGES, AnswerRequest, TokenSink, stream_words
from assistant.stages.compose import abstain, compose, order, select
from assistant.stages.evidence import SentenceEmbedder, SentenceVectors, score_sentences
from assistant.stages.relevance import MIN_RELEVANCE, relevance
from assistant.types import Answer, AnswerMode


class ExtractiveAnswerer:
    mode: AnswerMode = "extractive"

    def __init__(self, embedder: SentenceEmbedder, min_relevance: float = MIN_RELEVANCE) -> None:
        self.vectors = SentenceVectors(embedder)
        self.min_relevance = min_relevance

    def warm(self) -> None:
        """Nothing to prepare: the embedder is loaded with the index."""

    def relevance(self, request: AnswerRequest) -> float:
        """The number min_relevance is applied to, exposed so calibration can sweep it."""
        top = request.passages[:ANSWER_PASSAGES]
        scored = score_sentences(request.question, top, self.vectors, request.query_vector)
        return relevance(request.question, scored, top, request.term_weight)

    def answer(self, request: AnswerRequest, on_token: TokenSink | None = None) -> Answer:
        answer = self._answer(request)
        stream_words(answer.text, on_token)
        return answer

    def _answer(self, request: AnswerRequest) -> Answer:
        question, passages = request.question, request.passages
        top = passages[:ANSWER_PASSAGES]
        if not top or not question.query.strip():
            return abstain(question.query, passages)
        scored = score_sentences(question, top, self.vectors, request.query_vector)
        if not scored or relevance(question, scored, top, request.term_weight) < self.min_relevance:
            return abstain(question.query, passages)
        ordered = order(select(scored, top, question.is_list, request.given))
        text, citations = compose(ordered, top, question.is_list and len(ordered) > 2)
        return Answer(
            question=question.query,
            text=text,
            citations=citations,
            mode=self.mode,
            abstained=False,
            passages=list(passages),
        )
