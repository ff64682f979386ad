"""PDF headings that the headings around them decide: the row labels of a flattened table
(kept as text, not sections), the chapters the table of contents lists, and lettered parts
("A. ...") nested under the heading they follow."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import lettered_heading_letter
from ingest.structure.heading_stack import Sections
from ingest.structure.pdf_headings import (
    CHAPTER_HEADING_RE,
    DECIMAL_HEADING_RE,
    DOTTED_HEADING_RE,
    is_caps_heading,
    is_title_heading,
)
from ingest.structure.pdf_lines import NUMBER_MARKER_RE

# Headings that name a part of the document itself: never the row label of a table.
_DOCUMENT_PARTS = {
    "inleiding", "voorwoord", "samenvatting", "colofon", "colophon", "verantwoording",
    "literatuur", "literatuurlijst", "bronnen", "bronvermelding", "noten", "bijlage",
    "bijlagen", "contact", "disclaimer", "over de auteur", "over de auteurs", "referenties",
}  # fmt: skip


def label_rows(texts: list[str], levels: list[int | None], content: list[bool]) -> list[int]:
    """Headings that are the row labels of a flattened table, not sections.

    A table of "name | description" rows ("Omgevingsdienst" / "Heeft zicht op leegstand, ...")
    comes out as a short title line followed by a short paragraph, many times in a row. As
    headings each row would become a section of its own and push the real section (the theme
    the table belongs to) out of the path. A run of short unnumbered headings with little text
    under each (no long paragraph) is kept as text when at least three of them carry at most two
    short paragraphs. Lettered parts ("A. ...", "B. ...") stay headings and do not end the run; the
    heading that a part "A." follows is the chapter of the table, no row.
    """
    heads = [i for i, lv in enumerate(levels) if lv is not None]
    shape: list[tuple[int, bool, bool]] = []  # (index, fits a table row, a typical row)
    for n, i in enumerate(heads):
        stop = heads[n + 1] if n + 1 < len(heads) else len(texts)
        body = [len(texts[j]) for j in range(i + 1, stop) if content[j]]
        text = texts[i]
        row_like = (
            (is_title_heading(text) or (is_caps_heading(text) and len(text.split()) <= 3))
            and not NUMBER_MARKER_RE.match(text)
            and not lettered_heading_letter(text)
            and text.lower().rstrip(":") not in _DOCUMENT_PARTS
            and lettered_heading_letter(texts[stop] if stop < len(texts) else "") != "A"
            and len(body) <= 6
            and sum(body) <= 900
            and max(body, default=0) <= 500
        )
        shape.append((i, row_like, row_like and len(body) <= 2 and sum(body) <= 320))
    rows: list[int] = []
    run: list[tuple[int, bool, bool]] = []
    for item in [*shape, (-1, False, False)]:
        if item[1]:
            run.append(item)
            continue
        if item[0] >= 0 and lettered_heading_letter(texts[item[0]]):
            continue  # "B. ..." opens the next part of the same table
        if sum(typical for _, _, typical in run) >= 3:
            rows.extend(i for i, _, _ in run)
        run = []
    return rows


def _chapter_title(text: str) -> str | None:
    """ "De Integrale familieaanpak" for "1. De Integrale familieaanpak, gemeente Tilburg"."""
    if DECIMAL_HEADING_RE.match(text):
        return None
    m = DOTTED_HEADING_RE.match(text) or CHAPTER_HEADING_RE.match(text)
    return m.group(2).split(",")[0].strip() if m else None


def contents_text(texts: list[str], levels: list[int | None]) -> tuple[str, int | None]:
    """Text of the table of contents and the level of the chapters it lists.

    The contents are the blocks before the first numbered chapter that name numbered chapters
    (at least two), plus the block after the last of them (a wrapped entry of a second column).
    """
    chapters = [
        (i, t, lv)
        for i, (text, lv) in enumerate(zip(texts, levels, strict=True))
        if lv is not None and (t := _chapter_title(text))
    ]
    if len(chapters) < 2:
        return "", None
    first, _, level = chapters[0]
    titles = {t for _, t, lv in chapters if lv == level}
    listing = [i for i in range(first) if any(t in texts[i] for t in titles)]
    named = {t for i in listing for t in titles if t in texts[i]}
    if len(named) < 2:
        return "", None
    return " ".join(texts[listing[0] : min(listing[-1] + 2, first)]), level


@dataclass
class Chapters:
    """Levels that depend on the headings around them.

    - "A. BRONNEN ...", "B. ...": lettered subsections nest under the heading they follow.
    - An unnumbered heading that the table of contents lists among the numbered chapters
      ("Project: mobiel banditisme" next to "1. De Integrale familieaanpak") is a chapter too.
    """

    contents: str
    chapter_level: int | None

    def level(self, text: str, level: int, sections: Sections) -> int:
        if lettered_heading_letter(text):
            parents = [lv for lv, t in sections.stack if not lettered_heading_letter(t)]
            return (parents[-1] if parents else 0) + 1
        if self.chapter_level is None or level <= self.chapter_level:
            return level
        # two-column contents interleave entries, so the entry is checked as its opening
        # phrase plus every further word somewhere in the contents
        words = text.split()
        known = set(re.findall(r"\w+", self.contents))
        listed = (
            len(words) >= 3
            and not is_caps_heading(text)
            and not _chapter_title(text)
            and " ".join(words[:3]) in self.contents
            and all(w in known for w in re.findall(r"\w+", text))
        )
        return self.chapter_level if listed else level
