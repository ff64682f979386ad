"""One conversation: the turns a follow-up takes its context from, and the sentences earlier
answers already quoted (a follow-up does not repeat them as padding)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.stages.compose import sentence_key
from assistant.types import QUOTE_GAP, Answer, EarlierTurn
from foundation.sentences import split_sentences


@dataclass
class Conversation:
    """The turns of one conversation: (question as typed, answer), newest last."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def earlier(self, last: int = 3) -> list[EarlierTurn]:
        """The recent turns as stages/understand reads them: question, the text its search
        read, the context it took, and what its answer cited (nothing when it abstained)."""
        return [
            EarlierTurn(
                question=q,
                query=a.search_query or q,
                context=tuple(a.context),
                citations=() if a.abstained else tuple(a.citations),
            )
            for q, a in self.turns[-last:]
        ]

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
