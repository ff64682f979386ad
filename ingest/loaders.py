"""Turn a corpus file into pages of raw text, or refuse it with an error a person can act on.

Pages matter because every citation names one, so PDFs are read page by page and text files
may mark pages with form feeds (what `pdftotext` writes). Cleaning is not done here: the
loader keeps headers, hyphens and line breaks exactly as found, so the cleaner can see them.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from foundation.errors import (
    CorruptDocument,
    DocumentError,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    NotUtf8Text,
    UnsupportedFileType,
)
from ingest.models import RawPage

logger = logging.getLogger(__name__)

# pypdf reports the damage it repairs ("EOF marker not found", ...) through logging. Without a
# handler anywhere, Python prints those to stderr, which clutters the command line's output;
# a NullHandler keeps them quiet unless the application configures logging.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

PDF_SUFFIXES = (".pdf",)
TEXT_SUFFIXES = (".txt", ".md")
SUPPORTED_SUFFIXES: tuple[str, ...] = PDF_SUFFIXES + TEXT_SUFFIXES

# The PDF standard lets readers accept the header anywhere in the first kilobyte.
PDF_HEADER_WINDOW = 1024
FORM_FEED = "\f"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# A page needs this many letters to count as having a text layer: fewer is what a scan with a
# stamped page number or a watermark yields, which is nothing worth searching.
MIN_LETTERS_PER_TEXT_PAGE = 25

OCR_ADVICE = "run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then ingest again"
DECRYPT_ADVICE = "remove the protection, e.g. `qpdf --decrypt --password=... in.pdf out.pdf`"


def load_pages(path: Path) -> list[RawPage]:
    """Read a corpus file into pages; DocumentError (a subclass) when it cannot be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileType(path, _unsupported_reason(suffix))
    data = _read_bytes(path)
    if suffix in PDF_SUFFIXES:
        return _load_pdf(path, data)
    return _load_text(path, data)


def _unsupported_reason(suffix: str) -> str:
    found = f"'{suffix}' files are" if suffix else "files without a suffix are"
    supported = ", ".join(SUPPORTED_SUFFIXES)
    return (
        f"{found} not supported (supported: {supported}); "
        "export the document to PDF or plain text (UTF-8), or remove it from manifest.toml"
    )


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(
            path, "the file does not exist; check the name in manifest.toml"
        ) from None
    except OSError as exc:
        raise DocumentError(path, f"cannot read the file ({exc.strerror}); check it") from exc
    if not data.strip():
        raise EmptyDocument(
            path, "the file is empty; export or download it again, or remove it from manifest.toml"
        )
    return data


# --- text -------------------------------------------------------------------------------


def _load_text(path: Path, data: bytes) -> list[RawPage]:
    text = _decode_utf8(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocument(
            path, "the file holds only whitespace; export it again or remove it from manifest.toml"
        )
    if FORM_FEED not in text:
        return [RawPage(None, text)]
    return _form_feed_pages(text)


def _decode_utf8(path: Path, data: bytes) -> str:
    """Strict UTF-8, because a wrong guess would corrupt the exact quotes citations rely on."""
    if data.startswith(UTF16_BOMS):
        raise NotUtf8Text(
            path,
            "the file is UTF-16 text, not UTF-8; convert it, e.g. "
            f"`iconv -f utf-16 -t utf-8 {path.name} > {path.stem}.utf8{path.suffix}`",
            offset=0,
        )
    body = data.removeprefix(UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))
        raise NotUtf8Text(path, _not_utf8_reason(path, data, offset), offset=offset) from None


