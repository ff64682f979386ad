"""Smoke test of the benchmark harness: every figure present and plausible, never timed.

Why no timing assertions: test machines are shared and noisy; the targets are checked by
`python -m benchmarks.run` on a quiet machine. What must not rot is the harness itself (the
commands it drives, the JSON it writes) and the honesty of the synthetic corpus.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from benchmarks import run as bench
from benchmarks.measure import percentile
from benchmarks.report import TARGETS, format_table
from benchmarks.synthetic import DerivedEmbeddings, real_chunk_vectors, real_sections, write_corpus
from foundation.settings import Settings

BUNDLED_FIGURES = [
    "documents",
    "chunks",
    "ingest_cold_s",
    "ingest_cold_wall_s",
    "ingest_cold_peak_rss_mb",
    "ingest_rerun_s",
    "ingest_rerun_wall_s",
    "index_bytes",
    "chroma_bytes",
    "open_s",
    "search_p50_ms",
    "search_p95_ms",
    "ask_p50_ms",
    "ask_p95_ms",
    "embed_passages_per_s",
    "latency_peak_rss_mb",
    "cold_ask_s",
    "cold_search_s",
    "cold_ask_peak_rss_mb",
    "cold_search_peak_rss_mb",
]
SCALED_FIGURES = [
    "documents",
    "chunks",
    "ingest_excl_embedding_s",
    "ingest_excl_embedding_wall_s",
    "ingest_peak_rss_mb",
    "embedding_estimate_s",
    "index_bytes",
    "chroma_bytes",
    "search_p50_ms",
    "search_p95_ms",
    "ask_p50_ms",
    "ask_p95_ms",
    "latency_peak_rss_mb",
    "cold_ask_s",
    "cold_search_s",
]


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_quick_benchmark_writes_every_figure(
    tmp_path: Path, corpus_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a measurement, so let the e5 engine's OpenMP threads sleep instead of spin: on a
    # shared test machine spinning makes each query embedding seconds slower.
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    out = tmp_path / "results"
    result = bench.run_benchmark(
        out,
        quick=True,
        scale=1,
        queries=5,
        seed_cache=corpus_index.home / "embedding-cache.sqlite",
        vectors_from=corpus_index.home,
        work_dir=tmp_path,
    )
    files = list(out.glob("bench-*.json"))
    assert len(files) == 1
    saved = json.loads(files[0].read_text(encoding="utf-8"))
    bundled, scaled = saved["bundled"], saved["scaled"]
    missing = [k for k in BUNDLED_FIGURES if not _positive(bundled.get(k))]
    missing += [f"scaled.{k}" for k in SCALED_FIGURES if not _positive(scaled.get(k))]
    assert not missing, missing
    assert bundled["documents"] == 5 and bundled["ingest_rerun_unchanged"] == 5
    assert bundled["embedded"] <= bundled["chunks"] // 20  # the seeded cache serves vectors
    assert bundled["chroma_bytes"] < bundled["index_bytes"]
    assert bundled["queries"] == 5
    assert bundled["search_p50_ms"] <= bundled["search_p95_ms"] <= bundled["search_max_ms"]
    assert scaled["documents"] == 5 and scaled["scale"] == 1
    assert scaled["unmatched_chunks"] < scaled["chunks"] * 0.05
    assert {t["figure"] for t in saved["targets"]} == {t[0] for t in TARGETS}
    assert all(isinstance(t["ok"], bool) for t in saved["targets"])
    assert saved["meta"]["omp_env"].get("OMP_WAIT_POLICY") == "PASSIVE"
    table = format_table(result)
    assert "search p50 / p95" in table and "targets:" in table
    assert not list(tmp_path.glob("vraagbaak-bench-*")), "temporary data dirs left behind"


def test_synthetic_corpus_is_deterministic_real_text_and_not_copies(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", scale=2, seed=3)
    b = write_corpus(tmp_path / "b", scale=2, seed=3)
    c = write_corpus(tmp_path / "c", scale=2, seed=4)
    assert len(a) == 10 and a == b == c
    files = sorted((tmp_path / "a").glob("syn-*.md"))
    assert [f.read_text() for f in files] == [
        f.read_text() for f in sorted((tmp_path / "b").glob("syn-*.md"))
    ]
    assert files[0].read_text() != (tmp_path / "c" / files[0].name).read_text()
    assert len({f.read_text() for f in files}) == len(files)
    sections, sizes = real_sections()
    real = {p for s in sections for p in s.paragraphs}
    for f in files[:3]:
        paragraphs = [
            p for p in f.read_text(encoding="utf-8").split("\n\n") if p and not p.startswith("#")
        ]
        assert paragraphs and all(p.strip() in real for p in paragraphs)
        assert len(f.read_text()) > min(sizes) * 0.8
    assert "[[document]]" in (tmp_path / "a" / "manifest.toml").read_text()


def test_derived_vectors_stay_close_to_the_real_ones(corpus_index: Settings) -> None:
    texts, vectors = real_chunk_vectors(corpus_index)
    assert len(texts) == len(vectors) > 100

    class _Real:
        dim = vectors.shape[1]

        def query_vector(self, text: str) -> np.ndarray:
            raise AssertionError("not used")

    derived = DerivedEmbeddings(_Real(), texts, vectors)
    got = derived.passage_vectors(texts[:50])
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(got * vectors[:50], axis=1)
    assert float(np.median(cosines)) > 0.9  # a real chunk maps (almost) onto its own vector
    assert len({v.tobytes() for v in got}) == len(got)  # never exact duplicates
    mixed = derived.passage_vectors([texts[0] + " " + texts[-1]])[0]
    assert float(mixed @ vectors[0]) > 0.5 and float(mixed @ vectors[-1]) > 0.5


@pytest.mark.parametrize(
    ("values", "q", "expected"), [([1.0, 2.0, 3.0, 4.0], 50, 2.5), ([5.0], 95, 5.0)]
)
def test_percentile_matches_numpy(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
