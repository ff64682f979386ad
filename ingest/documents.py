"""Add, replace and remove documents: the corpus file, its manifest block and the index are
changed together, or not at all. The Documents page and `vraagbaak documents` only call this
(and document_list.py for the list).

Order of work for each change, so that a refusal or a failed ingest leaves everything as it
was:
1. check the file and the fields (document_check.py) while nothing is touched;
2. take the data dir's ingest lock (one ingest per data dir, ingest/locking.py), so two
   uploads at once run one after the other and no `vraagbaak ingest` runs in between;
3. re-read the manifest under the lock (a duplicate uploaded a moment ago is refused here);
4. write the file (hidden name, then renamed into place) and the manifest (ingest/
   manifest_edit.py, written whole through a rename), keeping the old bytes;
5. ingest (the ordinary incremental, crash-safe ingest, ingest/pipeline.py);
6. when the ingest fails for this document, put the old file and manifest back, and when
   the index had already moved (an error after its switch), ingest again to match them.

The corpus-folder side of 4 and 6 is document_files.py; ids and file names are
document_names.py.

A process killed between 4 and 5 leaves a manifest that lists the new document and an index
without it; the next ingest (or change) takes it in, and the list shows it as not indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from foundation.errors import (
    DocumentChangeError,
    DocumentIngestFailed,
    DuplicateDocument,
    IngestBusy,
)
from foundation.settings import Settings
from ingest.document_check import (
    CheckedFile,
    Fields,
    Upload,
    check_file,
    clean_fields,
    duplicate_error,
    find_duplicate,
)
from ingest.document_files import move_aside, place_file, undo_on_failure
from ingest.document_list import as_int
from ingest.document_names import (
    check_id_syntax,
    find_entry,
    new_doc_id,
    new_file_name,
    unknown_document,
)
from ingest.embedders import Embedder
from ingest.locking import ingest_lock
from ingest.manifest import load_manifest
from ingest.manifest_edit import ManifestText, add_entry, remove_entry, update_entry, write_atomic
from ingest.pipeline import IngestReport, ingest_locked
from ingest.store import LiveState, peek_live

# Phases a change reports, in order; `embedding` carries passages done / total, `indexing`
# (a removal) has no count.
CHECKING, WAITING, SAVING = "checking", "waiting", "saving"
EMBEDDING, INDEXING, DONE = "embedding", "indexing", "done"
Progress = Callable[[str, int, int], None]


@dataclass
class ChangeResult:
    """What a change did, with the ingest's own report."""

    action: str  # "add", "replace" or "remove"
    doc_id: str
    title: str
    file: str
    pages: int | None = None
    passages: int = 0
    report: IngestReport = field(default_factory=IngestReport)

    def to_json(self) -> dict[str, Any]:
        """`vraagbaak documents add|replace|remove --json` (docs/ARCHITECTURE.md)."""
        return {
            "action": self.action,
            "id": self.doc_id,
            "title": self.title,
            "file": self.file,
            "pages": self.pages,
            "passages": self.passages,
            "ingest": self.report.to_json(),
        }


# --- the changes -------------------------------------------------------------------------


def check_new(settings: Settings, upload: Upload, fields: Fields, doc_id: str = "") -> Fields:
    """The checks add_document makes before it touches anything, for a caller that wants to
    refuse at once (the page, before it starts the change in the background); the fields as
    they will be stored. add_document checks again under the lock."""
    cleaned = clean_fields(fields, require_title=True)
    if doc_id:
        check_id_syntax(doc_id)
    check_file(upload, settings.max_document_mb)
    twin = find_duplicate(upload, load_manifest(settings.corpus_dir).documents)
    if twin is not None:
        raise duplicate_error(upload, twin)
    return cleaned


def check_replacement(
    settings: Settings, doc_id: str, upload: Upload, fields: Fields | None = None
) -> Fields:
    """The checks replace_document makes before it touches anything (see check_new)."""
    cleaned = clean_fields(fields or Fields(), require_title=False)
    check_file(upload, settings.max_document_mb)
    manifest = load_manifest(settings.corpus_dir)
    find_entry(manifest, doc_id)
    twin = find_duplicate(upload, manifest.documents, except_id=doc_id)
    if twin is not None:
        raise duplicate_error(upload, twin)
    return cleaned


