"""Write a run to disk: a JSON result file for machines and an HTML/Markdown report for people.

The HTML is one self-contained file (inline SVG charts, inline CSS, no scripts) so it can be
mailed, attached to a CI run or opened years later without the repo. Failures come before the
full table because they are what a reader needs to act on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from evals.charts import report_charts
from evals.compare import (
    METRIC_ORDER,
    compare,
    format_value,
    is_improvement,
    metrics_of,
    ordered_names,
)
from evals.failures import FAILURE_RANK, Failure, failures
from foundation.sections import location

SUMMARY_METRICS = METRIC_ORDER  # one display order for every table


# ---------------------------------------------------------------------------- failures


def _reason(f: Failure) -> str:
    if f.kind == "error":
        return f"error: {f.error}"
    if f.kind == "answered_none":
        return "answered a question the documents do not answer (should abstain)"
    if f.kind == "missed_gold":
        where = "not in the results" if f.rank is None else f"first at rank {f.rank}"
        return f"retrieval missed gold in the top {FAILURE_RANK} ({where})"
    if f.kind == "abstained":
        return "abstained on an answerable question"
    return f"cited passage without gold: {f.markers}"


def failure_reasons(q: dict[str, Any]) -> list[str]:
    """Why a question needs a human look (evals/failures.py), in English; empty when it went
    right."""
    return [_reason(f) for f in failures(q)]


# ---------------------------------------------------------------------------- formatting


def _summary_rows(metrics: dict[str, Any], baseline: dict[str, Any] | None) -> list[dict]:
    """One row per metric with baseline value, delta and a verdict for colouring."""
    comparison = {r.name: r for r in compare(metrics, baseline).rows} if baseline else {}
    names = [n for n in SUMMARY_METRICS if n in metrics]
    names += [n for n in ordered_names(set(metrics)) if n not in names]
    rows = []
    for name in names:
        value = metrics.get(name)
        if value is not None and not isinstance(value, int | float):
            continue
        row = {"name": name, "value": value, "baseline": None, "delta": None, "verdict": ""}
        cmp = comparison.get(name)
        if cmp is not None:
            row.update(baseline=cmp.baseline, delta=cmp.delta)
            if cmp.status in ("regressed", "missing"):
                row["verdict"] = "fail"
            elif cmp.delta:
                row["verdict"] = "better" if is_improvement(name, cmp.delta) else "worse"
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
.better{color:#0a7d27;font-weight:600}.worse{color:#b00020}.fail{color:#fff;background:#b00020}
.failure{border-left:4px solid #b00020;padding:.25rem 1rem;margin:1rem 0;background:#fff8f8}
.reason{color:#b00020}.gold{color:#0a7d27;font-weight:600}.nogold{color:#b00020}
.passage{font-size:.9em;color:#444}.meta td{border:none;padding:.1rem .5rem}
figure{margin:1rem 0} svg{max-width:100%;height:auto}
"""


def _td(text: Any, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(str(text))}</td>"


def _summary_html(rows: list[dict], with_baseline: bool) -> str:
    head = "<tr><th>metric</th><th>value</th>"
    head += "<th>baseline</th><th>change</th></tr>" if with_baseline else "</tr>"
    body = []
    for r in rows:
        cells = _td(r["name"]) + _td(format_value(r["name"], r["value"]), "num")
        if with_baseline:
            cells += _td(format_value(r["name"], r["baseline"]), "num")
            cells += _td(
                format_value(r["name"], r["delta"], signed=True), f"num {r['verdict']}".strip()
            )
        body.append(f"<tr>{cells}</tr>")
    return f"<table>{head}{''.join(body)}</table>"


# Columns of the per-type, per-document and per-half tables: retrieval, then what a reader of
# the answer meets (first passage right, answer cites / quotes gold, refusals).
GROUP_COLUMNS = (
    "n_questions",
    "hit@1",
    "hit@5",
    "mrr@10",
    "answers_citing_gold",
    "answers_quoting_gold",
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "false_abstention_rate",
    "alternatives_shown",
    "alternatives_hold_gold",
)


def _risk_coverage_html(rows: list[dict[str, float]]) -> str:
    head = "<tr><th>answered share</th><th>confidence at least</th><th>answers right</th></tr>"
    body = "".join(
        "<tr>"
        + _td(f"{r['coverage']:.2f}", "num")
        + _td(f"{r['confidence_at_least']:.3f}", "num")
        + _td(f"{r['right']:.3f}", "num")
        + "</tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


RISK_COVERAGE_NOTE = (
    "All questions ordered by the answerer's confidence; answering only the most confident "
    "share, how many answers would be right (an answerable question whose answer, or the "
    "answer it withheld, cites a gold passage; a <code>none</code> question is never right to "
    "answer). The rows above the answered share of the run say what refusing more would buy."
)


def _group_table_html(groups: dict[str, dict[str, Any]], label: str) -> str:
    cols = GROUP_COLUMNS
    head = f"<tr><th>{escape(label)}</th>" + "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = [
        "<tr>" + _td(name) + "".join(_td(format_value(c, g.get(c)), "num") for c in cols) + "</tr>"
        for name, g in groups.items()
    ]
    return f"<table>{head}</tr>{''.join(rows)}</table>"


