"""Learn what the bundled model file holds: `vraagbaak train-reranker`.

Two things are learned from the Q&A files, because the second depends on the first: the
passage reranker (evals/reranker_data.py) and, calibrated on readings by rerankers that had
not seen the question (evals/reranker_calibration.py), the abstention model and the "unsure"
score gap. The same Q&A files and index give the same model file. Held-out figures come from
training on one half of the questions and testing on the other (half_of); `vraagbaak eval
--held-out` runs the whole answer that way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.stages.abstention import LearnedAbstention
from assistant.stages.rerank import BUNDLED_MODEL, MODEL_FORMAT, MODEL_VERSION, LearnedReranker
from assistant.stages.rerank_features import FEATURES, RERANK_DEPTH
from evals.qa_set import QAItem
from evals.reranker_calibration import (
    FALSE_ABSTENTION_BUDGET,
    abstention_rates,
    fit_abstention,
    out_of_fold_readings,
    read,
    unsure_margin,
)
from evals.reranker_data import (
    DEFAULT_TRAINING_FILES,
    PARAMS,
    Examples,
    examples,
    fit,
    hit_at_1,
    load_items,
    not_in_half,
    original_in_half,
    reranker_from,
    subset,
)

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
