"""Stage 4, answer: the one interface both answer modes implement.

An answerer is built once per assistant and warmed once (whatever the first answer would
otherwise pay for: a client, a model, imports); `answer` is then called from any thread.
Extractive (stages/extractive.py) selects and cites source sentences; LLM (stages/llm.py) has a
chat model write from the numbered passages. A new mode implements this protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.types import Answer, AnswerMode, Passage, Question

if TYPE_CHECKING:
    import numpy as np

    from assistant.stages.proper_names import NameVocabulary

# Reranked passages an answer reads.
ANSWER_PASSAGES = 6

TokenSink = Callable[[str], None]
# How specific a stemmed word is among the live chunks (the index's BM25 idf).
TermWeight = Callable[[str], float]


@dataclass(frozen=True)
class AnswerRequest:
    """Everything an answerer may use. passages: the reranked top ANSWER_PASSAGES;
    query_vector: the question's embedding (retrieval computed it); term_weight: see above;
    names: which capitalised words the corpus uses as names (stages/proper_names.py);
    given: sentence keys (stages/compose.sentence_key) that earlier answers in the
    conversation quoted; next_passage: the chunk after a passage in its document (None at
    the end), so a list cut off from its lead can be continued; previous_passage: the chunk
    before it, so a sentence that continues across the border gets what it continues."""

    question: Question
    passages: list[Passage]
    query_vector: np.ndarray | None = None
    term_weight: TermWeight | None = None
    names: NameVocabulary | None = None
    given: Collection[str] = field(default_factory=frozenset)
    next_passage: Callable[[Passage], Passage | None] | None = None
    previous_passage: Callable[[Passage], Passage | None] | None = None


class Answerer(Protocol):
    mode: AnswerMode

    def warm(self) -> None:
        """Prepare what the first answer would otherwise pay for; idempotent."""
        ...

    def answer(self, request: AnswerRequest, on_token: TokenSink | None = None) -> Answer:
        """The cited answer (or an abstention). on_token receives the text as it is made;
        the returned Answer.text is final and replaces what was streamed."""
        ...


def stream_words(text: str, on_token: TokenSink | None) -> None:
    """An answer that is ready at once is still streamed word by word, so every front end
    has one code path."""
    if on_token is None:
        return
    for piece in re.findall(r"\S+\s*", text):
        on_token(piece)
