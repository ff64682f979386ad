"""Add, replace and remove documents: the corpus file, its manifest block and the index are
changed together, or not at all. The Documents page and `vraagbaak documents` only call this.

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

A process killed between 4 and 5 leaves a manifest that lists the new document and an index
without it; the next ingest (or change) takes it in, and the list shows it as not indexed.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from foundation.errors import (
    DocumentChangeError,
    DocumentIngestFailed,
    DuplicateDocument,
    IngestBusy,
    InvalidDocumentField,
    UnknownDocument,
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
from ingest.embedders import Embedder
from ingest.locking import ingest_lock
from ingest.manifest import ID_PATTERN, MANIFEST_NAME, Manifest, load_manifest
from ingest.manifest_edit import ManifestText, add_entry, remove_entry, update_entry, write_atomic
from ingest.models import SourceDocument
from ingest.pipeline import IngestReport, document_hash, ingest_locked
from ingest.store import LiveState, peek_live

# Phases a change reports, in order; `embedding` carries passages done / total, `indexing`
# (a removal) has no count.
CHECKING, WAITING, SAVING = "checking", "waiting", "saving"
EMBEDDING, INDEXING, DONE = "embedding", "indexing", "done"
Progress = Callable[[str, int, int], None]

# What the list says of a document (the page and the CLI word them).
INDEXED = "indexed"  # in the index as the manifest describes it
CHANGED = "changed"  # in the index, but file or manifest entry changed since
NOT_INDEXED = "not_indexed"  # listed, never ingested (or its last ingest failed)
FILE_MISSING = "file_missing"  # listed, but the file is not in the corpus folder
NOT_IN_MANIFEST = "not_in_manifest"  # in the index, but no longer listed

ID_MAX_CHARS = 48


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


# --- the list ----------------------------------------------------------------------------


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
        pages=_int(facts.get("pages")) if facts else None,
        passages=_int(facts.get("chunks")) if facts else None,
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
        pages=_int(facts.get("pages")),
        passages=_int(facts.get("chunks")),
        ingested=str(facts.get("ingested") or ""),
        state=state,
    )


def _int(value: object) -> int | None:
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


# --- the changes -------------------------------------------------------------------------


def check_new(settings: Settings, upload: Upload, fields: Fields, doc_id: str = "") -> Fields:
    """The checks add_document makes before it touches anything, for a caller that wants to
    refuse at once (the page, before it starts the change in the background); the fields as
    they will be stored. add_document checks again under the lock."""
    cleaned = clean_fields(fields, require_title=True)
    if doc_id:
        _check_id_syntax(doc_id)
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
    _entry(manifest, doc_id)
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
        _check_id_syntax(doc_id)
    checked = check_file(upload, settings.max_document_mb)
    with _locked(settings, lock_timeout, progress):
        manifest = load_manifest(settings.corpus_dir)
        twin = find_duplicate(upload, manifest.documents)
        if twin is not None:
            raise duplicate_error(upload, twin)
        live = peek_live(settings) or LiveState(docs={})
        new_id = _new_id(doc_id, cleaned.title, manifest, live)
        file_name = _new_file_name(settings.corpus_dir, upload, manifest)
        entry = {
            "id": new_id,
            "file": file_name,
            "title": cleaned.title,
            "publisher": cleaned.publisher,
            "date": cleaned.date,
            "kind": checked.kind,
        }
        _report(progress, SAVING)
        with _undo_on_failure(settings, new_id, live, embedder) as undo:
            text = ManifestText(manifest.path)
            new_manifest = add_entry(manifest.path, text.text, entry)
            undo.created(_place_file(settings.corpus_dir / file_name, upload.data))
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
        current = _entry(manifest, doc_id)
        twin = find_duplicate(upload, manifest.documents, except_id=doc_id)
        if twin is not None:
            raise duplicate_error(upload, twin)
        same_type = PurePosixPath(current.file).suffix.lower() == upload.suffix
        file_name = (
            current.file if same_type else _new_file_name(settings.corpus_dir, upload, manifest)
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
        with _undo_on_failure(settings, doc_id, live, embedder) as undo:
            text = ManifestText(manifest.path)
            new_manifest = update_entry(manifest.path, text.text, doc_id, changes)
            new_path = settings.corpus_dir / PurePosixPath(file_name)
            if new_path.is_file():
                undo.replaced(new_path, new_path.read_bytes())
            undo.created(_place_file(new_path, upload.data))
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
            raise _unknown(doc_id, manifest)
        if listed and len(manifest.entries) == 1:
            raise DocumentChangeError(
                f"{doc_id!r} is the only document; the manifest needs at least one, so add "
                "another first",
                "Dit is het enige document; Vraagbaak heeft er minstens één nodig. Voeg eerst "
                "een ander document toe.",
            )
        entry = listed[0] if listed else None
        _report(progress, SAVING)
        with _undo_on_failure(settings, doc_id, live, embedder) as undo:
            aside: Path | None = None
            if entry is not None:
                text = ManifestText(manifest.path)
                new_manifest = remove_entry(manifest.path, text.text, doc_id)
                aside = _move_aside(settings.corpus_dir / PurePosixPath(entry.file), undo)
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
            pages=_int(facts.get("pages")),  # what the index held, now gone
            passages=_int(facts.get("chunks")) or 0,
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
        pages=_int(facts.get("pages")),
        passages=_int(facts.get("chunks")) or 0,
        report=report,
    )
    _report(progress, DONE)
    return result


class _Undo:
    """What a change did to the corpus folder, to put back in reverse order."""

    def __init__(self) -> None:
        self._steps: list[Callable[[], None]] = []

    def step(self, action: Callable[[], None]) -> None:
        self._steps.append(action)

    def created(self, path: Path) -> Path:
        self._steps.append(lambda: path.unlink(missing_ok=True))
        return path

    def replaced(self, path: Path, old: bytes) -> None:
        self._steps.append(lambda: write_atomic(path, old))

    def restore(self) -> None:
        for step in reversed(self._steps):
            step()
        self._steps.clear()


@contextmanager
def _undo_on_failure(
    settings: Settings, doc_id: str, live_before: LiveState, embedder: Embedder | None
) -> Iterator[_Undo]:
    """Put file and manifest back when anything fails; when the index moved for this
    document all the same (a failure after the ingest's switch), ingest the restored corpus
    so index and manifest agree again."""
    undo = _Undo()
    try:
        yield undo
    except BaseException:
        undo.restore()
        after = peek_live(settings)
        if after is not None and after.docs.get(doc_id) != live_before.docs.get(doc_id):
            # the first failure is the one to report; a second one here changes nothing
            with suppress(Exception):
                ingest_locked(settings, embedder=embedder)
        raise


def _place_file(path: Path, data: bytes) -> Path:
    """Write under a hidden name (the manifest reader skips hidden files), then rename into
    place: the corpus never holds half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _move_aside(path: Path, undo: _Undo) -> Path | None:
    """A removed document's file under a hidden name while the ingest runs (so the ingest
    does not report it as an unlisted file), back in place if the removal is undone."""
    if not path.is_file():
        return None
    aside = path.with_name(f".removing-{path.name}")
    os.replace(path, aside)
    undo.step(lambda: os.replace(aside, path))
    return aside


def _entry(manifest: Manifest, doc_id: str) -> SourceDocument:
    for entry in manifest.entries:
        if entry.id == doc_id:
            return entry
    raise _unknown(doc_id, manifest)


def _unknown(doc_id: str, manifest: Manifest) -> UnknownDocument:
    known = ", ".join(entry.id for entry in manifest.entries) or "none"
    return UnknownDocument(
        f"no document with id {doc_id!r} in {MANIFEST_NAME} (known: {known})",
        f"Er is geen document '{doc_id}'. Vernieuw de pagina: misschien is het net verwijderd.",
    )


def _check_id_syntax(doc_id: str) -> None:
    if not ID_PATTERN.fullmatch(doc_id) or len(doc_id) > ID_MAX_CHARS:
        raise InvalidDocumentField(
            f"id {doc_id!r} is not a short slug (a-z, 0-9, '-' and '_', at most "
            f"{ID_MAX_CHARS} characters)",
            f"De id '{doc_id}' mag alleen kleine letters, cijfers, '-' en '_' bevatten "
            f"(hoogstens {ID_MAX_CHARS} tekens).",
        )


def _new_id(wanted: str, title: str, manifest: Manifest, live: LiveState) -> str:
    """The id asked for (refused when taken), or a slug of the title made unique; ids the
    index still holds count as taken, so a new document never inherits old passages."""
    taken = {entry.id for entry in manifest.entries} | set(live.docs)
    if wanted:
        if wanted in taken:
            raise InvalidDocumentField(
                f"id {wanted!r} is already used; choose another or replace that document",
                f"De id '{wanted}' is al in gebruik. Kies een andere.",
            )
        return wanted
    base = slug(title, ID_MAX_CHARS)
    return _unique(base, taken)


def _new_file_name(corpus_dir: Path, upload: Upload, manifest: Manifest) -> str:
    """A tidy file name from the uploaded one, not yet used in the folder or the manifest."""
    stem = slug(PurePosixPath(upload.display_name).stem, 80)
    taken = {entry.file.lower() for entry in manifest.entries}
    taken |= {p.name.lower() for p in corpus_dir.iterdir()} if corpus_dir.is_dir() else set()
    name = f"{stem}{upload.suffix}"
    number = 2
    while name.lower() in taken:
        name = f"{stem}-{number}{upload.suffix}"
        number += 1
    return name


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def slug(text: str, max_chars: int) -> str:
    """Lowercase ASCII words joined by '-', cut at a word: "Aanpak ondermijning: één
    gemeente" -> "aanpak-ondermijning-een-gemeente"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        joined = f"{out}-{word}" if out else word
        if len(joined) > max_chars:
            break
        out = joined
    return out or (words[0][:max_chars] if words else "document")
