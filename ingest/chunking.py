"""Structure-aware, sentence-aware chunking.

Chunks never cut a sentence and stay within one section: blocks are split into sentences and
LangChain's TextSplitter merge logic packs whole sentences up to `chunk_size` characters, with
whole-sentence overlap. A run of short sibling sections is merged into one chunk (so one-line
sections do not crowd results); the chunk then records where each section starts, so a
citation can still name the exact section of the sentence it quotes. Text outside any section
records its named parts (Block.part) the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from langchain_text_splitters import TextSplitter

from foundation.sections import join_path, split_path
from foundation.sentences import sentence_spans
from ingest.models import Block, Chunk

CHUNK_SIZE = 900
CHUNK_OVERLAP = 100
MIN_SECTION_CHARS = 300
BLOCK_SEPARATOR = "\n\n"


class SentenceSplitter(TextSplitter):
    """Splits text into sentences and lets TextSplitter merge them into sized chunks."""

    def split_text(self, text: str) -> list[str]:
        sentences = [text[a:b] for a, b in sentence_spans(text)]
        return self._merge_splits(sentences, " ")


@dataclass(frozen=True)
class _Piece:
    """One sentence (or list item) of the clean document, with its location."""

    text: str
    start: int
    end: int
    page: int | None
    paragraph: int
    section: str = ""
    part: str = ""


def clean_text_of(blocks: list[Block]) -> str:
    """The document's clean text: the offsets of every chunk point into this string."""
    return BLOCK_SEPARATOR.join(b.text for b in blocks)


@dataclass
class _Group:
    """Blocks chunked together: one section, or a run of short sibling sections."""

    section: str
    blocks: list[tuple[int, Block]]

    @property
    def size(self) -> int:
        return sum(len(b.text) for _, b in self.blocks)


def _sections(blocks: list[Block]) -> list[_Group]:
    """Consecutive blocks grouped by section, with each block's offset; the heading blocks
    that open a section are kept aside in case the section is merged into its predecessor."""
    offset = 0
    groups: list[_Group] = []
    headings: list[tuple[int, Block]] = []
    for block in blocks:
        if block.kind == "heading":
            headings.append((offset, block))
        elif groups and block.section == groups[-1].section and not headings:
            groups[-1].blocks.append((offset, block))
        else:
            groups.append(_Group(block.section, headings + [(offset, block)]))
            headings = []
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return groups


def _common_section(a: str, b: str) -> str:
    left, right = split_path(a), split_path(b)
    common = []
    for x, y in zip(left, right, strict=False):
        if x != y:
            break
        common.append(x)
    return join_path(common)


def _merge_short(groups: list[_Group], min_chars: int) -> list[_Group]:
    """A section shorter than min_chars absorbs the next sibling section (headings included
    as text), so over-detected headings or one-line sections do not make tiny chunks that
    crowd out real passages. Siblings only: the label becomes their common parent."""
    merged: list[_Group] = []
    for group in groups:
        content = [(o, b) for o, b in group.blocks if b.kind != "heading"]
        prev = merged[-1] if merged else None
        common = _common_section(prev.section, group.section) if prev else ""
        if prev is not None and prev.size < min_chars and common:
            prev.blocks.extend(group.blocks)
            prev.section = common
        else:
            merged.append(_Group(group.section, content))
    return merged


def _pieces(group: list[tuple[int, Block]]) -> list[_Piece]:
    pieces = []
    for paragraph, (offset, block) in enumerate(group):
        for a, b in sentence_spans(block.text):
            pieces.append(
                _Piece(
                    block.text[a:b],
                    offset + a,
                    offset + b,
                    block.page,
                    paragraph,
                    block.section,
                    block.part,
                )
            )
    return pieces


def _pack(pieces: list[_Piece], size: int, overlap: int) -> list[list[_Piece]]:
    """Whole sentences packed by LangChain's TextSplitter merge policy (size and overlap in
    characters), then mapped back to the pieces so every chunk keeps its offsets."""
    texts = [p.text for p in pieces]
    merged = SentenceSplitter(chunk_size=size, chunk_overlap=overlap)._merge_splits(texts, " ")
    groups: list[list[_Piece]] = []
    first = 0
    for chunk_text in merged:
        group = _locate(texts, chunk_text, first)
        if group is None:  # cannot happen with stripped sentences; keep the text whole
            raise ValueError(f"chunk not mapped back to its sentences: {chunk_text[:60]!r}")
        start, stop = group
        groups.append(pieces[start:stop])
        first = start + 1 if stop - start > 1 else stop
    return groups


def _locate(texts: list[str], chunk_text: str, first: int) -> tuple[int, int] | None:
    """The run of sentences, starting at or after `first`, whose join is `chunk_text`."""
    for start in range(max(0, first - 1), len(texts)):
        if not chunk_text.startswith(texts[start]):
            continue
        length = len(texts[start])
        stop = start + 1
        while length < len(chunk_text) and stop < len(texts):
            length += 1 + len(texts[stop])
            stop += 1
        if " ".join(texts[start:stop]) == chunk_text:
            return start, stop
    return None


def _section_spans(pieces: list[_Piece], start: int) -> tuple[tuple[int, str], ...]:
    """Where, inside the chunk text, each section begins: a chunk of merged short sections
    can still cite the exact section of the sentence it quotes."""
    spans: list[tuple[int, str]] = []
    for piece in pieces:
        if not spans or spans[-1][1] != piece.section:
            spans.append((piece.start - start, piece.section))
    return tuple(spans)


def _part_spans(pieces: list[_Piece], start: int) -> tuple[tuple[int, str], ...]:
    """Where, inside the chunk text, each named part begins ("brief, aanhef", then "brief,
    inleiding vóór § 1"); empty for a chunk inside a section."""
    if not any(piece.part for piece in pieces):
        return ()
    spans: list[tuple[int, str]] = []
    for piece in pieces:
        if not spans or spans[-1][1] != piece.part:
            spans.append((piece.start - start, piece.part))
    return tuple(spans)


def _join(pieces: list[_Piece]) -> str:
    """Sentences of one paragraph joined by a space, paragraphs by a blank line."""
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(BLOCK_SEPARATOR if piece.paragraph != pieces[i - 1].paragraph else " ")
        out.append(piece.text)
    return "".join(out)


def chunk_document(
    doc_id: str,
    doc_hash: str,
    blocks: list[Block],
    chunk_size: int = CHUNK_SIZE,
    chunk_overlap: int = CHUNK_OVERLAP,
) -> list[Chunk]:
    """Chunks of one document, ids derived from the document hash so that re-ingesting the
    same content yields the same ids (never a duplicate)."""
    chunks: list[Chunk] = []
    for group in _merge_short(_sections(blocks), MIN_SECTION_CHARS):
        section = group.section
        for packed in _pack(_pieces(group.blocks), chunk_size, chunk_overlap):
            text = _join(packed)
            index = len(chunks)
            chunks.append(
                Chunk(
                    id=f"{doc_id}:{doc_hash[:12]}:{index:04d}",
                    doc_id=doc_id,
                    chunk_index=index,
                    text=text,
                    page=packed[0].page,
                    section=section,
                    start=packed[0].start,
                    end=packed[-1].end,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    section_spans=_section_spans(packed, packed[0].start),
                    part_spans=_part_spans(packed, packed[0].start),
                )
            )
    return chunks
