"""Embedders by name: the one place that turns a spec (VRAAGBAAK_EMBEDDING) into a model.

A spec is `name` or `name:argument` (`e5-small-q4`, `sentence-transformers:/models/x`). Each
name maps to a factory registered with `register_embedder`; the built-ins are registered the
same way a plug-in registers its own (ingest/embedders/__init__.py), and the tests register a
fake. A model is built once per process and spec: loading one costs a second or more, and the
store, the retriever and the answerer share it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from foundation.errors import EmbeddingConfigError


class Embedder(Embeddings, ABC):
    """What ingest, search and the answerer need of an embedding model: two array methods.
    Vectors are L2-normalised float32, so a dot product is the cosine. `name` identifies the
    model; the index records it, so opening an index with another model is an error.

    It is also LangChain's `Embeddings` (what Chroma is handed), derived from the two."""

    name: str
    dim: int

    @abstractmethod
    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) vectors of document passages."""

    @abstractmethod
    def query_vector(self, text: str) -> np.ndarray:
        """(dim,) vector of a question."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()


EmbedderFactory = Callable[[str], Embedder]


@dataclass(frozen=True)
class _Registration:
    factory: EmbedderFactory
    takes_argument: bool
    usage: str


_registry: dict[str, _Registration] = {}
_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


def register_embedder(
    name: str, factory: EmbedderFactory, *, takes_argument: bool = False, usage: str = ""
) -> None:
    """Make `name` (or `name:<argument>` when takes_argument) a valid spec. The factory gets
    the argument ("" without one); usage is how error messages spell the spec."""
    _registry[name] = _Registration(factory, takes_argument, usage or repr(name))


def get_embeddings(spec: str) -> Embedder:
    """The process-wide embedder for a spec (built once, on first use)."""
    spec = spec.strip()
    with _lock:
        if spec not in _loaded:
            registration, argument = _resolve(spec)
            _loaded[spec] = registration.factory(argument)
        return _loaded[spec]


def _resolve(spec: str) -> tuple[_Registration, str]:
    plain = _registry.get(spec)
    if plain is not None and not plain.takes_argument:
        return plain, ""
    name, colon, argument = spec.partition(":")
    registration = _registry.get(name)
    if registration is not None and registration.takes_argument and colon and argument.strip():
        return registration, argument.strip()
    usages = " or ".join(r.usage for r in _registry.values())
    raise EmbeddingConfigError(f"Unknown embedding {spec!r}: use {usages}")
