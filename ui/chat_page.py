"""The chat page for staff: ask, read the answer as it streams, check the sources.

The Assistant (embedding model + index) is opened once per process; the conversation
lives in session state so follow-up questions ("En in Tilburg?") are searched with the
conversation's context by the service, and the page shows what was added ("met context: …").
Every failure becomes a Dutch message on the page, never a traceback.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import streamlit as st

from assistant.conversation import Conversation
from assistant.service import Assistant
from assistant.stages.understand import MAX_QUESTION_CHARS, clean_question
from foundation.errors import QuestionError
from foundation.settings import Settings
from ui.answer_view import Turn, render_answer
from ui.document_jobs import BOARD
from ui.feedback import feedback_path
from ui.page_logic import EXAMPLE_QUESTIONS, Problem, answer_html, conversation_markdown, explain
from ui.sidebar import Choices, render_controls, render_status

TITLE = "Vraagbaak — zorg en veiligheid & ondermijning"
TURNS_KEY = "turns"
CONVERSATION_KEY = "conversation"
PENDING_KEY = "pending_question"
DOCUMENTS_SEEN_KEY = "documents_generation_seen"
INPUT_CAP = 5 * MAX_QUESTION_CHARS


@st.cache_resource(show_spinner="De index wordt geopend…")
def open_assistant(settings: Settings) -> Assistant:
    """Cached per settings: a changed VRAAGBAAK_HOME opens another index. Exceptions are
    not cached, so after `vraagbaak ingest` a reload of the page simply works. Warmed here,
    so the first question does not pay for building the answerers."""
    assistant = Assistant.open(settings)
    assistant.warm()
    return assistant


def _state() -> tuple[list[Turn], Conversation]:
    if TURNS_KEY not in st.session_state:
        st.session_state[TURNS_KEY] = []
        st.session_state[CONVERSATION_KEY] = Conversation()
    return st.session_state[TURNS_KEY], st.session_state[CONVERSATION_KEY]


def new_conversation() -> None:
    st.session_state[TURNS_KEY] = []
    st.session_state[CONVERSATION_KEY] = Conversation()
    st.session_state.pop(PENDING_KEY, None)


def _ask_example(question: str) -> None:
    st.session_state[PENDING_KEY] = question


def show_problem(problem: Problem) -> None:
    if problem.level == "warning":
        st.warning(problem.message, icon=":material/edit_note:")
    else:
        st.error(problem.message, icon=":material/error:")
    if problem.detail:
        with st.expander("Technische details"):
            st.text(problem.detail)


def _see_document_changes(assistant: Assistant) -> None:
    """A document added or removed on the Documents page (this process) is searchable, and in
    the document filter, on the next page run, not only at the next periodic index check."""
    if st.session_state.get(DOCUMENTS_SEEN_KEY) != BOARD.generation:
        assistant.current_index(recheck=True)
        st.session_state[DOCUMENTS_SEEN_KEY] = BOARD.generation


def _header() -> None:
    st.title(TITLE)


def _intro() -> None:
    st.markdown(
        '<div class="vb-intro">Stel een vraag over de beleidsdocumenten over zorg en '
        "veiligheid en ondermijning. Elk deel van het antwoord verwijst met <b>[1]</b>, "
        "<b>[2]</b> … naar de passage waar het staat, zodat je het kunt controleren en in "
        "een memo kunt overnemen. Je kunt doorvragen op een eerder antwoord.</div>",
        unsafe_allow_html=True,
    )
    st.markdown("**Probeer bijvoorbeeld:**")
    cols = st.columns(2)
    for i, question in enumerate(EXAMPLE_QUESTIONS):
        cols[i % 2].button(
            question,
            key=f"example-{i}",
            on_click=_ask_example,
            args=(question,),
            use_container_width=True,
        )


def _history(turns: list[Turn], settings: Settings) -> None:
    for turn in turns:
        with st.chat_message("user"):
            st.text(turn.question)
        with st.chat_message("assistant"):
            render_answer(turn, feedback_path(settings.home))


def _answer_new(
    assistant: Assistant,
    question: str,
    choices: Choices,
    turns: list[Turn],
    conversation: Conversation,
    settings: Settings,
) -> None:
    try:
        text = clean_question(question)
    except Exception as exc:  # QuestionError: empty, control-only or too long
        show_problem(explain(exc))
        return
    with st.chat_message("user"):
        st.text(text)
    with st.chat_message("assistant"):
        placeholder = st.empty()
        streamed: list[str] = []

        def on_token(piece: str) -> None:
            streamed.append(piece)
            placeholder.markdown(answer_html("".join(streamed) + " ▍"), unsafe_allow_html=True)

        placeholder.markdown("_Even zoeken in de documenten…_")
        try:
            answer = assistant.ask(
                text,
                conversation=conversation,
                doc_ids=choices.doc_ids,
                on_token=on_token,
                mode=choices.mode,
            )
        except Exception as exc:  # the page must stay usable whatever the service does
            placeholder.empty()
            show_problem(explain(exc))
            if not isinstance(exc, QuestionError):
                # e.g. the Chroma server went away: reopen on the next question, so a
                # restarted server (or a fresh ingest) works without restarting the page
                open_assistant.clear()
            return
        placeholder.empty()
        turn = Turn(id=uuid.uuid4().hex, question=text, answer=answer)
        turns.append(turn)
        render_answer(turn, feedback_path(settings.home))


def _download(slot: st.delta_generator.DeltaGenerator, turns: list[Turn]) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    slot.download_button(
        "Gesprek downloaden (Markdown)",
        icon=":material/download:",
        data=conversation_markdown([(t.question, t.answer) for t in turns]),
        file_name=f"vraagbaak-gesprek-{stamp}.md",
        mime="text/markdown",
        disabled=not turns,
        use_container_width=True,
        key="download_conversation",
    )


def render_chat() -> None:
    st.set_page_config(layout="centered")  # each page sets its own layout (ui/app.py)
    _header()
    settings = Settings.from_env()
    try:
        assistant = open_assistant(settings)
        _see_document_changes(assistant)
        status = assistant.status()
    except Exception as exc:  # no index, other model, Chroma down: say what to do
        show_problem(explain(exc))
        return

    turns, conversation = _state()
    choices = render_controls(status, new_conversation, llm_enabled=settings.llm.enabled)
    download_slot = st.sidebar.empty()
    render_status(status)

    question = st.chat_input(
        "Stel je vraag over zorg en veiligheid of ondermijning…",
        # Well above the service's limit: a too-long paste gets the service's explanation
        # (how long, what the maximum is) instead of being cut off without a word.
        max_chars=INPUT_CAP,
        key="question",
    )
    if question is None:
        question = st.session_state.pop(PENDING_KEY, None)
    if not turns and question is None:
        _intro()
    _history(turns, settings)
    if question is not None:
        _answer_new(assistant, question, choices, turns, conversation, settings)
    _download(download_slot, turns)
