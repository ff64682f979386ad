"""The chat page, run in-process by Streamlit's AppTest against the real index of the
bundled corpus: what staff see after a question, a follow-up, bad input and no index."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.settings import Settings

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
TIMEOUT = 120

pytestmark = pytest.mark.slow


@pytest.fixture
def app_home(corpus_index: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("VRAAGBAAK_HOME", str(corpus_index.home))
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", corpus_index.embedding)
    monkeypatch.setenv("VRAAGBAAK_CORPUS", str(corpus_index.corpus_dir))
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    monkeypatch.delenv("VRAAGBAAK_LLM_BASE_URL", raising=False)
    return corpus_index


@pytest.fixture
def app(app_home: Settings) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def answer_blocks(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="vb-answer"' in m.value]


def source_labels(at: AppTest) -> list[str]:
    return [e.label for e in at.expander if e.label.startswith("[")]


def turns(at: AppTest) -> list:
    return at.session_state["turns"] if "turns" in at.session_state else []  # noqa: SIM401


def test_empty_page_has_title_intro_and_examples(app: AppTest) -> None:
    assert app.title[0].value == "Vraagbaak — zorg en veiligheid & ondermijning"
    examples = [b for b in app.button if b.key and b.key.startswith("example-")]
    assert len(examples) >= 3
    status = " ".join(m.value for m in app.sidebar.markdown)
    assert "Documenten" in status and "e5-small-q4" in status


def test_question_gives_answer_with_numbered_sources(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    blocks = answer_blocks(app)
    assert len(blocks) == 1
    assert "[1]" in blocks[0]
    labels = source_labels(app)
    assert labels and labels[0].startswith("[1]")
    answer = turns(app)[-1].answer
    assert not answer.abstained
    assert len(labels) == len(answer.citations)
    # the passage of each source is shown with its supporting sentence marked
    passages = [m.value for m in app.markdown if 'class="vb-passage"' in m.value]
    assert len(passages) == len(answer.citations)
    assert "<mark>" in passages[0]
    # memo-ready text: one block per source plus the whole answer
    codes = [c.value for c in app.code]
    assert len(codes) == len(answer.citations) + 1
    assert answer.citations[0].title in codes[0]
    assert not app.error and not app.warning


def test_example_button_asks(app: AppTest) -> None:
    app.button(key="example-0").click().run()
    assert not app.exception
    assert len(turns(app)) == 1
    assert answer_blocks(app)


def test_follow_up_uses_the_conversation(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    ask(app, "En wie werken daar samen?")
    assert len(turns(app)) == 2
    assert len(answer_blocks(app)) == 2
    follow_up = turns(app)[-1].answer
    assert follow_up.standalone_question != "En wie werken daar samen?"
    conversation = app.session_state["conversation"]
    assert len(conversation.turns) == 2
    users = [m for m in app.chat_message if m.name == "user"]
    assert len(users) == 2


@pytest.mark.parametrize("question", ["   ", "\t\n \x00\x07 "])
def test_blank_question_gives_dutch_message(app: AppTest, question: str) -> None:
    ask(app, question)
    assert [w.value for w in app.warning] == ["Stel een vraag: het vraagveld is leeg."]
    assert not turns(app)
    assert not app.error


def test_too_long_question_gives_dutch_message(app: AppTest) -> None:
    ask(app, "Wat doet de gemeente tegen ondermijning? " * 75)  # about 3000 characters
    messages = [w.value for w in app.warning]
    assert len(messages) == 1
    assert "te lang" in messages[0] and "maximaal 2.000" in messages[0]
    assert not turns(app)


def test_document_filter_restricts_sources(app: AppTest) -> None:
    app.multiselect(key="doc_filter").set_value(["ondermijning-in-de-wijk"]).run()
    ask(app, "Hoe kan een gemeente ondermijning in de wijk aanpakken?")
    answer = turns(app)[-1].answer
    assert answer.citations
    assert {c.doc_id for c in answer.citations} == {"ondermijning-in-de-wijk"}


def test_new_conversation_clears(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    assert turns(app)
    app.button(key="new_conversation").click().run()
    assert not app.exception
    assert not turns(app)
    assert not answer_blocks(app)
    assert not app.session_state["conversation"].turns
    assert any(b.key == "example-0" for b in app.button)  # the intro is back


def test_download_holds_the_conversation(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    from ui.page_logic import conversation_markdown

    text = conversation_markdown([(t.question, t.answer) for t in turns(app)])
    assert text.startswith("# Vraagbaak")
    assert "Wat is het Zorg- en Veiligheidshuis?" in text
    assert "[1]" in text


def test_no_index_gives_dutch_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("VRAAGBAAK_HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Er is nog geen index. Draai eerst `vraagbaak ingest` (of `make run`)."
    ]
    assert not list(at.chat_input)


def test_model_mismatch_gives_dutch_message(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second real model is not on this machine, so the store's own error is raised at
    open (the store raising it is tested in test_ingest_pipeline)."""
    from assistant.service import Assistant
    from ingest.store import IndexModelMismatch

    def other_model(cls: type, settings: Settings | None = None) -> Assistant:
        raise IndexModelMismatch(
            "The index was built with embedding model 'e5-small-q4' (dim 384); this run uses "
            "'sentence-transformers:/models/x' (dim 768)."
        )

    st.cache_resource.clear()
    monkeypatch.setattr(Assistant, "open", classmethod(other_model))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "ander embeddingmodel" in message
    assert "vraagbaak ingest --rebuild" in message
    assert "e5-small-q4" in " ".join(t.value for t in at.text)  # the details for the fixer
    assert not list(at.chat_input)
    st.cache_resource.clear()


def test_unknown_embedding_setting_gives_dutch_message(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", "bestaat-niet")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "VRAAGBAAK_EMBEDDING" in " ".join(e.value for e in at.error)
    st.cache_resource.clear()


def test_unreachable_chroma_gives_dutch_message(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("VRAAGBAAK_CHROMA_URL", "http://127.0.0.1:9")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "niet bereikbaar" in message
    st.cache_resource.clear()
