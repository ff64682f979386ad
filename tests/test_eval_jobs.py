"""Evals started from the maintainers' page: one per data dir (a lock any process can see),
a status file every session reads, a real child process over a copy of the real index,
uploaded Q&A files checked and worded in Dutch, and the run compared with the baseline."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from evals.qa_set import PROBLEM_KINDS
from foundation.settings import Settings
from ui.eval_data import baseline_view, format_duration, list_runs, load_run
from ui.eval_jobs import (
    EvalBusy,
    JobStatus,
    lock_path,
    read_status,
    run_job,
    start_eval,
    status_path,
    write_status,
)
from ui.eval_launch import progress_text
from ui.qa_upload import UPLOAD_DIR, UploadRejected, check_upload, worded_kinds

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT / "evals" / "qa.jsonl"
BASELINE = ROOT / "evals" / "baseline.json"
WAIT = 300  # a cold child opens the index and models on two busy cores


def small_qa(path: Path) -> Path:
    """Three answerable questions of the bundled set and one it cannot answer."""
    lines = QA.read_text(encoding="utf-8").splitlines()
    none = next(line for line in lines if '"type": "none"' in line)
    path.write_text("\n".join([*lines[:3], none]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def eval_settings(corpus_index: Settings, tmp_path: Path) -> Settings:
    """A copy of the real index in its own data dir: runs, locks and status files of one
    test meet no other test."""
    home = tmp_path / "home"
    shutil.copytree(
        corpus_index.home, home, ignore=shutil.ignore_patterns("eval*", "feedback*", "*.lock")
    )
    return replace(corpus_index, home=home, reports_dir=tmp_path / "reports")


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[Path]:
    """The eval lock of a data dir, held by this test process as another server would."""
    home = tmp_path / "busy-home"
    home.mkdir()
    fd = os.open(lock_path(home), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield home
    finally:
        os.close(fd)


def _wait_until_finished(home: Path) -> JobStatus:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = read_status(home)
        if status is not None and not status.running:
            return status
        time.sleep(0.5)
    pytest.fail(f"the eval did not finish in {WAIT} s: {read_status(home)}")


# ---------------------------------------------------------------------------- one at a time


def test_a_second_eval_on_a_data_dir_is_refused_in_dutch(held_lock: Path, tmp_path: Path) -> None:
    settings = Settings(home=held_lock, corpus_dir=ROOT / "corpus")
    with pytest.raises(EvalBusy, match="Er loopt al een evaluatie op deze gegevensmap"):
        start_eval(settings, small_qa(tmp_path / "qa.jsonl"))
    assert not status_path(held_lock).exists()  # nothing was started, nothing overwritten


def test_a_running_status_without_its_process_reads_as_interrupted(held_lock: Path) -> None:
    write_status(held_lock, JobStatus("running", "qa.jsonl", "/x/qa.jsonl", time.time(), done=3))
    status = read_status(held_lock)
    assert status is not None and status.state == "running" and status.done == 3
    other = held_lock.parent / "other-home"  # same status, but no process holds its lock
    write_status(other, JobStatus("running", "qa.jsonl", "/x/qa.jsonl", time.time()))
    status = read_status(other)
    assert status is not None and status.state == "interrupted" and not status.running


def test_progress_and_time_left_at_the_pace_so_far() -> None:
    now = 1_000.0
    status = JobStatus("running", "qa.jsonl", "", now - 60, done=0, total=10, asking_since=now)
    assert status.eta_seconds(now) is None
    assert progress_text(status, now)[1].endswith("volgt na de eerste vraag")
    status.done = 2
    assert status.eta_seconds(now + 30) == pytest.approx(120.0)
    fraction, text = progress_text(status, now + 30)
    assert fraction == pytest.approx(0.2)
    assert text == "2 van 10 vragen · nog ongeveer 2 min"
    starting = JobStatus("starting", "qa.jsonl", "", now)
    assert progress_text(starting, now) == (0.0, "De index en de modellen worden geladen …")
    assert [format_duration(s) for s in (4.4, 59, 61, 3600 + 5 * 60)] == [
        "4 s",
        "59 s",
        "1 min",
        "1 u 05 min",
    ]


def test_run_eval_reports_progress_before_and_after_each_question(tmp_path: Path) -> None:
    from assistant.types import Answer
    from evals.runner import run_eval

    class Silent:
        """Finds nothing and abstains: progress does not depend on the answers."""

        def search(self, question: str, k: int = 10) -> list:
            return []

        def ask(self, question: str, **_: object) -> Answer:
            return Answer(question, "", [], "extractive", True)

    calls: list[tuple[int, int]] = []
    result = run_eval(
        Silent(),
        small_qa(tmp_path / "q.jsonl"),
        progress=False,
        on_progress=lambda *a: calls.append(a),
    )
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert result.metrics["n_questions"] == 4


# ---------------------------------------------------------------------------- real runs


def test_run_job_asks_the_set_writes_the_report_and_compares(
    eval_settings: Settings, tmp_path: Path
) -> None:
    qa = small_qa(tmp_path / "klein.jsonl")
    status = JobStatus("starting", "klein.jsonl", str(qa), time.time())

    done = run_job(eval_settings, qa, status)
    assert done.state == "done", done.detail
    assert (done.done, done.total) == (4, 4)
    assert done.asking_since is not None and done.finished_at is not None
    runs = list_runs(eval_settings.reports_dir)
    assert [p.name for p in runs] == [done.result_file]
    data = load_run(runs[0])
    assert data is not None and data["metrics"]["n_questions"] == 4
    assert data["meta"]["qa_file"] == "klein.jsonl"
    on_disk = read_status(eval_settings.home)
    assert on_disk is not None and on_disk.state == "done" and on_disk.result_file
    # the page's comparison with the baseline, by the gate's rule, for this run
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    view = baseline_view(data, baseline)
    assert [r["Maat"] for r in view.rows][:2] == ["Gevonden op plaats 1", "Gevonden in top 5"]
    n_baseline = baseline["metrics"]["n_questions"]
    assert any(f"andere vragenset dan de baseline ({n_baseline} vragen)" in n for n in view.notes)
    assert done.gate_failed == bool(view.regressions)


def test_a_page_started_eval_runs_in_a_child_and_holds_the_data_dir(
    eval_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("VRAAGBAAK_HOME", eval_settings.home),
        ("VRAAGBAAK_CORPUS", eval_settings.corpus_dir),
        ("VRAAGBAAK_EMBEDDING", eval_settings.embedding),
        ("VRAAGBAAK_REPORTS", eval_settings.reports_dir),
    ):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    qa = small_qa(tmp_path / "klein.jsonl")
    first = start_eval(eval_settings, qa, "klein.jsonl")
    assert first.pid is not None and first.qa_name == "klein.jsonl"
    # the child holds the lock from its start: a second click (any tab, any server) waits
    with pytest.raises(EvalBusy):
        start_eval(eval_settings, qa)
    done = _wait_until_finished(eval_settings.home)
    assert done.state == "done", (done.message, done.detail)
    assert done.pid == first.pid and (done.done, done.total) == (4, 4)
    assert (eval_settings.reports_dir / done.result_file).is_file()
    again = start_eval(eval_settings, qa)  # the lock went with the child
    assert _wait_until_finished(eval_settings.home).pid == again.pid


def test_a_failed_run_is_reported_in_dutch(eval_settings: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "empty-home"
    status = JobStatus("starting", "klein.jsonl", "", time.time())
    done = run_job(replace(eval_settings, home=empty), small_qa(tmp_path / "q.jsonl"), status)
    assert done.state == "failed"
    assert "vraagbaak ingest" in done.message  # the page's own words for a missing index
    assert done.detail


# ---------------------------------------------------------------------------- uploads


def test_every_q_and_a_problem_has_dutch_words() -> None:
    assert worded_kinds() == set(PROBLEM_KINDS)


def test_an_invalid_upload_names_its_bad_lines_in_dutch_and_is_not_kept(tmp_path: Path) -> None:
    good = QA.read_text(encoding="utf-8").splitlines()[0]
    lines = [
        good,
        "{geen json",
        json.dumps(dict(json.loads(good), id="x3", type="opinion")),
        good,
    ]
    with pytest.raises(UploadRejected) as info:
        check_upload(tmp_path, "mijn vragen.jsonl", "\n".join(lines).encode())
    message = str(info.value)
    assert message.startswith(
        "`mijn vragen.jsonl` is geen geldige vragenset: fout op regels 2, 3, 4"
    )
    assert "- regel 2: geen geldige JSON (" in message
    assert "- regel 3: 'type' is 'opinion'; toegestaan zijn fact, list" in message
    assert "- regel 4: id 'q001' staat al op regel 1" in message
    assert list((tmp_path / UPLOAD_DIR).iterdir()) == []
    with pytest.raises(UploadRejected, match="niet te lezen als UTF-8"):
        check_upload(tmp_path, "latin1.jsonl", '{"question": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(UploadRejected, match="is leeg"):
        check_upload(tmp_path, "leeg.jsonl", b"\n\n")


def test_a_valid_upload_is_kept_once_and_counted(tmp_path: Path) -> None:
    data = small_qa(tmp_path / "klein.jsonl").read_bytes()
    first = check_upload(tmp_path, "../klein set.jsonl", data)
    again = check_upload(tmp_path, "../klein set.jsonl", data)
    assert first.questions == 4 and first.name == "../klein set.jsonl"
    assert first.path == again.path and first.path.parent.parent == tmp_path / UPLOAD_DIR
    assert first.path.name == "klein_set.jsonl" and first.path.read_bytes() == data
