"""Writers for real PDF files, so loader tests exercise pypdf on genuine PDF structure
instead of mocks. Core fonts only take latin-1 text, which covers Dutch (ë, é, ï)."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

PAGE_WIDTH_MM = 210
LEFT_MM = 20
TOP_MM = 30
LINE_HEIGHT_MM = 7
HEADER_Y_MM = 12
FOOTER_Y_MM = 285

DUTCH_PAGES: list[list[str]] = [
    [
        "Samenwerking in het zorg- en veiligheidsdomein vraagt om een",
        "gedeeld beeld van de problematiek in de wijk. Jongeren die in de",
        "onder-",
        "mijnende criminaliteit belanden, hebben vaak al eerder hulp gehad.",
    ],
    [
        "Gemeenten kunnen signalen van ondermijning eerder herkennen",
        "wanneer wijkteams, politie en jeugdzorg informatie delen binnen",
        "de kaders van de privacywetgeving.",
    ],
    [
        "Het Rijk ondersteunt de aanpak met een handelingsperspectief en",
        "voorbeelden uit Tilburg, Rotterdam en Amsterdam.",
    ],
]


def _new_pdf() -> FPDF:
    """A PDF without automatic page breaks, so each line lands exactly where the test put it."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    return pdf


def _text_pdf(
    pages: Sequence[Sequence[str]], header: str | None, footer_page_numbers: bool
) -> FPDF:
    pdf = _new_pdf()
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header is not None:
            pdf.text(LEFT_MM, HEADER_Y_MM, header)
        for row, line in enumerate(lines):
            pdf.text(LEFT_MM, TOP_MM + row * LINE_HEIGHT_MM, line)
        if footer_page_numbers:
            pdf.text(PAGE_WIDTH_MM / 2, FOOTER_Y_MM, str(number))
    return pdf


def make_text_pdf(
    path: Path,
    pages: Sequence[Sequence[str]] = DUTCH_PAGES,
    header: str | None = None,
    footer_page_numbers: bool = False,
) -> Path:
    """Write a PDF with one page per entry of `pages`, each line at its own baseline, so a
    hyphen at a line end ("onder-" / "mijnende") survives into the text layer as in real
    reports; an optional running header and page-number footer on every page."""
    _text_pdf(pages, header, footer_page_numbers).output(str(path))
    return path


def text_pdf_bytes(
    pages: Sequence[Sequence[str]] = DUTCH_PAGES,
    header: str | None = None,
    footer_page_numbers: bool = False,
) -> bytes:
    """The bytes of make_text_pdf, for building damaged or encrypted variants."""
    return bytes(_text_pdf(pages, header, footer_page_numbers).output())


def make_image_only_pdf(path: Path, page_count: int = 1) -> Path:
    """Write a PDF whose pages are only drawn shapes, like a scan without OCR: no text layer."""
    pdf = _new_pdf()
    for _ in range(page_count):
        pdf.add_page()
        pdf.set_fill_color(200, 200, 200)
        pdf.rect(20, 20, 170, 60, style="F")
        pdf.ellipse(60, 110, 90, 50, style="D")
        pdf.line(20, 200, 190, 260)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(
    path: Path,
    user_password: str,
    owner_password: str = "eigenaar-geheim",
    algorithm: str = "RC4-128",
    pages: Sequence[Sequence[str]] = DUTCH_PAGES,
) -> Path:
    """Write an encrypted copy of a text PDF. An empty user_password gives an
    "owner-password only" PDF that any reader opens. RC4-128 is the default because pypdf
    decrypts it in pure Python; the AES algorithms need the `cryptography` package."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf_bytes(pages))))
    writer.encrypt(user_password, owner_password, algorithm=algorithm)
    with path.open("wb") as out:
        writer.write(out)
    return path


def make_truncated_pdf(path: Path, keep_fraction: float = 0.3) -> Path:
    """Write the first part of a real PDF, like an interrupted download."""
    data = text_pdf_bytes()
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path


def make_garbled_pdf(path: Path, seed: int = 7) -> Path:
    """Write a real PDF whose body after the header is overwritten with random bytes,
    like a file damaged on disk; the %PDF- header stays so it still looks like a PDF."""
    data = bytearray(text_pdf_bytes())
    rng = random.Random(seed)
    for i in range(16, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))
    return path
