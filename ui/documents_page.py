"""The Documents page: which documents Vraagbaak answers from, and (when the maintainer has
enabled it with VRAAGBAAK_DOCUMENT_ADMIN) adding, replacing and removing them.

A change is checked here first, so a bad file is refused at once with the fields kept; then
it runs in the background (ui/document_jobs.py) and its progress is redrawn every second by
a fragment, so neither this page nor anyone else's chat waits for the embedding. The work
itself is ingest/documents.py, the same code `vraagbaak documents` runs.
"""

from __future__ import annotations

import json

import streamlit as st

from assistant.markdown import escape_label
from foundation.settings import Settings
from ingest.document_check import Fields, Upload
from ingest.document_list import NOT_IN_MANIFEST, DocumentRow, list_documents
from ingest.documents import (
    add_document,
    check_new,
    check_replacement,
    remove_document,
    replace_document,
)
from ui.document_jobs import BOARD
from ui.documents_logic import (
    ADMIN_OFF,
    COLUMNS,
    explain_change,
    job_label,
    outcome,
    progress_text,
    remove_question,
    replace_question,
    summary,
    table_rows,
)
from ui.page_logic import Problem

JOBS_KEY = "document_jobs"  # ids of the changes this session started
SEEN_KEY = "document_jobs_seen"  # ids this session has seen running (to redraw when done)
FORM_KEY = "document_forms"  # bumped to empty the forms after a change started
# A change waits this long for another ingest (a colleague's change, `vraagbaak ingest`).
LOCK_WAIT_SECONDS = 30 * 60
TYPES = ["pdf", "md", "txt"]
ROW_PX = 35  # st.dataframe's row height


def render_documents() -> None:
    st.set_page_config(page_title="Documenten — Vraagbaak", layout="wide")
    st.title("Documenten")
    settings = Settings.from_env()
    hint = f"PDF, Markdown of tekst · hoogstens {_limit(settings)} MB"
    st.html(f"<style>:root {{ --vb-upload-hint: {json.dumps(hint, ensure_ascii=False)}; }}</style>")
    st.caption(
        "De documenten waaruit Vraagbaak antwoordt en citeert, met hun stand in de index. "
        f"Documentenmap: `{settings.corpus_dir}`."
    )
    _progress_area()
    try:
        rows = list_documents(settings)
    except Exception as exc:  # a broken manifest, Chroma down: say what to do
        _show(explain_change(exc))
        return
    _table(rows)
    if not settings.document_admin:
        st.info(ADMIN_OFF, icon=":material/lock:")
        return
    _add_form(settings)
    changeable = [row for row in rows if row.state != NOT_IN_MANIFEST]
    if changeable:
        _change_section(settings, changeable)


# --- progress ----------------------------------------------------------------------------


def _progress_area() -> None:
    """Redrawn every second while a change runs (and not at all otherwise)."""
    every = 1.0 if BOARD.running() else None
    st.fragment(_progress_body, run_every=every)()


def _progress_body() -> None:
    running = BOARD.running()
    seen: set[str] = st.session_state.setdefault(SEEN_KEY, set())
    for job in running:
        text, value = progress_text(job)
        with st.container(border=True):
            st.markdown(f"**{escape_label(job_label(job))}**")
            st.progress(value or 0.0, text=text)
        seen.add(job.id)
    ended = seen - {job.id for job in running}
    if ended:
        seen.difference_update(ended)
        st.rerun()  # the whole page: the list shows the change
    mine = [found for i in st.session_state.get(JOBS_KEY, []) if (found := BOARD.get(i))]
    finished = [job for job in mine if job.finished]
    for job in reversed(finished):
        if job.result is not None:
            st.success(escape_label(outcome(job.result)), icon=":material/check_circle:")
        elif job.error is not None:
            _show(explain_change(job.error), label=job_label(job))
    if finished:
        st.button("Meldingen wissen", key="clear_outcomes", on_click=_clear_outcomes)


def _clear_outcomes() -> None:
    st.session_state[JOBS_KEY] = [
        i for i in st.session_state.get(JOBS_KEY, []) if (job := BOARD.get(i)) and not job.finished
    ]


def _start(action: str, title: str, work) -> None:
    job = BOARD.start(action, title, work)
    st.session_state.setdefault(JOBS_KEY, []).append(job.id)
    st.session_state.setdefault(SEEN_KEY, set()).add(job.id)
    st.session_state[FORM_KEY] = st.session_state.get(FORM_KEY, 0) + 1


# --- the list ----------------------------------------------------------------------------


def _table(rows: list[DocumentRow]) -> None:
    if not rows:
        st.info("Er staan nog geen documenten in manifest.toml.", icon=":material/inbox:")
        return
    st.markdown(summary(rows))
    st.dataframe(
        table_rows(rows),
        hide_index=True,
        width="stretch",
        column_order=COLUMNS,
        column_config={
            "Titel": st.column_config.TextColumn(width="large"),
            "Uitgever": st.column_config.TextColumn(width="medium"),
        },
        height=ROW_PX * (len(rows) + 1) + 3,  # every row, no inner scrolling
        key="documents_table",
    )


# --- adding ------------------------------------------------------------------------------


