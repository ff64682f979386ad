"""The sidebar: what to search, how to answer, a fresh start, and whether the index is
what staff think it is (which documents, built when, with which model)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import streamlit as st

from ingest.index import IndexStatus
from ui.page_logic import MODE_LABELS, status_rows

DOCS_KEY = "doc_filter"
MODE_KEY = "answer_mode"


@dataclass(frozen=True)
class Choices:
    doc_ids: list[str] | None  # None: all documents
    mode: str


def render_controls(
    status: IndexStatus, on_new_conversation: object, *, llm_enabled: bool
) -> Choices:
    """The document filter, the answer mode (offered only when an LLM is configured) and the
    new-conversation button."""
    sb = st.sidebar
    titles = status.doc_titles
    sb.subheader("Zoeken in")
    chosen = sb.multiselect(
        "Documenten",
        options=sorted(titles, key=lambda d: titles[d].lower()),
        format_func=lambda d: titles.get(d, d),
        key=DOCS_KEY,
        placeholder="Alle documenten",
        help="Laat leeg om in alle documenten te zoeken.",
    )
    # A filter may name a document that a later ingest removed; keep only live ones.
    doc_ids = [d for d in chosen if d in titles] or None

    sb.subheader("Antwoord")
    has_llm = llm_enabled
    mode = sb.radio(
        "Antwoordmodus",
        options=list(MODE_LABELS),
        format_func=MODE_LABELS.get,
        key=MODE_KEY,
        index=1 if has_llm else 0,
        disabled=not has_llm,
        help="Extractief: zinnen letterlijk uit de documenten. Taalmodel: een geformuleerd "
        "antwoord dat alleen de gevonden passages mag gebruiken.",
    )
    if not has_llm:
        sb.caption(
            "Geen taalmodel ingesteld (`VRAAGBAAK_LLM_BASE_URL`); antwoorden komen letterlijk "
            "uit de documenten."
        )
    sb.button(
        "Nieuw gesprek",
        icon=":material/add_comment:",
        on_click=on_new_conversation,  # type: ignore[arg-type]
        use_container_width=True,
        key="new_conversation",
    )
    return Choices(doc_ids=doc_ids, mode=str(mode or "extractive"))


def render_status(status: IndexStatus) -> None:
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
        for k, v in status_rows(status)
    )
    with st.sidebar.expander("Indexstatus", expanded=False):
        st.markdown(f'<table class="vb-status">{rows}</table>', unsafe_allow_html=True)
