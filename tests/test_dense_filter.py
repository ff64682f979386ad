"""Dense search without Chroma's live filter, on a real Chroma store.

`IndexReader.dense` queries the collection without a `where` when no documents are chosen
(the `$in` filter over every live version dominates search time on a large index) and drops
non-live chunks by id. These tests prove that it never returns a non-live chunk, even when
non-live chunks are the query's nearest neighbours (an ingest stopped before its switch or
before its clean-up, or many stale chunks crowding one spot), and that it returns exactly what
the filtered query returns, both then and when the collection holds only live chunks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from foundation.settings import Settings
from ingest import index as index_module
from ingest import pipeline
from ingest.index import IndexReader
from ingest.pipeline import run_ingest
from ingest.store import live_filter
from tests.fake_embedder import FAKE_EMBEDDING

QUESTIONS = [
    "Wat doet het Zorg- en Veiligheidshuis?",
    "Mag de burgemeester een woning sluiten?",
    "Hoe worden jongeren geronseld?",
]


class Interrupted(Exception):
    """Stands in for a SIGKILL at an ingest phase (tests/test_crash_safety.py kills for real)."""


class QuerySpy:
    """The reader's collection, recording the `where` and `n_results` of every query."""

    def __init__(self, collection: Any) -> None:
        self.inner = collection
        self.calls: list[tuple[Any, int]] = []

    def query(self, **kwargs: Any) -> Any:
        self.calls.append((kwargs.get("where"), kwargs["n_results"]))
        return self.inner.query(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def corpus(small_corpus: Path) -> Path:
    """small_corpus (two chunks) plus a document of real paragraphs, so n varies."""
    source = Path(__file__).resolve().parent.parent / "corpus"
    text = (source / "wegwijzer-domeinoverstijgend-samenwerken.md").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 300]
    (small_corpus / "c.md").write_text(
        "# Wegwijzer\n\n" + "\n\n".join(paragraphs[:6]) + "\n", encoding="utf-8"
    )
    manifest = small_corpus / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n[[document]]\nid = "c"\nfile = "c.md"\ntitle = "Document C"\n',
        encoding="utf-8",
    )
    return small_corpus


def _settings(home: Path, corpus: Path) -> Settings:
    """Which chunks come back depends on vectors, not on what they mean: the fake embedder."""
    return Settings(home=home, corpus_dir=corpus, embedding=FAKE_EMBEDDING)


def _spy(reader: IndexReader) -> QuerySpy:
    spy = QuerySpy(reader._collection)
    reader._collection = spy
    return spy


def filtered(reader: IndexReader, vector: np.ndarray, n: int, doc_ids=None) -> list[str]:
    """The reference: Chroma's own query with the live filter."""
    collection = getattr(reader._collection, "inner", reader._collection)
    got = collection.query(
        query_embeddings=[vector.tolist()],
        n_results=max(1, min(n, len(reader.chunks))),
        where=live_filter(reader.live, doc_ids),
        include=["distances"],
    )
    return got["ids"][0]


def nearest_unfiltered(reader: IndexReader, vector: np.ndarray) -> str:
    collection = getattr(reader._collection, "inner", reader._collection)
    got = collection.query(query_embeddings=[vector.tolist()], n_results=1, include=[])
    return got["ids"][0][0]


def stored_vectors(reader: IndexReader, ids: list[str]) -> dict[str, np.ndarray]:
    collection = getattr(reader._collection, "inner", reader._collection)
    got = collection.get(ids=ids, include=["embeddings"])
    pairs = zip(got["ids"], got["embeddings"], strict=True)
    return {cid: np.asarray(e, dtype=np.float32) for cid, e in pairs}


def all_ids(reader: IndexReader) -> set[str]:
    collection = getattr(reader._collection, "inner", reader._collection)
    return set(collection.get(include=[])["ids"])


def query_vectors(reader: IndexReader) -> list[np.ndarray]:
    """Questions plus every chunk's own vector (each chunk is its own nearest neighbour)."""
    own = stored_vectors(reader, sorted(reader.chunks))
    return [reader.query_vector(q) for q in QUESTIONS] + list(own.values())


def edit_document_a(corpus: Path) -> None:
    (corpus / "a.md").write_text(
        "# Zorg en veiligheid\n\nDe gemeente werkt samen met zorgpartners, politie en "
        "woningcorporaties. Het Zorg- en Veiligheidshuis brengt partners samen rond complexe "
        "casuïstiek en nazorg na detentie.\n\n## Rol van de burgemeester\n\nDe burgemeester is "
        "verantwoordelijk voor de openbare orde. Hij kan een woning of lokaal sluiten bij "
        "drugshandel of ernstige overlast.\n",
        encoding="utf-8",
    )


