"""The data that flows through ingestion: manifest entries, pages, blocks, chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item"]


@dataclass(frozen=True)
class SourceDocument:
    """One manifest entry: what a file is, so citations can name title, publisher and date."""

    id: str
    file: str
    title: str
    publisher: str = ""
    date: str = ""
    kind: str = ""
    note: str = ""
    path: Path = field(default_factory=Path)


@dataclass(frozen=True)
class RawPage:
    """Text of one page as the loader found it. number is 1-based; None when unknown."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Block:
    """A cleaned paragraph, list item or heading, with where it came from.

    section is the heading path (foundation.sections), e.g.
    "4 Sturingsmogelijkheden > 4.2 Regie"; empty before the first heading, where part names
    the part of the document instead ("brief, aanhef"), so the text can still be cited.
    """

    text: str
    page: int | None
    section: str
    kind: BlockKind = "paragraph"
    part: str = ""


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. start/end are offsets into the document's clean text
    (its blocks joined by blank lines), so a citation can be traced back.

    section_spans: where, inside text, each section begins; part_spans: the same for the
    named parts of text outside any section (empty for a chunk inside a section)."""

    id: str
    doc_id: str
    chunk_index: int
    text: str
    page: int | None
    section: str
    start: int
    end: int
    content_hash: str
    section_spans: tuple[tuple[int, str], ...] = ()
    part_spans: tuple[tuple[int, str], ...] = ()
