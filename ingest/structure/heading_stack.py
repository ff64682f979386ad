"""What every reader shares: the current heading path and the making of a cleaned block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from foundation.sections import join_path
from ingest.cleaning import normalize_whitespace
from ingest.models import Block, BlockKind


@dataclass
class Sections:
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


# The one glyph a list item is written with in chunk text, whatever the source used (•, -, *,
# a private-use bullet of a PDF font); a numbered item keeps its own number.
ITEM_MARKER = "•"
_NUMBERED = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s")


def make_block(text: str, page: int | None, section: str, kind: BlockKind) -> Block | None:
    """A cleaned block; a list item keeps a marker in front. The readers take the source's
    bullet off to clean the line, but without a marker an item such as "Almere: gezinsaanpak
    preventie jeugdcriminaliteit" reads as a heading to the answerer (short, no full stop) and
    is never quoted, and the lead "City deal-gemeenten:" runs on into the first item."""
    text = normalize_whitespace(text)
    if not text or not any(ch.isalnum() for ch in text):
        return None
    if kind == "list_item" and not _NUMBERED.match(text):
        text = f"{ITEM_MARKER} {text}"
    return Block(text=text, page=page, section=section, kind=kind)