def test_only_live_chunks_gives_the_filtered_results_with_one_unfiltered_query(
    tmp_path: Path, corpus: Path
) -> None:
    settings = _settings(tmp_path / "home", corpus)
    run_ingest(settings)
    reader = IndexReader(settings)
    assert all_ids(reader) == set(reader.chunks)
    spy = _spy(reader)
    for vector in query_vectors(reader):
        for n in (1, 2, 3, len(reader.chunks), 40):
            spy.calls.clear()
            got = reader.dense(vector, n)
            assert [cid for cid, _ in got] == filtered(reader, vector, n)
            assert spy.calls == [(None, min(n, len(reader.chunks)))]  # no filter, no over-fetch
            assert all(-1.0 <= score <= 1.0001 for _, score in got)


@pytest.mark.parametrize(
    ("phase", "live_version"),
    [("added", "old"), ("switched", "new")],  # stale = the new version / the old version
)
def test_stale_nearest_neighbours_of_an_interrupted_ingest_are_never_returned(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, phase: str, live_version
) -> None:
    settings = _settings(tmp_path / "home", corpus)
    run_ingest(settings)
    old_ids = set(IndexReader(settings).chunks)
    edit_document_a(corpus)

    def checkpoint(at: str) -> None:
        if at == phase:
            raise Interrupted(at)

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "_checkpoint", checkpoint)
        with pytest.raises(Interrupted):
            run_ingest(settings)

    reader = IndexReader(settings)
    assert (set(reader.chunks) == old_ids) == (live_version == "old")
    stale = sorted(all_ids(reader) - set(reader.chunks))
    assert stale, "the interrupted ingest left no stale chunks: the test proves nothing"
    spy = _spy(reader)
    for cid, vector in stored_vectors(reader, stale).items():
        assert nearest_unfiltered(reader, vector) == cid  # the stale chunk is the nearest
        for n in (1, 2, 3, len(reader.chunks)):
            got = [c for c, _ in reader.dense(vector, n)]
            assert set(got) <= set(reader.chunks), (
                f"non-live chunk returned: {set(got) - set(reader.chunks)}"
            )
            assert cid not in got
            assert got == filtered(reader, vector, n)
    for vector in query_vectors(reader):
        got = [c for c, _ in reader.dense(vector, 3)]
        assert got == filtered(reader, vector, 3)
    assert any(where is None for where, _ in spy.calls)


@pytest.mark.parametrize("crowd", [2, 60, 400])
def test_a_crowd_of_stale_chunks_at_the_query_is_skipped(
    tmp_path: Path, corpus: Path, crowd: int
) -> None:
    """Stale chunks written next to the query vector (as an ingest running while this reader
    is open would write them): more of them than the first query, and later the second,
    fetches."""
    settings = _settings(tmp_path / "home", corpus)
    run_ingest(settings)
    reader = IndexReader(settings)
    query = reader.query_vector(QUESTIONS[1])
    rng = np.random.default_rng(crowd)
    vectors = query + rng.normal(0.0, 0.002, (crowd, query.shape[0])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stale_hash = "5" * 64
    reader._collection.upsert(
        ids=[f"a:{stale_hash[:12]}:{i:04d}" for i in range(crowd)],
        embeddings=vectors.tolist(),
        documents=[f"verouderde passage {i}" for i in range(crowd)],
        metadatas=[{"doc_id": "a", "doc_hash": stale_hash, "chunk_index": i} for i in range(crowd)],
    )
    assert nearest_unfiltered(reader, query).startswith(f"a:{stale_hash[:12]}:")
    spy = _spy(reader)
    for n in (1, 3, 5, len(reader.chunks)):
        got = [c for c, _ in reader.dense(query, n)]
        assert len(got) == min(n, len(reader.chunks))
        assert set(got) <= set(reader.chunks)
        assert got == filtered(reader, query, n)
    assert spy.calls[0] == (None, 1)
    assert any(where is None and n > 1 for where, n in spy.calls[1:]), "never over-fetched"


def test_the_filter_is_the_fallback(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path / "home", corpus)
    run_ingest(settings)
    reader = IndexReader(settings)
    query = reader.query_vector(QUESTIONS[0])
    reader._collection.upsert(
        ids=["a:000000000000:0000"],
        embeddings=[query.tolist()],
        documents=["verouderd"],
        metadatas=[{"doc_id": "a", "doc_hash": "0" * 64, "chunk_index": 0}],
    )
    monkeypatch.setattr(index_module, "DENSE_ATTEMPTS", 1)
    spy = _spy(reader)
    got = [c for c, _ in reader.dense(query, 2)]
    assert got == filtered(reader, query, 2)
    assert [where for where, _ in spy.calls] == [None, live_filter(reader.live)]


def test_chosen_documents_only_their_live_chunks(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path / "home", corpus)
    run_ingest(settings)
    reader = IndexReader(settings)
    b_ids = {cid for cid, c in reader.chunks.items() if c.doc_id == "b"}
    for vector in query_vectors(reader):
        got = [c for c, _ in reader.dense(vector, 40, ["b"])]
        assert got and set(got) <= b_ids
        assert got == filtered(reader, vector, 40, ["b"])
        assert reader.dense(vector, 5, []) == []
