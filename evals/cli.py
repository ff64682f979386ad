"""The body of `vraagbaak eval`, so the command line only parses flags and opens the assistant.

Exit codes: 0 run finished and (if asked) the gate passed; 1 the gate failed; 2 the input was
unusable (bad Q&A file, unreadable baseline) — a broken input must not look like a regression.
With --json stdout carries only the metrics object (docs/ARCHITECTURE.md); everything else
(progress bar, comparison, file paths) goes to stderr so scripts can pipe stdout into jq.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from evals.compare import (
    DEFAULT_TOLERANCES,
    compare,
    format_comparison,
    format_value,
    ordered_names,
)
from evals.qa_set import QAFormatError
from evals.report import write_report
from evals.runner import run_eval

DEFAULT_QA = Path(__file__).resolve().parent / "qa.jsonl"
# What `make eval` and the maintainers' page compare a run with.
DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"


def assistant_info(assistant: Any) -> dict[str, Any]:
    """Provenance only the assistant knows, best effort: an `eval_info()` dict when the assistant
    offers one, else what `settings`, `status()` and the index's document hashes reveal.
    Never raises: a run without provenance is still a run."""
    getter = getattr(assistant, "eval_info", None)
    if callable(getter):
        with contextlib.suppress(Exception):
            offered = getter()
            if isinstance(offered, dict):
                return dict(offered)
    info: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        settings = assistant.settings
        info["embedding_model"] = settings.embedding
        info["settings"] = {
            k: str(getattr(settings, k))
            for k in ("embedding", "collection", "chroma_url", "home", "corpus_dir")
            if hasattr(settings, k)
        }
    with contextlib.suppress(Exception):
        status = assistant.status()
        info["embedding_model"] = status.embedding_model
        info.update(documents=status.documents, chunks=status.chunks, store=status.store)
        info["last_ingest"] = status.last_ingest
    with contextlib.suppress(Exception):
        signature = assistant.index.live.signature  # sorted content hashes of the documents
        info["corpus_hash"] = hashlib.sha256(signature.encode()).hexdigest()[:16]
    return info


def format_metrics(metrics: dict[str, Any]) -> str:
    names = [n for n in ordered_names(set(metrics)) if not isinstance(metrics[n], dict | list)]
    width = max(len(n) for n in names)
    return "\n".join(f"{n.ljust(width)}  {format_value(n, metrics[n])}" for n in names)


def _load_baseline(path: Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("baseline must be a JSON object")
    return data


def main_eval(
    qa: Path | None,
    json_out: bool,
    report_dir: Path | None,
    compare_to: Path | None,
    assistant: Any,
    info: dict[str, Any] | None = None,
    tolerances: dict[str, float] | None = None,
    progress: bool = True,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    held_out: bool = False,
) -> int:
    """Run, print, optionally write the report and gate. The baseline is read before the run so
    a typo in --compare fails in a second, not after the whole set has been asked."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    qa_path = Path(qa) if qa else DEFAULT_QA
    baseline = None
    if compare_to is not None:
        try:
            baseline = _load_baseline(compare_to)
        except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
            print(f"eval: cannot read baseline {compare_to}: {exc}", file=err)
            return 2
    try:
        if held_out:
            from evals.held_out import held_out_eval

            result = held_out_eval(
                assistant, qa_path, progress=progress, info=info or assistant_info(assistant)
            )
        else:
            result = run_eval(
                assistant, qa_path, progress=progress, info=info or assistant_info(assistant)
            )
    except QAFormatError as exc:
        print(f"eval: {exc}", file=err)
        return 2

    if json_out:
        print(json.dumps(result.metrics, ensure_ascii=False, indent=2), file=out)
    else:
        print(f"Q&A set: {qa_path} ({result.meta['qa_sha256'][:12]})", file=out)
        print(format_metrics(result.metrics), file=out)
        for name, figures in result.folds.items():
            print(f"\n{name} (learned on the other half):", file=out)
            print(format_metrics(figures), file=out)
    if report_dir is not None:
        paths = write_report(result, report_dir, baseline)
        print(f"report: {paths['html']}", file=err if json_out else out)
    if baseline is None:
        return 0
    comparison = compare(result.to_dict(), baseline, tolerances or DEFAULT_TOLERANCES)
    print("\n" + format_comparison(comparison), file=err if json_out else out)
    return 1 if comparison.failed else 0


def main_dialogues(
    dialogues: Path,
    json_out: bool,
    report_dir: Path | None,
    assistant: Any,
    progress: bool = True,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """`vraagbaak eval --dialogues FILE`: follow-up figures (last turn in conversation vs
    asked alone, per half and per kind). Report files are named dialogues-<stamp>.json/.md so
    the maintainers' page, which reads result-*.json, never mistakes them for a Q&A run."""
    from evals.dialogues import format_figures, run_dialogues, write_dialogue_report

    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        result = run_dialogues(assistant, Path(dialogues), progress=progress)
    except QAFormatError as exc:
        print(f"eval: {exc}", file=err)
        return 2
    if json_out:
        print(json.dumps(result["figures"], ensure_ascii=False, indent=2), file=out)
    else:
        print(f"Dialogues: {dialogues}", file=out)
        print(format_figures(result), file=out)
    if report_dir is not None:
        paths = write_dialogue_report(result, Path(report_dir))
        print(f"report: {paths['markdown']}", file=err if json_out else out)
    return 0
