"""The assistant as one object: open the index once, then search and ask.

STUB: signatures are fixed; the implementation lands with the retrieval work.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.types import Answer, Passage
from ingest.settings import Settings


class Conversation:
    """The turns of one conversation, so a follow-up can be made standalone."""

    def __init__(self) -> None:
        self.turns: list[tuple[str, Answer]] = []


class Assistant:
    @classmethod
    def open(cls, settings: Settings | None = None) -> Assistant:
        raise NotImplementedError

    def search(self, question: str, k: int = 10, doc_ids: list[str] | None = None) -> list[Passage]:
        raise NotImplementedError

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        doc_ids: list[str] | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        raise NotImplementedError
