"""The part of the maintainers' page that starts an eval and follows it to the end.

A maintainer picks the bundled Q&A set or uploads one, presses the button, and watches a
progress bar with an estimate of the time left; the run itself is a background process
(ui/eval_jobs.py), so the page and the chat page stay usable, and every tab and session sees
the same run. When it is done the page reruns and shows the new report first.
"""

from __future__ import annotations

import time
from datetime import datetime

import streamlit as st

from evals.cli import DEFAULT_QA
from foundation.settings import Settings
from ui.eval_data import format_duration
from ui.eval_jobs import EvalBusy, JobStatus, log_path, read_status, start_eval
from ui.qa_upload import CheckedUpload, UploadRejected, check_upload

BUNDLED = "De vaste vragenset"
UPLOADED = "Een eigen bestand"
POLL_SECONDS = 1.0
LOG_TAIL = 3000


def _count_questions() -> int:
    try:
        with DEFAULT_QA.open(encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 0


def _clock(stamp: float | None) -> str:
    return datetime.fromtimestamp(stamp).strftime("%d-%m-%Y %H:%M") if stamp else "?"


def progress_text(status: JobStatus, now: float) -> tuple[float, str]:
    """The progress bar's fraction and its words: questions done of total, and the time left
    at the pace so far (known after the first question)."""
    if status.state == "starting" or not status.total:
        return 0.0, "De index en de modellen worden geladen …"
    text = f"{status.done} van {status.total} vragen"
    eta = status.eta_seconds(now)
    if status.done >= status.total:
        text += " · het rapport wordt geschreven"
    elif eta is None:
        text += " · schatting van de resterende tijd volgt na de eerste vraag"
    else:
        text += f" · nog ongeveer {format_duration(eta)}"
    return min(1.0, status.done / status.total), text


def _choose_questions(settings: Settings) -> tuple[str, CheckedUpload | None]:
    n = _count_questions()
    choice = st.radio(
        "Vragenset",
        [BUNDLED, UPLOADED],
        horizontal=True,
        captions=[
            f"`evals/qa.jsonl`, {n} vragen",
            "JSON Lines in het Q&A-formaat (docs/ARCHITECTURE.md)",
        ],
        key="eval-qa-choice",
    )
    if choice != UPLOADED:
        return choice, None
    file = st.file_uploader("Vragenset uploaden (JSON Lines)", type=["jsonl"], key="eval-qa-upload")
    if file is None:
        return choice, None
    try:
        upload = check_upload(settings.home, file.name, file.getvalue())
    except UploadRejected as exc:
        st.error(str(exc), icon=":material/error:")
        return choice, None
    noun = "vraag" if upload.questions == 1 else "vragen"
    st.caption(f"`{upload.name}`: {upload.questions} {noun}, in orde.")
    return choice, upload


def render_launcher(settings: Settings) -> JobStatus | None:
    """The start form and the state of the latest page-started run; returns that state."""
    with st.container(border=True):
        st.subheader("Evaluatie starten")
        choice, upload = _choose_questions(settings)
        if st.button("Evaluatie starten", type="primary", icon=":material/play_arrow:"):
            if choice == UPLOADED and upload is None:
                st.warning("Kies eerst een geldig bestand met vragen.", icon=":material/upload:")
            else:
                path, name = (upload.path, upload.name) if upload else (DEFAULT_QA, "qa.jsonl")
                try:
                    start_eval(settings, path, name)
                except EvalBusy as exc:
                    st.warning(str(exc), icon=":material/hourglass_top:")
                except OSError as exc:
                    st.error(f"De evaluatie kon niet worden gestart: {exc}")
                else:
                    st.rerun()
        status = read_status(settings.home)
        if status is not None:
            _render_status(settings, status)
    return status


def _render_status(settings: Settings, status: JobStatus) -> None:
    if status.running:
        _follow(settings)
    elif status.state == "done":
        took = format_duration((status.finished_at or 0) - status.started_at)
        st.success(
            f"Evaluatie klaar ({_clock(status.finished_at)}): {status.total} vragen uit "
            f"`{status.qa_name}` in {took}. Het rapport staat hieronder, met de vergelijking "
            "met de baseline.",
            icon=":material/check_circle:",
        )
    elif status.state == "failed":
        st.error(f"De evaluatie van `{status.qa_name}` is mislukt. {status.message}")
        with st.expander("Technische details"):
            st.code(status.detail or "(geen)", language=None, wrap_lines=True)
    else:  # interrupted
        st.warning(
            f"De evaluatie van `{status.qa_name}` (gestart {_clock(status.started_at)}) is "
            "afgebroken voordat ze klaar was, bijvoorbeeld omdat de server stopte. Start haar "
            "opnieuw.",
            icon=":material/warning:",
        )
        _log_tail(settings)


def _log_tail(settings: Settings) -> None:
    try:
        log = log_path(settings.home).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    if log.strip():
        with st.expander("Uitvoer van het evaluatieproces"):
            st.code(log[-LOG_TAIL:], language=None)


def _follow(settings: Settings) -> None:
    """Redrawn every second on its own (a fragment), so the rest of the page stays as it is;
    when the run has ended, the whole page reruns to show its report."""

    @st.fragment(run_every=POLL_SECONDS)
    def progress() -> None:
        status = read_status(settings.home)
        if status is None or not status.running:
            st.rerun()
            return
        fraction, text = progress_text(status, time.time())
        st.progress(fraction, text=text)
        st.caption(
            f"Vragenset `{status.qa_name}`, gestart {_clock(status.started_at)}. De evaluatie "
            "loopt op de achtergrond door: u kunt deze pagina en de Vraagbaak gewoon gebruiken."
        )

    progress()
