"""The documents list: each manifest entry joined with what the index holds of it, and the
documents only the index still has. Needs no embedding model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from foundation.settings import Settings
from ingest.manifest import load_manifest
from ingest.models import SourceDocument
from ingest.pipeline import document_hash
from ingest.store import LiveState, peek_live

# What the list says of a document (the page and the CLI word them).
INDEXED = "indexed"  # in the index as the manifest describes it
CHANGED = "changed"  # in the index, but file or manifest entry changed since
NOT_INDEXED = "not_indexed"  # listed, never ingested (or its last ingest failed)
FILE_MISSING = "file_missing"  # listed, but the file is not in the corpus folder
NOT_IN_MANIFEST = "not_in_manifest"  # in the index, but no longer listed


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents list: the manifest entry joined with the index."""

    id: str
    title: str
    publisher: str
    date: str
    kind: str
    file: str
    pages: int | None
    passages: int | None
    ingested: str
    state: str

    def to_json(self) -> dict[str, Any]:
        """`vraagbaak documents list --json` (contract: docs/ARCHITECTURE.md)."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "kind": self.kind,
            "file": self.file,
            "pages": self.pages,
            "passages": self.passages,
            "ingested": self.ingested,
            "state": self.state,
        }


def list_documents(settings: Settings) -> list[DocumentRow]:
    """The documents in manifest order, then those only the index still has. Needs no
    embedding model, so the page lists documents without loading one."""
    manifest = load_manifest(settings.corpus_dir)
    live = peek_live(settings) or LiveState(docs={})
    rows = [_row(entry, live.docs.get(entry.id)) for entry in manifest.entries]
    listed = {entry.id for entry in manifest.entries}
    for doc_id, facts in live.docs.items():
        if doc_id not in listed:
            rows.append(_live_row(doc_id, facts, NOT_IN_MANIFEST))
    return rows


def _row(entry: SourceDocument, facts: dict[str, Any] | None) -> DocumentRow:
    if not entry.path.is_file():
        state = FILE_MISSING
    elif facts is None:
        state = NOT_INDEXED
    else:
        state = INDEXED if facts.get("source", facts.get("hash")) == _hash(entry) else CHANGED
    return DocumentRow(
        id=entry.id,
        title=entry.title,
        publisher=entry.publisher,
        date=entry.date,
        kind=entry.kind,
        file=entry.file,
        pages=as_int(facts.get("pages")) if facts else None,
        passages=as_int(facts.get("chunks")) if facts else None,
        ingested=str(facts.get("ingested") or "") if facts else "",
        state=state,
    )


def _live_row(doc_id: str, facts: dict[str, Any], state: str) -> DocumentRow:
    return DocumentRow(
        id=doc_id,
        title=str(facts.get("title", doc_id)),
        publisher=str(facts.get("publisher", "")),
        date=str(facts.get("date", "")),
        kind="",
        file=str(facts.get("file", "")),
        pages=as_int(facts.get("pages")),
        passages=as_int(facts.get("chunks")),
        ingested=str(facts.get("ingested") or ""),
        state=state,
    )


def as_int(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float, str)) and str(value).isdigit() else None


_hash_memo: dict[tuple[str, int, int, tuple[str, ...]], str] = {}


def _hash(entry: SourceDocument) -> str:
    """document_hash, remembered by file size and time and the entry's fields: the page lists
    documents on every rerun and must not read every PDF each time."""
    stat = entry.path.stat()
    key = (
        str(entry.path),
        stat.st_size,
        stat.st_mtime_ns,
        (entry.title, entry.publisher, entry.date, entry.kind),
    )
    if key not in _hash_memo:
        _hash_memo[key] = document_hash(entry)
    return _hash_memo[key]
