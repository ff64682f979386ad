"""Compare a run against a committed baseline and decide whether it regressed.

Only quality metrics are gated. Latency is listed with its delta but never fails the gate: it
depends on the machine, its load and the thread count, so a CI runner would fail or pass at random.
Tolerances are the size of a change we accept as noise on a set of ~100 questions (one or two
questions flipping), not a target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# Positive magnitudes; the direction comes from LOWER_IS_BETTER.
DEFAULT_TOLERANCES: dict[str, float] = {
    "hit@5": 0.02,
    "mrr@10": 0.02,
    "recall@10": 0.03,
    "citation_precision": 0.02,
    "abstention_accuracy": 0.05,
    "false_abstention_rate": 0.03,
}

LOWER_IS_BETTER = frozenset(
    {
        "false_abstention_rate",
        "search_p50_ms",
        "search_p95_ms",
        "ask_p50_ms",
        "ask_p95_ms",
        "n_errors",
        "uncited_answers",
    }
)
LATENCY = frozenset({"search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms"})
COUNTS = frozenset({"n_questions", "n_answerable", "n_none", "n_errors", "uncited_answers"})

# Display order for tables; metrics not listed follow alphabetically.
METRIC_ORDER = (
    "hit@1",
    "hit@3",
    "hit@5",
    "hit@10",
    "mrr@10",
    "recall@10",
    "ndcg@10",
    "abstention_accuracy",
    "false_abstention_rate",
    "citation_precision",
    "citation_precision_macro",
    "citation_recall",
    "answers_citing_gold",
    "answers_quoting_gold",
    "alternatives_shown",
    "alternatives_hold_gold",
    "refusals_with_alternatives",
    "refused_alternatives_hold_gold",
    "token_f1",
    "rouge_l",
    "search_p50_ms",
    "search_p95_ms",
    "ask_p50_ms",
    "ask_p95_ms",
    "n_questions",
    "n_answerable",
    "n_none",
    "n_errors",
    "uncited_answers",
)

_EPS = 1e-9  # float noise from averaging must not trip a gate set exactly at the tolerance


@dataclass
class MetricDelta:
    name: str
    baseline: float | None
    current: float | None
    delta: float | None
    tolerance: float | None  # None: reported, not gated
    status: str  # ok | regressed | improved | missing | new | n/a

    @property
    def gated(self) -> bool:
        return self.tolerance is not None


@dataclass
class Comparison:
    rows: list[MetricDelta]
    notes: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[MetricDelta]:
        return [r for r in self.rows if r.gated and r.status in ("regressed", "missing")]

    @property
    def failed(self) -> bool:
        return bool(self.regressions)


def metrics_of(data: dict[str, Any]) -> dict[str, Any]:
    """Accept a whole result file or a bare {"metrics": ...} or a flat metrics dict."""
    inner = data.get("metrics") if isinstance(data, dict) else None
    return inner if isinstance(inner, dict) else data


def ordered_names(names: set[str] | list[str]) -> list[str]:
    known = [n for n in METRIC_ORDER if n in names]
    return known + sorted(set(names) - set(METRIC_ORDER))


def is_improvement(name: str, delta: float) -> bool:
    return delta < 0 if name in LOWER_IS_BETTER else delta > 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _comparable(value: Any) -> bool:
    return value is None or _number(value) is not None or isinstance(value, float)


def _row(name: str, base: float | None, cur: float | None, tol: float | None) -> MetricDelta:
    if base is None and cur is None:
        return MetricDelta(name, None, None, None, tol, "n/a")
    if base is None:
        return MetricDelta(name, None, cur, None, tol, "new")
    if cur is None:
        return MetricDelta(name, base, None, None, tol, "missing")
    delta = cur - base
    if tol is not None:
        worse = delta > tol + _EPS if name in LOWER_IS_BETTER else delta < -tol - _EPS
        if worse:
            return MetricDelta(name, base, cur, delta, tol, "regressed")
    status = "improved" if abs(delta) > _EPS and is_improvement(name, delta) else "ok"
    return MetricDelta(name, base, cur, delta, tol, status)


def compare(
    current: dict[str, Any],
    baseline: dict[str, Any],
    tolerances: dict[str, float] | None = None,
) -> Comparison:
    """A gated metric that the baseline has but the current run lacks fails: silently losing a
    metric (e.g. the `none` questions vanished) must not pass as "no regression"."""
    tolerances = DEFAULT_TOLERANCES if tolerances is None else tolerances
    cur_m, base_m = metrics_of(current), metrics_of(baseline)
    names = {
        n
        for n in set(cur_m) | set(base_m)
        if all(_comparable(d.get(n)) for d in (cur_m, base_m))  # skip nested data
    }
    rows = []
    for name in ordered_names(names):
        cur, base = _number(cur_m.get(name)), _number(base_m.get(name))
        tol = None if name in LATENCY else tolerances.get(name)
        rows.append(_row(name, base, cur, None if tol is None else abs(tol)))
    notes = ["latency is reported but not gated (machine-dependent)"]
    for name in tolerances:
        if name not in names:
            notes.append(f"gated metric {name!r} is in neither run")
    cur_sha = (current.get("meta") or {}).get("qa_sha256")
    base_sha = (baseline.get("meta") or {}).get("qa_sha256")
    if cur_sha and base_sha and cur_sha != base_sha:
        notes.append("the Q&A file differs from the baseline's: deltas mix set and system changes")
    return Comparison(rows=rows, notes=notes)


def format_value(name: str, value: Any, signed: bool = False) -> str:
    """Counts as integers, latency in ms with one decimal, scores with three."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if name in COUNTS:
        return f"{value:+.0f}" if signed else f"{value:.0f}"
    if name.endswith("_ms"):
        return f"{value:+.1f}" if signed else f"{value:.1f}"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def format_comparison(c: Comparison) -> str:
    header = ("metric", "baseline", "current", "delta", "tolerance", "status")
    body = []
    for r in c.rows:
        tol = (
            "not gated"
            if r.tolerance is None
            else (f"+{r.tolerance:.3f}" if r.name in LOWER_IS_BETTER else f"-{r.tolerance:.3f}")
        )
        status = r.status.upper() if r.status in ("regressed", "missing") and r.gated else r.status
        body.append(
            (
                r.name,
                format_value(r.name, r.baseline),
                format_value(r.name, r.current),
                format_value(r.name, r.delta, signed=True),
                tol,
                status,
            )
        )
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()

    out = [line(header), line(tuple("-" * w for w in widths)), *map(line, body), ""]
    out += [f"note: {n}" for n in c.notes]
    if c.failed:
        names = ", ".join(r.name for r in c.regressions)
        out.append(f"GATE FAILED: {names} regressed past tolerance")
    else:
        out.append("gate passed: no gated metric regressed past its tolerance")
    return "\n".join(out)
