"""Check a new document before anything is written: the Documents page and
`vraagbaak documents add|replace` refuse a bad file here, while corpus, manifest and index are
still untouched.

Each refusal is a DocumentChangeError with an English message (command line) and a Dutch
one for staff that names their file and says what to do. A file passes only when the real
loader reads it and the real chunker finds text in it, so what passes here also ingests.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from foundation.errors import (
    CorruptDocument,
    DocumentError,
    DocumentTooLarge,
    DuplicateDocument,
    EmptyDocument,
    EncryptedDocument,
    InvalidDocumentField,
    MissingTitle,
    NoTextLayer,
    NotUtf8Text,
    UnreadableUpload,
    UnsupportedFileType,
)
from ingest.chunking import chunk_document
from ingest.loaders import SUPPORTED_SUFFIXES, load_pages
from ingest.manifest import KIND_BY_SUFFIX
from ingest.models import SourceDocument
from ingest.structure import parse_document

MAX_TITLE_CHARS = 300
MAX_FIELD_CHARS = 300
# What the manifest's dates look like: a year, a year-month or a whole ISO date.
DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MB = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as it arrives (from the browser or the command line): its name only tells the
    type and suggests a file name in the corpus."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.display_name).suffix.lower()

    @property
    def display_name(self) -> str:
        """The base name, whatever path a browser or a script sent along."""
        return PurePosixPath(self.name.replace("\\", "/")).name or "document"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Fields:
    """What a citation shows besides the text: title, publisher, date."""

    title: str = ""
    publisher: str = ""
    date: str = ""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that the loader read and the chunker found text in."""

    upload: Upload
    kind: str
    pages: int | None
    passages: int


def clean_fields(fields: Fields, require_title: bool = True) -> Fields:
    """Fields with whitespace tidied, or a refusal naming the field."""
    title = " ".join(fields.title.split())
    publisher = " ".join(fields.publisher.split())
    date = fields.date.strip()
    if require_title and not title:
        raise MissingTitle(
            "a title is required: every citation names the document by it (--title)",
            "Vul een titel in: elk citaat noemt het document bij zijn titel.",
        )
    for name, dutch, value, limit in (
        ("title", "De titel", title, MAX_TITLE_CHARS),
        ("publisher", "De uitgever", publisher, MAX_FIELD_CHARS),
    ):
        if len(value) > limit:
            raise InvalidDocumentField(
                f"the {name} is {len(value)} characters long; at most {limit} fit in a citation",
                f"{dutch} is {len(value)} tekens lang; er passen er hoogstens {limit} in een "
                "citaat. Kort hem in.",
            )
    if date and not _is_date(date):
        raise InvalidDocumentField(
            f"date {date!r} is not a year, year-month or ISO date (2025, 2025-01, 2025-01-15)",
            f"De datum '{date}' is geen jaar, jaar-maand of datum. Schrijf bijvoorbeeld 2025, "
            "2025-01 of 2025-01-15, of laat het veld leeg als de datum onbekend is.",
        )
    return Fields(title=title, publisher=publisher, date=date)


def _is_date(text: str) -> bool:
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        return False
    _, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= 31


def check_file(upload: Upload, max_mb: float) -> CheckedFile:
    """Type, size and contents: the file is read by the real loader and chunked, in a
    temporary folder outside the corpus."""
    name = upload.display_name
    if upload.suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableUpload(
            f"{name}: only {', '.join(SUPPORTED_SUFFIXES)} files can be added; export it to PDF",
            f"'{name}' is geen PDF-, Markdown- (.md) of tekstbestand (.txt); alleen die kunnen "
            "worden toegevoegd. Sla het document op als PDF en probeer het opnieuw.",
        )
    if len(upload.data) > max_mb * MB:
        size, limit = _size(len(upload.data)), _size(max_mb * MB)
        raise DocumentTooLarge(
            f"{name} is {size}; the limit is {limit} (VRAAGBAAK_MAX_DOCUMENT_MB)",
            f"'{name}' is {_nl(size)}; de grens is {_nl(limit)}. Verklein het bestand "
            "(bijvoorbeeld door afbeeldingen te comprimeren of het op te splitsen), of vraag de "
            "beheerder de grens te verhogen (instelling VRAAGBAAK_MAX_DOCUMENT_MB).",
        )
    if not upload.data.strip():
        raise UnreadableUpload(
            f"{name}: the file is empty; export or download it again",
            f"'{name}' is leeg. Download of exporteer het document opnieuw en probeer het nog "
            "eens.",
        )
    kind = KIND_BY_SUFFIX[upload.suffix]
    with tempfile.TemporaryDirectory(prefix="vraagbaak-upload-") as folder:
        path = Path(folder) / f"upload{upload.suffix}"
        path.write_bytes(upload.data)
        try:
            pages = load_pages(path)
            chunks = chunk_document("check", "check", parse_document(pages, kind))
        except DocumentError as exc:
            raise UnreadableUpload(f"{name}: {exc.reason}", _dutch_reason(name, exc)) from exc
    if not chunks:
        raise UnreadableUpload(
            f"{name}: no text left after cleaning",
            f"In '{name}' staat na het opschonen geen doorzoekbare tekst. Controleer of het "
            "het goede bestand is.",
        )
    numbered = [p for p in pages if p.number is not None]
    return CheckedFile(upload=upload, kind=kind, pages=len(numbered) or None, passages=len(chunks))


