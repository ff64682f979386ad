"""One conversation: the turns a follow-up question is completed from, and the sentences
earlier answers already quoted (a follow-up does not repeat them as padding)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.stages.compose import sentence_key
from assistant.types import QUOTE_GAP, Answer
from foundation.sentences import split_sentences


@dataclass
class Conversation:
    """The turns of one conversation: (question as typed, answer), newest last."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def history(self, last: int = 3) -> list[tuple[str, str]]:
        """(standalone question, answer text) of the recent turns, for stages/understand."""
        return [(a.standalone_question or q, a.text) for q, a in self.turns[-last:]]

    def given_sentences(self, last: int = 3) -> frozenset[str]:
        """Sentences the recent answers quoted (as sentence_key), so a follow-up can avoid
        repeating them."""
        given: set[str] = set()
        for _, answer in self.turns[-last:]:
            for citation in answer.citations:
                for part in citation.quote.split(QUOTE_GAP):
                    given.update(sentence_key(s) for s in split_sentences(part))
        return frozenset(given)

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))
