"""Read side of the index: what search needs, opened once per process.

Holds the Chroma collection (dense search), the BM25 index (rebuilt from the collection when
missing or stale) and the live chunks' text and metadata in memory, so results, neighbours
and citations need no further round trips.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from foundation.errors import IndexMissing
from foundation.settings import Settings
from ingest.bm25_index import BM25Index, open_bm25
from ingest.embedders import get_embeddings
from ingest.store import (
    LiveState,
    get_all,
    live_filter,
    make_client,
    open_vectorstore,
    read_live,
)

# Dense search without the live filter (see IndexReader.dense): queries before falling back
# to the filter, minimum over-fetch after a stale hit, largest unfiltered n.
# Question vectors kept by IndexReader.query_vector (1.5 kB each).
QUERY_CACHE = 256
DENSE_ATTEMPTS = 3
DENSE_MARGIN = 32
DENSE_MAX_FETCH = 2000
# Chunk vectors read per request when all are wanted (chunk_vectors).
VECTOR_PAGE = 2000


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
        self._client = client
        self._store = open_vectorstore(
            client, settings, self.embeddings, settings.embedding, self.embeddings.dim, create=False
        )
        self._collection = self._store._collection
        self.live: LiveState = read_live(self._store)
        if not self.live.docs:
            raise IndexMissing("The index is empty: run `vraagbaak ingest` first.")
        self._lock = threading.Lock()
        self._query_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vectors: tuple[list[str], np.ndarray] | None = None
        self._load_chunks()
        self.bm25: BM25Index = open_bm25(settings, self._collection, self.live)

    def _load_chunks(self) -> None:
        got = get_all(self._collection, live_filter(self.live), ["documents", "metadatas"])
        self.chunks: dict[str, StoredChunk] = {}
        self._by_position: dict[tuple[str, int], str] = {}
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            meta = dict(meta or {})
            chunk = StoredChunk(cid, str(meta.get("doc_id", "")), text or "", meta)
            self.chunks[cid] = chunk
            self._by_position[(chunk.doc_id, chunk.chunk_index)] = cid

    def live_changed(self) -> bool:
        """Has an ingest (in any process) switched the live state since this reader opened?

        One metadata read: the live state is a single write in the collection's metadata."""
        with self._lock:
            fresh = (
                self._client.get_collection(
                    self.settings.collection, embedding_function=None
                ).metadata
                or {}
            )
        current = self._collection.metadata or {}
        keys = ("live_docs", "last_ingest")
        return any(fresh.get(k) != current.get(k) for k in keys)

    def query_vector(self, text: str) -> np.ndarray:
        """The question's vector; the last QUERY_CACHE ones are kept, because a follow-up
        embeds the earlier turn's query again to mix it into its own (the embedder is
        deterministic, so a kept vector is the one it would compute)."""
        with self._query_lock:
            kept = self._query_cache.get(text)
            if kept is not None:
                self._query_cache.move_to_end(text)
                return kept.copy()
        vector = self.embeddings.query_vector(text)
        with self._query_lock:
            self._query_cache[text] = vector.copy()
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vector

    def dense(
        self, vector: np.ndarray, n: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-n (chunk id, cosine similarity) among live chunks.

        Without a document restriction the collection is queried without a `where`: Chroma's
        `$in` filter over every live version costs ~165 ms a query on a 45k-chunk index, the
        unfiltered query ~1 ms. Non-live chunks (written by an ingest before its switch, or
        left by one killed before its clean-up) are dropped by id, as `self.chunks` holds
        exactly the live chunks; when they crowd out live ones the query is repeated with a
        larger n, and in the end with the filter. With only live chunks in the collection
        the first, unfiltered query of exactly n gives the filtered query's results (the
        same HNSW search; identical for all 154 eval questions on the 100x index)."""
        n = max(1, min(n, len(self.chunks)))
        if doc_ids is None:
            found = self._dense_unfiltered(vector, n)
            if found is not None:
                return found
        return self._query(vector, n, live_filter(self.live, doc_ids))

    def _query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        with self._lock:  # the embedded Chroma client is shared by threads
            got = self._collection.query(
                query_embeddings=[vector.tolist()],
                n_results=n,
                where=where,
                include=["distances"],
            )
        ids = got["ids"][0] if got["ids"] else []
        found = got.get("distances")
        distances = found[0] if found else [1.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def _dense_unfiltered(self, vector: np.ndarray, n: int) -> list[tuple[str, float]] | None:
        """Unfiltered top-n of the live chunks, or None when stale chunks keep crowding them
        out (the caller then filters). Tries n first: any over-fetch could change which of
        several equally near chunks make the cut, so only a stale hit pays for a larger n."""
        fetch = n
        for attempt in range(DENSE_ATTEMPTS):
            hits = self._query(vector, fetch, None)
            live = [hit for hit in hits if hit[0] in self.chunks]
            if len(live) >= n:
                return live[:n]
            if len(hits) < fetch or attempt == DENSE_ATTEMPTS - 1:
                return None  # the collection (or HNSW) has no more to give, or too many stale
            # Scale by the live share seen so far, plus room for stale ones to cluster.
            fetch = min(n * fetch // max(len(live), 1) * 2 + DENSE_MARGIN, DENSE_MAX_FETCH)
            if fetch <= len(hits):
                return None
        return None

    def similarity(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        """Cosine of the query to given chunks (for BM25-only results)."""
        if not ids:
            return {}
        with self._lock:
            got = self._collection.get(ids=ids, include=["embeddings"])
        out: dict[str, float] = {}
        embeddings = got["embeddings"]
        if embeddings is None:
            return out
        for cid, emb in zip(got["ids"], embeddings, strict=True):
            out[cid] = float(np.dot(np.asarray(emb, dtype=np.float32), vector))
        return out

    def chunk_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every live chunk's vector (ids, rows), read once on first use and kept.

        The reranker compares a passage with its whole document and chapter; those centroids
        need all vectors, which search alone never reads. Read by id in pages, as a single
        read of tens of thousands of rows is refused by embedded Chroma."""
        with self._lock:
            if self._vectors is None:
                ids = list(self.chunks)
                rows: dict[str, np.ndarray] = {}
                for start in range(0, len(ids), VECTOR_PAGE):
                    got = self._collection.get(
                        ids=ids[start : start + VECTOR_PAGE], include=["embeddings"]
                    )
                    found = got["embeddings"]
                    if found is None:
                        continue
                    for cid, emb in zip(got["ids"], found, strict=True):
                        rows[cid] = np.asarray(emb, dtype=np.float32)
                kept = [cid for cid in ids if cid in rows]
                matrix = (
                    np.vstack([rows[c] for c in kept])
                    if kept
                    else np.zeros((0, self.embeddings.dim), dtype=np.float32)
                )
                self._vectors = (kept, matrix)
            return self._vectors

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
