"""What every reader shares: the current heading path and the making of a cleaned block."""

from __future__ import annotations

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


def make_block(text: str, page: int | None, section: str, kind: BlockKind) -> Block | None:
    text = normalize_whitespace(text)
    if not text or not any(ch.isalnum() for ch in text):
        return None
    return Block(text=text, page=page, section=section, kind=kind)
