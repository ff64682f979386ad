"""Stage 3, rerank: reorder the fused candidates before an answer reads the first few.

Retrieval hands over RERANK_CANDIDATES fused passages (the right one is among them for nearly
every eval question, while the answer reads only the first ANSWER_PASSAGES). A reranker
returns them in its order with its own score; the assistant keeps the first k.

Two implementations: FusedOrder keeps retrieval's order (VRAAGBAAK_RERANKER=off), and
LearnedReranker scores the first RERANK_DEPTH candidates with a LambdaMART model (LightGBM)
over the features of stages/rerank_features.py. The model is a small JSON file in
assistant/models/, trained on the Q&A set by `vraagbaak train-reranker`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.stages.abstention import Abstention, LearnedAbstention, SignalThreshold
from assistant.stages.answerer import TermWeight
from assistant.stages.corpus_profile import CorpusProfile
from assistant.stages.rerank_features import FEATURES, RERANK_DEPTH, feature_rows
from assistant.types import Passage, Question
from foundation.errors import RerankerModelError

# Fused passages handed to the reranker.
RERANK_CANDIDATES = 40
MODEL_FORMAT = "vraagbaak-reranker"
MODEL_VERSION = 1
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "reranker.json"


@dataclass(frozen=True)
class Reranked:
    passage: Passage
    score: float


@dataclass(frozen=True)
class RerankContext:
    """What a reranker may know beyond the passages: how specific a word is (the index's idf)
    and where each chunk sits in its corpus."""

    term_weight: TermWeight
    profile: CorpusProfile


class Reranker(Protocol):
    def rerank(
        self, question: Question, passages: Sequence[Passage], context: RerankContext
    ) -> list[Reranked]:
        """passages: fused candidates, best first (score = RRF score, rank = fused rank,
        dense_score = cosine to the query). Returns them best first with a score each; it may
        drop some, never add any."""
        ...


class FusedOrder:
    """The identity reranker: retrieval's fused order and RRF score."""

    def rerank(
        self, question: Question, passages: Sequence[Passage], context: RerankContext
    ) -> list[Reranked]:
        return [Reranked(p, p.score) for p in passages]


class LearnedReranker:
    """LambdaMART scores for the first RERANK_DEPTH candidates; the rest follow in fused order
    below the lowest learned score, so the order stays total."""

    def __init__(self, model: Any, meta: dict[str, Any]) -> None:
        self.booster = model
        self.meta = meta
        self._lock = threading.Lock()

    @property
    def abstention(self) -> Abstention | None:
        """The abstention model calibrated with this reranker (its passages and scores are
        what the model reads), None when the file has none for this code's inputs."""
        stored = self.meta.get("abstention") or {}
        if isinstance(stored.get("model"), dict):
            return LearnedAbstention.from_json(stored["model"])
        value = stored.get("min_relevance")
        return SignalThreshold(float(value)) if isinstance(value, int | float) else None

    @classmethod
    def load(cls, path: Path = BUNDLED_MODEL) -> LearnedReranker:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RerankerModelError(
                f"{path}: reranker model cannot be read ({exc}). Run `vraagbaak train-reranker`, "
                "or set VRAAGBAAK_RERANKER=off to rank by retrieval alone."
            ) from exc
        if data.get("format") != MODEL_FORMAT or data.get("version") != MODEL_VERSION:
            raise RerankerModelError(f"{path}: not a version-{MODEL_VERSION} reranker model.")
        if tuple(data.get("features", ())) != FEATURES:
            raise RerankerModelError(
                f"{path}: made for other features than this code computes; retrain it with "
                "`vraagbaak train-reranker`."
            )
        return cls(
            booster_from_string(str(data["lightgbm"])),
            {k: v for k, v in data.items() if k != "lightgbm"},
        )

    @property
    def unsure_margin(self) -> float | None:
        """The gap between the first two scores below which the first passage is often wrong
        (stages/alternatives.py), calibrated on questions the scoring model was not trained
        on; None when the file has none."""
        value = (self.meta.get("alternatives") or {}).get("unsure_margin")
        return float(value) if isinstance(value, int | float) else None

    def scores(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros(0)
        with self._lock:  # one booster, many page threads
            return np.asarray(self.booster.predict(rows, num_threads=1), dtype=np.float64)

    def rerank(
        self, question: Question, passages: Sequence[Passage], context: RerankContext
    ) -> list[Reranked]:
        head, tail = list(passages[:RERANK_DEPTH]), list(passages[RERANK_DEPTH:])
        rows = feature_rows(question, head, context.profile, context.term_weight)
        learned = self.scores(rows)
        order = sorted(range(len(head)), key=lambda i: (-learned[i], i))
        ranked = [
            Reranked(
                replace(head[i], rerank_features=[float(v) for v in rows[i]]), float(learned[i])
            )
            for i in order
        ]
        floor = float(learned.min()) if len(learned) else 0.0
        ranked += [Reranked(p, floor - 1.0 - i) for i, p in enumerate(tail)]
        return ranked


def booster_from_string(text: str) -> Any:
    """LightGBM is imported here, so a fused-order assistant never loads it."""
    import lightgbm

    return lightgbm.Booster(model_str=text)


def reranker_from_setting(setting: str) -> Reranker:
    """ "" → the bundled model, "off" → fused order, else a model file's path."""
    if setting.lower() in {"off", "fused", "none"}:
        return FusedOrder()
    return LearnedReranker.load(Path(setting) if setting else BUNDLED_MODEL)


def top(reranked: Sequence[Reranked], k: int) -> list[Passage]:
    """The first k passages, ranked 1..k and scored by the reranker."""
    return [
        replace(r.passage, rank=rank, score=r.score) for rank, r in enumerate(reranked[:k], start=1)
    ]
