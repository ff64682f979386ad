"""PDF text line by line: which lines to keep, where a unit (a block to be) starts, and the
text of a unit. Layout is lost in these extractions, so every line break is judged: wrapped
line, new paragraph, heading or list item."""

from __future__ import annotations

import re
from dataclasses import dataclass

from foundation.sentences import FOOTNOTE_MARK
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
    normalize_whitespace,
    remove_footnote_markers,
    remove_glued_word_markers,
    running_line_keys,
    running_title_prefixes,
)
from ingest.models import BlockKind, RawPage

NUMBER_MARKER_RE = re.compile(r"^(?:\d{1,2}[.):]|\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2})\s+\S")
_SENTENCE_END = ".!?;:"
_PAREN_TAIL_RE = re.compile(r"^\([^()]{1,24}\)\s*$")
# "Knelpunten: te weinig capaciteit, te beperkt qua gebied, gebrek aan tijd", "Rol
# coördinator: begeleiden en aanjagen": the part headings of a case description, a part's
# name, a colon and a lower-case phrase without final punctuation. Some run as wide as a body
# line or over twelve words, so the shape tests below took them for the start of the
# paragraph under them; the part's name says what they are. "Resultaat: goed voorbereide
# professionals." ends as a sentence: an item of a list, not a heading.
_LABELLED_HEADING_RE = re.compile(
    r"^(?:Ontstaan|Aanleiding|Aanpak|Werkwijze|Resultaten|Resultaat|Evaluatie|Succesfactoren|"
    r"Succesfactor|Knelpunten|Knelpunt|Toekomst|Vervolg|Doelgroep|Verloop|Voorwaarden|Lessen|"
    r"Rol(?: van de)? [a-zà-ÿ]+)\s*:\s+['‘\"“]?[a-zà-ÿ]"
)
# A part heading wraps onto one more line at most.
_LABELLED_HEADING_LINES = 2
_FUNCTION_WORDS = {
    "de", "het", "een", "van", "in", "op", "met", "voor", "en", "of", "te", "aan", "door",
    "bij", "naar", "om", "als", "dat", "die", "tot", "over", "uit", "zijn", "is", "wordt",
}  # fmt: skip


@dataclass
class _Line:
    text: str
    page: int | None
    blank_before: bool
    indented: bool
    end_space: bool
    bullet: bool
    # starts a block whatever the text says: a footnote moved out of the running text, and
    # the line after it (see _page_foot_notes)
    hard_break: bool = False


@dataclass
class Unit:
    lines: list[_Line]
    kind: BlockKind

    @property
    def raw(self) -> str:
        return " ".join(x.text for x in self.lines)


def kept_lines(pages: list[RawPage], page_lines: list[list[str]]) -> tuple[list[_Line], bool]:
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
        footnotes = _FootnoteBlock()  # footnotes sit at a page's foot: no block spans pages
        notes = _page_foot_notes(lines, running, prefixes)
        held: list[_Line] = []  # a footnote, waiting for the sentence it interrupts to end
        break_next = closed = False
        for index, raw in enumerate(lines):
            s = raw.strip()
            if not s:
                blank = True
                continue
            is_bullet, rest = bullet_split(s)
            if footnotes.drops(s):
                continue
            # a bulleted line is content even when its text repeats in a side bar elsewhere
            if _is_dropped(s, set() if is_bullet else running, prefixes, full_text):
                continue
            line = _Line(
                text=rest,
                page=page.number,
                blank_before=blank,
                indented=raw[:1].isspace(),
                end_space=raw.endswith(" "),
                bullet=is_bullet,
            )
            blank = False
            if index in notes:
                if not held:
                    # the text above ended its sentence: the note can stay where it stands
                    closed = bool(kept) and bool(_SENTENCE_CLOSE_RE.search(kept[-1].text))
                # marked, without its number: "2. Tien Regionale …" read as the second item
                # of a list, and an answer quoting it began "- Tien Regionale …"; the mark
                # keeps an answer from using the aside as part of the story around it
                line.text = _NUMBERED_NOTE_RE.sub(FOOTNOTE_MARK, s)
                line.bullet, line.hard_break = False, not held
                held.append(line)
                continue
            if held and closed:
                kept.extend(held)
                held, break_next = [], True
            line.hard_break, break_next = break_next, False
            kept.append(line)
            if held and _SENTENCE_CLOSE_RE.search(s):
                kept.extend(held)
                held, break_next = [], True
        kept.extend(held)
    return kept, convention