def add_document(
    settings: Settings,
    upload: Upload,
    fields: Fields,
    *,
    doc_id: str = "",
    progress: Progress | None = None,
    lock_timeout: float = 0.0,
    embedder: Embedder | None = None,
) -> ChangeResult:
    """A new document: its file in the corpus folder, a block in the manifest, its passages
    in the index. doc_id: the id to give it (default: made from the title)."""
    _report(progress, CHECKING)
    cleaned = clean_fields(fields, require_title=True)
    if doc_id:
        check_id_syntax(doc_id)
    checked = check_file(upload, settings.max_document_mb)
    with _locked(settings, lock_timeout, progress):
        manifest = load_manifest(settings.corpus_dir)
        twin = find_duplicate(upload, manifest.documents)
        if twin is not None:
            raise duplicate_error(upload, twin)
        live = peek_live(settings) or LiveState(docs={})
        new_id = new_doc_id(doc_id, cleaned.title, manifest, live)
        file_name = new_file_name(settings.corpus_dir, upload, manifest)
        entry = {
            "id": new_id,
            "file": file_name,
            "title": cleaned.title,
            "publisher": cleaned.publisher,
            "date": cleaned.date,
            "kind": checked.kind,
        }
        _report(progress, SAVING)
        with undo_on_failure(settings, new_id, live, embedder) as undo:
            text = ManifestText(manifest.path)
            new_manifest = add_entry(manifest.path, text.text, entry)
            undo.created(place_file(settings.corpus_dir / file_name, upload.data))
            undo.replaced(manifest.path, text.raw)
            write_atomic(manifest.path, text.encode(new_manifest))
            report = _ingest(settings, new_id, checked, progress, embedder, upload)
        return _result(settings, "add", new_id, cleaned.title, file_name, report, progress)


def replace_document(
    settings: Settings,
    doc_id: str,
    upload: Upload,
    fields: Fields | None = None,
    *,
    progress: Progress | None = None,
    lock_timeout: float = 0.0,
    embedder: Embedder | None = None,
) -> ChangeResult:
    """A new version of a document under the same id: the file replaced, the manifest block
    updated (file and kind when the type changed; title, publisher, date when given), the old
    passages gone from the index once the new ones are in."""
    _report(progress, CHECKING)
    cleaned = clean_fields(fields or Fields(), require_title=False)
    checked = check_file(upload, settings.max_document_mb)
    with _locked(settings, lock_timeout, progress):
        manifest = load_manifest(settings.corpus_dir)
        current = find_entry(manifest, doc_id)
        twin = find_duplicate(upload, manifest.documents, except_id=doc_id)
        if twin is not None:
            raise duplicate_error(upload, twin)
        same_type = PurePosixPath(current.file).suffix.lower() == upload.suffix
        file_name = (
            current.file if same_type else new_file_name(settings.corpus_dir, upload, manifest)
        )
        changes = {
            key: value
            for key, value in (
                ("file", file_name),
                ("kind", checked.kind if not same_type else current.kind or checked.kind),
                ("title", cleaned.title or current.title),
                ("publisher", cleaned.publisher or current.publisher),
                ("date", cleaned.date or current.date),
            )
            if value != getattr(current, key)
        }
        old_path = settings.corpus_dir / PurePosixPath(current.file)
        if not changes and old_path.is_file() and old_path.read_bytes() == upload.data:
            raise DuplicateDocument(
                f"{upload.display_name} is the version of {doc_id!r} already in the corpus; "
                "nothing to replace",
                f"'{upload.display_name}' is precies de versie van '{current.title}' die er al "
                "staat; er is niets te vervangen.",
                doc_id=doc_id,
            )
        live = peek_live(settings) or LiveState(docs={})
        _report(progress, SAVING)
        with undo_on_failure(settings, doc_id, live, embedder) as undo:
            text = ManifestText(manifest.path)
            new_manifest = update_entry(manifest.path, text.text, doc_id, changes)
            new_path = settings.corpus_dir / PurePosixPath(file_name)
            if new_path.is_file():
                undo.replaced(new_path, new_path.read_bytes())
            undo.created(place_file(new_path, upload.data))
            if changes:
                undo.replaced(manifest.path, text.raw)
                write_atomic(manifest.path, text.encode(new_manifest))
            report = _ingest(settings, doc_id, checked, progress, embedder, upload)
        if not same_type:
            old_path.unlink(missing_ok=True)
        title = changes.get("title", current.title)
        return _result(settings, "replace", doc_id, title, file_name, report, progress)


