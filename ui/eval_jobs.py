"""An eval started from the maintainers' page, run in the background, one per data dir.

The run is a child process (`python -m ui.eval_jobs --qa FILE`), not a thread of the page
server: asking hundreds of questions is CPU work, and in a child it neither holds the
server's interpreter lock nor takes the chat page down if it fails. The child opens its own
Assistant on the same settings, runs evals.runner.run_eval, writes the report where
`vraagbaak eval --report` would (settings.reports_dir) and compares it with the baseline, the
way evals/cli.py does.

What every browser session and tab sees is one status file, <home>/eval-status.json, which
the child rewrites (atomically) after each question. One eval at a time per data dir: the
page takes an advisory lock on <home>/eval.lock and hands the locked file to the child,
which holds it until it ends; the OS drops it however the child ends, so a crashed run never
blocks the next one, and a status that says "running" without the lock held is a run that
was interrupted. The child also ends when the page server that started it goes away.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foundation.errors import UserError
from foundation.settings import Settings
from ingest.locking import wait_for_flock

ROOT = Path(__file__).resolve().parent.parent
STATUS_FILE = "eval-status.json"
LOCK_FILE = "eval.lock"
LOG_FILE = "eval-job.log"
RUNNING_STATES = ("starting", "running")
# A page check holds the lock for microseconds; a start that meets it waits this long.
_START_PATIENCE = 1.0
_PARENT_POLL = 1.0

# Serialises starts within one server process (every session and tab of the page).
_START_LOCK = threading.Lock()


class EvalBusy(UserError):
    """An eval is already running on this data dir; the message is Dutch, for the page."""


@dataclass
class JobStatus:
    """What the status file says about the latest eval started from the page.

    state: starting (the child opens the index), running, done, failed, or interrupted (the
    file says running but no process holds the lock any more). done/total: questions asked
    and in the file (total None until the file is read); times are Unix seconds;
    asking_since: when the first question was asked (after the warm-up), for the ETA.
    """

    state: str
    qa_name: str
    qa_path: str
    started_at: float
    pid: int | None = None
    done: int = 0
    total: int | None = None
    asking_since: float | None = None
    updated_at: float = 0.0
    finished_at: float | None = None
    result_file: str = ""
    gate_failed: bool = False
    regressions: list[str] = field(default_factory=list)
    message: str = ""
    detail: str = ""

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    def eta_seconds(self, now: float) -> float | None:
        """Seconds left at the pace so far; None before the first question is done."""
        if not self.total or not self.done or self.asking_since is None:
            return None
        pace = max(0.0, now - self.asking_since) / self.done
        return pace * (self.total - self.done)


def status_path(home: Path) -> Path:
    return home / STATUS_FILE


def lock_path(home: Path) -> Path:
    return home / LOCK_FILE


def log_path(home: Path) -> Path:
    return home / LOG_FILE


def write_status(home: Path, status: JobStatus) -> None:
    """Atomic: a reader sees the old file or the new one, never half of one."""
    home.mkdir(parents=True, exist_ok=True)
    status.updated_at = time.time()
    path = status_path(home)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(status), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _load_status(home: Path) -> JobStatus | None:
    try:
        raw = json.loads(status_path(home).read_text(encoding="utf-8"))
        return JobStatus(**raw)
    except (OSError, ValueError, TypeError):  # no run yet, or a file of another version
        return None


@contextlib.contextmanager
def _lock_fd(home: Path) -> Iterator[int]:
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(home), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        yield fd
    finally:
        os.close(fd)


def lock_held(home: Path) -> bool:
    """Whether some process (in any server, any session) holds this data dir's eval lock."""
    with _lock_fd(home) as fd:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False


def read_status(home: Path) -> JobStatus | None:
    """The latest page-started eval of this data dir, None when there has been none. A run
    whose process is gone without finishing reads as "interrupted"."""
    status = _load_status(home)
    if status is not None and status.running and not lock_held(home):
        status.state = "interrupted"
    return status


def _busy_message(home: Path) -> str:
    status = _load_status(home)
    what = f" (vragenset `{status.qa_name}`)" if status is not None and status.running else ""
    return (
        f"Er loopt al een evaluatie op deze gegevensmap{what}. Er kan er maar één tegelijk "
        "lopen: wacht tot die klaar is; de voortgang staat op deze pagina."
    )


