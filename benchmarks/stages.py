"""The stages measured on one corpus and its index: cold ingest and the unchanged re-run,
cold `ask`/`search` commands, warm search and ask latency (in a worker process of its own)."""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT, child_env, disk_bytes, percentile, run_child, vraagbaak_cmd

QA = ROOT / "evals" / "qa.jsonl"
COLD_QUESTION = "Wat is knock and talk in Utrecht?"


def load_questions(path: Path = QA) -> list[str]:
    from assistant.question_file import read_questions

    return [str(item["question"]) for item in read_questions(path)]


def bench_ingest(
    home: Path, corpus: Path, seed_cache: Path | None = None, timeout: float = 3600
) -> dict[str, Any]:
    """Cold ingest into a fresh data dir, then the unchanged re-run, both as real commands.

    seed_cache: an embedding-cache.sqlite to start from (tests, quick runs); the result then
    says `cache_seeded: true` and the cold figure is not a cold-embedding figure."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    if seed_cache is not None:
        shutil.copy2(seed_cache, home / "embedding-cache.sqlite")
    env = child_env(home, corpus)
    cold = run_child([*vraagbaak_cmd(), "ingest", "--json"], env, timeout)
    cold_report = cold.json()
    rerun = run_child([*vraagbaak_cmd(), "ingest", "--json"], env, 600)
    rerun_report = rerun.json()
    embedded = int(cold_report.get("embedded", 0))
    return {
        "cache_seeded": seed_cache is not None,
        "documents": int(cold_report["added"]),
        "chunks": int(cold_report["chunks"]),
        "embedded": embedded,
        "ingest_cold_s": float(cold_report["seconds"]),
        "ingest_cold_wall_s": cold.wall_s,
        "ingest_cold_peak_rss_mb": cold.maxrss_mb,
        "ingest_rerun_s": float(rerun_report["seconds"]),
        "ingest_rerun_wall_s": rerun.wall_s,
        "ingest_rerun_unchanged": int(rerun_report["unchanged"]),
        "index_bytes": disk_bytes(home),
        "chroma_bytes": disk_bytes(home / "chroma"),
    }


def bench_cold_start(home: Path, corpus: Path, runs: int = 3) -> dict[str, Any]:
    """Wall time of one-shot `ask` and `search` commands: interpreter start, imports, model
    load, opening the index (chunks into memory, BM25 load) and one query."""
    env = child_env(home, corpus)
    out: dict[str, Any] = {}
    for command in ("ask", "search"):
        children = []
        for _ in range(runs):
            child = run_child([*vraagbaak_cmd(), command, COLD_QUESTION, "--json"], env, 600)
            result = child.json()
            if command == "ask" and not result.get("answer"):
                raise RuntimeError(f"cold ask gave no answer: {child.stdout[:500]}")
            if command == "search" and not result:
                raise RuntimeError("cold search found nothing")
            children.append(child)
        out[f"cold_{command}_s"] = statistics.median(c.wall_s for c in children)
        out[f"cold_{command}_runs_s"] = [round(c.wall_s, 3) for c in children]
        out[f"cold_{command}_peak_rss_mb"] = max(c.maxrss_mb for c in children)
    return out


def measure_latency(
    home: Path,
    corpus: Path,
    queries: int,
    embed_sample: int = 32,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Warm search and ask latency in this process (Assistant opened once, one untimed
    warm-up each), plus the passage-embedding rate that scales the N× ingest estimate."""
    import foundation  # noqa: F401  (offline defaults)
    from assistant.service import Assistant
    from foundation.settings import Settings

    t0 = time.perf_counter()
    assistant = Assistant.open(Settings.from_env(home=home, corpus_dir=corpus))
    open_s = time.perf_counter() - t0
    questions = load_questions()
    asked = [questions[i % len(questions)] for i in range(queries)]
    profiler = cProfile.Profile() if profile else None

    def timed(fn: Any) -> list[float]:
        fn(questions[-1])  # warm-up, not timed
        out = []
        if profiler:
            profiler.enable()
        for q in asked:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000.0)
        if profiler:
            profiler.disable()
        return out

    search_ms = timed(lambda q: assistant.search(q, k=5))
    ask_ms = timed(lambda q: assistant.ask(q, mode="extractive"))
    texts = [c.text for c in list(assistant.index.chunks.values())[:embed_sample]]
    t = time.perf_counter()
    assistant.index.embeddings.passage_vectors(texts)
    embed_s = time.perf_counter() - t
    if profiler and profile:
        profile.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(profile))
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        profile.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")
    return {
        "queries": len(asked),
        "open_s": open_s,
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "search_max_ms": max(search_ms),
        "ask_p50_ms": percentile(ask_ms, 50),
        "ask_p95_ms": percentile(ask_ms, 95),
        "ask_max_ms": max(ask_ms),
        "embed_passages_per_s": len(texts) / embed_s if embed_s > 0 else 0.0,
        "latency_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def bench_latency(
    home: Path, corpus: Path, queries: int, embed_sample: int, profile: Path | None
) -> dict[str, Any]:
    """measure_latency in a fresh worker process, so its peak memory is its own."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--worker-latency",
        str(home),
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--embed-sample",
        str(embed_sample),
    ]
    if profile:
        cmd += ["--profile-to", str(profile)]
    return run_child(cmd, child_env(home, corpus), 3600).json()
