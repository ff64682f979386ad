"""The regression gate: the full eval on the bundled corpus must not fall below the baseline.

This is what makes CI refuse a change that makes retrieval or answers worse. The report is
left in test-output/eval/ for a person to read.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.cli import assistant_info
from evals.compare import compare, format_comparison
from evals.report import write_report
from evals.runner import run_eval

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "evals" / "baseline.json"


def test_full_eval_does_not_regress_against_the_baseline(assistant, output_dir: Path) -> None:
    result = run_eval(
        assistant, ROOT / "evals" / "qa.jsonl", progress=False, info=assistant_info(assistant)
    )
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    write_report(result, output_dir / "eval", baseline=baseline)
    comparison = compare(result.metrics, baseline)
    print(format_comparison(comparison))
    assert result.metrics["n_errors"] == 0
    assert not comparison.failed, format_comparison(comparison)
