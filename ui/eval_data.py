"""Eval result files (`vraagbaak eval --report DIR`) turned into what the maintainers' page
shows. Reads only the JSON result files (the HTML report is for mailing around), and is
forgiving: a half-written or older file is skipped, not a crash of the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.compare import LOWER_IS_BETTER, compare
from evals.failures import FAILURE_RANK, Failure, failures


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    kind: str  # "ratio" (0..1, shown as %) or "ms"
    higher_is_better: bool = True


HEADLINES = (
    Headline("hit@5", "Gevonden in top 5", "ratio"),
    Headline("mrr@10", "MRR@10", "ratio"),
    Headline("citation_precision", "Bronprecisie", "ratio"),
    Headline("citation_recall", "Bronrecall", "ratio"),
    Headline("abstention_accuracy", "Terecht geen antwoord", "ratio"),
    Headline("false_abstention_rate", "Onterecht geen antwoord", "ratio", False),
    Headline("token_f1", "Token-F1", "ratio"),
    Headline("ask_p50_ms", "Antwoordtijd p50", "ms", False),
    Headline("ask_p95_ms", "Antwoordtijd p95", "ms", False),
)
RETRIEVAL_KEYS = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10")
ANSWER_KEYS = ("citation_precision", "citation_recall", "abstention_accuracy", "token_f1")


def list_runs(folder: Path) -> list[Path]:
    """Result files oldest first (their UTC stamps sort as text); latest.json only when it
    is all there is, because it duplicates the newest result file."""
    if not folder.is_dir():
        return []
    runs = sorted(folder.glob("result-*.json"))
    if not runs and (folder / "latest.json").is_file():
        runs = [folder / "latest.json"]
    return runs


def load_run(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        return None
    return data


def run_label(path: Path, data: dict[str, Any]) -> str:
    date = str((data.get("meta") or {}).get("date") or "")
    stamp = date.replace("T", " ")[:16] if date else path.stem.removeprefix("result-")
    n = (data.get("metrics") or {}).get("n_questions")
    return f"{stamp} ({n} vragen)" if n is not None else stamp


def format_metric(value: Any, kind: str) -> str:
    if not isinstance(value, int | float):
        return "—"
    if kind == "ms":
        return f"{value:,.0f} ms".replace(",", ".")
    if kind == "count":
        return f"{value:.0f}"
    return f"{value * 100:.1f}%".replace(".", ",")


def format_delta(value: Any, previous: Any, kind: str) -> str | None:
    """Change against the previous run, in the unit of the metric (percentage points)."""
    if not isinstance(value, int | float) or not isinstance(previous, int | float):
        return None
    diff = value - previous
    if kind == "ms":
        return None if round(diff) == 0 else f"{diff:+,.0f} ms".replace(",", ".")
    if kind == "count":
        return None if round(diff) == 0 else f"{diff:+.0f}"
    # No arrow for "no change": an unchanged metric is not news
    return None if round(diff * 100, 1) == 0 else f"{diff * 100:+.1f} pp".replace(".", ",")


# ---------------------------------------------------------------------------- baseline

BASELINE_KEYS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "recall@10",
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "false_abstention_rate",
    "token_f1",
    "ask_p50_ms",
    "ask_p95_ms",
    "n_questions",
)
_EXTRA_LABELS = {
    "hit@1": "Gevonden op plaats 1",
    "recall@10": "Recall@10",
    "n_questions": "Aantal vragen",
}
VERDICTS = {
    "regressed": "achteruit, buiten de marge",
    "missing": "ontbreekt in deze run",
    "improved": "beter",
    "ok": "binnen de marge",
    "new": "niet in de baseline",
    "n/a": "—",
}


@dataclass(frozen=True)
class BaselineView:
    """A run against the baseline (the gate of evals/compare.py), as the page shows it:
    a row per metric, the names of the metrics past their tolerance, and Dutch notes."""

    rows: list[dict[str, str]]
    regressions: list[str]
    notes: list[str]


def metric_label(key: str) -> str:
    for h in HEADLINES:
        if h.key == key:
            return h.label
    return _EXTRA_LABELS.get(key, key)


def metric_kind(key: str) -> str:
    if key.endswith("_ms"):
        return "ms"
    return "count" if key.startswith("n_") else "ratio"


def _tolerance(key: str, tolerance: float | None) -> str:
    if tolerance is None:
        return "telt niet mee"
    sign = "+" if key in LOWER_IS_BETTER else "−"
    return f"{sign}{tolerance * 100:.1f} pp".replace(".", ",")


def baseline_view(data: dict[str, Any], baseline: dict[str, Any]) -> BaselineView:
    """Compare a result file's data with the baseline by the rule `vraagbaak eval --compare`
    applies, worded for the page."""
    comparison = compare(data, baseline)
    rows = []
    for r in comparison.rows:
        if r.name not in BASELINE_KEYS:
            continue
        kind = metric_kind(r.name)
        delta = format_delta(r.current, r.baseline, kind)
        verdict = VERDICTS.get(r.status, r.status)
        if r.status == "ok" and not r.gated:
            verdict = "—"
        rows.append(
            {
                "Maat": metric_label(r.name),
                "Baseline": format_metric(r.baseline, kind),
                "Deze run": format_metric(r.current, kind),
                "Verschil": delta or ("0" if r.delta is not None else "—"),
                "Marge": _tolerance(r.name, r.tolerance),
                "Oordeel": verdict,
            }
        )
    notes = ["Antwoordtijden staan erbij maar tellen niet mee: ze hangen af van de machine."]
    ours = (data.get("meta") or {}).get("qa_sha256")
    theirs = (baseline.get("meta") or {}).get("qa_sha256")
    if ours and theirs and ours != theirs:
        n = (baseline.get("metrics") or {}).get("n_questions")
        size = f" ({n} vragen)" if isinstance(n, int) else ""
        notes.insert(
            0,
            f"Deze run gebruikte een andere vragenset dan de baseline{size}: de verschillen "
            "mengen dan vragenset en systeem, en zeggen weinig over een verbetering of "
            "achteruitgang.",
        )
    return BaselineView(
        rows=rows,
        regressions=[metric_label(r.name) for r in comparison.regressions],
        notes=notes,
    )


def load_baseline(path: Path) -> dict[str, Any] | None:
    """The committed baseline, or None when it is missing or unreadable (the page then says
    so instead of failing)."""
    return load_run(path)


# ---------------------------------------------------------------------------- time


def format_duration(seconds: float) -> str:
    """Dutch, rounded the way a person reads a wait: "40 s", "3 min", "1 u 05 min"."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    minutes = round(s / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} u {minutes % 60:02d} min"


