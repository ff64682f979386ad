"""Speed and scale benchmarks: `python -m benchmarks.run [--quick] [--scale N] [--out DIR]`.

Every stage that a user experiences as a separate process runs as one here (the real
`vraagbaak` command, a fresh data dir), and every in-process measurement runs in its own
worker process, so each figure has its own peak-memory reading (`ru_maxrss` of that child,
via os.wait4) instead of one high-water mark smeared over all stages.

What the figures mean and how they are taken: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QA = ROOT / "evals" / "qa.jsonl"
COLD_QUESTION = "Wat is knock and talk in Utrecht?"

# (figure path, limit, label): the targets, printed next to the measured value.
TARGETS: list[tuple[str, float, str]] = [
    ("bundled.search_p95_ms", 100.0, "warm search p95 (bundled) ≤ 100 ms"),
    ("bundled.ask_p95_ms", 300.0, "warm ask p95 (bundled) ≤ 300 ms"),
    ("scaled.search_p95_ms", 300.0, "warm search p95 (N×) ≤ 300 ms"),
    ("bundled.cold_ask_s", 3.0, "ask cold start ≤ 3 s"),
    ("bundled.ingest_cold_wall_s", 90.0, "cold ingest ≤ 90 s"),
    ("bundled.ingest_rerun_wall_s", 3.0, "unchanged re-run ≤ 3 s"),
]

# Variables that would make a run measure something else (a shared server, an LLM).
_FOREIGN_ENV = (
    "VRAAGBAAK_CHROMA_URL",
    "VRAAGBAAK_COLLECTION",
    "VRAAGBAAK_LLM_BASE_URL",
    "VRAAGBAAK_LLM_MODEL",
    "VRAAGBAAK_LLM_API_KEY",
    "VRAAGBAAK_TEST_HOME",
)


@dataclass
class Child:
    """A finished subprocess with its own wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    maxrss_mb: float

    def json(self) -> Any:
        """The last JSON line of stdout (tqdm or warnings may precede it on other streams)."""
        if self.returncode != 0:
            raise RuntimeError(f"child failed ({self.returncode}): {self.stderr[-2000:]}")
        lines = [ln for ln in self.stdout.splitlines() if ln.strip()]
        return json.loads(lines[-1])


def run_child(cmd: Sequence[str], env: dict[str, str], timeout: float) -> Child:
    """Run cmd, reaping it with wait4 so its own ru_maxrss is known (RUSAGE_CHILDREN only
    gives the maximum over all children so far). Output goes to files: no pipe can fill."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise TimeoutError(f"{' '.join(cmd)} took longer than {timeout:.0f} s")
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            wall,
            usage.ru_maxrss / 1024.0,  # KiB on Linux
        )


def vraagbaak_cmd() -> list[str]:
    """The installed console script next to this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("vraagbaak")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def child_env(home: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env.update(
        {
            "VRAAGBAAK_HOME": str(home),
            "VRAAGBAAK_CORPUS": str(corpus),
            "ANONYMIZED_TELEMETRY": "False",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def disk_bytes(path: Path) -> int:
    """Allocated bytes like `du` (sparse or preallocated files count as what they use)."""
    if not path.exists():
        return 0
    total = 0
    for p in [path, *path.rglob("*")]:
        try:
            st = p.lstat()
        except OSError:
            continue
        total += st.st_blocks * 512
    return total


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without importing numpy here."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def load_questions(path: Path = QA) -> list[str]:
    from assistant.question_file import read_questions

    return [str(item["question"]) for item in read_questions(path)]


# --- stages ----------------------------------------------------------------------------------


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


# --- orchestration ---------------------------------------------------------------------------


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
            _profile_cold_ask(home, corpus, prof_dir / "cold-ask.prof")
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


def _profile_cold_ask(home: Path, corpus: Path, path: Path) -> None:
    """cProfile of one whole `vraagbaak ask` process (imports, model load, index open)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(path), "-m", "ui.cli"]
    run_child([*cmd, "ask", COLD_QUESTION, "--json"], child_env(home, corpus), 600)
    text = io.StringIO()
    pstats.Stats(str(path), stream=text).sort_stats("cumulative").print_stats(40)
    path.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")
    # Imports are most of a cold start: the same command under -X importtime.
    cmd = [sys.executable, "-X", "importtime", "-m", "ui.cli", "ask", COLD_QUESTION, "--json"]
    child = run_child(cmd, child_env(home, corpus), 600)
    path.with_name("cold-ask-importtime.txt").write_text(
        importtime_report(child.stderr), encoding="utf-8"
    )


def importtime_report(stderr: str, top: int = 60) -> str:
    """`-X importtime` output: the total, then the `top` modules by cumulative time (with
    their nesting), then the raw lines, so a costly import can be traced to who pulls it in."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
        if own_us.strip().isdigit():
            rows.append((int(own_us), int(cumulative_us), name.rstrip()))
    total_ms = sum(own for own, _, _ in rows) / 1000.0
    lines = [f"imports: {len(rows)} modules, {total_ms:.0f} ms (sum of self times)", ""]
    lines.append(f"top {top} by cumulative ms:")
    for _, cumulative, name in sorted(rows, key=lambda r: -r[1])[:top]:
        lines.append(f"{cumulative / 1000.0:9.1f}  {name}")
    lines += ["", "raw (children before their parent):", stderr]
    return "\n".join(lines)


def _git_commit() -> str:
    from evals.provenance import code_version

    return code_version()


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