def _not_utf8_reason(path: Path, data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return (
        f"the file is not valid UTF-8 (byte 0x{data[offset]:02x} at byte offset {offset}, "
        f"line {line}); convert it to UTF-8, e.g. "
        f"`iconv -f cp1252 -t utf-8 {path.name} > {path.stem}.utf8{path.suffix}` "
        "(cp1252 is the usual encoding of Dutch Windows files)"
    )


def _form_feed_pages(text: str) -> list[RawPage]:
    """Number the pages 1..n; a blank page keeps its number so later pages stay right, but the
    blank remainder after a final form feed (pdftotext ends every page with one) is no page."""
    parts = text.split(FORM_FEED)
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return [RawPage(number, part) for number, part in enumerate(parts, start=1)]


# --- PDF --------------------------------------------------------------------------------


def _load_pdf(path: Path, data: bytes) -> list[RawPage]:
    if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
        raise CorruptDocument(path, _not_a_pdf_reason(data))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pages = _extract_pdf_pages(path, data)
    except DocumentError:
        raise
    except DependencyError as exc:
        raise EncryptedDocument(
            path,
            f"the PDF is encrypted with AES and pypdf needs an extra package to read it ({exc}); "
            f"install it with `pip install cryptography`, or {DECRYPT_ADVICE}",
        ) from exc
    except Exception as exc:
        # pypdf parses untrusted bytes and, besides PyPdfError, can raise ValueError, KeyError,
        # zlib.error and more on damaged files; all of them mean the same thing to the user.
        raise CorruptDocument(path, _corrupt_reason(exc)) from exc
    for warning in caught:
        logger.debug("%s: pypdf: %s", path, warning.message)
    _check_text_layer(path, pages)
    return pages


def _extract_pdf_pages(path: Path, data: bytes) -> list[RawPage]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        _decrypt_without_password(path, reader)
    pages: list[RawPage] = []
    failures: list[Exception] = []
    for number, page in enumerate(reader.pages, start=1):
        text, failure = _page_text(path, page, number)
        pages.append(RawPage(number, text))
        if failure is not None:
            failures.append(failure)
    if not pages:
        raise EmptyDocument(path, "the PDF has no pages; export it again")
    if len(failures) == len(pages):
        raise CorruptDocument(path, _corrupt_reason(failures[0])) from failures[0]
    return pages


def _page_text(path: Path, page: PageObject, number: int) -> tuple[str, Exception | None]:
    """One damaged page should not cost the other pages of a long report, so its failure is
    logged and it counts as empty; only AES trouble (DependencyError) stops the document."""
    try:
        return page.extract_text() or "", None
    except DependencyError:
        raise
    except Exception as exc:
        logger.warning("%s: page %d cannot be read and is skipped (%s)", path, number, exc)
        return "", exc


def _decrypt_without_password(path: Path, reader: PdfReader) -> None:
    """Many PDFs are encrypted with only an owner password (it forbids editing or printing);
    those open with an empty user password, so only ask for help when that fails."""
    try:
        opened = reader.decrypt("")
    except FileNotDecryptedError:
        opened = PasswordType.NOT_DECRYPTED
    if opened == PasswordType.NOT_DECRYPTED:
        raise EncryptedDocument(
            path, f"the PDF is protected with a password; {DECRYPT_ADVICE}, then ingest again"
        )


def _not_a_pdf_reason(data: bytes) -> str:
    start = data.lstrip()[:20].decode("latin-1").splitlines()[0]
    return (
        f"the file is not a PDF (it starts with {start!r}, not '%PDF-'); it may be a web page "
        "or an error message saved under a .pdf name; download the real PDF again"
    )


def _corrupt_reason(exc: Exception) -> str:
    detail = str(exc) or type(exc).__name__
    return (
        f"the PDF is damaged or truncated and cannot be read ({detail}); download or export it "
        "again, or try repairing it with `qpdf in.pdf out.pdf`"
    )


def _check_text_layer(path: Path, pages: list[RawPage]) -> None:
    """Refuse a scan outright (nothing to search), but only warn about a few image pages
    in a text PDF, since the rest of the document is still worth having."""
    blank = [page.number for page in pages if not _has_text(page.text)]
    if len(blank) == len(pages):
        raise NoTextLayer(path, f"the PDF has no text layer (scanned pages?); {OCR_ADVICE}")
    if blank:
        logger.warning(
            "%s: no text layer on page(s) %s, so they will not be searchable; %s",
            path,
            ", ".join(str(n) for n in blank),
            OCR_ADVICE,
        )


def _has_text(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= MIN_LETTERS_PER_TEXT_PAGE
