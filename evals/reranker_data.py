"""The reranker's training data and fitting: ranking groups from a Q&A set, the splits held-out
figures are computed on, and LightGBM's LambdaMART.

Each answerable question gives one ranking group: its first RERANK_DEPTH fused candidates,
with label 1 for a passage that holds a gold quote (evals/gold.py) and 0 otherwise. Why
LambdaMART rather than a logistic regression: on held-out questions it was 2–3 points of hit@1
better (interactions such as "trust BM25 for questions with rare names, the dense match for
paraphrased ones" are trees' strength), and it degraded less when trained on lexical questions
and tested on paraphrased ones. Fitting is deterministic (fixed seed, one thread).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.service import Assistant
from assistant.stages.rerank import RERANK_CANDIDATES, LearnedReranker, booster_from_string
from assistant.stages.rerank_features import FEATURES, RERANK_DEPTH, feature_rows
from assistant.stages.retrieve import retrieve
from assistant.stages.understand import understand
from evals.gold import gold_quotes_hit
from evals.qa_set import QAItem, load_qa

EVALS = Path(__file__).resolve().parent
DEFAULT_QA = EVALS / "qa.jsonl"
DEFAULT_TRAINING_FILES = (DEFAULT_QA, EVALS / "qa_paraphrases.jsonl")

PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 3,
    "min_child_samples": 10,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "random_state": 7,
    "deterministic": True,
    "force_row_wise": True,
    "n_jobs": 1,
    "verbose": -1,
}


@dataclass
class Examples:
    """Feature rows of several ranking groups, one group per question."""

    rows: np.ndarray
    labels: np.ndarray
    groups: list[int]
    items: list[QAItem]

    @property
    def questions(self) -> int:
        return len(self.groups)


def half_of(item: QAItem) -> int:
    """0 or 1, stable across runs and machines, the same for a question and its paraphrases
    (and for the turns of one conversation): the split held-out figures are computed on."""
    return zlib.crc32(item.family.encode("utf-8")) % 2


def load_items(paths: Iterable[Path]) -> list[QAItem]:
    items: list[QAItem] = []
    for path in paths:
        items.extend(load_qa(Path(path)))
    return items


def examples(
    assistant: Assistant,
    items: Sequence[QAItem],
    progress: Callable[[int, int], None] | None = None,
) -> Examples:
    """Candidates and labels for the answerable questions. A question whose gold passage is not
    among the candidates teaches nothing about ordering and is left out."""
    index = assistant.current_index()
    profile = assistant.profile(index)
    rows: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    groups: list[int] = []
    kept: list[QAItem] = []
    for n, item in enumerate(items, start=1):
        if progress is not None:
            progress(n, len(items))
        if not item.answerable or item.conversation:
            continue
        question = understand(item.question)
        found = retrieve(index, question, RERANK_CANDIDATES)
        head = found.passages[:RERANK_DEPTH]
        gold = np.array([1 if gold_quotes_hit(p.text, item.quotes) else 0 for p in head])
        if not gold.any():
            continue
        rows.append(feature_rows(question, head, profile, index.bm25.idf))
        labels.append(gold)
        groups.append(len(head))
        kept.append(item)
    width = len(FEATURES)
    return Examples(
        rows=np.vstack(rows) if rows else np.zeros((0, width)),
        labels=np.concatenate(labels) if labels else np.zeros(0, dtype=int),
        groups=groups,
        items=kept,
    )


def fit(data: Examples) -> Any:
    """A LightGBM booster trained on the examples."""
    import lightgbm

    if not data.groups:
        raise ValueError("no question has its gold passage among the candidates: nothing to learn")
    model = lightgbm.LGBMRanker(**PARAMS)
    model.fit(data.rows, data.labels, group=data.groups, feature_name=list(FEATURES))
    return model.booster_


def subset(data: Examples, keep: Callable[[QAItem], bool]) -> Examples:
    """The groups of the questions `keep` accepts."""
    starts = np.cumsum([0, *data.groups])
    chosen = [i for i, item in enumerate(data.items) if keep(item)]
    index = (
        np.concatenate([np.arange(starts[i], starts[i + 1]) for i in chosen])
        if chosen
        else np.zeros(0, dtype=int)
    )
    return Examples(
        rows=data.rows[index],
        labels=data.labels[index],
        groups=[data.groups[i] for i in chosen],
        items=[data.items[i] for i in chosen],
    )


def in_half(half: int) -> Callable[[QAItem], bool]:
    return lambda item: half_of(item) == half


def not_in_half(half: int) -> Callable[[QAItem], bool]:
    return lambda item: half_of(item) != half


def original_in_half(half: int) -> Callable[[QAItem], bool]:
    """Held-out figures count the set's own questions, not the training paraphrases."""
    return lambda item: half_of(item) == half and not item.paraphrase_of


def reranker_from(booster: Any, meta: dict[str, Any] | None = None) -> LearnedReranker:
    """An in-memory reranker (held-out evals train one per half and never write it)."""
    return LearnedReranker(booster_from_string(booster.model_to_string()), dict(meta or {}))


def hit_at_1(reranker: LearnedReranker, data: Examples) -> tuple[float, float]:
    """(reranked, fused) share of questions whose first candidate is gold."""
    if not data.groups:
        return 0.0, 0.0
    scores = reranker.scores(data.rows)
    starts = np.cumsum([0, *data.groups])
    learned = fused = 0
    for i in range(len(data.groups)):
        labels = data.labels[starts[i] : starts[i + 1]]
        learned += int(labels[int(np.argmax(scores[starts[i] : starts[i + 1]]))] > 0)
        fused += int(labels[0] > 0)
    return learned / len(data.groups), fused / len(data.groups)


def inner_half(item: QAItem) -> int:
    """A second split, independent of half_of, for calibrating inside a training set. Not a
    CRC of a prefixed id: CRCs are linear, so its parity would follow half_of's exactly."""
    return hashlib.sha256(item.family.encode("utf-8")).digest()[0] % 2
