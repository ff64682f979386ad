"""The assistant as one object: open the index once, then search and ask from any thread.

Input checks live here because every front end (command line, chat page, evals) passes
through: an empty question, a 50,000-character paste or control characters get a clear
Dutch message instead of a traceback or a slow, useless search.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.extractive import answer_extractively, sentence_key
from assistant.followup import make_standalone
from assistant.retrieval import retrieve
from assistant.types import QUOTE_GAP, Answer, Passage
from foundation.errors import QuestionError
from foundation.sentences import split_sentences
from foundation.settings import Settings
from ingest.index import IndexReader, IndexStatus

MAX_QUESTION_CHARS = 2000
ANSWER_PASSAGES = 6
# How often a long-running assistant (the chat page) checks whether an ingest changed the index.
RECHECK_SECONDS = 5.0


# Terminal colour codes (ESC [ ... m) come along when a question is pasted from a terminal;
# dropping only the ESC would leave "[31m" in the question.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _clean_char(ch: str) -> str:
    """Control characters become a space (they may separate words); invisible format
    characters such as a zero-width space are dropped (they sit inside words)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    return "" if category.startswith("C") else ch


def clean_question(question: str) -> str:
    """Control characters out, whitespace folded, length checked."""
    if question is None:
        raise QuestionError("Stel een vraag: het vraagveld is leeg.")
    text = ANSI_ESCAPE.sub("", unicodedata.normalize("NFC", str(question)))
    text = "".join(_clean_char(ch) for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"\w", text):
        raise QuestionError("Stel een vraag: het vraagveld is leeg.")
    if len(text) > MAX_QUESTION_CHARS:
        count, limit = (f"{n:,}".replace(",", ".") for n in (len(text), MAX_QUESTION_CHARS))
        raise QuestionError(
            f"Deze vraag is te lang ({count} tekens; maximaal {limit}). "
            "Stel een kortere vraag, of plak alleen de kern van de tekst."
        )
    return text


def exact_sections(answer: Answer, passages: list[Passage]) -> None:
    """Name the section of the quoted sentence itself, not just the chunk's first section
    (a chunk may hold several short sections)."""
    by_id = {p.chunk_id: p for p in passages}
    for citation in answer.citations:
        passage = by_id.get(citation.chunk_id)
        if passage is None or not passage.section_spans or not citation.quote:
            continue
        at = passage.text.find(citation.quote[:60])
        if at >= 0:
            citation.section = passage.section_at(at)


@dataclass
class Conversation:
    """The turns of one conversation: (standalone question, answer text), newest last."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def history(self, last: int = 3) -> list[tuple[str, str]]:
        return [(a.standalone_question or q, a.text) for q, a in self.turns[-last:]]

    def given_sentences(self, last: int = 3) -> set[str]:
        """Sentences the recent answers quoted (as sentence_key), so a follow-up can avoid
        repeating them."""
        given: set[str] = set()
        for _, answer in self.turns[-last:]:
            for citation in answer.citations:
                for part in citation.quote.split(QUOTE_GAP):
                    given.update(sentence_key(s) for s in split_sentences(part))
        return given

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))


class Assistant:
    def __init__(self, index: IndexReader) -> None:
        self.index = index
        self._llm_lock = threading.Lock()
        self._reopen_lock = threading.Lock()
        self._checked_at = time.monotonic()

    def current_index(self) -> IndexReader:
        """The index as the last ingest left it.

        The chat page keeps one assistant for as long as it runs, while a colleague may ingest
        a new or changed document meanwhile. Without a reopen the page would keep quoting the
        old text, and new chunks would be dropped as unknown. At most every RECHECK_SECONDS,
        one metadata read tells whether the live state moved; if reopening fails (an ingest
        half-way, a model mismatch), the old reader stays in use and the next check retries.
        """
        if time.monotonic() - self._checked_at < RECHECK_SECONDS:
            return self.index
        with self._reopen_lock:
            if time.monotonic() - self._checked_at >= RECHECK_SECONDS:
                try:
                    if self.index.live_changed():
                        self.index = IndexReader(self.index.settings)
                except Exception:  # noqa: BLE001 - keep answering from the index we have
                    pass
                self._checked_at = time.monotonic()
        return self.index

    @classmethod
    def open(cls, settings: Settings | None = None) -> Assistant:
        return cls(IndexReader(settings or Settings.from_env()))

    @property
    def settings(self) -> Settings:
        return self.index.settings

    def status(self) -> IndexStatus:
        return self.current_index().status()

    def eval_info(self) -> dict[str, object]:
        """Provenance for eval result files: which model and which corpus produced them."""
        import hashlib

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

    def search(self, question: str, k: int = 10, doc_ids: list[str] | None = None) -> list[Passage]:
        query = clean_question(question)
        return retrieve(self.current_index(), query, k=max(1, k), doc_ids=doc_ids).passages

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        doc_ids: list[str] | None = None,
        on_token: Callable[[str], None] | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer a question (a follow-up is made standalone from the conversation first).
        mode: "extractive", "llm" or None for the configured default."""
        t0 = time.perf_counter()
        text = clean_question(question)
        standalone = make_standalone(text, conversation.history()) if conversation else text
        t1 = time.perf_counter()
        index = self.current_index()
        found = retrieve(index, standalone, k=ANSWER_PASSAGES, doc_ids=doc_ids)
        t2 = time.perf_counter()
        given = conversation.given_sentences() if conversation else set()
        answer = self._answer(
            text, standalone, found.passages, on_token, mode, found.query_vector, given
        )
        exact_sections(answer, found.passages)
        t3 = time.perf_counter()
        answer.question = text
        answer.standalone_question = standalone
        answer.timings.update(
            {"rewrite": t1 - t0, "retrieve": t2 - t1, "answer": t3 - t2, "total": t3 - t0}
        )
        if conversation is not None:
            conversation.add(text, answer)
        return answer

    def _answer(
        self,
        question: str,
        standalone: str,
        passages: list[Passage],
        on_token: Callable[[str], None] | None,
        mode: str | None,
        query_vector: np.ndarray | None = None,
        given: set[str] | None = None,
    ) -> Answer:
        from assistant.llm import LLMConfig, LLMUnavailable, fallback_notice

        config = LLMConfig.from_env()
        use_llm = (mode or ("llm" if config.enabled else "extractive")) == "llm"
        if use_llm:
            try:
                from assistant.llm import LLMAnswerer

                return LLMAnswerer(config).answer(standalone, passages, on_token=on_token)
            except LLMUnavailable as exc:
                answer = self._extractive(standalone, passages, query_vector, given or set())
                answer.notices.insert(0, fallback_notice(str(exc)))
                self._stream(answer, on_token)
                return answer
        answer = self._extractive(standalone, passages, query_vector, given or set())
        self._stream(answer, on_token)
        return answer

    def _extractive(
        self,
        question: str,
        passages: list[Passage],
        query_vector: np.ndarray | None,
        given: set[str],
    ) -> Answer:
        return answer_extractively(
            question,
            passages,
            self.index.embeddings,
            query_vector=query_vector,
            term_weight=self.index.bm25.idf,
            given=given,
        )

    @staticmethod
    def _stream(answer: Answer, on_token: Callable[[str], None] | None) -> None:
        """Extractive answers are ready at once; stream them word by word anyway so every
        front end has one code path."""
        if on_token is None:
            return
        for piece in re.findall(r"\S+\s*", answer.text):
            on_token(piece)
