"""Where a result came from: the Q&A file, its version, the code commit, the model and the
corpus, so a figure in a result file can be reproduced (or known not to be)."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _git(*args: str) -> str:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, timeout=5, check=True
    )
    return done.stdout.strip()


def code_version() -> str:
    """The commit makes a result reproducible; `+dirty` warns that it was not the whole story."""
    try:
        sha = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        if sha:
            return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        from importlib.metadata import version

        return "vraagbaak " + version("vraagbaak")
    except Exception:  # not installed: provenance is best effort
        return "unknown"


def _qa_meta(qa_path: Path) -> dict[str, Any] | None:
    meta_path = qa_path.parent / "qa_meta.json"
    if not meta_path.is_file():
        return None
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {"error": f"unreadable {meta_path.name}"}
    if not isinstance(data, dict):
        return None
    return {key: data.get(key) for key in ("name", "version") if key in data}


def build_meta(qa_path: Path, k: int, info: dict[str, Any] | None) -> dict[str, Any]:
    info = dict(info or {})
    settings = dict(info.pop("settings", {}) or {})
    settings.setdefault("k", k)
    return {
        "qa_file": qa_path.name,
        "qa_sha256": hashlib.sha256(qa_path.read_bytes()).hexdigest(),
        "qa_meta": _qa_meta(qa_path),
        "embedding_model": info.pop("embedding_model", None),
        "corpus_hash": info.pop("corpus_hash", None),
        "code_version": code_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "settings": settings,
        "info": info,
    }