def _add_form(settings: Settings) -> None:
    st.subheader("Document toevoegen")
    generation = st.session_state.get(FORM_KEY, 0)
    with st.form(f"add-{generation}", border=True):
        uploaded = st.file_uploader(
            "Bestand",
            type=TYPES,
            max_upload_size=_widget_limit(settings),
            help="Een PDF moet tekst bevatten: een scan zonder tekstherkenning (OCR) wordt "
            "geweigerd.",
            key=f"add-file-{generation}",
        )
        title = st.text_input(
            "Titel",
            help="Zoals op het document; elk citaat noemt deze titel.",
            key=f"add-title-{generation}",
        )
        left, right = st.columns(2)
        publisher = left.text_input(
            "Uitgever", placeholder="bijv. VNG", key=f"add-publisher-{generation}"
        )
        date = right.text_input(
            "Datum", placeholder="bijv. 2025, 2025-01 of 2025-01-15", key=f"add-date-{generation}"
        )
        submitted = st.form_submit_button("Toevoegen", type="primary", icon=":material/add:")
    if not submitted:
        return
    if uploaded is None:
        st.warning("Kies eerst een bestand om toe te voegen.", icon=":material/upload_file:")
        return
    upload = Upload(uploaded.name, uploaded.getvalue())
    fields = Fields(title, publisher, date)
    try:
        cleaned = check_new(settings, upload, fields)
    except Exception as exc:  # refused before anything changed
        _show(explain_change(exc))
        return

    def work(progress):
        return add_document(
            settings, upload, fields, progress=progress, lock_timeout=LOCK_WAIT_SECONDS
        )

    _start("add", cleaned.title, work)
    st.rerun()


# --- replacing and removing --------------------------------------------------------------


def _change_section(settings: Settings, rows: list[DocumentRow]) -> None:
    st.subheader("Document vervangen of verwijderen")
    by_id = {row.id: row for row in rows}
    doc_id = st.selectbox(
        "Document",
        options=list(by_id),
        format_func=lambda d: f"{by_id[d].title} ({d})",
        key="change-document",
    )
    row = by_id.get(str(doc_id)) if doc_id else None
    if row is None:
        return
    generation = st.session_state.get(FORM_KEY, 0)
    replace_tab, remove_tab = st.tabs(["Nieuwe versie", "Verwijderen"])
    with replace_tab, st.form(f"replace-{row.id}-{generation}", border=True):
        uploaded = st.file_uploader(
            "Nieuwe versie",
            type=TYPES,
            max_upload_size=_widget_limit(settings),
            help="Het document houdt zijn id; de passages van de oude versie verdwijnen.",
            key=f"replace-file-{row.id}-{generation}",
        )
        title = st.text_input("Titel", value=row.title, key=f"replace-title-{row.id}")
        left, right = st.columns(2)
        publisher = left.text_input(
            "Uitgever", value=row.publisher, key=f"replace-publisher-{row.id}"
        )
        date = right.text_input("Datum", value=row.date, key=f"replace-date-{row.id}")
        submitted = st.form_submit_button("Vervangen…", icon=":material/sync:")
    if submitted:
        if uploaded is None:
            st.warning(
                "Kies eerst het bestand met de nieuwe versie.", icon=":material/upload_file:"
            )
        else:
            upload = Upload(uploaded.name, uploaded.getvalue())
            fields = Fields(title, publisher, date)
            try:
                check_replacement(settings, row.id, upload, fields)
            except Exception as exc:
                _show(explain_change(exc))
            else:
                _confirm_replace(settings, row, upload, fields)
    with remove_tab:
        st.write(f"Verwijder ‘{row.title}’ uit de documenten en de index.")
        if st.button("Verwijderen…", icon=":material/delete:", key=f"remove-{row.id}"):
            _confirm_remove(settings, row)


@st.dialog("Document vervangen?")
def _confirm_replace(settings: Settings, row: DocumentRow, upload: Upload, fields: Fields) -> None:
    st.write(replace_question(row, upload.display_name))
    yes, no = st.columns(2)
    if yes.button("Ja, vervangen", type="primary", key="confirm-replace"):

        def work(progress):
            return replace_document(
                settings, row.id, upload, fields, progress=progress, lock_timeout=LOCK_WAIT_SECONDS
            )

        _start("replace", row.title, work)
        st.rerun()
    if no.button("Annuleren", key="cancel-replace"):
        st.rerun()


@st.dialog("Document verwijderen?")
def _confirm_remove(settings: Settings, row: DocumentRow) -> None:
    st.write(remove_question(row))
    yes, no = st.columns(2)
    if yes.button("Ja, verwijderen", type="primary", key="confirm-remove"):

        def work(progress):
            return remove_document(
                settings, row.id, progress=progress, lock_timeout=LOCK_WAIT_SECONDS
            )

        _start("remove", row.title, work)
        st.rerun()
    if no.button("Annuleren", key="cancel-remove"):
        st.rerun()


# --- small pieces ------------------------------------------------------------------------


def _show(problem: Problem, label: str = "") -> None:
    message = escape_label(f"{label}: {problem.message}" if label else problem.message)
    if problem.level == "warning":
        st.warning(message, icon=":material/edit_note:")
    else:
        st.error(message, icon=":material/error:")
    if problem.detail:
        with st.expander("Technische details"):
            st.text(problem.detail)


def _limit(settings: Settings) -> str:
    return f"{settings.max_document_mb:g}".replace(".", ",")


def _widget_limit(settings: Settings) -> int:
    """The browser refuses files above this before they are sent. Twice the setting, so a file
    a little too large still reaches our check and its Dutch explanation; much larger files
    are stopped at once by Streamlit's own message."""
    return max(1, int(settings.max_document_mb * 2 + 0.999))
