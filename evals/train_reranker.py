"""Learn what the bundled model file holds: `vraagbaak train-reranker`.

Two things are learned from the Q&A files, because the second depends on the first:

1. The passage reranker. Each answerable question gives one ranking group: its first
   RERANK_DEPTH fused candidates, with label 1 for a passage that holds a gold quote
   (evals/gold.py) and 0 otherwise. LightGBM's LambdaMART learns to put gold passages first.
   Why LambdaMART rather than a logistic regression: on held-out questions it was 2–3 points
   of hit@1 better (interactions such as "trust BM25 for questions with rare names, the dense
   match for paraphrased ones" are trees' strength), and it degraded less when trained on
   lexical questions and tested on paraphrased ones.
2. What depends on the reranker, calibrated on how rerankers that had not seen a question
   read it (out_of_fold_readings): the abstention model (a logistic regression over the
   evidence and the first passage's reranker features, stages/abstention.py) with the highest
   threshold that wrongly refuses at most FALSE_ABSTENTION_BUDGET of the answerable training
   questions, and the score gap below which an answer shows alternatives.

Training is deterministic (fixed seed, one thread), so the same Q&A files and index give the
same model file. Held-out figures come from training on one half of the questions and testing
on the other (half_of); `vraagbaak eval --held-out` runs the whole answer that way.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.service import Assistant
from assistant.stages.abstention import LearnedAbstention, learned_inputs
from assistant.stages.answerer import ANSWER_PASSAGES, AnswerRequest
from assistant.stages.rerank import (
    BUNDLED_MODEL,
    MODEL_FORMAT,
    MODEL_VERSION,
    RERANK_CANDIDATES,
    LearnedReranker,
    booster_from_string,
)
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

# Share of answerable training questions the abstention threshold may refuse. Below the 0.05
# target, because a threshold read off one set refuses a little more on questions it has not
# seen (both halves of `vraagbaak eval --held-out` show by how much).
FALSE_ABSTENTION_BUDGET = 0.03


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


# ---------------------------------------------------------------------------- calibration

# The share of answers, least sure first by the gap between the reranker's first two scores,
# that show "Ook relevant" alternatives (stages/alternatives.py). A share rather than a score
# gap, because the scale of LambdaMART scores moves with the training data.
UNSURE_SHARE = 0.25
# Inverse regularisation of the abstention model: 48 inputs and about a hundred `none`
# questions call for a strong prior towards small weights.
ABSTENTION_C = 0.1


def inner_half(item: QAItem) -> int:
    """A second split, independent of half_of, for calibrating inside a training set. Not a
    CRC of a prefixed id: CRCs are linear, so its parity would follow half_of's exactly."""
    return hashlib.sha256(item.family.encode("utf-8")).digest()[0] % 2


@dataclass(frozen=True)
class Reading:
    """How a reranker that had not seen the question read it: the abstention model's inputs,
    whether the question is answerable, the gap between the first two scores and whether the
    first passage is gold (None for a `none` question)."""

    item: QAItem
    inputs: list[float]
    gap: float
    first_right: bool | None


def read(
    assistant: Assistant,
    items: Sequence[QAItem],
    progress: Callable[[int, int], None] | None = None,
) -> list[Reading]:
    """What assistant's reranker and evidence make of each question (conversation turns are
    answered from their conversation, not alone, and are left out)."""
    index = assistant.current_index()
    out = []
    for n, item in enumerate(items, start=1):
        if progress is not None:
            progress(n, len(items))
        if item.conversation:
            continue
        question = understand(item.question)
        found = assistant.find(question, ANSWER_PASSAGES, index=index)
        request = AnswerRequest(question, found.passages, found.query_vector, index.bm25.idf)
        evidence = assistant.extractive.evidence(request)
        inputs = learned_inputs(question, evidence, found.passages, index.bm25.idf)
        passages = found.passages
        gap = passages[0].score - passages[1].score if len(passages) > 1 else float("inf")
        first_right = (
            bool(gold_quotes_hit(passages[0].text, item.quotes))
            if item.answerable and passages
            else None
        )
        out.append(Reading(item, inputs, gap, first_right))
    return out


def out_of_fold_readings(
    base: Assistant, training: Examples, items: Sequence[QAItem]
) -> list[Reading]:
    """Each item read by a reranker trained on the other inner half of the training groups:
    a model is surer of its own training questions than it will be of new ones, and the
    calibration must see the latter."""
    readings: list[Reading] = []
    for half in (0, 1):
        train = subset(training, lambda item: inner_half(item) != half)  # noqa: B023
        if not train.groups:
            continue
        assistant = Assistant(base.current_index(), reranker_from(fit(train)))
        readings += read(assistant, [i for i in items if inner_half(i) == half])
    return readings


