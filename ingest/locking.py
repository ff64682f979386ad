"""One ingest at a time per data dir: a second one waits (up to a timeout) or refuses."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from foundation.errors import IngestBusy


def wait_for_flock(fd: int, timeout: float, poll: float) -> bool:
    """Take an exclusive flock on fd, trying every `poll` seconds for up to `timeout`;
    False when another process still holds it then. Shared by every lock of a data dir
    (ingest, the page's eval runs)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)


@contextmanager
def ingest_lock(home: Path, timeout: float = 0.0) -> Iterator[None]:
    """An advisory lock on <home>/ingest.lock; the OS drops it when the process dies,
    so a killed ingest never leaves a stale lock behind."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "ingest.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not wait_for_flock(fd, timeout, poll=0.2):
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            raise IngestBusy(
                f"Another ingest is running on {home} (pid {holder or '?'}); "
                "wait for it to finish, or pass --wait SECONDS."
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
