"""BM25 over the live chunks (bm25s, Dutch Snowball stemming, Dutch stop words).

Derived data: saved next to the Chroma store under a signature of the live state and rebuilt
from the collection whenever it is missing or stale (a Chroma server shared by colleagues,
a deleted folder, an interrupted ingest). This module owns the whole life of it: building
from the collection, saving, loading and deciding when to rebuild, for ingest and reader alike.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from foundation.lexical import content_terms
from foundation.sections import split_path
from foundation.settings import Settings
from ingest.store import LiveState, get_all

# Bump when content_terms (tokenising, stemming, stop words) changes: saved indexes are rebuilt.
LEXICAL_VERSION = "1"


class BM25Index:
    """bm25s over stemmed content words, with chunk ids and doc ids aligned to rows."""

    def __init__(self, retriever: bm25s.BM25, ids: list[str], doc_ids: list[str], signature: str):
        self._retriever = retriever
        self.ids = ids
        self.doc_ids = np.array(doc_ids)
        self.signature = signature

    @classmethod
    def build(cls, ids: list[str], texts: list[str], doc_ids: list[str], signature: str):
        # an empty index (every document failed) still gets one placeholder row: bm25s
        # cannot index nothing, and search() returns nothing for it anyway
        corpus_tokens = [content_terms(t) or ["_leeg_"] for t in texts] or [["_leeg_"]]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, ids, doc_ids, signature)

    def search(
        self, query: str, n: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-n (chunk id, score) with score > 0, optionally within some documents."""
        terms = [t for t in content_terms(query, drop_question_words=True) if t]
        if not terms or not self.ids:
            return []
        vocab = self._retriever.vocab_dict
        known = [t for t in terms if t in vocab]
        if not known:
            return []
        scores = self._retriever.get_scores(known)
        return self._top(scores, n, doc_ids)

    def search_with_context(
        self,
        query: str,
        context_terms: list[str],
        context_weight: float,
        n: int,
        doc_ids: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Top-n like search(), with extra stemmed terms (a follow-up's conversation) scored
        at context_weight of the query's own: the user's words still lead, the context only
        breaks ties and finds the passage an elliptic question cannot name."""
        own = [t for t in content_terms(query, drop_question_words=True) if t]
        if not self.ids:
            return []
        vocab = self._retriever.vocab_dict
        known = [t for t in dict.fromkeys(own) if t in vocab]
        extra = [t for t in dict.fromkeys(context_terms) if t in vocab and t not in known]
        if not known and not extra:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float64)
        if known:
            scores += self._retriever.get_scores(known)
        if extra and context_weight > 0:
            scores += context_weight * self._retriever.get_scores(extra)
        return self._top(scores, n, doc_ids)

    def _top(
        self, scores: np.ndarray, n: int, doc_ids: list[str] | None
    ) -> list[tuple[str, float]]:
        """The n best-scoring chunk ids with a positive score, best first, within doc_ids."""
        if doc_ids is not None:
            scores = np.where(np.isin(self.doc_ids, doc_ids), scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term among the live chunks (BM25's own
        form, log((N - df + 0.5) / (df + 0.5) + 1)); a term no chunk holds gets the maximum.
        The answerer uses it to weigh which question words a passage must cover."""
        scores = self._retriever.scores
        n = float(scores.get("num_docs") or len(self.ids) or 1)
        token = self._retriever.vocab_dict.get(term)
        if token is None:
            df = 0.0
        else:
            indptr = scores["indptr"]
            df = float(indptr[token + 1] - indptr[token])
        return float(np.log((n - df + 0.5) / (df + 0.5) + 1.0))

    def save(self, folder: Path) -> None:
        """Written aside then renamed into place, so readers never see half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        try:
            self._retriever.save(str(tmp / "bm25"))
            (tmp / "rows.json").write_text(
                json.dumps(
                    {"signature": self.signature, "ids": self.ids, "doc_ids": self.doc_ids.tolist()}
                ),
                encoding="utf-8",
            )
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, signature: str) -> BM25Index | None:
        """The saved index if it matches the live state, else None (caller rebuilds)."""
        try:
            rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
            if rows.get("signature") != signature:
                return None
            retriever = bm25s.BM25.load(str(folder / "bm25"))
        except (OSError, ValueError, KeyError):
            return None
        return cls(retriever, rows["ids"], rows["doc_ids"], signature)


def bm25_folder(settings: Settings) -> Path:
    return settings.home / f"bm25-{settings.collection}"


def bm25_signature(state: LiveState) -> str:
    return f"{state.signature}|lex{LEXICAL_VERSION}"


def build_from_collection(collection: Any, state: LiveState) -> BM25Index:
    """BM25 rows from the collection itself, so any store (local or server) can rebuild it.
    A passage's two innermost headings are indexed with its text: they name its topic."""
    got = get_all(
        collection, {"doc_hash": {"$in": state.hashes or ["-"]}}, ["documents", "metadatas"]
    )
    ids, texts, doc_ids = [], [], []
    for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        section = split_path(str(meta.get("section", "")))[-2:]
        ids.append(cid)
        texts.append(" ".join(section) + "\n" + (text or ""))
        doc_ids.append(str(meta.get("doc_id", "")))
    return BM25Index.build(ids, texts, doc_ids, bm25_signature(state))


def refresh_bm25(
    settings: Settings, collection: Any, state: LiveState, force: bool = False
) -> None:
    """After an ingest: rebuild and save when the saved index is missing or stale."""
    folder = bm25_folder(settings)
    if force or BM25Index.load(folder, bm25_signature(state)) is None:
        build_from_collection(collection, state).save(folder)


def open_bm25(settings: Settings, collection: Any, state: LiveState) -> BM25Index:
    """For a reader: the saved index when it matches the live state, else one rebuilt from
    the collection (and saved, unless the data dir is read-only: then it stays in memory)."""
    folder = bm25_folder(settings)
    found = BM25Index.load(folder, bm25_signature(state))
    if found is None:
        found = build_from_collection(collection, state)
        with contextlib.suppress(OSError):
            found.save(folder)
    return found
