"""Errors for input a person must fix: a document that cannot be read, or a bad manifest.

They exist so the command line can print one actionable line instead of a traceback:
every message starts with the file it is about and ends with what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
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


class ManifestError(Exception):
    """corpus/manifest.toml is missing or wrong in a way that makes ingesting unsafe."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")
