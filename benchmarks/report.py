"""The issue's targets checked against a run's figures, and the summary table printed at the
end of a run."""

from __future__ import annotations

from typing import Any

# (figure path, limit, label): the targets, printed next to the measured value.
TARGETS: list[tuple[str, float, str]] = [
    ("bundled.search_p95_ms", 100.0, "warm search p95 (bundled) ≤ 100 ms"),
    ("bundled.ask_p95_ms", 300.0, "warm ask p95 (bundled) ≤ 300 ms"),
    ("scaled.search_p95_ms", 300.0, "warm search p95 (N×) ≤ 300 ms"),
    ("bundled.cold_ask_s", 3.0, "ask cold start ≤ 3 s"),
    ("bundled.ingest_cold_wall_s", 90.0, "cold ingest ≤ 90 s"),
    ("bundled.ingest_rerun_wall_s", 3.0, "unchanged re-run ≤ 3 s"),
]


def _lookup(result: dict[str, Any], dotted: str) -> Any:
    node: Any = result
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, limit, label in TARGETS:
        value = _lookup(result, key)
        out.append(
            {
                "figure": key,
                "label": label,
                "limit": limit,
                "value": value,
                "ok": bool(value is not None and value <= limit),
            }
        )
    return out


class _Blank(dict):  # type: ignore[type-arg]
    """A failed stage's figures: every missing one prints as nan instead of raising."""

    def __missing__(self, key: str) -> float:
        return float("nan")


def format_table(result: dict[str, Any]) -> str:
    """The human-readable summary printed at the end of a run."""
    b, s, m = result["bundled"], _Blank(result["scaled"]), result["meta"]
    n = s["scale"]
    mb = 1024.0 * 1024.0
    rows: list[tuple[str, str, str]] = [
        (
            "documents / chunks",
            f"{b['documents']} / {b['chunks']}",
            f"{s['documents']} / {s['chunks']}",
        ),
        (
            "ingest, cold (wall)",
            f"{b['ingest_cold_wall_s']:.1f} s"
            + (" (cache seeded)" if b["cache_seeded"] else f" ({b['embedded']} embedded)"),
            f"{s['ingest_excl_embedding_wall_s']:.1f} s excl. embedding",
        ),
        (
            "  + embedding estimate",
            "",
            f"{s['embedding_estimate_s'] / 60:.0f} min at {b['embed_passages_per_s']:.1f}/s"
            if s.get("embedding_estimate_s")
            else "n/a",
        ),
        ("ingest, unchanged re-run (wall)", f"{b['ingest_rerun_wall_s']:.2f} s", ""),
        (
            "index on disk (data dir)",
            f"{b['index_bytes'] / mb:.1f} MB",
            f"{s['index_bytes'] / mb:.1f} MB",
        ),
        (
            "  of which chroma/",
            f"{b['chroma_bytes'] / mb:.1f} MB",
            f"{s['chroma_bytes'] / mb:.1f} MB",
        ),
        ("index open (in-process)", f"{b['open_s']:.2f} s", f"{s['open_s']:.2f} s"),
        (
            f"search p50 / p95 ({b['queries']} q)",
            f"{b['search_p50_ms']:.0f} / {b['search_p95_ms']:.0f} ms",
            f"{s['search_p50_ms']:.0f} / {s['search_p95_ms']:.0f} ms",
        ),
        (
            "ask p50 / p95",
            f"{b['ask_p50_ms']:.0f} / {b['ask_p95_ms']:.0f} ms",
            f"{s['ask_p50_ms']:.0f} / {s['ask_p95_ms']:.0f} ms",
        ),
        ("cold `ask` command (median)", f"{b['cold_ask_s']:.2f} s", f"{s['cold_ask_s']:.2f} s"),
        (
            "cold `search` command (median)",
            f"{b['cold_search_s']:.2f} s",
            f"{s['cold_search_s']:.2f} s",
        ),
        (
            "peak RSS: ingest",
            f"{b['ingest_cold_peak_rss_mb']:.0f} MB",
            f"{s['ingest_peak_rss_mb']:.0f} MB",
        ),
        (
            "peak RSS: warm queries",
            f"{b['latency_peak_rss_mb']:.0f} MB",
            f"{s['latency_peak_rss_mb']:.0f} MB",
        ),
        (
            "peak RSS: cold ask",
            f"{b['cold_ask_peak_rss_mb']:.0f} MB",
            f"{s['cold_ask_peak_rss_mb']:.0f} MB",
        ),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows + [("", "bundled", "")])
    lines = [f"{'':{w0}}  {'bundled':{w1}}  {n}× synthetic", "-" * (w0 + w1 + 30)]
    lines += [f"{a:{w0}}  {c:{w1}}  {d}" for a, c, d in rows]
    if "error" in s:
        error = str(s["error"]).strip().splitlines()[-1]
        lines += ["", f"{n}× stage FAILED: {error}"]
    lines += ["", "targets:"]
    for t in result["targets"]:
        value = t["value"]
        shown = "n/a" if value is None else f"{value:.3g}"
        lines.append(f"  {'✓' if t['ok'] else '✗'} {t['label']:<40} measured {shown}")
    load = ", ".join(f"{x:.1f}" for x in m["loadavg_start"])
    lines += [
        "",
        f"load average at start: {load} on {m['cpus']} CPUs — figures from a busy machine are "
        "noisy; take final figures on a quiet one.",
    ]
    if "path" in m:
        lines.append(f"written: {m['path']}")
    return "\n".join(lines)
