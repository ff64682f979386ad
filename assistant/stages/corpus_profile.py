"""Where each chunk sits in its corpus: facts the reranker needs that no single passage shows.

A document's introduction, title page or summary resembles the whole document, so it matches
every question about that document a little; the passage that answers a detail question is
more particular. How close a chunk's vector lies to its document's mean vector (and its
chapter's) measures that. Whether a chunk opens its section tells an introduction from the
passages that follow it. Computed once per index reader, from the chunk vectors it holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from foundation.sections import chapter
from ingest.index import IndexReader


@dataclass(frozen=True)
class Place:
    """opens_section: the chunk before it (if any) has another section path;
    document_likeness / chapter_likeness: cosine of the chunk to the mean vector of its
    document / its top-level section (0.0 when its vector is unknown)."""

    opens_section: bool
    document_likeness: float
    chapter_likeness: float


_UNKNOWN = Place(opens_section=False, document_likeness=0.0, chapter_likeness=0.0)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


class CorpusProfile:
    def __init__(self, index: IndexReader) -> None:
        ids, vectors = index.chunk_vectors()
        row = {cid: i for i, cid in enumerate(ids)}
        by_doc: dict[str, list[int]] = defaultdict(list)
        by_chapter: dict[tuple[str, str], list[int]] = defaultdict(list)
        for cid, i in row.items():
            chunk = index.chunks[cid]
            by_doc[chunk.doc_id].append(i)
            by_chapter[(chunk.doc_id, chapter(str(chunk.meta.get("section") or "")))].append(i)
        doc_mean = {d: _unit(vectors[rows].mean(axis=0)) for d, rows in by_doc.items()}
        chapter_mean = {k: _unit(vectors[rows].mean(axis=0)) for k, rows in by_chapter.items()}
        self._places: dict[str, Place] = {}
        for cid, chunk in index.chunks.items():
            before = index.neighbour(chunk, -1)
            opens = before is None or before.meta.get("section") != chunk.meta.get("section")
            pos = row.get(cid)
            if pos is None:
                self._places[cid] = Place(opens, 0.0, 0.0)
                continue
            own = (chunk.doc_id, chapter(str(chunk.meta.get("section") or "")))
            self._places[cid] = Place(
                opens_section=opens,
                document_likeness=float(vectors[pos] @ doc_mean[chunk.doc_id]),
                chapter_likeness=float(vectors[pos] @ chapter_mean[own]),
            )

    def place(self, chunk_id: str) -> Place:
        return self._places.get(chunk_id, _UNKNOWN)
