"""Held-out figures for what is learned from the Q&A set: `vraagbaak eval --held-out`.

The bundled reranker and its abstention threshold are trained on evals/qa.jsonl (and its
paraphrases), so a plain `vraagbaak eval` on that file is in-sample: a regression check, not
an estimate of how well the assistant answers questions nobody trained it on. Here the set is
split in two halves (evals/train_reranker.half_of: a question with its paraphrases, a
conversation with its turns), and each half is answered by a reranker trained, and an
abstention threshold calibrated, on the other half only. The report shows each half and the
two pooled.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.stages.rerank import FusedOrder
from evals.provenance import build_meta
from evals.qa_set import load_qa
from evals.reranker_data import (
    DEFAULT_QA,
    DEFAULT_TRAINING_FILES,
    examples,
    in_half,
    load_items,
    not_in_half,
)
from evals.runner import EvalResult, aggregate, evaluate_items, result_of
from evals.train_reranker import learn

HALVES = (0, 1)


def training_files_for(qa_path: Path) -> tuple[Path, ...]:
    """The bundled set trains with its paraphrases; another Q&A file trains on itself."""
    if Path(qa_path).resolve() == DEFAULT_QA.resolve():
        return DEFAULT_TRAINING_FILES
    return (Path(qa_path),)


def held_out_eval(
    assistant: Assistant,
    qa_path: Path,
    training_files: Sequence[Path] | None = None,
    k: int = 10,
    progress: bool = True,
    info: dict[str, Any] | None = None,
) -> EvalResult:
    """Both halves of qa_path, each answered by what was learned on the other half of
    training_files (which normally include qa_path itself)."""
    qa_path = Path(qa_path)
    items = load_qa(qa_path)
    training_files = training_files or training_files_for(qa_path)
    training = load_items(training_files)
    base = Assistant(assistant.current_index(), FusedOrder())
    if progress:
        print("held-out: candidates of the training questions …", file=sys.stderr)
    data = examples(base, training)
    records: list[dict[str, Any]] = []
    folds: dict[str, dict[str, Any]] = {}
    for half in HALVES:
        if progress:
            print(f"held-out: learning on the other half, answering half {half}", file=sys.stderr)
        learned = learn(base, data, training, not_in_half(half))
        fold_assistant = Assistant(base.current_index(), learned)
        fold_records = evaluate_items(
            fold_assistant, [i for i in items if in_half(half)(i)], k, progress
        )
        for r in fold_records:
            r["half"] = half
        folds[f"half_{half}"] = {
            **aggregate(fold_records),
            "abstention_threshold": fold_assistant.extractive.abstention.threshold,
            "unsure_margin": fold_assistant.unsure_margin,
            "trained_on_questions": sum(1 for i in data.items if not_in_half(half)(i)),
        }
        records.extend(fold_records)
    order = {item.id: n for n, item in enumerate(items)}
    records.sort(key=lambda r: order[r["id"]])
    meta = build_meta(qa_path, k, info)
    meta["held_out"] = {
        "training_files": [Path(p).name for p in training_files],
        "split": "crc32 of the question's family (id, paraphrase_of or conversation) mod 2",
    }
    return result_of(records, meta, folds)
