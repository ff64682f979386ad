"""Turn raw page text into cleaned blocks (paragraphs, list items, headings) with section paths.

Three readers share one heading stack: markdown (headings are marked), web text (paragraphs are
separated by blank lines, short standalone lines are headings) and PDF text, where layout is lost
and every line break has to be judged: wrapped line, new paragraph, heading or list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from foundation.sections import front_part, join_path
from ingest.cleaning import (
    Vocabulary,
    bullet_split,
    collapse_spaced_letters,
    has_running_prefix,
    is_noise_line,
    is_page_number_line,
    is_url_fragment,
    is_url_line,
    join_hyphenated,
    lettered_heading_letter,
    line_key,
    normalize_chars,
    normalize_whitespace,
    remove_footnote_markers,
    remove_glued_word_markers,
    running_line_keys,
    running_title_prefixes,
    strip_markdown_inline,
)
from ingest.models import Block, BlockKind, RawPage

_DECIMAL_HEADING_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
_CHAPTER_HEADING_RE = re.compile(r"^(\d{1,2}):?\s+(\S.*)$")
_DOTTED_HEADING_RE = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_NUMBER_MARKER_RE = re.compile(r"^(?:\d{1,2}[.):]|\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2})\s+\S")
_SENTENCE_END = ".!?;:"
_PAREN_TAIL_RE = re.compile(r"^\([^()]{1,24}\)\s*$")
_FUNCTION_WORDS = {
    "de", "het", "een", "van", "in", "op", "met", "voor", "en", "of", "te", "aan", "door",
    "bij", "naar", "om", "als", "dat", "die", "tot", "over", "uit", "zijn", "is", "wordt",
}  # fmt: skip


def parse_document(pages: list[RawPage], kind: str) -> list[Block]:
    """Cleaned blocks of one document in reading order, each with page and section path.

    kind is the manifest kind: "markdown", "web", "pdf-text" or "pdf" (unknown kinds are read
    as PDF text, the most defensive reader). Text before the first heading gets a named part
    of the document (name_front_matter), so every block can be cited.
    """
    if kind == "markdown":
        return name_front_matter(_parse_markdown(pages))
    if kind == "web":
        return name_front_matter(_parse_web(pages))
    return name_front_matter(_parse_pdf_text(pages))


# --- text outside any section --------------------------------------------------------------------

# "Geachte heer Van der Lugt,", "Geacht college en gemeenteraad,", "Beste collega's,"
_SALUTATION_RE = re.compile(
    r"^(?:(?:Zeer |Hoog)?[Gg]eachte?|Beste|Lieve|Dear)\s[^,.!?:;]{1,80},(?:\s|$)"
)
_SECTION_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.:)]?\s+\S")


def name_front_matter(blocks: list[Block]) -> list[Block]:
    """Blocks without a section (the text before the first heading) get a named part, the
    rule of foundation.sections.front_part: a letter that opens with a salutation has its
    "aanhef" (the salutation's block) and the "inleiding" up to its first numbered section;
    other documents have their "begin". Only the part is set: text and section stay, so
    nothing that is embedded or indexed changes."""
    loose = [i for i, b in enumerate(blocks) if not b.section]
    if not loose:
        return blocks
    letter = bool(_SALUTATION_RE.match(blocks[loose[0]].text))
    before = next(
        (
            m.group(1)
            for b in blocks[loose[-1] + 1 :]
            if b.kind == "heading" and (m := _SECTION_NUMBER_RE.match(b.text))
        ),
        None,
    )
    named = list(blocks)
    for n, i in enumerate(loose):
        part = front_part(letter=letter, salutation=letter and n == 0, before=before)
        named[i] = replace(blocks[i], part=part)
    return named


# --- section stack -------------------------------------------------------------------------------


@dataclass
class _Sections:
    """Current heading path; a heading closes every open heading at its level or deeper."""

    stack: list[tuple[int, str]] = field(default_factory=list)

    def enter(self, level: int, title: str) -> str:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))
        return self.path

    @property
    def path(self) -> str:
        return join_path([t for _, t in self.stack])

    @property
    def depth(self) -> int:
        return self.stack[-1][0] if self.stack else 0


def _block(text: str, page: int | None, section: str, kind: BlockKind) -> Block | None:
    text = normalize_whitespace(text)
    if not text or not any(ch.isalnum() for ch in text):
        return None
    return Block(text=text, page=page, section=section, kind=kind)


# --- markdown ------------------------------------------------------------------------------------

_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST_RE = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?=\S)")


@dataclass
class _NumberSequences:
    """Numbered headings keep counting at their own level, whatever the markup says.

    Markdown converted from Word gives "# 1 Inleiding" but "## 2 Omgaan met ..." for the next
    chapter, while tips numbered 1, 2, 3 sit at random levels. A numbered heading continues the
    most recent sequence whose last number is one less and takes that sequence's level.
    """

    last: dict[int, int] = field(default_factory=dict)  # level -> last number
    order: list[int] = field(default_factory=list)  # levels, most recent last

    def level_for(self, number: int, marked_level: int) -> int | None:
        for level in reversed(self.order):
            if self.last.get(level) == number - 1:
                return level
        if number == 1:
            return marked_level
        return None

    def record(self, level: int, number: int) -> None:
        """A numbered heading closes the sequences below it (a new chapter restarts its tips);
        unnumbered headings between numbered tips do not, so they are not recorded."""
        for deeper in [lv for lv in self.last if lv > level]:
            del self.last[deeper]
            self.order.remove(deeper)
        self.last[level] = number
        if level in self.order:
            self.order.remove(level)
        self.order.append(level)


def _parse_markdown(pages: list[RawPage]) -> list[Block]:
    blocks: list[Block] = []
    sections = _Sections()
    numbers = _NumberSequences()
    for page in pages:
        pending: list[str] = []
        pending_kind: BlockKind = "paragraph"
        for raw in normalize_chars(page.text).split("\n"):
            line = raw.rstrip()
            m = _MD_HEADING_RE.match(line)
            lm = _MD_LIST_RE.match(line)
            blank = not line.strip() or re.fullmatch(r"\s*(?:[-*_]\s*){3,}", line)
            if m or blank or (lm and not line.startswith("    ")):
                _flush_markdown(pending, pending_kind, page.number, sections, blocks)
                pending = []
            if m:
                title = normalize_whitespace(strip_markdown_inline(m.group(2)))
                if title:
                    level = _markdown_heading_level(title, len(m.group(1)), numbers)
                    path = sections.enter(level, title)
                    blocks.append(Block(title, page.number, path, "heading"))
            elif blank:
                continue
            elif lm and not line.startswith("    "):
                pending, pending_kind = [line[lm.end() :].strip()], "list_item"
            else:
                if not pending:
                    pending_kind = "paragraph"
                pending.append(line.strip())
        _flush_markdown(pending, pending_kind, page.number, sections, blocks)
    return blocks


def _flush_markdown(
    lines: list[str], kind: BlockKind, page: int | None, sections: _Sections, out: list[Block]
) -> None:
    if lines:
        b = _block(strip_markdown_inline(" ".join(lines)), page, sections.path, kind)
        if b:
            out.append(b)


def _markdown_heading_level(title: str, marked: int, numbers: _NumberSequences) -> int:
    m = re.match(r"^(\d{1,2})\.?\s+\S", title)
    if m:
        level = numbers.level_for(int(m.group(1)), marked)
        if level is not None:
            numbers.record(level, int(m.group(1)))
            return level
    return marked


# --- web text ------------------------------------------------------------------------------------


def _parse_web(pages: list[RawPage]) -> list[Block]:
    """Web text: blank lines separate paragraphs; short standalone lines are headings.

    The first heading is the page title (level 1); later ones ("Waar werken we aan?") are its
    sections (level 2).
    """
    blocks: list[Block] = []
    sections = _Sections()
    for page in pages:
        paras = re.split(r"\n\s*\n", normalize_chars(page.text))
        for i, para in enumerate(paras):
            lines = [x.strip() for x in para.split("\n") if x.strip()]
            if not lines:
                continue
            has_more = any(p.strip() for p in paras[i + 1 :])
            if len(lines) == 1 and has_more and _is_web_heading(lines[0]):
                title = normalize_whitespace(lines[0])
                path = sections.enter(1 if not sections.stack else 2, title)
                blocks.append(Block(text=title, page=page.number, section=path, kind="heading"))
                continue
            items: list[tuple[BlockKind, list[str]]] = []
            for line in lines:
                is_bullet, rest = bullet_split(line)
                if is_bullet:
                    items.append(("list_item", [rest]))
                elif items and items[-1][0] == "paragraph":
                    items[-1][1].append(line)
                else:
                    items.append(("paragraph", [line]))
            for kind, parts in items:
                b = _block(" ".join(parts), page.number, sections.path, kind)
                if b:
                    blocks.append(b)
    return blocks


def _is_web_heading(line: str) -> bool:
    s = line.strip()
    words = s.split()
    return (
        0 < len(s) <= 80
        and len(words) <= 10
        and s[0].isupper()
        and s[-1] not in ".,;:!"
        and not is_url_line(s)
        and not bullet_split(s)[0]
    )


# --- PDF text ------------------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    page: int | None
    blank_before: bool
    indented: bool
    end_space: bool
    bullet: bool


@dataclass
class _Unit:
    lines: list[_Line]
    kind: BlockKind

    @property
    def raw(self) -> str:
        return " ".join(x.text for x in self.lines)


def _parse_pdf_text(pages: list[RawPage]) -> list[Block]:
    page_lines = [normalize_chars(p.text).split("\n") for p in pages]
    vocab = Vocabulary("\n".join("\n".join(x) for x in page_lines))
    lines, trailing_space_convention = _kept_lines(pages, page_lines)
    width = _typical_width(lines)
    units = _segment(lines, width, _blank_lines_separate(lines))
    texts = [_unit_text(u, vocab, trailing_space_convention) for u in units]
    return _assign_sections(units, texts, width)


def _kept_lines(pages: list[RawPage], page_lines: list[list[str]]) -> tuple[list[_Line], bool]:
    """Lines worth reading, with the layout hints that survive extraction.

    Removed noise (headers, page numbers, URLs) is transparent: a paragraph that runs across a
    page footer is still one paragraph.
    """
    pages_known = any(p.number is not None for p in pages)
    running = running_line_keys(page_lines, pages_known)
    prefixes = running_title_prefixes(x for lines in page_lines for x in lines)
    nonblank = [x for lines in page_lines for x in lines if x.strip()]
    convention = sum(x.endswith(" ") for x in nonblank) > 0.6 * max(1, len(nonblank))
    full_text = "\n".join(nonblank)
    kept: list[_Line] = []
    for page, lines in zip(pages, page_lines, strict=True):
        blank = True
        for raw in lines:
            s = raw.strip()
            if not s:
                blank = True
                continue
            is_bullet, rest = bullet_split(s)
            # a bulleted line is content even when its text repeats in a side bar elsewhere
            if _is_dropped(s, set() if is_bullet else running, prefixes, full_text):
                continue
            kept.append(
                _Line(
                    text=rest,
                    page=page.number,
                    blank_before=blank,
                    indented=raw[:1].isspace(),
                    end_space=raw.endswith(" "),
                    bullet=is_bullet,
                )
            )
            blank = False
    return kept, convention


def _is_dropped(s: str, running: set[str], prefixes: set[str], full_text: str) -> bool:
    return (
        is_page_number_line(s)
        or is_url_line(s)
        or is_url_fragment(s)
        or is_noise_line(s)
        or line_key(s) in running
        or has_running_prefix(s, prefixes)
        or s.startswith("©")
        or bool(re.match(r"(?:Foto|Beeld|Bron|Illustratie)\s*:", s) and len(s) < 80)
        or _is_page_footer(s, full_text)
        or _is_link_annotation(s, full_text)
    )


def _is_link_annotation(s: str, full_text: str) -> bool:
    """ "http://www.nji.nl/... of BASTA": a link the PDF repeats below the text it annotates.

    Dropped only when the same words (without "http://") stand elsewhere in the document.
    """
    m = re.match(r"(?:https?|file)://(?:www\.)?(\S.*)$", s)
    return m is not None and full_text.count(m.group(1)) >= 2


def _is_page_footer(s: str, full_text: str) -> bool:
    """ "Vereniging van Nederlandse Gemeenten 15": a name the document uses elsewhere plus a page
    number, alone on a line."""
    m = re.fullmatch(r"([A-Z][^\d.:;?!]{10,60}?)\s+\d{1,3}", s)
    return m is not None and full_text.count(m.group(1)) >= 3


def _blank_lines_separate(lines: list[_Line]) -> bool:
    """Whether this extraction's blank lines mark paragraph ends.

    Some extractions put a blank line after every wrapped line; others only between paragraphs
    (and inside the odd wrapped list item). Told apart by how often a line after a blank line
    continues a sentence (starts in lowercase).
    """
    after_blank = [x for x in lines[1:] if x.blank_before and not x.bullet]
    if len(after_blank) < 20:
        return False
    continuing = sum(_starts_lower(x.text) for x in after_blank)
    return continuing / len(after_blank) < 0.15


def _typical_width(lines: list[_Line]) -> float:
    """Length of a full line (90th percentile), the yardstick for "short line" decisions."""
    lengths = sorted(len(x.text) for x in lines if len(x.text) >= 20)
    if not lengths:
        return 80.0
    return float(lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0])


def _starts_lower(s: str) -> bool:
    m = re.match(r"^[(\"'\[]*([^\W\d_])", s)
    return m is not None and m.group(1).islower()


def _ends_hyphen(s: str) -> bool:
    return bool(re.search(r"[^\W\d_)]-$", s))


def _segment(lines: list[_Line], width: float, blank_separates: bool = False) -> list[_Unit]:
    units: list[_Unit] = []
    for ln in lines:
        if units and not _starts_new_unit(units[-1], ln, width, blank_separates):
            units[-1].lines.append(ln)
        else:
            units.append(_Unit([ln], "list_item" if ln.bullet else "paragraph"))
    return units


def _starts_new_unit(cur: _Unit, ln: _Line, width: float, blank_separates: bool = False) -> bool:
    """Decide one line break of PDF text: does this line start a new block?

    Blank lines are no evidence in these extractions (they appear between wrapped lines), so the
    decision rests on the text: a hyphen or a lowercase start continues; a sentence end followed
    by a short line, an indent or a blank line ends the block; a line without final punctuation
    before a capital continues unless what came before looks like a heading. Where blank lines
    do separate paragraphs in this extraction, a blank line before a capital ends the block.
    """
    prev = cur.lines[-1].text
    if ln.bullet:
        return True
    if _ends_hyphen(prev):
        return False
    if _PAREN_TAIL_RE.match(ln.text) and prev[-1] not in _SENTENCE_END:
        return False  # "... Interventie Team" / "(BUIT)": the acronym ends the line before
    # a full line without final punctuation wraps on, even across a blank line ("... voor het
    # Team" / "Veiligheid?"), unless it is a heading of its own
    wrapped = (
        len(prev) >= 0.85 * width
        and prev[-1] not in _SENTENCE_END
        and not _heading_like(cur, width * 1.5)
        and not lettered_heading_letter(cur.raw)
    )
    if (
        blank_separates
        and ln.blank_before
        and not _starts_lower(ln.text)
        and prev[-1] != ","
        and not wrapped
    ):
        return True
    if _NUMBER_MARKER_RE.match(ln.text) and (
        prev[-1] in _SENTENCE_END or ln.blank_before or ln.indented or _heading_like(cur, width)
    ):
        return True
    if _starts_lower(ln.text):
        return False
    if prev[-1] in _SENTENCE_END or re.search(r"[.!?]['\")]+$", prev):
        last_word = ln.text.split()[-1]
        if (
            len(ln.text) < 0.8 * width
            and ln.text[-1] not in ".,;:!?"
            and last_word not in _FUNCTION_WORDS
        ):
            return True  # a short line without final punctuation after a sentence: a heading
        short = len(cur.lines[-1].text) < 0.8 * width
        return ln.blank_before or ln.indented or short or cur.kind == "list_item"
    if prev[-1] == ",":
        return False
    return _heading_like(cur, width)


def _heading_like(cur: _Unit, width: float) -> bool:
    """A short unit that stands alone: a heading candidate, not a sentence fragment."""
    text = cur.raw.strip()
    body = re.sub(r"^\d{1,2}(?:\.\d{1,2})*[.):]?\s+", "", text)  # "1. De ..." is no sentence end
    last_word = text.split()[-1] if text.split() else ""  # "7.1.2 OM" is no "om"
    return (
        len(text) <= 110
        and len(text.split()) <= 14
        and len(cur.lines) <= 3
        and len(cur.lines[-1].text) < 0.85 * width
        and (text[0].isupper() or text[0].isdigit())
        and not re.search(r"[.!?;] +[A-Z]", body)
        and text[-1] not in ",;"
        and last_word not in _FUNCTION_WORDS
    )


def _lost_hyphen(left: str, right: str) -> bool:
    return (
        bool(re.search(r"[^\W\d_]$", left))
        and bool(re.match(r"[^\W\d_]", right))
        and (right[0].islower())
    )


def _unit_text(unit: _Unit, vocab: Vocabulary, convention: bool) -> str:
    text = unit.lines[0].text
    for prev, ln in zip(unit.lines, unit.lines[1:], strict=False):
        if _ends_hyphen(text):
            text = join_hyphenated(text, ln.text, vocab)
        elif convention and not prev.end_space and _lost_hyphen(text, ln.text):
            # This extraction ends every wrapped line with a space; a line without one was cut
            # inside a word whose hyphen got lost ("tegen|woordig", "ver|woordt").
            text = text + ln.text
        else:
            text = f"{text} {ln.text}"
    text = collapse_spaced_letters(text, vocab)
    text = remove_footnote_markers(text)
    text = remove_glued_word_markers(text, vocab)
    return normalize_whitespace(text)


@dataclass
class _Numbering:
    chapter: int | None = None
    dotted: int | None = None
    numbered_depth: int = 0  # level of the last numbered heading: unnumbered ones nest below


def _assign_sections(units: list[_Unit], texts: list[str], width: float) -> list[Block]:
    numbering = _Numbering()
    levels = [
        _heading_level(units, texts, i, width, numbering) if text else None
        for i, text in enumerate(texts)
    ]
    content = [
        bool(text) and levels[i] is None and not _is_footnote_text(text, numbering)
        for i, text in enumerate(texts)
    ]
    labels = set(_label_rows(texts, levels, content))
    for i in labels:
        levels[i], content[i] = None, True
    blocks: list[Block] = []
    label = ""  # a table row label waiting for its description
    sections = _Sections()
    chapters = _Chapters(*_contents_text(texts, levels))
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
        kind: BlockKind = "list_item" if _DOTTED_HEADING_RE.match(text) else unit.kind
        # a row label and its description stay one paragraph, so no chunk splits them
        b = _block(f"{label} {text}" if label else text, page, sections.path, kind)
        label = ""
        if b:
            blocks.append(b)
    if label:
        blocks.append(Block(text=label, page=None, section=sections.path))
    return blocks


# Headings that name a part of the document itself: never the row label of a table.
_DOCUMENT_PARTS = {
    "inleiding", "voorwoord", "samenvatting", "colofon", "colophon", "verantwoording",
    "literatuur", "literatuurlijst", "bronnen", "bronvermelding", "noten", "bijlage",
    "bijlagen", "contact", "disclaimer", "over de auteur", "over de auteurs", "referenties",
}  # fmt: skip


def _label_rows(texts: list[str], levels: list[int | None], content: list[bool]) -> list[int]:
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
            (_is_title_heading(text) or (_is_caps_heading(text) and len(text.split()) <= 3))
            and not _NUMBER_MARKER_RE.match(text)
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
    if _DECIMAL_HEADING_RE.match(text):
        return None
    m = _DOTTED_HEADING_RE.match(text) or _CHAPTER_HEADING_RE.match(text)
    return m.group(2).split(",")[0].strip() if m else None


def _contents_text(texts: list[str], levels: list[int | None]) -> tuple[str, int | None]:
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
class _Chapters:
    """Levels that depend on the headings around them.

    - "A. BRONNEN ...", "B. ...": lettered subsections nest under the heading they follow.
    - An unnumbered heading that the table of contents lists among the numbered chapters
      ("Project: mobiel banditisme" next to "1. De Integrale familieaanpak") is a chapter too.
    """

    contents: str
    chapter_level: int | None

    def level(self, text: str, level: int, sections: _Sections) -> int:
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
            and not _is_caps_heading(text)
            and not _chapter_title(text)
            and " ".join(words[:3]) in self.contents
            and all(w in known for w in re.findall(r"\w+", text))
        )
        return self.chapter_level if listed else level


def _is_footnote_text(text: str, numbering: _Numbering) -> bool:
    """ "13 Jeugdwet", "6 www.veiligheidshuizen.nl": the footnote area of a PDF page.

    Only short ones or link-only ones are dropped; a footnote with real prose stays as text.
    """
    m = re.match(r"^(\d{1,2})\s+(\S.*)$", text)
    if not m:
        return False
    rest = m.group(2)
    return len(rest) < 40 or bool(re.search(r"https?:|www\.", rest)) and len(rest) < 160


def _neighbour_number(texts: list[str], i: int, pattern: re.Pattern[str], n: int) -> bool:
    """True when a neighbouring block carries number n-1 or n+1 in the same style: a list."""
    for j, want in ((i - 1, n - 1), (i + 1, n + 1)):
        if 0 <= j < len(texts):
            m = pattern.match(texts[j])
            if m and m.group(1) == str(want):
                return True
    return False


def _heading_level(
    units: list[_Unit], texts: list[str], i: int, width: float, numbering: _Numbering
) -> int | None:
    unit, text = units[i], texts[i]
    if lettered_heading_letter(text) and unit.kind != "list_item" and len(text) <= 120:
        return numbering.numbered_depth + 1  # nested by _Chapters under the heading before it
    if len(text) > 120 or text[-1] in ".,;" or not _heading_like(unit, width * 1.5):
        return _dash_heading(units, texts, i, numbering)
    if unit.kind == "list_item":
        return _dash_heading(units, texts, i, numbering)
    m = _DECIMAL_HEADING_RE.match(text)
    if m and _title_ok(m.group(2)):
        parts = [int(p) for p in m.group(1).split(".")]
        if numbering.chapter is None or parts[0] == numbering.chapter:
            numbering.chapter = parts[0]
            numbering.numbered_depth = len(parts)
            return len(parts)
        return None
    m = _CHAPTER_HEADING_RE.match(text)
    if m and _title_ok(m.group(2)):
        n = int(m.group(1))
        expected = n == 1 or n == (numbering.chapter or 0) + 1
        if expected and not _neighbour_number(texts, i, _CHAPTER_HEADING_RE, n):
            numbering.chapter, numbering.numbered_depth = n, 1
            return 1
        return None
    m = _DOTTED_HEADING_RE.match(text)
    if m:
        n = int(m.group(1))
        expected = n == (numbering.dotted or 0) + 1
        if (
            expected
            and _title_ok(m.group(2))
            and text[-1] not in ":?"
            and len(text) <= 90
            and not _neighbour_number(texts, i, _DOTTED_HEADING_RE, n)
        ):
            numbering.dotted = n
            numbering.numbered_depth = 1 if numbering.chapter is None else 2
            return numbering.numbered_depth
        return None
    if _is_caps_heading(text) or _is_title_heading(text):
        return numbering.numbered_depth + 1
    return None


def _title_ok(title: str) -> bool:
    return bool(re.match(r"^[\"']?[A-Z]", title)) and not re.search(r"https?:|www\.", title)


def _is_caps_heading(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.8


def _is_title_heading(text: str) -> bool:
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


def _dash_heading(
    units: list[_Unit], texts: list[str], i: int, numbering: _Numbering
) -> int | None:
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
    if _is_title_heading(texts[i]) and len(texts[i]) <= 80:
        return numbering.numbered_depth + 1
    return None
