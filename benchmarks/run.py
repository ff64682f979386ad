"""Speed and scale benchmarks: `python -m benchmarks.run [--quick] [--scale N] [--out DIR]`.

Every stage that a user experiences as a separate process runs as one here (the real
`vraagbaak` command, a fresh data dir), and every in-process measurement runs in its own
worker process, so each figure has its own peak-memory reading (`ru_maxrss` of that child,
via os.wait4) instead of one high-water mark smeared over all stages.

This module is the command and the order of the stages. The pieces: measure.py (a child
process with its own wall time and peak memory; disk use, percentiles), stages.py (ingest,
cold start and warm latency of one corpus), scaled_stage.py (the N× synthetic corpus),
profiling.py (--profile: the cold ask under cProfile and -X importtime) and report.py (the
targets and the summary table).

What the figures mean and how they are taken: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT
from benchmarks.profiling import profile_cold_ask
from benchmarks.report import check_targets, format_table
from benchmarks.scaled_stage import bench_scaled
from benchmarks.stages import (
    bench_cold_start,
    bench_ingest,
    bench_latency,
    load_questions,
    measure_latency,
)

CORPUS = ROOT / "corpus"


def run_benchmark(
    out_dir: Path,
    quick: bool = False,
    scale: int | None = None,
    queries: int | None = None,
    corpus: Path = CORPUS,
    seed_cache: Path | None = None,
    vectors_from: Path | None = None,
    work_dir: Path | None = None,
    profile: bool = False,
    seed: int = 7,
) -> dict[str, Any]:
    """All stages; returns the result and writes it to out_dir/bench-<timestamp>.json.

    vectors_from: data dir of a real index of the bundled corpus for the N× derived vectors
    (default: the index this run just built)."""
    scale = scale if scale is not None else (3 if quick else 100)
    n_questions = len(load_questions())
    queries = queries if queries is not None else (20 if quick else max(100, n_questions))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    prof_dir = out_dir / f"profile-{stamp}" if profile else None
    started = time.time()
    result: dict[str, Any] = {
        "meta": {
            "timestamp": stamp,
            "quick": quick,
            "scale": scale,
            "queries": queries,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "loadavg_start": list(os.getloadavg()),
            "git_commit": _git_commit(),
            "omp_env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))},
        }
    }
    tmp = Path(tempfile.mkdtemp(prefix="vraagbaak-bench-", dir=work_dir))
    try:
        home = tmp / "home-bundled"
        bundled = bench_ingest(home, corpus, seed_cache)
        bundled.update(
            bench_latency(
                home,
                corpus,
                queries,
                8 if quick else 32,
                prof_dir / "latency-bundled.prof" if prof_dir else None,
            )
        )
        bundled.update(bench_cold_start(home, corpus, runs=1 if quick else 3))
        if prof_dir:
            profile_cold_ask(home, corpus, prof_dir / "cold-ask.prof")
        result["bundled"] = bundled
        try:
            result["scaled"] = bench_scaled(
                tmp,
                vectors_from or home,
                scale,
                queries,
                float(bundled["embed_passages_per_s"]),
                seed,
                prof_dir / f"latency-{scale}x.prof" if prof_dir else None,
            )
        except (RuntimeError, TimeoutError) as exc:
            # A failure at scale is itself a finding: keep the bundled figures and say why.
            result["scaled"] = {"scale": scale, "error": str(exc)[-1500:]}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["meta"]["loadavg_end"] = list(os.getloadavg())
    result["meta"]["total_s"] = time.time() - started
    result["meta"]["children_peak_rss_mb"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    )
    result["meta"]["self_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    result["targets"] = check_targets(result)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    result["meta"]["path"] = str(path)
    return result


def _git_commit() -> str:
    from evals.provenance import code_version

    return code_version()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Vraagbaak speed and scale benchmarks."
    )
    parser.add_argument("--quick", action="store_true", help="tiny run: scale 3, 20 queries")
    parser.add_argument("--scale", type=int, default=None, help="synthetic corpus size (×5 docs)")
    parser.add_argument("--queries", type=int, default=None, help="timed queries per mode")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--seed-cache",
        type=Path,
        default=None,
        help="start the 'cold' ingest from this embedding-cache.sqlite (not a cold figure then)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the query workers")
    parser.add_argument("--seed", type=int, default=7, help="synthetic corpus seed")
    parser.add_argument("--worker-latency", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--embed-sample", type=int, default=32, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_latency:
        print(
            json.dumps(
                measure_latency(
                    args.worker_latency,
                    args.corpus,
                    args.queries or 20,
                    args.embed_sample,
                    args.profile_to,
                )
            )
        )
        return 0
    result = run_benchmark(
        args.out,
        quick=args.quick,
        scale=args.scale,
        queries=args.queries,
        corpus=args.corpus,
        seed_cache=args.seed_cache,
        profile=args.profile,
        seed=args.seed,
    )
    print(format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
