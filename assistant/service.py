"""The assistant as one object: open the index once, then search and ask from any thread.

A question goes through the stages in assistant/stages/, in this order:
understand → retrieve → rerank → answer (extractive or LLM). See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

import numpy as np

from assistant.conversation import Conversation
from assistant.stages.abstention import SignalThreshold
from assistant.stages.alternatives import UNSURE_NOTICE, alternatives
from assistant.stages.answerer import ANSWER_PASSAGES, Answerer, AnswerRequest, TokenSink
from assistant.stages.corpus_profile import CorpusProfile
from assistant.stages.extractive import ExtractiveAnswerer
from assistant.stages.llm import LLMAnswerer, LLMUnavailable, fallback_notice
from assistant.stages.proper_names import NameVocabulary
from assistant.stages.rerank import (
    RERANK_CANDIDATES,
    RerankContext,
    Reranker,
    reranker_from_setting,
    top,
)
from assistant.stages.retrieve import (
    CONTEXT_WEIGHTS,
    ContextWeights,
    following_passage,
    preceding_passage,
    retrieve,
)
from assistant.stages.understand import understand
from assistant.types import Answer, AnswerMode, Passage, Question
from foundation.settings import Settings
from ingest.index import IndexReader, IndexStatus

# How often a long-running assistant (the chat page) checks whether an ingest changed the index.
RECHECK_SECONDS = 5.0

T = TypeVar("T")


@dataclass
class Found:
    """The passages an answer reads, reranked and cut to k, and the query's vector."""

    passages: list[Passage]
    query_vector: np.ndarray


