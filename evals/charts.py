"""The report's charts as inline SVG (matplotlib, Agg backend, text kept as text), so the HTML
report stays one self-contained file."""

from __future__ import annotations

import io
import math
from typing import Any

RETRIEVAL_SERIES = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10")
ANSWER_SERIES = (
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "false_abstention_rate",
    "token_f1",
    "rouge_l",
)


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: invalid inside HTML


def grouped_bars_svg(
    groups: list[str],
    series: dict[str, list[float | None]],
    title: str,
    ylabel: str,
    unit_interval: bool = True,
) -> str:
    """Grouped bar chart as an SVG string; None values leave a gap instead of a fake zero."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller and searchable
    n = max(len(series), 1)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(groups) + 2), 3.4))
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
        ys = [math.nan if v is None else v for v in values]
        ax.bar(xs, ys, width=width, label=name)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if unit_interval:
        ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small", ncols=min(n, 6), loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return _svg(fig)


def report_charts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(caption, SVG) of the report's three charts for a result file's data."""
    metrics, by_type = data["metrics"], data["by_type"]

    def label(name: str, group: dict[str, Any], count: str = "n_questions") -> str:
        return f"{name}\n(n={group.get(count, '?')})"  # small groups are noisy: say so

    answer_types = [t for t in by_type if t != "none"]
    retrieval_groups = [label(t, by_type[t]) for t in answer_types] + [
        label("all", metrics, "n_answerable")
    ]
    retrieval = {
        s: [by_type[t].get(s) for t in answer_types] + [metrics.get(s)] for s in RETRIEVAL_SERIES
    }
    answer_groups = [label(t, by_type[t]) for t in by_type] + [label("all", metrics)]
    answers = {s: [by_type[t].get(s) for t in by_type] + [metrics.get(s)] for s in ANSWER_SERIES}
    latency = {
        "p50": [metrics.get("search_p50_ms"), metrics.get("ask_p50_ms")],
        "p95": [metrics.get("search_p95_ms"), metrics.get("ask_p95_ms")],
    }
    return [
        (
            "Retrieval per question type (answerable questions)",
            grouped_bars_svg(retrieval_groups, retrieval, "Retrieval", "score"),
        ),
        (
            "Answers and citations per question type",
            grouped_bars_svg(answer_groups, answers, "Answers and citations", "score"),
        ),
        (
            "Latency per question (not gated: machine-dependent)",
            grouped_bars_svg(["search", "ask"], latency, "Latency", "ms", unit_interval=False),
        ),
    ]
