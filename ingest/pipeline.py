"""`vraagbaak ingest`: bring the index in line with the corpus, doing only what changed.

Order of work, chosen so that a run killed at any point leaves the previous index usable:
1. parse and chunk every new or changed document; embed missing chunks (cached by hash);
2. add the new chunks (invisible: not yet live);
3. write the new live state in one metadata write (the switch);
4. delete chunks of versions that are no longer live; rebuild BM25 aside and swap it in.

Test hook: with VRAAGBAAK_TEST_PAUSE_AT=<phase> a run prints `vraagbaak-pause: <phase>` to
stderr at that point and sleeps for an hour, so tests/test_crash_safety.py can SIGKILL it at
a known moment. Phases, in order: `locked`,
`parsed`, `added-one` (first changed document's chunks written), `added`, `switched`,
`deleted`. Unset, it costs one dictionary lookup per phase.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from foundation.errors import DocumentError, IndexModelMismatch
from foundation.sections import path_tail
from foundation.settings import Settings
from ingest.bm25_index import refresh_bm25
from ingest.chunking import chunk_document
from ingest.embedders import Embedder, get_embeddings
from ingest.embedding_cache import EmbeddingCache
from ingest.loaders import load_pages
from ingest.locking import ingest_lock
from ingest.manifest import load_manifest
from ingest.models import Chunk, RawPage, SourceDocument
from ingest.store import (
    LiveState,
    has_collection,
    make_client,
    open_vectorstore,
    read_live,
    write_live,
)
from ingest.structure import parse_document

log = logging.getLogger(__name__)

# Bump when cleaning, structure, chunking or chunk metadata changes, so every document is
# re-chunked. 6: part_spans (named parts of text outside any section); 7: markdown links
# reduced to their words; 8: a web heading right under another one nests in it; 9: list
# items keep a marker ("• ") in the chunk text; 10: markdown backslash escapes ("\(CCV\)")
# read as the character; 11: a case part's heading ("Knelpunten: …") is a heading however
# wide it runs; 12: a numbered footnote at a page's foot stands apart, after the sentence it
# interrupted; 13: such a footnote loses its number, which read as a list item's; 14: and
# opens with "Voetnoot: ".
PIPELINE_VERSION = "14"
PAUSE_ENV = "VRAAGBAAK_TEST_PAUSE_AT"


def _checkpoint(phase: str) -> None:
    """The crash-test hook described in the module docstring."""
    if os.environ.get(PAUSE_ENV) == phase:
        print(f"vraagbaak-pause: {phase}", file=sys.stderr, flush=True)
        time.sleep(3600)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The `vraagbaak ingest --json` shape (contract: docs/ARCHITECTURE.md), with what went
        wrong."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "embedded": self.embedded,
            "failed": self.failed,
            "warnings": self.warnings,
        }


def document_hash(doc: SourceDocument) -> str:
    """Content plus citation facts plus pipeline version: any of them changing re-ingests."""
    h = hashlib.sha256()
    h.update(doc.path.read_bytes())
    for part in (doc.title, doc.publisher, doc.date, doc.kind, PIPELINE_VERSION):
        h.update(b"\x00" + part.encode("utf-8"))
    return h.hexdigest()


def page_count(pages: list[RawPage]) -> int | None:
    """Pages as a citation counts them: PDF pages or form-feed pages; None for a text without
    page numbers."""
    numbered = [page for page in pages if page.number is not None]
    return len(numbered) or None


def embedding_text(doc: SourceDocument, chunk: Chunk) -> str:
    """What is embedded: the document title and section path give a passage its context
    (a paragraph under "3. Knock and talk, gemeente Utrecht" in the inspiratieboek rarely
    repeats either); measured in evals/CALIBRATION.md."""
    return f"{doc.title}. {path_tail(chunk.section, 2)}\n{chunk.text}"


def chunk_metadata(doc: SourceDocument, doc_hash: str, chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": doc.id,
        "doc_hash": doc_hash,
        "title": doc.title,
        "publisher": doc.publisher,
        "date": doc.date,
        "section": chunk.section,
        "chunk_index": chunk.chunk_index,
        "start": chunk.start,
        "end": chunk.end,
        "content_hash": chunk.content_hash,
        "section_spans": json.dumps(chunk.section_spans, ensure_ascii=False),
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.part_spans:
        meta["part_spans"] = json.dumps(chunk.part_spans, ensure_ascii=False)
    return meta


def run_ingest(
    settings: Settings,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
    lock_timeout: float = 0.0,
    embedder: Embedder | None = None,
) -> IngestReport:
    """Incremental ingest of settings.corpus_dir into the index in settings.home.

    embedder: the passage model to use instead of the one settings.embedding names; the index
    still records settings.embedding (benchmarks derive vectors for a synthetic corpus so that
    real queries of that model can search it)."""
    t0 = time.perf_counter()
    settings.home.mkdir(parents=True, exist_ok=True)
    with ingest_lock(settings.home, timeout=lock_timeout):
        report = ingest_locked(settings, rebuild, progress, embedder)
    report.seconds = time.perf_counter() - t0
    return report


def ingest_locked(
    settings: Settings,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
    embedder: Embedder | None = None,
) -> IngestReport:
    """run_ingest for a caller that already holds the data dir's ingest lock: a document
    change (ingest/documents.py) edits the corpus and ingests it under one lock, so no other
    ingest runs between the edit and the ingest, or between a failed ingest and its undo."""
    t0 = time.perf_counter()
    report = IngestReport()
    _checkpoint("locked")
    manifest = load_manifest(settings.corpus_dir)
    report.warnings.extend(manifest.warnings)
    embeddings = embedder or get_embeddings(settings.embedding)
    model, dim = settings.embedding, embeddings.dim
    client = make_client(settings)
    if rebuild:
        _drop_if_other_model(client, settings, embeddings, model, dim)
    store = open_vectorstore(client, settings, embeddings, model, dim, create=True)
    live = read_live(store)
    new_docs: dict[str, dict[str, Any]] = {}
    pending: list[tuple[SourceDocument, str, list[Chunk]]] = []
    # A rebuild writes every document as a new version (its own chunk ids) behind the
    # live state, so it is switched in like any change and a killed rebuild loses nothing.
    rebuild_nonce = f"rebuild-{time.time_ns()}" if rebuild else ""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    for doc in manifest.documents:
        try:
            source_hash = document_hash(doc)
            old = live.docs.get(doc.id)
            if old and old.get("source", old["hash"]) == source_hash and not rebuild:
                report.unchanged.append(doc.id)
                new_docs[doc.id] = old
                continue
            doc_hash = (
                hashlib.sha256(f"{source_hash}|{rebuild_nonce}".encode()).hexdigest()
                if rebuild
                else source_hash
            )
            pages = load_pages(doc.path)
            chunks = chunk_document(doc.id, doc_hash, parse_document(pages, doc.kind))
            if not chunks:
                raise DocumentError(doc.path, f"{doc.path}: no text left after cleaning")
        except (DocumentError, OSError) as exc:
            report.failed[doc.id] = str(exc)
            if doc.id in live.docs:  # keep the previous version searchable
                new_docs[doc.id] = live.docs[doc.id]
            continue
        (report.updated if old else report.added).append(doc.id)
        pending.append((doc, doc_hash, chunks))
        new_docs[doc.id] = {
            "hash": doc_hash,  # the version: chunks carry it, searches filter on it
            "source": source_hash,  # what an unchanged file hashes to
            "title": doc.title,
            "publisher": doc.publisher,
            "date": doc.date,
            "file": doc.file,
            "chunks": len(chunks),
            "pages": page_count(pages),  # for the documents list (None: no page numbers)
            "ingested": stamp,  # when this version was embedded
        }
    report.removed = [d for d in live.docs if d not in new_docs]

    _checkpoint("parsed")
    _add_pending(settings, store, embeddings, pending, report, progress)
    _checkpoint("added")
    state = LiveState(docs=new_docs, last_ingest=stamp)
    if state.signature != live.signature or rebuild:
        write_live(store, state, model, dim)
    _checkpoint("switched")
    _delete_stale(store, state)
    _checkpoint("deleted")
    refresh_bm25(settings, store._collection, state, force=rebuild)
    report.chunks = sum(int(d["chunks"]) for d in new_docs.values())
    report.seconds = time.perf_counter() - t0
    return report


def _drop_if_other_model(client, settings: Settings, embeddings, model: str, dim: int) -> None:
    """`--rebuild` with the index's own model rebuilds in place (every document re-chunked
    and written as a new version behind the live state), so a killed rebuild leaves the
    previous index usable like any other ingest. Only an index of another model (whose
    vectors cannot share a collection with the new ones, and which this model cannot search
    anyway) is dropped first."""
    if not has_collection(client, settings.collection):
        return
    try:
        open_vectorstore(client, settings, embeddings, model, dim, create=False)
    except IndexModelMismatch:
        client.delete_collection(settings.collection)


def _add_pending(settings, store, embeddings, pending, report, progress) -> None:
    total = sum(len(chunks) for _, _, chunks in pending)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    cache = EmbeddingCache(settings.home / "embedding-cache.sqlite")
    try:
        for doc, doc_hash, chunks in pending:
            texts = [embedding_text(doc, c) for c in chunks]
            vectors, computed = cache.embed(
                settings.embedding, texts, embeddings.passage_vectors, on_progress=tick
            )
            report.embedded += computed
            collection = store._collection
            for i in range(0, len(chunks), 256):
                part = chunks[i : i + 256]
                collection.upsert(
                    ids=[c.id for c in part],
                    embeddings=vectors[i : i + 256],
                    documents=[c.text for c in part],
                    metadatas=[chunk_metadata(doc, doc_hash, c) for c in part],
                )
            _checkpoint("added-one")
    finally:
        cache.close()


def _delete_stale(store, state: LiveState) -> None:
    live = state.hashes or ["-"]
    store._collection.delete(where={"doc_hash": {"$nin": live}})
