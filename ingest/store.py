"""The Chroma side of the index: client, collection, and the live-document state.

The collection is the source of truth. Its metadata records the embedding model and
dimension (opening it with another model is an error, not silent garbage) and the *live
state*: which version (hash) of each document is current. Searches only see chunks of live
versions, and the live state is replaced in one metadata write, so an ingest killed at any
moment leaves the previous, complete state in force; stale chunks are deleted afterwards.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from foundation.errors import IndexMissing, IndexModelMismatch, IndexUnreachable
from foundation.settings import Settings
from ingest.embedders import Embedder

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# HNSW explores ef_search candidates per query. At Chroma's default of 100, a top-40 query
# missed 4–12 of the exact top 40 over 150 eval questions, and *which* it missed changed
# from process to process: each process rebuilds the graph from Chroma's write-ahead log with
# several threads, so retrieval (and answers near a threshold) were not repeatable. At 200 the
# top 40 was exact for all 635 eval questions on one fresh build, but a CI build still missed
# one chunk for one question (the graph itself is built by several threads); at 500, more
# than the bundled corpus's 441 chunks, the search visits every chunk it can reach.
HNSW_SEARCH_EF = 500
HNSW_CONFIG: dict[str, Any] = {"hnsw": {"space": "cosine", "ef_search": HNSW_SEARCH_EF}}


@dataclass
class LiveState:
    """Current version of each document plus its citation facts."""

    docs: dict[str, dict[str, Any]]  # doc_id -> {hash, title, publisher, date, chunks, file}
    last_ingest: str = ""

    @property
    def hashes(self) -> list[str]:
        return [d["hash"] for d in self.docs.values()]

    @property
    def signature(self) -> str:
        return ",".join(sorted(self.hashes))


def make_client(settings: Settings) -> Any:
    """A PersistentClient in the data dir, or an HttpClient for VRAAGBAAK_CHROMA_URL."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexUnreachable(f"VRAAGBAAK_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexUnreachable(
                f"Chroma server at {settings.chroma_url} does not answer ({exc}). "
                "Start it with `chroma run --path DIR --host 127.0.0.1 --port 8000` "
                "or unset VRAAGBAAK_CHROMA_URL to use the embedded store."
            ) from exc
        return client
    path = settings.home / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def has_collection(client: Any, name: str) -> bool:
    return name in {getattr(c, "name", c) for c in client.list_collections()}


def open_vectorstore(
    client: Any, settings: Settings, embeddings: Embedder, model: str, dim: int, create: bool
) -> Chroma:
    """The LangChain vector store over our collection, with the embedding function passed
    explicitly (Chroma must never fall back to its own, which downloads a model)."""
    exists = has_collection(client, settings.collection)
    if not exists and not create:
        raise IndexMissing(
            "No index yet: run `vraagbaak ingest` first (it reads corpus/manifest.toml)."
        )
    store = Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=embeddings,
        collection_metadata=None
        if exists
        else {"embedding_model": model, "embedding_dim": dim, "schema": SCHEMA_VERSION},
        collection_configuration=None if exists else HNSW_CONFIG,
    )
    check_model(store, model, dim)
    if exists and create:
        raise_search_ef(store)
    return store


def raise_search_ef(store: Chroma) -> None:
    """An index made before HNSW_SEARCH_EF gets it on its next ingest (ef_search is one of
    the settings Chroma lets a collection change); readers leave the collection as it is."""
    hnsw = (store._collection.configuration or {}).get("hnsw") or {}
    if int(hnsw.get("ef_search") or 0) < HNSW_SEARCH_EF:
        store._collection.modify(configuration={"hnsw": {"ef_search": HNSW_SEARCH_EF}})


def check_model(store: Chroma, model: str, dim: int) -> None:
    meta = store._collection.metadata or {}
    built_with = meta.get("embedding_model")
    built_dim = meta.get("embedding_dim")
    if built_with and (built_with != model or int(built_dim or dim) != dim):
        raise IndexModelMismatch(
            f"The index was built with embedding model {built_with!r} (dim {built_dim}); "
            f"this run uses {model!r} (dim {dim}). Set VRAAGBAAK_EMBEDDING={built_with} to use "
            "it, or rebuild with `vraagbaak ingest --rebuild` (or another VRAAGBAAK_HOME)."
        )


def read_live(store: Chroma) -> LiveState:
    return _live_from(store._collection.metadata or {})


def peek_live(settings: Settings) -> LiveState | None:
    """The live state without loading an embedding model (the documents list needs no
    vectors); None when nothing was ingested yet. The collection is opened without an
    embedding function, so Chroma cannot fall back to its own."""
    client = make_client(settings)
    if not has_collection(client, settings.collection):
        return None
    collection = client.get_collection(settings.collection, embedding_function=None)
    return _live_from(collection.metadata or {})


def _live_from(meta: dict[str, Any]) -> LiveState:
    raw = meta.get("live_docs")
    docs = json.loads(raw) if isinstance(raw, str) and raw else {}
    return LiveState(docs=docs, last_ingest=str(meta.get("last_ingest", "")))


def write_live(store: Chroma, state: LiveState, model: str, dim: int) -> None:
    """One metadata write makes the new state current (Chroma replaces metadata whole)."""
    store._collection.modify(
        metadata={
            "embedding_model": model,
            "embedding_dim": dim,
            "schema": SCHEMA_VERSION,
            "live_docs": json.dumps(state.docs, ensure_ascii=False, sort_keys=True),
            "last_ingest": state.last_ingest or time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
    )


def live_filter(state: LiveState, doc_ids: list[str] | None = None) -> dict[str, Any]:
    """A Chroma `where` that admits only live versions (and, optionally, chosen documents)."""
    hashes = [d["hash"] for doc_id, d in state.docs.items() if doc_ids is None or doc_id in doc_ids]
    if not hashes:
        return {"doc_hash": {"$in": ["-"]}}
    return {"doc_hash": {"$in": hashes}}


GET_PAGE = 5000


def get_all(collection: Any, where: dict[str, Any], include: list[str]) -> dict[str, list[Any]]:
    """`collection.get` in pages: embedded Chroma refuses one read of more than ~32,000 rows
    ("too many SQL variables"), which a few hundred documents reach."""
    out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=GET_PAGE, offset=offset)
        ids = got["ids"] or []
        out["ids"].extend(ids)
        for key in include:
            out[key].extend(got.get(key) or [None] * len(ids))
        if len(ids) < GET_PAGE:
            return out
        offset += GET_PAGE
