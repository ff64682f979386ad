"""Learn what the bundled model file holds: `vraagbaak train-reranker`.

Two things are learned from the Q&A files, because the second depends on the first:

1. The passage reranker. Each answerable question gives one ranking group: its first
   RERANK_DEPTH fused candidates, with label 1 for a passage that holds a gold quote
   (evals/gold.py) and 0 otherwise. LightGBM's LambdaMART learns to put gold passages first.
   Why LambdaMART rather than a logistic regression: on held-out questions it was 2–3 points
   of hit@1 better (interactions such as "trust BM25 for questions with rare names, the dense
   match for paraphrased ones" are trees' strength), and it degraded less when trained on
   lexical questions and tested on paraphrased ones.
2. The abstention threshold on the extractive answerer's relevance signal, which moves with
   the passages the reranker puts first: the highest threshold that wrongly refuses at most
   FALSE_ABSTENTION_BUDGET of the answerable training questions, so it refuses as many `none`
   questions as that allows.

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


# ---------------------------------------------------------------------------- unsure margin

# An answer counts as unsure (and shows "Ook relevant") when the gap between the reranker's
# first two scores is in the range where its first passage is right at most this often.
UNSURE_FIRST_RIGHT = 0.6
# The smallest number of questions a rate is read from.
MIN_UNSURE_QUESTIONS = 20


def inner_half(item: QAItem) -> int:
    """A second split, independent of half_of, for calibrating inside a training half."""
    return zlib.crc32(f"inner:{item.family}".encode()) % 2


def out_of_fold_margins(data: Examples) -> list[tuple[float, bool]]:
    """(gap between the first two scores, first passage is gold) per question, each scored by
    a model trained on the other inner half: scores of a model on its own training questions
    are surer than it will be on new ones."""
    pairs: list[tuple[float, bool]] = []
    for half in (0, 1):
        train = subset(data, lambda item: inner_half(item) != half)  # noqa: B023
        test = subset(data, lambda item: inner_half(item) == half)  # noqa: B023
        if not train.groups or not test.groups:
            continue
        scores = reranker_from(fit(train)).scores(test.rows)
        starts = np.cumsum([0, *test.groups])
        for i in range(len(test.groups)):
            own = scores[starts[i] : starts[i + 1]]
            labels = test.labels[starts[i] : starts[i + 1]]
            order = np.argsort(-own)
            gap = float(own[order[0]] - own[order[1]]) if len(own) > 1 else float("inf")
            pairs.append((gap, bool(labels[order[0]] > 0)))
    return pairs


def choose_margin(pairs: Sequence[tuple[float, bool]], target: float = UNSURE_FIRST_RIGHT) -> float:
    """The largest gap g such that, among questions with a smaller gap, the first passage is
    right at most `target` of the time (0.0, never unsure, when no such range exists)."""
    ranked = sorted(pairs)
    best = 0.0
    right = 0
    for n, (gap, first_right) in enumerate(ranked, start=1):
        right += int(first_right)
        if n >= MIN_UNSURE_QUESTIONS and right / n <= target:
            following = ranked[n][0] if n < len(ranked) else gap
            best = (gap + following) / 2
    return float(best)


# ---------------------------------------------------------------------------- abstention


@dataclass(frozen=True)
class Signal:
    """The extractive answerer's relevance signal for one question."""

    item: QAItem
    value: float


def relevance_signals(
    assistant: Assistant,
    items: Sequence[QAItem],
    progress: Callable[[int, int], None] | None = None,
) -> list[Signal]:
    """The signal each question gets from this assistant's reranker (conversation turns are
    left out: they are answered from their conversation, not alone)."""
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
        out.append(Signal(item, assistant.extractive.relevance(request)))
    return out


def choose_threshold(signals: Sequence[Signal], budget: float = FALSE_ABSTENTION_BUDGET) -> float:
    """The highest threshold (abstain below it) that refuses at most `budget` of the answerable
    questions: every step higher would refuse one more of them."""
    answerable = sorted(s.value for s in signals if s.item.answerable)
    if not answerable:
        raise ValueError("no answerable question to calibrate abstention on")
    allowed = int(budget * len(answerable) + 1e-9)
    return float(answerable[min(allowed, len(answerable) - 1)])


def abstention_rates(signals: Sequence[Signal], threshold: float) -> dict[str, float | None]:
    none = [s.value < threshold for s in signals if not s.item.answerable]
    answerable = [s.value < threshold for s in signals if s.item.answerable]
    return {
        "abstention_accuracy": float(np.mean(none)) if none else None,
        "false_abstention_rate": float(np.mean(answerable)) if answerable else None,
        "n_none": len(none),
        "n_answerable": len(answerable),
    }


# ---------------------------------------------------------------------------- one fold


@dataclass
class Learned:
    """A reranker and the abstention threshold calibrated with it."""

    reranker: LearnedReranker
    min_relevance: float


def learn(
    base: Assistant,
    data: Examples,
    items: Sequence[QAItem],
    keep: Callable[[QAItem], bool],
) -> Learned:
    """Train on the groups and calibrate on the items `keep` accepts."""
    training = subset(data, keep)
    reranker = reranker_from(fit(training))
    reranker.meta["alternatives"] = {
        "unsure_margin": choose_margin(out_of_fold_margins(training)),
        "unsure_first_right": UNSURE_FIRST_RIGHT,
    }
    assistant = Assistant(base.current_index(), reranker)
    signals = relevance_signals(assistant, [i for i in items if keep(i)])
    threshold = choose_threshold(signals)
    reranker.meta["abstention"] = {
        "min_relevance": threshold,
        "false_abstention_budget": FALSE_ABSTENTION_BUDGET,
    }
    return Learned(reranker, threshold)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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
        test = subset(data, original_in_half(half))
        learned, fused = hit_at_1(fold.reranker, test)
        tested = Assistant(assistant.current_index(), fold.reranker)
        held_out = [i for i in items if original_in_half(half)(i)]
        rates = abstention_rates(relevance_signals(tested, held_out), fold.min_relevance)
        halves[f"half_{half}"] = {
            "questions": test.questions,
            "hit@1_of_candidates_reranked": round(learned, 4),
            "hit@1_of_candidates_fused": round(fused, 4),
            "min_relevance": round(fold.min_relevance, 4),
            **{k: round(v, 4) if isinstance(v, float) else v for k, v in rates.items()},
        }
    full = learn(assistant, data, items, lambda item: True)
    booster = full.reranker.booster
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
        "abstention": full.reranker.meta["abstention"],
        "alternatives": full.reranker.meta["alternatives"],
        "held_out": halves,
        "note": "held_out: trained and calibrated on one half of the questions (by stable hash "
        "of the id, paraphrases with their original), scored on the other half's original "
        "questions; hit@1 among questions with a gold passage in the candidates",
    }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(out).with_suffix(".tmp")
    tmp.write_text(
        json.dumps({**meta, "lightgbm": booster.model_to_string()}, ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    tmp.replace(out)
    return meta
