"""Embedding cache keyed by model and text hash.

Embedding is the whole cost of ingest (~6 passages/s here), so a chunk whose text was
embedded before — in an earlier run, or in the unchanged part of an edited document — is
never embedded again. SQLite keeps it crash-safe and shareable between processes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)"
        )

    def close(self) -> None:
        self._db.close()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part
            ).fetchall()
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)",
                [
                    (k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in items.items()
                ],
            )

    def embed(
        self,
        model: str,
        texts: list[str],
        compute: Callable[[list[str]], np.ndarray],
        batch_size: int = 32,
        on_progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, int]:
        """Vectors for texts, computing only the missing ones (saved batch by batch, so a
        killed ingest keeps what it paid for). Returns (vectors, number computed)."""
        keys = [text_key(model, t) for t in texts]
        known = self.get_many(list(set(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        by_key = {k: t for k, t in zip(keys, texts, strict=True)}
        if on_progress and len(texts) > len(missing):
            on_progress(len(texts) - len([k for k in keys if k not in known]))
        for i in range(0, len(missing), batch_size):
            batch = missing[i : i + batch_size]
            vectors = compute([by_key[k] for k in batch])
            fresh = dict(zip(batch, vectors, strict=True))
            self.put_many(fresh)
            known.update(fresh)
            if on_progress:
                on_progress(sum(1 for k in keys if k in fresh))
        return np.vstack([known[k] for k in keys]), len(missing)
