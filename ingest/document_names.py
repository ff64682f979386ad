"""Ids and file names of documents: an asked-for id checked, a new id or file name made from
the title or the uploaded name, an id found in the manifest."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from foundation.errors import InvalidDocumentField, UnknownDocument
from ingest.document_check import Upload
from ingest.manifest import ID_PATTERN, MANIFEST_NAME, Manifest
from ingest.models import SourceDocument
from ingest.store import LiveState

ID_MAX_CHARS = 48


def find_entry(manifest: Manifest, doc_id: str) -> SourceDocument:
    for entry in manifest.entries:
        if entry.id == doc_id:
            return entry
    raise unknown_document(doc_id, manifest)


def unknown_document(doc_id: str, manifest: Manifest) -> UnknownDocument:
    known = ", ".join(entry.id for entry in manifest.entries) or "none"
    return UnknownDocument(
        f"no document with id {doc_id!r} in {MANIFEST_NAME} (known: {known})",
        f"Er is geen document '{doc_id}'. Vernieuw de pagina: misschien is het net verwijderd.",
    )


def check_id_syntax(doc_id: str) -> None:
    if not ID_PATTERN.fullmatch(doc_id) or len(doc_id) > ID_MAX_CHARS:
        raise InvalidDocumentField(
            f"id {doc_id!r} is not a short slug (a-z, 0-9, '-' and '_', at most "
            f"{ID_MAX_CHARS} characters)",
            f"De id '{doc_id}' mag alleen kleine letters, cijfers, '-' en '_' bevatten "
            f"(hoogstens {ID_MAX_CHARS} tekens).",
        )


def new_doc_id(wanted: str, title: str, manifest: Manifest, live: LiveState) -> str:
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


def new_file_name(corpus_dir: Path, upload: Upload, manifest: Manifest) -> str:
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
