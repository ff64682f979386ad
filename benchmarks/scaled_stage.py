"""The N× stage: a synthetic corpus (benchmarks/synthetic.py) ingested with derived vectors,
then the same query stages as the bundled corpus."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import child_env, disk_bytes, run_child
from benchmarks.stages import bench_cold_start, bench_latency


def bench_scaled(
    work: Path,
    vectors_from: Path,
    scale: int,
    queries: int,
    embed_rate: float,
    seed: int,
    profile: Path | None,
) -> dict[str, Any]:
    """The N× synthetic corpus: real ingest minus the e5 passage calls (derived vectors,
    see benchmarks/synthetic.py), then real search/ask/cold-start on the result."""
    from benchmarks.synthetic import write_corpus

    corpus = work / f"corpus-{scale}x"
    home = work / f"home-{scale}x"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    t = time.perf_counter()
    docs = write_corpus(corpus, scale, seed)
    write_s = time.perf_counter() - t
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.synthetic",
        "ingest",
        "--home",
        str(home),
        "--corpus",
        str(corpus),
        "--vectors-from",
        str(vectors_from),
    ]
    child = run_child(cmd, child_env(home, corpus), 4 * 3600)
    report = child.json()
    out: dict[str, Any] = {
        "scale": scale,
        "documents": len(docs),
        "corpus_bytes": disk_bytes(corpus),
        "write_corpus_s": write_s,
        "chunks": int(report["chunks"]),
        "ingest_excl_embedding_s": float(report["seconds"]),
        "ingest_excl_embedding_wall_s": child.wall_s,
        "ingest_peak_rss_mb": child.maxrss_mb,
        "unmatched_chunks": int(report["unmatched_chunks"]),
        "embedding_estimate_s": int(report["chunks"]) / embed_rate if embed_rate > 0 else None,
        "index_bytes": disk_bytes(home),
        "chroma_bytes": disk_bytes(home / "chroma"),
    }
    out.update(bench_latency(home, corpus, queries, 0, profile))
    out.pop("embed_passages_per_s", None)
    out.update(bench_cold_start(home, corpus, runs=1 if scale <= 3 else 3))
    return out