# "2. Tien Regionale Informatie- en Expertise Centra (RIEC's) …": a footnote at a page's foot,
# numbered like a list item; the body carries its number glued to a word ("Nederland2 en").
_NUMBERED_NOTE_RE = re.compile(r"^(\d{1,2})\.\s+(?=[A-Z])")
_SENTENCE_CLOSE_RE = re.compile(r"[.!?][\"'”’)]*$")
# How far above a footnote its marker may stand, and how many lines the note may run.
_NOTE_MARKER_LINES = 80
_NOTE_MAX_LINES = 6


def _is_running(s: str, running: set[str], prefixes: set[str]) -> bool:
    return line_key(s) in running or has_running_prefix(s, prefixes)


def _page_foot_notes(lines: list[str], running: set[str], prefixes: set[str]) -> set[int]:
    """Indices of the lines of numbered footnotes that sit between a page's text and the next
    page's running header. Extraction puts them inside the running text, often in the middle
    of a sentence that goes on after the header ("… van het werk dat" / footnote / "je
    levert."), so kept_lines moves each to just after that sentence ends. A note is only taken
    for one when the text above holds its number glued to a word or its full stop, as
    extraction leaves a footnote marker ("Nederland2 en", "7-stappenmodel.3 Het"), and a
    running header follows within a few lines."""
    notes: set[int] = set()
    for i, raw in enumerate(lines):
        m = _NUMBERED_NOTE_RE.match(raw.strip())
        if not m:
            continue
        above = " ".join(lines[max(0, i - _NOTE_MARKER_LINES) : i])
        if not re.search(rf"[a-zà-ÿ]{{3}}[.,;:)”’'\"]?{m.group(1)}(?!\d)", above):
            continue
        block: list[int] = []
        for j in range(i, min(len(lines), i + 2 * _NOTE_MAX_LINES)):
            s = lines[j].strip()
            if s and _is_running(s, running, prefixes):
                if 0 < len(block) <= _NOTE_MAX_LINES:
                    notes.update(block)
                break
            if s:
                block.append(j)
    return notes


