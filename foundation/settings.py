"""Settings from environment variables, read once per process (or once per page run) into one
frozen object, each with a default that works on a fresh clone.

Every variable is listed in the README's settings table. This module is the only place that
reads them (two test hooks aside, also in the README), so a new setting starts here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EMBEDDING = "e5-small-q4"
DEFAULT_COLLECTION = "vraagbaak"
DEFAULT_LLM_TIMEOUT = 60.0
DEFAULT_LLM_API_KEY = "not-needed"
# The eval page's default: the reports `make eval` writes inside the checkout.
DEFAULT_REPORTS = Path(__file__).resolve().parent.parent / "evals" / "reports"
# The largest document the Documents page and `vraagbaak documents add` accept, in MB: a
# policy PDF is rarely above 20 MB, and everything is held in memory while it is checked.
DEFAULT_MAX_DOCUMENT_MB = 50.0
ENABLED_WORDS = frozenset({"1", "true", "yes", "on", "ja"})


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible chat server; LLM mode is opt-in, so without a URL answers stay
    extractive."""

    base_url: str = ""
    model: str = ""
    api_key: str = DEFAULT_LLM_API_KEY
    timeout: float = DEFAULT_LLM_TIMEOUT
    temperature: float = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMSettings:
        env = os.environ if environ is None else environ
        raw_timeout = env.get("VRAAGBAAK_LLM_TIMEOUT", "").strip()
        try:
            timeout = float(raw_timeout) if raw_timeout else DEFAULT_LLM_TIMEOUT
        except ValueError:
            timeout = DEFAULT_LLM_TIMEOUT
        return cls(
            base_url=env.get("VRAAGBAAK_LLM_BASE_URL", "").strip(),
            model=env.get("VRAAGBAAK_LLM_MODEL", "").strip(),
            api_key=env.get("VRAAGBAAK_LLM_API_KEY", "").strip() or DEFAULT_LLM_API_KEY,
            timeout=timeout if timeout > 0 else DEFAULT_LLM_TIMEOUT,
        )


@dataclass(frozen=True)
class Settings:
    """Where the index lives, how it is built and how questions are answered.

    home: data dir (Chroma store, BM25 index, embedding cache, feedback);
    corpus_dir: folder with manifest.toml and the documents;
    embedding: a registered embedder spec (`e5-small-q4`, `sentence-transformers:<model>`);
    chroma_url: when set, a Chroma server (`chroma run`) instead of the embedded store;
    llm: the chat server for LLM mode; reports_dir: where the eval page looks for results;
    reranker: "" for the bundled learned reranker, "off" for retrieval's fused order, or the
    path of a model file made by `vraagbaak train-reranker`;
    document_admin: whether the Documents page may add, replace and remove documents (off, so
    a page open to all staff cannot change the corpus by accident);
    max_document_mb: the largest file a document change accepts.
    """

    home: Path
    corpus_dir: Path
    embedding: str = DEFAULT_EMBEDDING
    chroma_url: str | None = None
    collection: str = DEFAULT_COLLECTION
    llm: LLMSettings = field(default_factory=LLMSettings)
    reports_dir: Path = DEFAULT_REPORTS
    reranker: str = ""
    document_admin: bool = False
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment; keyword overrides that are not None win (the
        command line's --corpus, a benchmark's data dir)."""
        env = os.environ
        values: dict[str, object] = {
            "home": Path(env.get("VRAAGBAAK_HOME", ".vraagbaak")).expanduser(),
            "corpus_dir": Path(env.get("VRAAGBAAK_CORPUS", "corpus")).expanduser(),
            "embedding": env.get("VRAAGBAAK_EMBEDDING", DEFAULT_EMBEDDING).strip()
            or DEFAULT_EMBEDDING,
            "chroma_url": env.get("VRAAGBAAK_CHROMA_URL", "").strip() or None,
            "collection": env.get("VRAAGBAAK_COLLECTION", DEFAULT_COLLECTION).strip()
            or DEFAULT_COLLECTION,
            "llm": LLMSettings.from_env(env),
            "reports_dir": Path(env.get("VRAAGBAAK_REPORTS") or DEFAULT_REPORTS).expanduser(),
            "reranker": env.get("VRAAGBAAK_RERANKER", "").strip(),
            "document_admin": env.get("VRAAGBAAK_DOCUMENT_ADMIN", "").strip().lower()
            in ENABLED_WORDS,
            "max_document_mb": _positive_float(
                env.get("VRAAGBAAK_MAX_DOCUMENT_MB", ""), DEFAULT_MAX_DOCUMENT_MB
            ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["home"] = Path(str(values["home"]))
        values["corpus_dir"] = Path(str(values["corpus_dir"]))
        return cls(**values)  # type: ignore[arg-type]


def _positive_float(raw: str, default: float) -> float:
    """A number setting; empty, unreadable or not above zero falls back to the default, as
    VRAAGBAAK_LLM_TIMEOUT does (a typo must not stop every command)."""
    try:
        value = float(raw.strip()) if raw.strip() else default
    except ValueError:
        return default
    return value if value > 0 else default
