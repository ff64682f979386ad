"""The PDF text reader: lines judged into units (pdf_lines.py), then each unit made a heading
(pdf_headings.py, pdf_chapters.py), a table row label, a footnote to drop or content, under
the section path of the headings before it."""

from __future__ import annotations

import re

from ingest.cleaning import Vocabulary, normalize_chars
from ingest.models import Block, BlockKind, RawPage
from ingest.structure.heading_stack import Sections, make_block
from ingest.structure.pdf_chapters import Chapters, contents_text, label_rows
from ingest.structure.pdf_headings import DOTTED_HEADING_RE, Numbering, heading_level
from ingest.structure.pdf_lines import (
    Unit,
    blank_lines_separate,
    kept_lines,
    segment,
    typical_width,
    unit_text,
)


def parse_pdf_text(pages: list[RawPage]) -> list[Block]:
    page_lines = [normalize_chars(p.text).split("\n") for p in pages]
    vocab = Vocabulary("\n".join("\n".join(x) for x in page_lines))
    lines, trailing_space_convention = kept_lines(pages, page_lines)
    width = typical_width(lines)
    units = segment(lines, width, blank_lines_separate(lines))
    texts = [unit_text(u, vocab, trailing_space_convention) for u in units]
    return _assign_sections(units, texts, width)


def _assign_sections(units: list[Unit], texts: list[str], width: float) -> list[Block]:
    numbering = Numbering()
    levels = [
        heading_level(units, texts, i, width, numbering) if text else None
        for i, text in enumerate(texts)
    ]
    content = [
        bool(text) and levels[i] is None and not _is_footnote_text(text, numbering)
        for i, text in enumerate(texts)
    ]
    labels = set(label_rows(texts, levels, content))
    for i in labels:
        levels[i], content[i] = None, True
    blocks: list[Block] = []
    label = ""  # a table row label waiting for its description
    sections = Sections()
    chapters = Chapters(*contents_text(texts, levels))
    for i, (unit, text) in enumerate(zip(units, texts, strict=True)):
        if not text:
            continue
        page = unit.lines[0].page
        level = levels[i]
        if label and (level is not None or i in labels or unit.kind != "paragraph"):
            blocks.append(Block(text=label, page=page, section=sections.path))
            label = ""
        if level is not None:
            level = chapters.level(text, level, sections)
            path = sections.enter(level, text)
            blocks.append(Block(text=text, page=page, section=path, kind="heading"))
            continue
        if i in labels:
            label = text
            continue
        if not content[i] and unit.kind == "paragraph":
            continue
        kind: BlockKind = "list_item" if DOTTED_HEADING_RE.match(text) else unit.kind
        # a row label and its description stay one paragraph, so no chunk splits them
        b = make_block(f"{label} {text}" if label else text, page, sections.path, kind)
        label = ""
        if b:
            blocks.append(b)
    if label:
        blocks.append(Block(text=label, page=None, section=sections.path))
    return blocks


def _is_footnote_text(text: str, numbering: Numbering) -> bool:
    """ "13 Jeugdwet", "6 www.veiligheidshuizen.nl": the footnote area of a PDF page.

    Only short ones or link-only ones are dropped; a footnote with real prose stays as text.
    """
    m = re.match(r"^(\d{1,2})\s+(\S.*)$", text)
    if not m:
        return False
    rest = m.group(2)
    return len(rest) < 40 or bool(re.search(r"https?:|www\.", rest)) and len(rest) < 160