def find_duplicate(
    upload: Upload, documents: list[SourceDocument], except_id: str = ""
) -> SourceDocument | None:
    """The document whose file has exactly these bytes (the id being replaced aside)."""
    digest = upload.sha256
    for doc in documents:
        if doc.id == except_id:
            continue
        try:
            if hashlib.sha256(doc.path.read_bytes()).hexdigest() == digest:
                return doc
        except OSError:
            continue
    return None


def duplicate_error(upload: Upload, doc: SourceDocument) -> DuplicateDocument:
    name = upload.display_name
    return DuplicateDocument(
        f"{name} has the same content as document {doc.id!r} ({doc.title}, file {doc.file}); "
        f"use `vraagbaak documents replace {doc.id} FILE` for a new version",
        f"'{name}' staat al in de documenten, als '{doc.title}' ({doc.id}). Is het een nieuwe "
        "versie, kies dan 'Vervangen' bij dat document; anders hoeft er niets te gebeuren.",
        doc_id=doc.id,
    )


def _dutch_reason(name: str, exc: DocumentError) -> str:
    """The loader's refusals in the words staff need: what is wrong, what to do."""
    if isinstance(exc, EncryptedDocument):
        return (
            f"'{name}' is beveiligd met een wachtwoord. Sla het op zonder beveiliging (vraag "
            "de afzender, of gebruik bijvoorbeeld `qpdf --decrypt`) en voeg het dan toe."
        )
    if isinstance(exc, NoTextLayer):
        return (
            f"'{name}' bevat geen tekst, alleen afbeeldingen: waarschijnlijk een scan. Laat er "
            "eerst tekstherkenning (OCR) op los, bijvoorbeeld met `ocrmypdf`, en voeg het "
            "resultaat toe."
        )
    if isinstance(exc, EmptyDocument):
        return f"'{name}' is leeg. Download of exporteer het document opnieuw."
    if isinstance(exc, NotUtf8Text):
        return (
            f"'{name}' is geen UTF-8-tekst. Sla het op met codering UTF-8 (in Kladblok: "
            "Opslaan als → Codering: UTF-8) en probeer het opnieuw."
        )
    if isinstance(exc, UnsupportedFileType):
        return f"'{name}' is van een soort die Vraagbaak niet kan lezen. Sla het op als PDF."
    if isinstance(exc, CorruptDocument):
        return (
            f"'{name}' is beschadigd of onvolledig, of is geen echte PDF, en kan niet worden "
            "gelezen. Download of exporteer het opnieuw en probeer het nog eens."
        )
    return f"'{name}' kan niet worden gelezen. Controleer het bestand en probeer het opnieuw."


def _size(size: float) -> str:
    """A file size as people read it: 51.2 MB, 800 kB, 21 bytes (small limits are for tests
    and must not read as "0 MB")."""
    for unit, factor in (("MB", MB), ("kB", 1024)):
        if size >= factor * 0.95 or (unit == "MB" and size >= MB / 10):
            text = f"{size / factor:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{int(size)} bytes"


def _nl(number: str) -> str:
    """A decimal as Dutch readers write it: 51,2."""
    return number.replace(".", ",")
