"""Errors a person can act on, as one family.

Every front end translates a `UserError` into one line (the command line, in English) or a
Dutch message (the chat page) instead of a traceback, so each message says what is wrong and
what to do about it. Anything that is not a `UserError` is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Input or setup a person must fix; str() is the whole message."""


# ---------------------------------------------------------------------------- questions


class QuestionError(UserError):
    """A question that cannot be searched; the message is Dutch, for the user."""


class QuestionsFileError(UserError):
    """A batch file of questions (`--questions FILE.jsonl`) that cannot be read."""


# ---------------------------------------------------------------------------- corpus


class DocumentError(UserError):
    """A document cannot be read; the message names the file and says what to do."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFileType(DocumentError):
    """The file's type has no loader, so it would otherwise be silently ignored."""


class CorruptDocument(DocumentError):
    """The file is damaged, truncated or not what its suffix claims."""


class EncryptedDocument(DocumentError):
    """The PDF is protected and cannot be opened without a password or an extra package."""


class NoTextLayer(DocumentError):
    """The PDF holds only images (a scan), so there is nothing to search until it is OCR'd."""


class EmptyDocument(DocumentError):
    """The file holds no text at all; probably a failed export or download."""


class NotUtf8Text(DocumentError):
    """A text file is in another encoding; guessing would corrupt quotes in citations."""

    def __init__(self, path: Path | str, reason: str, offset: int) -> None:
        super().__init__(path, reason)
        self.offset = offset


class ManifestError(UserError):
    """corpus/manifest.toml is missing or wrong in a way that makes ingesting unsafe."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")


class DocumentChangeError(UserError):
    """A document add, replace or remove that was refused before anything changed, or undone
    after its ingest failed: corpus, manifest and index are as they were.

    str() is English, for the command line; `dutch` says the same, with what to do, for staff
    on the Documents page (it names their file, not a path on the server)."""

    def __init__(self, message: str, dutch: str) -> None:
        super().__init__(message)
        self.dutch = dutch


class MissingTitle(DocumentChangeError):
    """No title: every citation names the document by it."""


class InvalidDocumentField(DocumentChangeError):
    """A field that would make a bad manifest entry (a date that is no date, an id that is
    taken or no slug, a title over several lines)."""


class DocumentTooLarge(DocumentChangeError):
    """Bigger than VRAAGBAAK_MAX_DOCUMENT_MB."""


class DuplicateDocument(DocumentChangeError):
    """The same bytes are already in the corpus as another document (`doc_id`)."""

    def __init__(self, message: str, dutch: str, doc_id: str) -> None:
        super().__init__(message, dutch)
        self.doc_id = doc_id


class UnreadableUpload(DocumentChangeError):
    """The loader refused the file (corrupt, encrypted, a scan, empty, not UTF-8, another
    type); the DocumentError is the __cause__."""


class UnknownDocument(DocumentChangeError):
    """No document with that id in the manifest."""


class DocumentIngestFailed(DocumentChangeError):
    """The ingest of the changed document failed; the change was rolled back."""


# ---------------------------------------------------------------------------- index


class EmbeddingConfigError(UserError):
    """The configured embedding backend cannot be used."""


class IngestBusy(UserError):
    """Another ingest holds the data dir's lock."""


class SearchIndexError(UserError):
    """The index cannot be used as it is; the subclasses say why."""


class IndexMissing(SearchIndexError):
    """Nothing ingested yet (or an empty index)."""


class IndexModelMismatch(SearchIndexError):
    """The index was built with another embedding model than the one configured."""


class IndexUnreachable(SearchIndexError):
    """The Chroma server does not answer, or its URL is not a URL."""


class RerankerModelError(UserError):
    """The reranker model file is missing, unreadable or made for other features."""
