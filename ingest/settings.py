"""Settings from environment variables, each with a default that works on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EMBEDDING = "e5-small-q4"
DEFAULT_COLLECTION = "vraagbaak"


@dataclass(frozen=True)
class Settings:
    """Where the index lives and how it is built.

    home: data dir (Chroma store, BM25 index, embedding cache, feedback);
    corpus_dir: folder with manifest.toml and the documents;
    embedding: `e5-small-q4` or `sentence-transformers:<model dir or name>`;
    chroma_url: when set, a Chroma server (`chroma run`) instead of the embedded store.
    """

    home: Path
    corpus_dir: Path
    embedding: str = DEFAULT_EMBEDDING
    chroma_url: str | None = None
    collection: str = DEFAULT_COLLECTION

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "home": Path(os.environ.get("VRAAGBAAK_HOME", ".vraagbaak")).expanduser(),
            "corpus_dir": Path(os.environ.get("VRAAGBAAK_CORPUS", "corpus")).expanduser(),
            "embedding": os.environ.get("VRAAGBAAK_EMBEDDING", DEFAULT_EMBEDDING).strip()
            or DEFAULT_EMBEDDING,
            "chroma_url": os.environ.get("VRAAGBAAK_CHROMA_URL", "").strip() or None,
            "collection": os.environ.get("VRAAGBAAK_COLLECTION", DEFAULT_COLLECTION).strip()
            or DEFAULT_COLLECTION,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["home"] = Path(str(values["home"]))
        values["corpus_dir"] = Path(str(values["corpus_dir"]))
        return cls(**values)  # type: ignore[arg-type]