def start_eval(settings: Settings, qa_path: Path, qa_name: str | None = None) -> JobStatus:
    """Start an eval of qa_path in a child process and return its first status; EvalBusy
    when one is running on settings.home already (from any tab, session or server)."""
    home = settings.home
    with _START_LOCK:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(home), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not wait_for_flock(fd, _START_PATIENCE, poll=0.05):
                raise EvalBusy(_busy_message(home))
            status = JobStatus(
                state="starting",
                qa_name=qa_name or qa_path.name,
                qa_path=str(qa_path),
                started_at=time.time(),
            )
            write_status(home, status)
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
            with log_path(home).open("w", encoding="utf-8") as log:
                child = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "ui.eval_jobs",
                        "--qa",
                        str(qa_path),
                        "--name",
                        status.qa_name,
                        "--lock-fd",
                        str(fd),
                    ],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=(fd,),
                )
            status.pid = child.pid
            _reap_later(child)
            return status
        except EvalBusy:
            raise
        except Exception:
            fcntl.flock(fd, fcntl.LOCK_UN)  # the child never started: free the data dir
            raise
        finally:
            os.close(fd)  # the child keeps its own copy of the locked file


def _reap_later(child: subprocess.Popen[bytes]) -> None:
    """Wait for the child in a daemon thread, so a finished run leaves no zombie behind."""
    threading.Thread(target=child.wait, name="eval-job-reaper", daemon=True).start()


# ---------------------------------------------------------------------------- the child


def _exit_with_parent(parent: int) -> None:
    """A run belongs to the page server that started it: when that server stops, stop too,
    instead of asking questions nobody will read on a machine others share."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL)
        os._exit(3)

    threading.Thread(target=watch, name="eval-job-parent", daemon=True).start()


def run_job(settings: Settings, qa_path: Path, status: JobStatus) -> JobStatus:
    """The child's work, callable in-process by tests: ask the set, write the report, compare
    with the baseline, keeping the status file up to date. Any failure is recorded, worded
    for the page, and the status returned."""
    from assistant.service import Assistant
    from evals.cli import DEFAULT_BASELINE, assistant_info
    from evals.compare import compare
    from evals.report import write_report
    from evals.runner import run_eval
    from ui.page_logic import explain

    home = settings.home
    try:
        baseline = json.loads(DEFAULT_BASELINE.read_text(encoding="utf-8"))
        assistant = Assistant.open(settings)

        def progress(done: int, total: int) -> None:
            if done == 0:
                status.asking_since = time.time()
            status.state, status.done, status.total = "running", done, total
            write_status(home, status)

        result = run_eval(
            assistant, qa_path, progress=False, info=assistant_info(assistant), on_progress=progress
        )
        paths = write_report(result, settings.reports_dir, baseline)
        comparison = compare(result.to_dict(), baseline)
        status.state = "done"
        status.result_file = paths["json"].name
        status.gate_failed = comparison.failed
        status.regressions = [r.name for r in comparison.regressions]
    except Exception as exc:  # the page must hear of any failure, in Dutch
        problem = explain(exc)
        status.state, status.message = "failed", problem.message
        status.detail = problem.detail or f"{type(exc).__name__}: {exc}"
    status.finished_at = time.time()
    write_status(home, status)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ui.eval_jobs",
        description="Run an eval for the maintainers' page (started by the page, not by hand).",
    )
    parser.add_argument("--qa", required=True, help="Q&A JSONL file")
    parser.add_argument("--name", help="name of the Q&A file as the page shows it")
    parser.add_argument(
        "--lock-fd", type=int, help="descriptor of eval.lock, locked by the page that started this"
    )
    args = parser.parse_args(argv)
    _exit_with_parent(os.getppid())
    settings = Settings.from_env()
    qa_path = Path(args.qa)
    fd = args.lock_fd
    if fd is None:  # started by hand: take the lock the page would have taken
        fd = os.open(lock_path(settings.home), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"eval: another eval is running on {settings.home}", file=sys.stderr)
            return 2
    status = JobStatus(
        state="starting",
        qa_name=args.name or qa_path.name,
        qa_path=str(qa_path),
        started_at=time.time(),
        pid=os.getpid(),
    )
    write_status(settings.home, status)
    done = run_job(settings, qa_path, status)
    # Free the data dir as soon as the outcome is on disk, not after the interpreter has torn
    # down its libraries (seconds): a page that shows "klaar" must accept the next start.
    fcntl.flock(fd, fcntl.LOCK_UN)
    return 0 if done.state == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