_LINK_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s+(?:https?://|www\.)\S+$")
_LINK_TAIL_RE = re.compile(r"[\w./%#?=&~+-]+")
_TEXT_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s+[A-Z]")


class _FootnoteBlock:
    """The footnotes under a page's text, recognised from a numbered link footnote ("10 https://…").

    A link cut at a hyphen wraps onto a line with no space and no URL punctuation
    ("ning-aan-mensen-met-een-psychische-stoornis"), which nothing else marks as a link; and a
    short text footnote that follows as number n+1 ("12 Zie hier voor meer informatie …") would
    otherwise be read as prose glued to the next heading. Both are only dropped right after a
    link footnote, so a numbered heading ("6 Jeugd") or list item elsewhere is never touched.
    """

    def __init__(self) -> None:
        self._number: int | None = None
        self._cut_link = False

    def drops(self, line: str) -> bool:
        m = _LINK_FOOTNOTE_RE.match(line)
        if m:
            self._number, self._cut_link = int(m.group(1)), line.endswith("-")
            return False  # the link line itself goes with the other URL lines
        if self._number is None:
            return False
        if self._cut_link and " " not in line and _LINK_TAIL_RE.fullmatch(line):
            self._cut_link = False
            return True
        text_note = _TEXT_FOOTNOTE_RE.match(line)
        if (
            text_note
            and int(text_note.group(1)) == self._number + 1
            and len(line) <= 160
            and line.endswith(".")
        ):
            self._number += 1
            self._cut_link = False
            return True
        self._number, self._cut_link = None, False
        return False


def _is_dropped(s: str, running: set[str], prefixes: set[str], full_text: str) -> bool:
    return (
        is_page_number_line(s)
        or is_url_line(s)
        or is_url_fragment(s)
        or is_noise_line(s)
        or _is_running(s, running, prefixes)
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


def blank_lines_separate(lines: list[_Line]) -> bool:
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


def typical_width(lines: list[_Line]) -> float:
    """Length of a full line (90th percentile), the yardstick for "short line" decisions."""
    lengths = sorted(len(x.text) for x in lines if len(x.text) >= 20)
    if not lengths:
        return 80.0
    return float(lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0])


def labelled_heading(text: str) -> bool:
    """A case part's heading: "Knelpunten: …" (see _LABELLED_HEADING_RE)."""
    text = text.strip()
    return bool(text) and text[-1] not in ".!?" and bool(_LABELLED_HEADING_RE.match(text))


def _starts_lower(s: str) -> bool:
    m = re.match(r"^[(\"'\[]*([^\W\d_])", s)
    return m is not None and m.group(1).islower()


def _ends_hyphen(s: str) -> bool:
    return bool(re.search(r"[^\W\d_)]-$", s))


def segment(lines: list[_Line], width: float, blank_separates: bool = False) -> list[Unit]:
    units: list[Unit] = []
    for ln in lines:
        if units and not _starts_new_unit(units[-1], ln, width, blank_separates):
            units[-1].lines.append(ln)
        else:
            units.append(Unit([ln], "list_item" if ln.bullet else "paragraph"))
    return units


def _starts_new_unit(cur: Unit, ln: _Line, width: float, blank_separates: bool = False) -> bool:
    """Decide one line break of PDF text: does this line start a new block?

    Blank lines are no evidence in these extractions (they appear between wrapped lines), so the
    decision rests on the text: a hyphen or a lowercase start continues; a sentence end followed
    by a short line, an indent or a blank line ends the block; a line without final punctuation
    before a capital continues unless what came before looks like a heading. Where blank lines
    do separate paragraphs in this extraction, a blank line before a capital ends the block.
    """
    prev = cur.lines[-1].text
    if ln.bullet or ln.hard_break:
        return True
    if _ends_hyphen(prev):
        return False
    if labelled_heading(ln.text):
        return True
    if labelled_heading(cur.lines[0].text):
        # the heading wraps on after a comma or before a lower-case word, for one line
        wraps = prev[-1] == "," or _starts_lower(ln.text)
        return len(cur.lines) >= _LABELLED_HEADING_LINES or not wraps
    if _PAREN_TAIL_RE.match(ln.text) and prev[-1] not in _SENTENCE_END:
        return False  # "... Interventie Team" / "(BUIT)": the acronym ends the line before
    # a full line without final punctuation wraps on, even across a blank line ("... voor het
    # Team" / "Veiligheid?"), unless it is a heading of its own
    wrapped = (
        len(prev) >= 0.85 * width
        and prev[-1] not in _SENTENCE_END
        and not heading_like(cur, width * 1.5)
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
    if NUMBER_MARKER_RE.match(ln.text) and (
        prev[-1] in _SENTENCE_END or ln.blank_before or ln.indented or heading_like(cur, width)
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
    return heading_like(cur, width)


def heading_like(cur: Unit, width: float) -> bool:
    """A short unit that stands alone: a heading candidate, not a sentence fragment."""
    text = cur.raw.strip()
    if len(cur.lines) <= _LABELLED_HEADING_LINES and labelled_heading(text):
        return text[-1] not in ",;"
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


def unit_text(unit: Unit, vocab: Vocabulary, convention: bool) -> str:
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
