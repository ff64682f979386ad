"""Loader tests on real files: PDFs written by fpdf2 and read back by pypdf, text files as bytes."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

from foundation.errors import (
    CorruptDocument,
    DocumentError,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    NotUtf8Text,
    UnsupportedFileType,
)
from ingest.loaders import SUPPORTED_SUFFIXES, load_pages
from ingest.models import RawPage
from tests.pdf_factory import (
    DUTCH_PAGES,
    make_encrypted_pdf,
    make_garbled_pdf,
    make_image_only_pdf,
    make_text_pdf,
    make_truncated_pdf,
)

HEADER = "Inspiratieboek Ondermijning in de wijk"
HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None


def _lines(page: RawPage) -> list[str]:
    return [line.strip() for line in page.text.splitlines() if line.strip()]


# --- PDF --------------------------------------------------------------------------------


def test_pdf_pages_are_numbered_in_order_with_their_own_text(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "rapport.pdf", DUTCH_PAGES)

    pages = load_pages(path)

    assert [page.number for page in pages] == [1, 2, 3]
    for page, lines in zip(pages, DUTCH_PAGES, strict=True):
        assert _lines(page) == lines


def test_pdf_keeps_line_end_hyphen_for_the_cleaner(tmp_path: Path) -> None:
    pages = load_pages(make_text_pdf(tmp_path / "rapport.pdf", DUTCH_PAGES))

    assert "onder-\nmijnende criminaliteit" in pages[0].text
    assert "zorg- en veiligheidsdomein" in pages[0].text


def test_pdf_running_header_and_page_numbers_are_kept_on_every_page(tmp_path: Path) -> None:
    path = make_text_pdf(
        tmp_path / "rapport.pdf", DUTCH_PAGES, header=HEADER, footer_page_numbers=True
    )

    pages = load_pages(path)

    assert len(pages) == len(DUTCH_PAGES)
    for number, (page, lines) in enumerate(zip(pages, DUTCH_PAGES, strict=True), start=1):
        assert _lines(page) == [HEADER, *lines, str(number)]


def test_pdf_suffix_is_case_insensitive(tmp_path: Path) -> None:
    pages = load_pages(make_text_pdf(tmp_path / "RAPPORT.PDF", DUTCH_PAGES))

    assert len(pages) == 3


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    path = make_image_only_pdf(tmp_path / "scan.pdf", page_count=2)

    with pytest.raises(NoTextLayer) as info:
        load_pages(path)

    assert info.value.path == path
    assert "scan.pdf" in str(info.value)
    assert "no text layer" in str(info.value)
    assert "ocrmypdf" in str(info.value)


def test_pdf_with_only_page_numbers_counts_as_no_text_layer(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "scan.pdf", [[], []], footer_page_numbers=True)

    with pytest.raises(NoTextLayer):
        load_pages(path)


def test_pdf_with_some_image_pages_loads_and_logs_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = make_text_pdf(tmp_path / "rapport.pdf", [DUTCH_PAGES[0], [], DUTCH_PAGES[1]])

    with caplog.at_level(logging.WARNING, logger="ingest.loaders"):
        pages = load_pages(path)

    assert [page.number for page in pages] == [1, 2, 3]
    assert pages[1].text.strip() == ""
    assert "no text layer on page(s) 2," in caplog.text


def test_owner_password_only_pdf_opens_with_empty_password(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "beveiligd.pdf", user_password="")

    pages = load_pages(path)

    assert [_lines(page) for page in pages] == DUTCH_PAGES


def test_pdf_with_user_password_is_refused_with_advice(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "geheim.pdf", user_password="geheim")

    with pytest.raises(EncryptedDocument) as info:
        load_pages(path)

    assert info.value.path == path
    assert "geheim.pdf" in str(info.value)
    assert "password" in str(info.value)
    assert "qpdf --decrypt" in str(info.value)


@pytest.mark.skipif(not HAS_CRYPTOGRAPHY, reason="AES PDFs need the cryptography package")
def test_aes_owner_password_only_pdf_opens(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "aes.pdf", user_password="", algorithm="AES-256")

    assert [_lines(page) for page in load_pages(path)] == DUTCH_PAGES


def test_aes_without_cryptography_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An AES PDF cannot even be written without `cryptography`, so simulate pypdf's refusal."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def refuse(self: PdfReader, password: str) -> int:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    path = make_encrypted_pdf(tmp_path / "aes.pdf", user_password="")
    monkeypatch.setattr(PdfReader, "decrypt", refuse)

    with pytest.raises(EncryptedDocument) as info:
        load_pages(path)

    assert "aes.pdf" in str(info.value)
    assert "pip install cryptography" in str(info.value)


@pytest.mark.parametrize("keep_fraction", [0.1, 0.5, 0.9])
def test_truncated_pdf_is_corrupt_not_a_traceback(
    tmp_path: Path, keep_fraction: float, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_truncated_pdf(tmp_path / "half.pdf", keep_fraction)

    with pytest.raises(CorruptDocument) as info:
        load_pages(path)

    assert info.value.path == path
    assert "half.pdf" in str(info.value)
    assert "download or export it again" in str(info.value)
    assert capsys.readouterr().err == ""  # pypdf's repair notes go to logging only


def test_garbled_pdf_is_corrupt(tmp_path: Path) -> None:
    path = make_garbled_pdf(tmp_path / "kapot.pdf")

    with pytest.raises(CorruptDocument, match="kapot.pdf.*damaged"):
        load_pages(path)


def test_html_saved_as_pdf_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "download.pdf"
    path.write_text("<!DOCTYPE html><html><body>Niet gevonden</body></html>")

    with pytest.raises(CorruptDocument) as info:
        load_pages(path)

    assert "download.pdf" in str(info.value)
    assert "not a PDF" in str(info.value)
    assert "<!DOCTYPE html>" in str(info.value)


def test_empty_pdf_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "leeg.pdf"
    path.write_bytes(b"")

    with pytest.raises(EmptyDocument, match="leeg.pdf"):
        load_pages(path)


# --- text -------------------------------------------------------------------------------


def test_text_without_form_feed_is_one_unnumbered_page(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("Ondermijning raakt de wijk.\nDe aanpak is integraal.\n", encoding="utf-8")

    assert load_pages(path) == [
        RawPage(None, "Ondermijning raakt de wijk.\nDe aanpak is integraal.\n")
    ]


def test_markdown_is_loaded_as_text(tmp_path: Path) -> None:
    path = tmp_path / "wegwijzer.MD"
    path.write_text("# Wegwijzer\n\nSamenwerken in het zorg- en veiligheidsdomein.\n")

    assert load_pages(path) == [
        RawPage(None, "# Wegwijzer\n\nSamenwerken in het zorg- en veiligheidsdomein.\n")
    ]


def test_form_feeds_separate_numbered_pages(tmp_path: Path) -> None:
    path = tmp_path / "pdftotext.txt"
    path.write_text("Pagina een\n\fPagina twee\n\f\fPagina vier\n\f", encoding="utf-8")

    pages = load_pages(path)

    assert pages == [
        RawPage(1, "Pagina een\n"),
        RawPage(2, "Pagina twee\n"),
        RawPage(3, ""),
        RawPage(4, "Pagina vier\n"),
    ]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfCo\xc3\xb6rdinatie van de aanpak")

    assert load_pages(path) == [RawPage(None, "Coördinatie van de aanpak")]


def test_windows_line_endings_become_newlines(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(b"regel een\r\nregel twee\r\n")

    assert load_pages(path) == [RawPage(None, "regel een\nregel twee\n")]


def test_cp1252_text_is_refused_with_offset_and_iconv(tmp_path: Path) -> None:
    path = tmp_path / "oud.txt"
    path.write_bytes("Eerste regel\nCoördinatie\n".encode("cp1252"))

    with pytest.raises(NotUtf8Text) as info:
        load_pages(path)

    message = str(info.value)
    assert info.value.path == path
    assert info.value.offset == 15
    assert "oud.txt" in message
    assert "byte offset 15" in message
    assert "line 2" in message
    assert "iconv -f cp1252 -t utf-8" in message


def test_offset_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom-cp.txt"
    path.write_bytes(b"\xef\xbb\xbfab\xe9")

    with pytest.raises(NotUtf8Text) as info:
        load_pages(path)

    assert info.value.offset == 5


def test_utf16_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "excel.txt"
    path.write_bytes("Ondermijning".encode("utf-16"))

    with pytest.raises(NotUtf8Text, match="excel.txt.*UTF-16.*iconv -f utf-16"):
        load_pages(path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n \n", b"\f\n\f"])
def test_empty_or_blank_text_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leeg.txt"
    path.write_bytes(content)

    with pytest.raises(EmptyDocument) as info:
        load_pages(path)

    assert info.value.path == path
    assert "leeg.txt" in str(info.value)
    assert "manifest.toml" in str(info.value)


# --- type and existence -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["notulen.docx", "LEESMIJ", "tabel.csv"])
def test_unsupported_type_lists_the_supported_ones(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("inhoud")

    with pytest.raises(UnsupportedFileType) as info:
        load_pages(path)

    assert info.value.path == path
    assert name in str(info.value)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(info.value)


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="weg.txt.*does not exist"):
        load_pages(tmp_path / "weg.txt")


def test_every_document_error_is_one_catchable_family() -> None:
    for cls in (
        UnsupportedFileType,
        CorruptDocument,
        EncryptedDocument,
        NoTextLayer,
        EmptyDocument,
        NotUtf8Text,
    ):
        assert issubclass(cls, DocumentError)


def test_real_corpus_text_files_load() -> None:
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    for path in sorted(corpus.glob("*")):
        if path.suffix in SUPPORTED_SUFFIXES:
            pages = load_pages(path)
            assert pages and pages[0].text.strip(), path