def metric_table(
    metrics: dict[str, Any], keys: tuple[str, ...], groups: dict[str, dict[str, Any]] | None
) -> dict[str, dict[str, float]]:
    """{group: {metric: value}} for a bar chart; None groups: the overall metrics."""
    source = groups if groups is not None else {"alle vragen": metrics}
    return {
        name: {k: float(g[k]) for k in keys if isinstance(g.get(k), int | float)}
        for name, g in source.items()
    }


def long_table(table: dict[str, dict[str, float]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of (group, metric, value) in the metric order given, for a grouped bar chart."""
    return [
        {"groep": group, "maat": k, "waarde": values[k], "volgorde": keys.index(k)}
        for group, values in table.items()
        for k in keys
        if k in values
    ]


def history(runs: list[tuple[Path, dict[str, Any]]], keys: tuple[str, ...]) -> dict[str, Any]:
    """{run label: {metric: value}} over all runs, for a trend chart."""
    return {
        run_label(p, d): {k: d["metrics"].get(k) for k in keys if k in d["metrics"]}
        for p, d in runs
    }


def _reden(f: Failure) -> str:
    if f.kind == "error":
        return f"fout: {f.error}"
    if f.kind == "answered_none":
        return "gaf antwoord terwijl de documenten dit niet beantwoorden"
    if f.kind == "missed_gold":
        where = "niet gevonden" if f.rank is None else f"pas op plaats {f.rank}"
        return f"juiste passage niet in de top {FAILURE_RANK} ({where})"
    if f.kind == "abstained":
        return "gaf geen antwoord op een beantwoordbare vraag"
    return f"bron zonder juiste passage: {f.markers}"


def failure_reasons(q: dict[str, Any]) -> list[str]:
    """Why a question needs a human look (the rule of evals/failures.py, which the HTML report
    shares), in Dutch; empty when it went right."""
    return [_reden(f) for f in failures(q)]


def failed_questions(data: dict[str, Any]) -> list[dict[str, str]]:
    """One row per failed question of a result file, for the page's failure list."""
    rows = []
    for q in data.get("questions") or []:
        reasons = failure_reasons(q)
        if not reasons:
            continue
        rows.append(
            {
                "id": str(q.get("id", "")),
                "type": str(q.get("type", "")),
                "vraag": str(q.get("question", "")),
                "verwacht citaat": " | ".join(q.get("quotes") or []) or "(geen: moet weigeren)",
                "antwoord": str(q.get("answer", "")),
                "reden": "; ".join(reasons),
            }
        )
    return rows