def unsure_margin(readings: Sequence[Reading]) -> dict[str, float]:
    """The gap below which UNSURE_SHARE of the answerable questions fall, and how often the
    first passage is right below and above it."""
    pairs = sorted((r.gap, bool(r.first_right)) for r in readings if r.first_right is not None)
    if not pairs:
        return {"unsure_margin": 0.0, "unsure_share": UNSURE_SHARE}
    cut = max(1, int(UNSURE_SHARE * len(pairs)))
    margin = (pairs[cut - 1][0] + pairs[min(cut, len(pairs) - 1)][0]) / 2
    below = [right for gap, right in pairs if gap < margin]
    above = [right for gap, right in pairs if gap >= margin]
    return {
        "unsure_margin": float(margin),
        "unsure_share": UNSURE_SHARE,
        "first_right_below": float(np.mean(below)) if below else float("nan"),
        "first_right_above": float(np.mean(above)) if above else float("nan"),
    }


def fit_abstention(
    readings: Sequence[Reading], budget: float = FALSE_ABSTENTION_BUDGET
) -> LearnedAbstention:
    """A logistic regression (scikit-learn) of "answerable" on the inputs, and the highest
    threshold on its probability that refuses at most `budget` of the answerable questions."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.asarray([r.inputs for r in readings], dtype=np.float64)
    y = np.asarray([int(r.item.answerable) for r in readings])
    if len(set(y.tolist())) < 2:
        raise ValueError("abstention needs answerable and `none` questions to learn from")
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=ABSTENTION_C, class_weight="balanced", max_iter=5000)
    model.fit(scaler.transform(x), y)
    probability = model.predict_proba(scaler.transform(x))[:, 1]
    answerable = np.sort(probability[y == 1])
    threshold = float(answerable[min(int(budget * len(answerable) + 1e-9), len(answerable) - 1)])
    return LearnedAbstention(
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) or 1.0 for v in scaler.scale_),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        threshold=threshold,
    )


def abstention_rates(
    abstention: LearnedAbstention, readings: Sequence[Reading]
) -> dict[str, float | int | None]:
    """Share of `none` questions refused and of answerable questions wrongly refused."""
    refused = {r.item.id: abstention.probability(r.inputs) < abstention.threshold for r in readings}
    none = [refused[r.item.id] for r in readings if not r.item.answerable]
    answerable = [refused[r.item.id] for r in readings if r.item.answerable]
    return {
        "abstention_accuracy": float(np.mean(none)) if none else None,
        "false_abstention_rate": float(np.mean(answerable)) if answerable else None,
        "n_none": len(none),
        "n_answerable": len(answerable),
    }


# ---------------------------------------------------------------------------- one fold


def learn(
    base: Assistant,
    data: Examples,
    items: Sequence[QAItem],
    keep: Callable[[QAItem], bool],
) -> LearnedReranker:
    """A reranker trained on the groups `keep` accepts, with its alternatives margin and its
    abstention model calibrated on those questions as rerankers that had not seen them read
    them (out_of_fold_readings)."""
    training = subset(data, keep)
    reranker = reranker_from(fit(training))
    readings = out_of_fold_readings(base, training, [i for i in items if keep(i)])
    abstention = fit_abstention(readings)
    reranker.meta["alternatives"] = unsure_margin(readings)
    reranker.meta["abstention"] = {
        "model": abstention.to_json(),
        "false_abstention_budget": FALSE_ABSTENTION_BUDGET,
        "trained_on": abstention_rates(abstention, readings),
    }
    return reranker


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}


def train_and_save(
    assistant: Assistant,
    qa_files: Sequence[Path] = DEFAULT_TRAINING_FILES,
    out: Path = BUNDLED_MODEL,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Train on all questions of qa_files and write the model file; returns its metadata,
    including the figures of each half when trained on the other (the honest ones).

    `assistant` must rank by fused order (its reranker is not used for the candidates)."""
    items = load_items(qa_files)
    data = examples(assistant, items, progress)
    halves = {}
    for half in (0, 1):
        fold = learn(assistant, data, items, not_in_half(half))
        learned, fused = hit_at_1(fold, subset(data, original_in_half(half)))
        tested = Assistant(assistant.current_index(), fold)
        held_out = read(tested, [i for i in items if original_in_half(half)(i)])
        model = LearnedAbstention.from_json(fold.meta["abstention"]["model"])
        assert model is not None  # made by this code a moment ago
        halves[f"half_{half}"] = {
            "questions": subset(data, original_in_half(half)).questions,
            "hit@1_of_candidates_reranked": round(learned, 4),
            "hit@1_of_candidates_fused": round(fused, 4),
            **_rounded(abstention_rates(model, held_out)),
        }
    full = learn(assistant, data, items, lambda item: True)
    meta = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "features": list(FEATURES),
        "depth": RERANK_DEPTH,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": {
            "files": {Path(p).name: _sha256(Path(p)) for p in qa_files},
            "questions": data.questions,
            "candidates": int(len(data.labels)),
            "embedding_model": assistant.settings.embedding,
        },
        "params": {k: v for k, v in PARAMS.items() if k not in {"verbose", "n_jobs"}},
        "abstention": full.meta["abstention"],
        "alternatives": _rounded(full.meta["alternatives"]),
        "held_out": halves,
        "note": "held_out: trained and calibrated on one half of the questions (by stable hash "
        "of the id, paraphrases with their original), scored on the other half's original "
        "questions; hit@1 among questions with a gold passage in the candidates",
    }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(out).with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {**meta, "lightgbm": full.booster.model_to_string()}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    tmp.replace(out)
    return meta
