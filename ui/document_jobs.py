"""Document changes started from the page run here, in background threads, so the page (and
every other user of the same server) stays responsive while a document is embedded.

One board per server process: every session sees the changes in progress, the session that
started one sees how it ended. Threads only update their Job; Streamlit calls stay in the page.
The ingest lock (taken by ingest/documents.py) makes two changes at once run one after the
other, whoever started them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.documents import CHECKING, DONE, ChangeResult, Progress

# How many finished jobs the board keeps for their sessions to read.
KEEP_FINISHED = 50


@dataclass
class Job:
    """One change, as the page shows it."""

    id: str
    action: str  # "add", "replace" or "remove"
    title: str
    phase: str = CHECKING
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: bool = False
    result: ChangeResult | None = None
    error: BaseException | None = None


class JobBoard:
    """The changes of this server process, and a counter of those that changed the index
    (the chat page checks the index again when it moved)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self.generation = 0

    def start(self, action: str, title: str, work: Callable[[Progress], ChangeResult]) -> Job:
        job = Job(id=uuid.uuid4().hex, action=action, title=title)
        with self._lock:
            self._jobs[job.id] = job
        thread = threading.Thread(
            target=self._run, args=(job, work), name=f"vraagbaak-{action}", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: Job, work: Callable[[Progress], ChangeResult]) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            with self._lock:
                job.phase, job.done, job.total = phase, done, total

        try:
            result = work(progress)
        except BaseException as exc:  # noqa: BLE001 - shown on the page, in Dutch
            with self._lock:
                job.error, job.finished = exc, True
        else:
            with self._lock:
                job.result, job.phase, job.finished = result, DONE, True
                self.generation += 1
        self._forget_old()

    def get(self, job_id: str) -> Job | None:
        """A copy, so the page reads one consistent moment of a job a thread is updating."""
        with self._lock:
            job = self._jobs.get(job_id)
            return replace(job) if job else None

    def running(self) -> list[Job]:
        with self._lock:
            jobs = [replace(job) for job in self._jobs.values() if not job.finished]
        return sorted(jobs, key=lambda j: j.started)

    def _forget_old(self) -> None:
        with self._lock:
            finished = sorted(
                (j for j in self._jobs.values() if j.finished), key=lambda j: j.started
            )
            for job in finished[:-KEEP_FINISHED]:
                del self._jobs[job.id]


BOARD = JobBoard()
