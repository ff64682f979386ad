"""A deterministic embedder for tests that need vectors but not their meaning (ingest, the
live filter, the index reader): no model to load, microseconds a text.

Each folded word adds a fixed pseudo-random direction (seeded by the word), so equal texts get
equal vectors, texts sharing words are near each other, and different texts practically never
tie. conftest.py registers it as FAKE_EMBEDDING, the way a plug-in registers an embedder;
processes the tests start (the command line) do not know it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from foundation.lexical import words
from ingest.embedders import Embedder

FAKE_EMBEDDING = "fake-hash"
DIM = 64


@lru_cache(maxsize=8192)
def _direction(word: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(seed).normal(size=DIM)


class HashEmbeddings(Embedder):
    name = FAKE_EMBEDDING
    dim = DIM

    def _vector(self, text: str) -> np.ndarray:
        acc = np.zeros(DIM)
        for word in words(text):
            acc += _direction(word)
        if not acc.any():
            acc[0] = 1.0
        return (acc / np.linalg.norm(acc)).astype(np.float32)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts])

    def query_vector(self, text: str) -> np.ndarray:
        return self._vector(text)
