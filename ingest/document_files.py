"""The corpus folder side of a document change: files written whole, moved aside while the
ingest runs, and every step taken back, in reverse order, when the change fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from foundation.settings import Settings
from ingest.embedders import Embedder
from ingest.manifest_edit import write_atomic
from ingest.pipeline import ingest_locked
from ingest.store import LiveState, peek_live


class Undo:
    """What a change did to the corpus folder, to put back in reverse order."""

    def __init__(self) -> None:
        self._steps: list[Callable[[], None]] = []

    def step(self, action: Callable[[], None]) -> None:
        self._steps.append(action)

    def created(self, path: Path) -> Path:
        self._steps.append(lambda: path.unlink(missing_ok=True))
        return path

    def replaced(self, path: Path, old: bytes) -> None:
        self._steps.append(lambda: write_atomic(path, old))

    def restore(self) -> None:
        for step in reversed(self._steps):
            step()
        self._steps.clear()


@contextmanager
def undo_on_failure(
    settings: Settings, doc_id: str, live_before: LiveState, embedder: Embedder | None
) -> Iterator[Undo]:
    """Put file and manifest back when anything fails; when the index moved for this
    document all the same (a failure after the ingest's switch), ingest the restored corpus
    so index and manifest agree again."""
    undo = Undo()
    try:
        yield undo
    except BaseException:
        undo.restore()
        after = peek_live(settings)
        if after is not None and after.docs.get(doc_id) != live_before.docs.get(doc_id):
            # the first failure is the one to report; a second one here changes nothing
            with suppress(Exception):
                ingest_locked(settings, embedder=embedder)
        raise


def place_file(path: Path, data: bytes) -> Path:
    """Write under a hidden name (the manifest reader skips hidden files), then rename into
    place: the corpus never holds half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def move_aside(path: Path, undo: Undo) -> Path | None:
    """A removed document's file under a hidden name while the ingest runs (so the ingest
    does not report it as an unlisted file), back in place if the removal is undone."""
    if not path.is_file():
        return None
    aside = path.with_name(f".removing-{path.name}")
    os.replace(path, aside)
    undo.step(lambda: os.replace(aside, path))
    return aside
