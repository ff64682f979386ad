"""Stage 2, retrieve: dense (e5 in Chroma) and BM25 candidates fused by reciprocal rank.

RRF needs no score calibration between the two lists, which matters because cosine and
BM25 scores live on different scales and shift with the corpus. k=60 is the usual constant
(Cormack et al., 2009). A "Wat is X?" question also gives the passage that opens the section
named X the share of one more first place, because that passage says what X is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from assistant.types import FollowupSignals, Passage, Question
from foundation.lexical import content_terms, same_stem
from foundation.sections import split_path
from ingest.index import IndexReader, StoredChunk

RRF_K = 60
DENSE_WEIGHT = 1.0
BM25_WEIGHT = 1.0
# How deep each list (dense, BM25) is read before fusing.
RETRIEVAL_DEPTH = 40
INTRO_BONUS = 1.0 / (RRF_K + 1)

# (chunk id, RRF score, dense rank, BM25 rank), best first
Fused = list[tuple[str, float, int | None, int | None]]


@dataclass(frozen=True)
class ContextWeights:
    """How much a follow-up's conversation counts in retrieval (stages/context.py).

    dense: weight of the earlier turn's query vector mixed into the follow-up's (the sum is
    normalised); bm25: weight of the context terms against the question's own words; section,
    document, following: the locality prior, in RRF first places, for passages of the
    previous answer's section, of its document, and (a "more" follow-up) the passage after
    the one it quoted. Chosen on half 0 of evals/dialogues.jsonl (`vraagbaak eval
    --dialogues`), read on half 1 too: evals/README.md.
    """

    dense: float = 1.0
    bm25: float = 0.25
    section: float = 1.0
    document: float = 0.3
    following: float = 1.0


CONTEXT_WEIGHTS = ContextWeights()


@dataclass
class Retrieval:
    """Fused candidates, best first, with their ranks in each list and their cosine to the
    question; the query vector travels on so no later stage embeds the question again."""

    passages: list[Passage]
    query_vector: np.ndarray


def to_passage(chunk: StoredChunk, index: IndexReader) -> Passage:
    meta = chunk.meta
    doc = index.live.docs.get(chunk.doc_id, {})
    page = meta.get("page")
    return Passage(
        chunk_id=chunk.id,
        doc_id=chunk.doc_id,
        title=str(meta.get("title") or doc.get("title", chunk.doc_id)),
        publisher=str(meta.get("publisher") or doc.get("publisher", "")),
        date=str(meta.get("date") or doc.get("date", "")),
        page=int(page) if page is not None else None,
        section=str(meta.get("section", "")),
        text=chunk.text,
        chunk_index=chunk.chunk_index,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        section_spans=_spans(meta.get("section_spans")),
        part_spans=_spans(meta.get("part_spans")),
    )


def _spans(raw: object) -> list[tuple[int, str]]:
    try:
        return [(int(a), str(b)) for a, b in json.loads(str(raw))] if raw else []
    except (ValueError, TypeError):
        return []


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> Fused:
    """(chunk id, RRF score, dense rank, bm25 rank), best first."""
    scores: dict[str, float] = {}
    dense_rank: dict[str, int] = {}
    bm25_rank: dict[str, int] = {}
    for rank, (cid, _) in enumerate(dense, start=1):
        scores[cid] = scores.get(cid, 0.0) + DENSE_WEIGHT / (RRF_K + rank)
        dense_rank[cid] = rank
    for rank, (cid, _) in enumerate(lexical, start=1):
        scores[cid] = scores.get(cid, 0.0) + BM25_WEIGHT / (RRF_K + rank)
        bm25_rank[cid] = rank
    order = sorted(scores, key=lambda c: (-scores[c], dense_rank.get(c, 10**6)))
    return [(c, scores[c], dense_rank.get(c), bm25_rank.get(c)) for c in order]


def _covers(subject: set[str], component: str) -> bool:
    """All stems of the subject occur in a section title (plural stems tolerated)."""
    terms = content_terms(component)
    return all(any(same_stem(s, t) for t in terms) for s in subject)


def section_intros(index: IndexReader, chunk_ids: list[str], subject: str) -> set[str]:
    """Chunks among chunk_ids that open a section whose title names the subject.

    "Wat is de Aanpak Nypels?" is answered by the first passage of the chapter "2. Aanpak
    Nypels, Wijkersloot, gemeente Nieuwegein", which introduces it; later passages of the chapter
    mention the name as often (so BM25 likes them as much) but describe results or plans.
    """
    wanted = set(content_terms(subject))
    if not wanted:
        return set()
    found = set()
    for cid in chunk_ids:
        chunk = index.chunks.get(cid)
        if chunk is None:
            continue
        path = [part.strip() for part in split_path(str(chunk.meta.get("section", "")))]
        depth = next((i for i, part in enumerate(path) if part and _covers(wanted, part)), None)
        if depth is None:
            continue
        before = index.neighbour(chunk, -1)
        before_path = split_path(str(before.meta.get("section", ""))) if before else []
        if [p.strip() for p in before_path[: depth + 1]] != path[: depth + 1]:
            found.add(cid)
    return found


def boost_intros(fused: Fused, intros: set[str]) -> Fused:
    """A section intro gets the RRF share of a first place in one more list."""
    if not intros:
        return fused
    boosted = [(c, s + INTRO_BONUS if c in intros else s, d, b) for c, s, d, b in fused]
    return sorted(boosted, key=lambda x: (-x[1], x[2] if x[2] is not None else 10**6))


def following_passage(index: IndexReader, passage: Passage) -> Passage | None:
    """The chunk after passage in its document, as a passage (no retrieval scores)."""
    chunk = index.chunks.get(passage.chunk_id)
    after = index.neighbour(chunk, 1) if chunk is not None else None
    return to_passage(after, index) if after is not None else None


def preceding_passage(index: IndexReader, passage: Passage) -> Passage | None:
    """The chunk before passage in its document, as a passage (no retrieval scores)."""
    chunk = index.chunks.get(passage.chunk_id)
    before = index.neighbour(chunk, -1) if chunk is not None else None
    return to_passage(before, index) if before is not None else None


def _same_section(a: str, b: str) -> bool:
    """One heading path lies within the other (a quote's subsection, its chapter)."""
    pa, pb = [p.strip() for p in split_path(a)], [p.strip() for p in split_path(b)]
    short = min(len(pa), len(pb))
    return short > 0 and pa[:short] == pb[:short]


def _following(index: IndexReader, chunk_ids: tuple[str, ...]) -> set[str]:
    out = set()
    for cid in chunk_ids:
        chunk = index.chunks.get(cid)
        after = index.neighbour(chunk, 1) if chunk is not None else None
        if after is not None:
            out.add(after.id)
    return out


def locality_prior(
    index: IndexReader,
    fused: Fused,
    signals: FollowupSignals,
    weights: ContextWeights,
    doc_ids: list[str] | None = None,
) -> Fused:
    """Passages where the previous answer was get the share of some RRF first places; the
    passage after the quoted one (a "more" follow-up) joins the candidates when missing."""
    following = {
        c
        for c in _following(index, signals.next_chunks)
        if doc_ids is None or index.chunks[c].doc_id in doc_ids
    }
    present = {c for c, *_ in fused}
    rows = list(fused) + [(c, 0.0, None, None) for c in sorted(following - present)]
    out = []
    for cid, score, d_rank, b_rank in rows:
        chunk = index.chunks.get(cid)
        if chunk is None:
            continue
        section = str(chunk.meta.get("section", ""))
        bonus = 0.0
        if any(
            chunk.doc_id == doc and _same_section(section, sec)
            for doc, sec in signals.near_sections
        ):
            bonus += weights.section
        elif chunk.doc_id in signals.near_docs:
            bonus += weights.document
        if cid in following:
            bonus += weights.following
        out.append((cid, score + bonus * INTRO_BONUS, d_rank, b_rank))
    return sorted(out, key=lambda x: (-x[1], x[2] if x[2] is not None else 10**6))


def _search_lists(
    index: IndexReader,
    question: Question,
    depth: int,
    doc_ids: list[str] | None,
    weights: ContextWeights,
) -> tuple[np.ndarray, list[tuple[str, float]], list[tuple[str, float]]]:
    """(query vector, dense list, BM25 list). A question on its own searches its query; a
    follow-up searches the user's words with the conversation beside them."""
    signals = question.signals
    if signals is None:
        vector = index.query_vector(question.query)
        return (
            vector,
            index.dense(vector, depth, doc_ids),
            index.bm25.search(question.query, depth, doc_ids),
        )
    own = index.query_vector(question.text)
    mixed = own + weights.dense * index.query_vector(signals.previous)
    vector = (mixed / (np.linalg.norm(mixed) or 1.0)).astype(np.float32)
    lexical = index.bm25.search_with_context(
        question.text, list(signals.terms), weights.bm25, depth, doc_ids
    )
    return vector, index.dense(vector, depth, doc_ids), lexical


def retrieve(
    index: IndexReader,
    question: Question,
    limit: int,
    doc_ids: list[str] | None = None,
    depth: int = RETRIEVAL_DEPTH,
    weights: ContextWeights = CONTEXT_WEIGHTS,
) -> Retrieval:
    """The best `limit` fused passages for question.query, optionally within some documents.
    Each carries its fused score and rank, its rank in either list, and its cosine to the
    query (looked up for passages that only BM25 found). A follow-up (question.signals) is
    searched with its conversation: mixed dense query, context terms in BM25, locality."""
    vector, dense, lexical = _search_lists(index, question, depth, doc_ids, weights)
    fused = fuse(dense, lexical)
    if question.signals is not None:
        fused = locality_prior(index, fused, question.signals, weights, doc_ids)
    intros: set[str] = set()
    if question.definition_subject:
        intros = section_intros(index, [c for c, *_ in fused], question.definition_subject)
        fused = boost_intros(fused, intros)
    bm25 = dict(lexical)
    fused = fused[:limit]
    cosine = dict(dense)
    missing = [cid for cid, *_ in fused if cid not in cosine]
    cosine.update(index.similarity(vector, missing))
    passages = []
    for rank, (cid, score, d_rank, b_rank) in enumerate(fused, start=1):
        chunk = index.chunks.get(cid)
        if chunk is None:
            continue
        passage = to_passage(chunk, index)
        passage.rank = rank
        passage.score = score
        passage.dense_rank = d_rank
        passage.bm25_rank = b_rank
        passage.dense_score = cosine.get(cid)
        passage.bm25_score = bm25.get(cid)
        passage.section_intro = cid in intros
        passages.append(passage)
    return Retrieval(passages=passages, query_vector=vector)