class Assistant:
    """Holds the index reader, the reranker and one answerer per mode, all built once."""

    def __init__(self, index: IndexReader, reranker: Reranker | None = None) -> None:
        self.index = index
        self.reranker: Reranker = reranker or reranker_from_setting(index.settings.reranker)
        # facts about the whole corpus (profile, names), each made once per index reader
        self._per_index: dict[str, tuple[IndexReader, object]] = {}
        self._per_index_lock = threading.Lock()
        calibrated = getattr(self.reranker, "abstention", None)
        self.extractive = ExtractiveAnswerer(index.embeddings, calibrated or SignalThreshold())
        self.llm = LLMAnswerer(index.settings.llm)
        self._reopen_lock = threading.Lock()
        self._checked_at = time.monotonic()
        # how much a follow-up's conversation counts in retrieval; `eval --dialogues` may
        # try others
        self.context_weights: ContextWeights = CONTEXT_WEIGHTS

    @classmethod
    def open(cls, settings: Settings | None = None, reranker: Reranker | None = None) -> Assistant:
        return cls(IndexReader(settings or Settings.from_env()), reranker)

    def warm(self) -> None:
        """Prepare both answerers now rather than on the first question (the chat page)."""
        for answerer in (self.extractive, self.llm):
            answerer.warm()

    @property
    def unsure_margin(self) -> float | None:
        """The reranker's calibrated score gap below which its first passage is uncertain
        (None: this reranker has no calibrated gap, so no alternatives are shown)."""
        value = getattr(self.reranker, "unsure_margin", None)
        return float(value) if isinstance(value, int | float) else None

    @property
    def settings(self) -> Settings:
        return self.index.settings

    @property
    def default_mode(self) -> AnswerMode:
        """LLM mode is opt-in: without a server URL the assistant stays extractive."""
        return "llm" if self.settings.llm.enabled else "extractive"

    def current_index(self, recheck: bool = False) -> IndexReader:
        """The index as the last ingest left it.

        The chat page keeps one assistant for as long as it runs, while a colleague may ingest
        a new or changed document meanwhile. Without a reopen the page would keep quoting the
        old text, and new chunks would be dropped as unknown. At most every RECHECK_SECONDS,
        one metadata read tells whether the live state moved; if reopening fails (an ingest
        half-way, a model mismatch), the old reader stays in use and the next check retries.
        recheck: check now, whenever the last check was (the page knows a document was just
        added or removed in this process, and the next question must see it).
        """
        if not recheck and time.monotonic() - self._checked_at < RECHECK_SECONDS:
            return self.index
        with self._reopen_lock:
            if recheck or time.monotonic() - self._checked_at >= RECHECK_SECONDS:
                try:
                    if self.index.live_changed():
                        self.index = IndexReader(self.index.settings)
                except Exception:  # noqa: BLE001 - keep answering from the index we have
                    pass
                self._checked_at = time.monotonic()
        return self.index

    def status(self) -> IndexStatus:
        return self.current_index().status()

    def eval_info(self) -> dict[str, object]:
        """Provenance for eval result files: which model and which corpus produced them."""
        status = self.index.status()
        return {
            "embedding_model": status.embedding_model,
            "corpus_hash": hashlib.sha256(self.index.live.signature.encode()).hexdigest()[:16],
            "documents": status.documents,
            "chunks": status.chunks,
            "last_ingest": status.last_ingest,
            "settings": {
                "embedding": self.settings.embedding,
                "collection": self.settings.collection,
                "chroma_url": self.settings.chroma_url or "",
            },
        }

    def find(
        self,
        question: Question,
        k: int,
        doc_ids: list[str] | None = None,
        index: IndexReader | None = None,
    ) -> Found:
        """Retrieve and rerank: the best k passages for an understood question."""
        index = index or self.current_index()
        found = retrieve(
            index, question, max(k, RERANK_CANDIDATES), doc_ids, weights=self.context_weights
        )
        context = RerankContext(term_weight=index.bm25.idf, profile=self.profile(index))
        ranked = self.reranker.rerank(question, found.passages, context)
        return Found(top(ranked, k), found.query_vector)

    def _for_index(self, name: str, index: IndexReader, make: Callable[[IndexReader], T]) -> T:
        """What make(index) returns, made on first use and again after a reopen (a new
        ingest changes which chunks there are)."""
        with self._per_index_lock:
            cached = self._per_index.get(name)
            if cached is None or cached[0] is not index:
                cached = (index, make(index))
                self._per_index[name] = cached
            return cast(T, cached[1])

    def profile(self, index: IndexReader) -> CorpusProfile:
        """The corpus profile of this index reader (the reranker's corpus-wide features)."""
        return self._for_index("profile", index, CorpusProfile)

    def names(self, index: IndexReader) -> NameVocabulary:
        """Which capitalised words this index's corpus uses as names."""
        return self._for_index("names", index, _name_vocabulary)

    def search(self, question: str, k: int = 10, doc_ids: list[str] | None = None) -> list[Passage]:
        return self.find(understand(question), max(1, k), doc_ids).passages

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        doc_ids: list[str] | None = None,
        on_token: TokenSink | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer a question; a follow-up is searched with the conversation's context beside
        the user's own words. mode: "extractive", "llm" or None for the configured default."""
        t0 = time.perf_counter()
        index = self.current_index()
        earlier = conversation.earlier() if conversation is not None else None
        asked = understand(question, earlier, index.bm25.idf)
        t1 = time.perf_counter()
        found = self.find(asked, ANSWER_PASSAGES, doc_ids, index)
        t2 = time.perf_counter()
        request = AnswerRequest(
            question=asked,
            passages=found.passages,
            query_vector=found.query_vector,
            term_weight=index.bm25.idf,
            names=self.names(index),
            given=conversation.given_sentences() if conversation is not None else frozenset(),
            next_passage=lambda passage: following_passage(index, passage),
            previous_passage=lambda passage: preceding_passage(index, passage),
        )
        answer = self._answer(request, on_token, mode or self.default_mode)
        if not answer.abstained:
            answer.alternatives = alternatives(
                asked,
                found.passages,
                {c.chunk_id for c in answer.citations},
                self.unsure_margin,
                index.bm25.idf,
                first_number=len(answer.citations) + 1,
            )
            if answer.alternatives:
                answer.notices.append(UNSURE_NOTICE)
        t3 = time.perf_counter()
        answer.question = asked.text
        # with context there is no standalone sentence to show (never a rewritten one)
        answer.standalone_question = "" if asked.context else asked.query
        answer.context = list(asked.context)
        answer.search_query = asked.query
        answer.timings.update(
            {"understand": t1 - t0, "retrieve": t2 - t1, "answer": t3 - t2, "total": t3 - t0}
        )
        if conversation is not None:
            conversation.add(asked.text, answer)
        return answer

    def _answer(self, request: AnswerRequest, on_token: TokenSink | None, mode: str) -> Answer:
        """The answer in the chosen mode; an LLM that cannot answer falls back to extractive
        and says so."""
        answerer: Answerer = self.llm if mode == "llm" else self.extractive
        try:
            return answerer.answer(request, on_token)
        except LLMUnavailable as exc:
            answer = self.extractive.answer(request, on_token)
            answer.notices.insert(0, fallback_notice(str(exc)))
            return answer


def _name_vocabulary(index: IndexReader) -> NameVocabulary:
    return NameVocabulary(
        f"{c.meta.get('title', '')} {c.meta.get('section', '')} {c.text}"
        for c in index.chunks.values()
    )
