"""One answer on the page: text with [n] markers, numbered sources to check, memo text to
copy, and thumbs for feedback.

Staff paste these answers into memos, so checking a citation must take one click: each
source is an expander whose label says where it is and whose body shows the passage with
the supporting sentence marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from assistant.markdown import escape_label
from assistant.types import Answer, Citation
from ui.feedback import FeedbackEntry, save_feedback
from ui.page_logic import (
    ALTERNATIVES_HELP,
    ALTERNATIVES_TITLE,
    MEMO_LABEL,
    PICK_LABEL,
    alternative_quote_html,
    answer_caption,
    answer_html,
    context_line,
    memo_answer,
    memo_citation,
    passage_html,
    source_label,
    source_meta_html,
)


@dataclass
class Turn:
    """One question and its answer as the page keeps them in session state."""

    id: str
    question: str
    answer: Answer


def render_answer(turn: Turn, feedback_db: Path) -> None:
    answer = turn.answer
    searched = context_line(answer)
    if searched:
        st.caption(escape_label(searched))
    st.markdown(answer_html(answer.text), unsafe_allow_html=True)
    for notice in answer.notices:
        st.info(notice, icon=":material/info:")
    render_sources(turn)
    st.caption(answer_caption(answer))
    render_feedback(turn, feedback_db)


def render_sources(turn: Turn) -> None:
    answer = turn.answer
    if answer.citations:
        st.html('<div class="vb-sources-title">Bronnen</div>')
        for c in answer.citations:
            with st.expander(source_label(c), expanded=False):
                _render_source(c)
    # a refusal may still offer passages that hold what was asked (stages/alternatives.py);
    # its memo text is only worth copying once one of them is ticked
    picked = render_alternatives(turn)
    if answer.citations or picked:
        with st.expander(MEMO_LABEL, icon=":material/content_copy:"):
            st.code(memo_answer(answer, picked), language="markdown", wrap_lines=True)


def _render_source(c: Citation) -> None:
    st.markdown(source_meta_html(c), unsafe_allow_html=True)
    st.markdown(passage_html(c.text, c.quote), unsafe_allow_html=True)
    st.caption("Bronvermelding voor een memo (kopieerknop rechtsboven):")
    st.code(memo_citation(c), language=None, wrap_lines=True)


def render_alternatives(turn: Turn) -> list[Citation]:
    """The "Ook relevant" passages, in a box of their own under the sources, each with a
    box to tick for the memo text; returns the ticked ones."""
    alternatives = turn.answer.alternatives
    if not alternatives:
        return []
    picked: list[Citation] = []
    with st.container(border=True, key=f"vb-alternatives-{turn.id}"):
        st.html(f'<div class="vb-sources-title vb-alt-title">{ALTERNATIVES_TITLE}</div>')
        st.caption(ALTERNATIVES_HELP)
        for c in alternatives:
            with st.expander(source_label(c), expanded=False):
                _render_source(c)
            st.markdown(alternative_quote_html(c), unsafe_allow_html=True)
            if st.checkbox(PICK_LABEL, key=f"pick-{turn.id}-{c.n}"):
                picked.append(c)
    return picked


def _rating_key(turn: Turn) -> str:
    return f"rating-{turn.id}"


def _comment_key(turn: Turn) -> str:
    return f"comment-{turn.id}"


def _store(turn: Turn, feedback_db: Path) -> None:
    """Callback of both the thumbs and the comment box: one row per answer, updated."""
    rating_value = st.session_state.get(_rating_key(turn))
    if rating_value is None:
        return
    entry = FeedbackEntry.from_answer(
        turn.id,
        turn.answer,
        "up" if rating_value == 1 else "down",
        st.session_state.get(_comment_key(turn), "") or "",
    )
    try:
        save_feedback(feedback_db, entry)
    except Exception as exc:  # e.g. a read-only data dir; the answer stays usable
        st.session_state[f"feedback-error-{turn.id}"] = f"{type(exc).__name__}: {exc}"
        return
    st.session_state.pop(f"feedback-error-{turn.id}", None)
    st.toast("Bedankt voor je feedback!", icon=":material/check_circle:")


def render_feedback(turn: Turn, feedback_db: Path) -> None:
    cols = st.columns([0.32, 0.68], vertical_alignment="center")
    with cols[0]:
        st.caption("Was dit antwoord nuttig?")
    with cols[1]:
        st.feedback("thumbs", key=_rating_key(turn), on_change=_store, args=(turn, feedback_db))
    if st.session_state.get(_rating_key(turn)) is not None:
        st.text_input(
            "Toelichting (optioneel)",
            key=_comment_key(turn),
            placeholder="Wat klopte er niet, of wat miste je? Druk op Enter om op te slaan.",
            on_change=_store,
            args=(turn, feedback_db),
            max_chars=2000,
        )
    error = st.session_state.get(f"feedback-error-{turn.id}")
    if error:
        st.warning(
            f"Je feedback kon niet worden opgeslagen (is de datamap schrijfbaar?). Details: {error}"
        )
