"""`sentence-transformers:<model dir or name>`: any sentence-transformers model already on
disk (optional extra `st`), for sites with a larger multilingual model; hub downloads stay off
(see foundation.offline)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from foundation.errors import EmbeddingConfigError
from ingest.embedders.registry import Embedder

ST_PREFIX = "sentence-transformers:"


class SentenceTransformerEmbeddings(Embedder):
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
