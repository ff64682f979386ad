"""The markdown reader: headings are marked, but their levels are not always to be trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.cleaning import normalize_chars, normalize_whitespace, strip_markdown_inline
from ingest.models import Block, BlockKind, RawPage
from ingest.structure.heading_stack import Sections, make_block

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


def parse_markdown(pages: list[RawPage]) -> list[Block]:
    blocks: list[Block] = []
    sections = Sections()
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
    lines: list[str], kind: BlockKind, page: int | None, sections: Sections, out: list[Block]
) -> None:
    if lines:
        b = make_block(strip_markdown_inline(" ".join(lines)), page, sections.path, kind)
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
