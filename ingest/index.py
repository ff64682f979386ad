"""Read side of the index: what search needs, opened once per process.

Holds the Chroma collection (dense search), the BM25 index (rebuilt from the collection when
missing or stale) and the live chunks' text and metadata in memory, so results, neighbours
and citations need no further round trips.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest.bm25_index import BM25Index
from ingest.embeddings import get_embeddings
from ingest.pipeline import bm25_signature, build_bm25
from ingest.settings import Settings
from ingest.store import (
    IndexMissing,
    LiveState,
    get_all,
    live_filter,
    make_client,
    open_vectorstore,
    read_live,
)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    doc_id: str
    text: str
    meta: dict[str, Any]

    @property
    def chunk_index(self) -> int:
        return int(self.meta.get("chunk_index", 0))


@dataclass(frozen=True)
class IndexStatus:
    documents: int
    chunks: int
    embedding_model: str
    last_ingest: str
    store: str
    doc_titles: dict[str, str]


class IndexReader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embeddings = get_embeddings(settings.embedding)
        client = make_client(settings)
        self._store = open_vectorstore(
            client, settings, self.embeddings, settings.embedding, self.embeddings.dim, create=False
        )
        self._collection = self._store._collection
        self.live: LiveState = read_live(self._store)
        if not self.live.docs:
            raise IndexMissing("The index is empty: run `vraagbaak ingest` first.")
        self._lock = threading.Lock()
        self._load_chunks()
        self.bm25 = self._open_bm25()

    def _load_chunks(self) -> None:
        got = get_all(self._collection, live_filter(self.live), ["documents", "metadatas"])
        self.chunks: dict[str, StoredChunk] = {}
        self._by_position: dict[tuple[str, int], str] = {}
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            meta = dict(meta or {})
            chunk = StoredChunk(cid, str(meta.get("doc_id", "")), text or "", meta)
            self.chunks[cid] = chunk
            self._by_position[(chunk.doc_id, chunk.chunk_index)] = cid

    def _open_bm25(self) -> BM25Index:
        folder = self.settings.home / f"bm25-{self.settings.collection}"
        signature = bm25_signature(self.live)
        found = BM25Index.load(folder, signature)
        if found is None:
            found = build_bm25(self._store, self.live)
            with contextlib.suppress(OSError):  # read-only data dir: keep it in memory
                found.save(folder)
        return found

    def query_vector(self, text: str) -> np.ndarray:
        return self.embeddings.query_vector(text)

    def dense(
        self, vector: np.ndarray, n: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-n (chunk id, cosine similarity) among live chunks."""
        n = max(1, min(n, len(self.chunks)))
        with self._lock:  # the embedded Chroma client is shared by threads
            got = self._collection.query(
                query_embeddings=[vector.tolist()],
                n_results=n,
                where=live_filter(self.live, doc_ids),
                include=["distances"],
            )
        ids = got["ids"][0] if got["ids"] else []
        distances = got["distances"][0] if got.get("distances") else [1.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def similarity(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        """Cosine of the query to given chunks (for BM25-only results)."""
        if not ids:
            return {}
        with self._lock:
            got = self._collection.get(ids=ids, include=["embeddings"])
        out = {}
        for cid, emb in zip(got["ids"], got["embeddings"], strict=True):
            out[cid] = float(np.dot(np.asarray(emb, dtype=np.float32), vector))
        return out

    def neighbour(self, chunk: StoredChunk, offset: int) -> StoredChunk | None:
        cid = self._by_position.get((chunk.doc_id, chunk.chunk_index + offset))
        return self.chunks.get(cid) if cid else None

    def status(self) -> IndexStatus:
        return IndexStatus(
            documents=len(self.live.docs),
            chunks=len(self.chunks),
            embedding_model=self.settings.embedding,
            last_ingest=self.live.last_ingest,
            store=self.settings.chroma_url or str(self.settings.home / "chroma"),
            doc_titles={k: str(v.get("title", k)) for k, v in self.live.docs.items()},
        )
