"""Whether to answer at all: the evidence's features → a confidence → abstain below a threshold.

Two ways of reading the evidence, one interface (`Abstention.confidence`, `.threshold`):

- `SignalThreshold`: the relevance signal of stages/relevance.py against MIN_RELEVANCE. Used
  when no learned model is at hand (the fused order, or a model file without one).
- `LearnedAbstention`: a logistic regression over ABSTENTION_FEATURES and the reranker's
  feature row of its first passage (what the question asks for, in which sentence, how
  generic the passage is). The `none` questions of the Q&A set are near misses on purpose —
  they share words with real passages — and similarity alone cannot tell them apart; the
  reranker's finer features can, a little (evals/CALIBRATION.md). Fitted by
  evals/train_reranker.py on features from rerankers that had not seen the question, and
  stored in the reranker's model file. Applied here with numpy alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.stages.answerer import TermWeight
from assistant.stages.candidates import Sentence
from assistant.stages.relevance import ABSTENTION_FEATURES, MIN_RELEVANCE, abstention_features
from assistant.stages.rerank_features import FEATURES
from assistant.types import Passage, Question

# The learned model's inputs: the evidence features, then the first passage's reranker row.
LEARNED_INPUTS: tuple[str, ...] = tuple(f"evidence:{name}" for name in ABSTENTION_FEATURES) + tuple(
    f"first_passage:{name}" for name in FEATURES
)


def learned_inputs(
    question: Question,
    scored: list[Sentence],
    passages: Sequence[Passage],
    term_weight: TermWeight | None,
) -> list[float]:
    """LEARNED_INPUTS of one question; a first passage without a reranker row (fused order)
    gives zeros there."""
    evidence = abstention_features(question, scored, passages, term_weight)
    row = list(passages[0].rerank_features) if passages else []
    if len(row) != len(FEATURES):
        row = [0.0] * len(FEATURES)
    return evidence + row


class Abstention(Protocol):
    @property
    def threshold(self) -> float:
        """Abstain when the confidence is below this."""
        ...

    def confidence(
        self,
        question: Question,
        scored: list[Sentence],
        passages: Sequence[Passage],
        term_weight: TermWeight | None,
    ) -> float:
        """Higher is surer that the passages answer the question."""
        ...


@dataclass(frozen=True)
class SignalThreshold:
    threshold: float = MIN_RELEVANCE

    def confidence(
        self,
        question: Question,
        scored: list[Sentence],
        passages: Sequence[Passage],
        term_weight: TermWeight | None,
    ) -> float:
        return abstention_features(question, scored, passages, term_weight)[0]


@dataclass(frozen=True)
class LearnedAbstention:
    """P(the question is answered by these passages) from a standardised logistic model."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, inputs: Sequence[float]) -> float:
        x = (np.asarray(inputs, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = float(x @ np.asarray(self.coef)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def confidence(
        self,
        question: Question,
        scored: list[Sentence],
        passages: Sequence[Passage],
        term_weight: TermWeight | None,
    ) -> float:
        return self.probability(learned_inputs(question, scored, passages, term_weight))

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": list(LEARNED_INPUTS),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnedAbstention | None:
        """None when the stored model was made for other inputs than this code computes."""
        if tuple(data.get("inputs", ())) != LEARNED_INPUTS:
            return None
        return cls(
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) or 1.0 for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
        )
