"""Which PDF units are headings, and at what level: numbered headings ("4.2 Regie", "3 ...",
"2. ...") by their numbers and the numbering so far, unnumbered ones (capitals, short title
lines, a lone dash line) below the last numbered one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import lettered_heading_letter
from ingest.structure.pdf_lines import Unit, heading_like, labelled_heading

DECIMAL_HEADING_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
CHAPTER_HEADING_RE = re.compile(r"^(\d{1,2}):?\s+(\S.*)$")
DOTTED_HEADING_RE = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")


@dataclass
class Numbering:
    chapter: int | None = None
    dotted: int | None = None
    numbered_depth: int = 0  # level of the last numbered heading: unnumbered ones nest below


def _neighbour_number(texts: list[str], i: int, pattern: re.Pattern[str], n: int) -> bool:
    """True when a neighbouring block carries number n-1 or n+1 in the same style: a list."""
    for j, want in ((i - 1, n - 1), (i + 1, n + 1)):
        if 0 <= j < len(texts):
            m = pattern.match(texts[j])
            if m and m.group(1) == str(want):
                return True
    return False


def heading_level(
    units: list[Unit], texts: list[str], i: int, width: float, numbering: Numbering
) -> int | None:
    unit, text = units[i], texts[i]
    if lettered_heading_letter(text) and unit.kind != "list_item" and len(text) <= 120:
        return numbering.numbered_depth + 1  # nested by Chapters under the heading before it
    if len(text) > 120 or text[-1] in ".,;" or not heading_like(unit, width * 1.5):
        return _dash_heading(units, texts, i, numbering)
    if unit.kind == "list_item":
        return _dash_heading(units, texts, i, numbering)
    m = DECIMAL_HEADING_RE.match(text)
    if m and _title_ok(m.group(2)):
        parts = [int(p) for p in m.group(1).split(".")]
        if numbering.chapter is None or parts[0] == numbering.chapter:
            numbering.chapter = parts[0]
            numbering.numbered_depth = len(parts)
            return len(parts)
        return None
    m = CHAPTER_HEADING_RE.match(text)
    if m and _title_ok(m.group(2)):
        n = int(m.group(1))
        expected = n == 1 or n == (numbering.chapter or 0) + 1
        if expected and not _neighbour_number(texts, i, CHAPTER_HEADING_RE, n):
            numbering.chapter, numbering.numbered_depth = n, 1
            return 1
        return None
    m = DOTTED_HEADING_RE.match(text)
    if m:
        n = int(m.group(1))
        expected = n == (numbering.dotted or 0) + 1
        if (
            expected
            and _title_ok(m.group(2))
            and text[-1] not in ":?"
            and len(text) <= 90
            and not _neighbour_number(texts, i, DOTTED_HEADING_RE, n)
        ):
            numbering.dotted = n
            numbering.numbered_depth = 1 if numbering.chapter is None else 2
            return numbering.numbered_depth
        return None
    if is_caps_heading(text) or is_title_heading(text) or labelled_heading(text):
        return numbering.numbered_depth + 1
    return None


def _title_ok(title: str) -> bool:
    return bool(re.match(r"^[\"']?[A-Z]", title)) and not re.search(r"https?:|www\.", title)


def is_caps_heading(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.8


def is_title_heading(text: str) -> bool:
    """A standalone short line: "Armoede en verwaarlozing", "Ontstaan: een gat in de zorg"."""
    words = text.split()
    return (
        text[0].isupper()
        and text[-1] not in ".,;:!?"
        and len(words) <= 12
        and not re.match(r"^[A-Z]\.\s", text)  # "J. Kriens": a signature, not a heading
        and not re.search(r", [A-Z]", text)  # "groet, Vereniging ...", table-of-contents rows
        and any(len(w) >= 4 for w in words)
        and sum(ch.isalpha() for ch in text) / len(text) > 0.6
        and not re.search(r"@|https?:|www\.", text)
    )


def _dash_heading(units: list[Unit], texts: list[str], i: int, numbering: Numbering) -> int | None:
    """A lone bullet line before ordinary paragraphs ("- Privacy en Gegevensdeling") is a heading.

    Letters use a dash line as a subheading; a real list has neighbouring bullets.
    """
    unit = units[i]
    if unit.kind != "list_item" or len(unit.lines) > 2:
        return None
    prev_bullet = i > 0 and units[i - 1].kind == "list_item"
    next_bullet = i + 1 < len(units) and units[i + 1].kind == "list_item"
    if prev_bullet or next_bullet or i + 1 >= len(units):
        return None
    if is_title_heading(texts[i]) and len(texts[i]) <= 80:
        return numbering.numbered_depth + 1
    return None