def _where(item: dict[str, Any]) -> str:
    doc = str(item.get("doc_id") or "?")
    where = location(item.get("page"), str(item.get("section") or ""), section_mark="", sep=" · ")
    return f"{doc} · {where}" if where else doc


def _failure_html(q: dict[str, Any], reasons: list[str]) -> str:
    parts = [
        f'<div class="failure" id="fail-{escape(q["id"])}">',
        f"<h3>{escape(q['id'])} · {escape(q['type'])} · {escape(' | '.join(q['doc']))}</h3>",
        "<ul>" + "".join(f'<li class="reason">{escape(r)}</li>' for r in reasons) + "</ul>",
        f"<p><b>Question:</b> {escape(q['question'])}</p>",
    ]
    if q.get("search_query") and q["search_query"] != q["question"]:
        parts.append(f"<p><b>Searched as:</b> {escape(q['search_query'])}</p>")
    if q["quotes"]:
        parts.append("<p><b>Expected quotes:</b></p><ol start=0>")
        parts += [f"<li><q>{escape(x)}</q></li>" for x in q["quotes"]]
        parts.append("</ol>")
    parts.append(f"<p><b>Reference answer:</b> {escape(q['reference_answer'])}</p>")
    parts.append("<p><b>Top passages:</b></p><ol>")
    for p in q["retrieved"]:
        mark = (
            f'<span class="gold">gold {escape(str(p["gold"]))}</span>'
            if p["gold"]
            else '<span class="nogold">no gold</span>'
        )
        more = "…" if len(p["text"]) >= 200 else ""  # the runner keeps the first 200 chars
        parts.append(
            f"<li>{mark} {escape(_where(p))}<br>"
            f'<span class="passage">{escape(p["text"])}{more}</span></li>'
        )
    parts.append("</ol>")
    state = " (abstained)" if q["abstained"] else ""
    parts.append(f"<p><b>Answer{state}:</b> {escape(q['answer'])}</p>")
    if q["citations"]:
        parts.append("<p><b>Citations:</b></p><ul>")
        for c in q["citations"]:
            mark = (
                '<span class="gold">holds gold</span>'
                if c["holds_gold"]
                else '<span class="nogold">no gold</span>'
            )
            parts.append(
                f'<li>{mark} [{escape(str(c["n"]))}] {escape(_where(c))}<br><span class="passage">'
                f"{escape(c['quote'] or c['text'])}</span></li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def _question_row(q: dict[str, Any], failed: bool) -> str:
    n_quotes = len(q["quotes"])
    found = {g for hits in q["hits"][:10] for g in hits}
    recall = len(found) / n_quotes if n_quotes else None
    good = sum(1 for c in q["citations"] if c["holds_gold"])
    qid = escape(q["id"])
    link = f'<a href="#fail-{qid}">{qid}</a>' if failed else qid
    cells = [
        f"<td>{link}</td>",
        _td(q["type"]),
        _td(" | ".join(q["doc"])),
        _td(q["question"]),
        _td(q["first_hit_rank"] if q["first_hit_rank"] is not None else "—", "num"),
        _td(format_value("recall", recall), "num"),
        _td("yes" if q["abstained"] else "no"),
        _td(f"{good}/{len(q['citations'])}", "num"),
        _td(format_value("f1", q["f1"]), "num"),
        _td(format_value("rouge_l", q["rouge_l"]), "num"),
        _td(format_value("search_ms", q["search_ms"]), "num"),
        _td(format_value("ask_ms", q["ask_ms"]), "num"),
        _td("FAIL" if failed else "ok", "nogold" if failed else "gold"),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def render_html(data: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    meta = data.get("meta", {})
    rows = _summary_rows(data["metrics"], baseline)
    failures = [(q, r) for q in data["questions"] if (r := failure_reasons(q))]
    failures.sort(key=lambda qr: -len(qr[1]))  # stable: file order within equal severity
    failed_ids = {q["id"] for q, _ in failures}
    meta_rows = "".join(
        f"<tr>{_td(k)}{_td(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v)}</tr>"
        for k, v in meta.items()
    )
    head = (
        "id",
        "type",
        "doc",
        "question",
        "first gold rank",
        "recall@10",
        "abstained",
        "citations with gold",
        "F1",
        "ROUGE-L",
        "search ms",
        "ask ms",
        "",
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Vraagbaak eval {escape(str(meta.get('date', '')))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Vraagbaak eval — {escape(str(meta.get('qa_file', '')))}</h1>",
        f'<table class="meta">{meta_rows}</table>',
        "<h2>Summary</h2>",
        _summary_html(rows, baseline is not None),
        "<p>Retrieval metrics over answerable questions (a passage is gold when it holds a "
        "40-character window of a gold quote); abstention accuracy over <code>none</code> "
        "questions; latency is per question, linear-interpolated percentiles, not gated.</p>",
        "<h2>Charts</h2>",
    ]
    parts += [
        f"<figure>{svg}<figcaption>{escape(t)}</figcaption></figure>"
        for t, svg in report_charts(data)
    ]
    parts.append(f"<h2>Failures ({len(failures)} of {len(data['questions'])})</h2>")
    if not failures:
        parts.append("<p>None.</p>")
    parts += [_failure_html(q, r) for q, r in failures]
    if data.get("folds"):
        parts += [
            "<h2>Held-out halves</h2>",
            "<p>Each half answered by a reranker, unsure margin and abstention model learned "
            "on the other half only (<code>vraagbaak eval --held-out</code>).</p>",
            _group_table_html(data["folds"], "half"),
        ]
    if data["metrics"].get("risk_coverage"):
        parts += [
            "<h2>Risk and coverage</h2>",
            f"<p>{RISK_COVERAGE_NOTE}</p>",
            _risk_coverage_html(data["metrics"]["risk_coverage"]),
        ]
    parts += [
        "<h2>Per question type</h2>",
        _group_table_html(data["by_type"], "type"),
        "<h2>Per document</h2>",
        _group_table_html(data["by_doc"], "document"),
        "<h2>All questions</h2>",
        "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>",
        *[_question_row(q, q["id"] in failed_ids) for q in data["questions"]],
        "</table></body></html>",
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------- Markdown


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(data: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    meta = data.get("meta", {})
    rows = _summary_rows(data["metrics"], baseline)
    marks = {"better": " ✅", "worse": " ⚠️", "fail": " ❌"}
    out = [f"# Vraagbaak eval — {_md_cell(meta.get('qa_file', ''))}", ""]
    for key in ("date", "code_version", "embedding_model", "corpus_hash", "qa_sha256"):
        if meta.get(key):
            out.append(f"- {key}: `{_md_cell(meta[key])}`")
    out += ["", "| metric | value |" + (" baseline | change |" if baseline else "")]
    out.append("|---|---:|" + ("---:|---:|" if baseline else ""))
    for r in rows:
        line = f"| {r['name']} | {format_value(r['name'], r['value'])} |"
        if baseline:
            change = format_value(r["name"], r["delta"], signed=True) + marks.get(r["verdict"], "")
            line += f" {format_value(r['name'], r['baseline'])} | {change} |"
        out.append(line)
    if data.get("folds"):
        out += ["", "## Held-out halves", "", "| half | " + " | ".join(GROUP_COLUMNS) + " |"]
        out.append("|---|" + "---:|" * len(GROUP_COLUMNS))
        for name, figures in data["folds"].items():
            cells = " | ".join(format_value(c, figures.get(c)) for c in GROUP_COLUMNS)
            out.append(f"| {name} | {cells} |")
    if data["metrics"].get("risk_coverage"):
        out += ["", "## Risk and coverage", "", "| answered share | confidence ≥ | right |"]
        out.append("|---:|---:|---:|")
        for r in data["metrics"]["risk_coverage"]:
            out.append(
                f"| {r['coverage']:.2f} | {r['confidence_at_least']:.3f} | {r['right']:.3f} |"
            )
    out += ["", "## Per question type", "", "| type | " + " | ".join(GROUP_COLUMNS) + " |"]
    out.append("|---|" + "---:|" * len(GROUP_COLUMNS))
    for name, figures in data.get("by_type", {}).items():
        cells = " | ".join(format_value(c, figures.get(c)) for c in GROUP_COLUMNS)
        out.append(f"| {name} | {cells} |")
    failures = [(q, failure_reasons(q)) for q in data["questions"]]
    failures = [(q, r) for q, r in failures if r]
    out += ["", f"## Failures: {len(failures)} of {len(data['questions'])}", ""]
    out += [f"- `{_md_cell(q['id'])}` ({q['type']}): {_md_cell('; '.join(r))}" for q, r in failures]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- files


def _stamp(out_dir: Path) -> str:
    """UTC, sortable, and unique in the folder even for two runs within one second."""
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stamp, n = base, 1
    while (out_dir / f"result-{stamp}.json").exists():
        n += 1
        stamp = f"{base}-{n}"
    return stamp


def write_report(
    result: Any, out_dir: Path, baseline: dict[str, Any] | None = None
) -> dict[str, Path]:
    """`result` is an EvalResult or its dict (so old result files can be re-rendered);
    `baseline` a result file's dict or {"metrics": ...}, shown as per-metric change."""
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    base_metrics = {"metrics": metrics_of(baseline)} if baseline else None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = _stamp(out_dir)
    paths = {
        "json": out_dir / f"result-{stamp}.json",
        "html": out_dir / f"report-{stamp}.html",
        "markdown": out_dir / f"report-{stamp}.md",
        "latest": out_dir / "latest.json",
    }
    data = {**data, "files": {k: p.name for k, p in paths.items() if k != "latest"}}
    payload = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    paths["json"].write_text(payload, encoding="utf-8")
    paths["latest"].write_text(payload, encoding="utf-8")
    paths["html"].write_text(render_html(data, base_metrics), encoding="utf-8")
    paths["markdown"].write_text(render_markdown(data, base_metrics), encoding="utf-8")
    return paths