def remove_document(
    settings: Settings,
    doc_id: str,
    *,
    progress: Progress | None = None,
    lock_timeout: float = 0.0,
    embedder: Embedder | None = None,
) -> ChangeResult:
    """A document out of the corpus: its manifest block, then (by the ingest) its passages,
    then its file, which goes last so a failed ingest can still put everything back."""
    _report(progress, CHECKING)
    with _locked(settings, lock_timeout, progress):
        manifest = load_manifest(settings.corpus_dir)
        live = peek_live(settings) or LiveState(docs={})
        listed = [entry for entry in manifest.entries if entry.id == doc_id]
        if not listed and doc_id not in live.docs:
            raise unknown_document(doc_id, manifest)
        if listed and len(manifest.entries) == 1:
            raise DocumentChangeError(
                f"{doc_id!r} is the only document; the manifest needs at least one, so add "
                "another first",
                "Dit is het enige document; Vraagbaak heeft er minstens één nodig. Voeg eerst "
                "een ander document toe.",
            )
        entry = listed[0] if listed else None
        _report(progress, SAVING)
        with undo_on_failure(settings, doc_id, live, embedder) as undo:
            aside: Path | None = None
            if entry is not None:
                text = ManifestText(manifest.path)
                new_manifest = remove_entry(manifest.path, text.text, doc_id)
                aside = move_aside(settings.corpus_dir / PurePosixPath(entry.file), undo)
                undo.replaced(manifest.path, text.raw)
                write_atomic(manifest.path, text.encode(new_manifest))
            _report(progress, INDEXING)
            report = ingest_locked(settings, embedder=embedder)
        if aside is not None:
            aside.unlink(missing_ok=True)
        facts = live.docs.get(doc_id, {})
        result = ChangeResult(
            "remove",
            doc_id,
            entry.title if entry else str(facts.get("title", doc_id)),
            entry.file if entry else str(facts.get("file", "")),
            pages=as_int(facts.get("pages")),  # what the index held, now gone
            passages=as_int(facts.get("chunks")) or 0,
            report=report,
        )
        _report(progress, DONE)
        return result


# --- pieces ------------------------------------------------------------------------------


def _report(progress: Progress | None, phase: str, done: int = 0, total: int = 0) -> None:
    if progress is not None:
        progress(phase, done, total)


@contextmanager
def _locked(settings: Settings, timeout: float, progress: Progress | None) -> Iterator[None]:
    """The ingest lock; when another change or ingest holds it, say so and wait."""
    with ExitStack() as stack:
        try:
            stack.enter_context(ingest_lock(settings.home, timeout=0.0))
        except IngestBusy:
            if timeout <= 0:
                raise
            _report(progress, WAITING)
            stack.enter_context(ingest_lock(settings.home, timeout=timeout))
        yield


def _ingest(
    settings: Settings,
    doc_id: str,
    checked: CheckedFile,
    progress: Progress | None,
    embedder: Embedder | None,
    upload: Upload,
) -> IngestReport:
    _report(progress, EMBEDDING, 0, checked.passages)

    def tick(done: int, total: int) -> None:
        _report(progress, EMBEDDING, done, total)

    report = ingest_locked(settings, progress=tick, embedder=embedder)
    if doc_id in report.failed:
        reason = report.failed[doc_id]
        raise DocumentIngestFailed(
            f"the ingest of {upload.display_name} failed, nothing was changed: {reason}",
            f"Het verwerken van '{upload.display_name}' is mislukt; er is niets veranderd. "
            "Probeer het opnieuw; lukt het weer niet, geef de details dan aan de beheerder.",
        )
    return report


def _result(
    settings: Settings,
    action: str,
    doc_id: str,
    title: str,
    file_name: str,
    report: IngestReport,
    progress: Progress | None,
) -> ChangeResult:
    """The result with the document's pages and passages as the index now has them."""
    facts = (peek_live(settings) or LiveState(docs={})).docs.get(doc_id, {})
    result = ChangeResult(
        action,
        doc_id,
        title,
        file_name,
        pages=as_int(facts.get("pages")),
        passages=as_int(facts.get("chunks")) or 0,
        report=report,
    )
    _report(progress, DONE)
    return result
