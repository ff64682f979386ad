"""The chat page, run in-process by Streamlit's AppTest against the real index of the
bundled corpus: what staff see after a question, a follow-up, bad input and no index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from foundation.settings import Settings

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
TIMEOUT = 120


@pytest.fixture
def app_home(corpus_index: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("VRAAGBAAK_HOME", str(corpus_index.home))
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", corpus_index.embedding)
    monkeypatch.setenv("VRAAGBAAK_CORPUS", str(corpus_index.corpus_dir))
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    monkeypatch.delenv("VRAAGBAAK_LLM_BASE_URL", raising=False)
    monkeypatch.setenv("VRAAGBAAK_REPORTS", str(corpus_index.home / "no-reports"))
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


BASELINE_METRICS = json.loads(
    (Path(__file__).resolve().parent.parent / "evals" / "baseline.json").read_text("utf-8")
)["metrics"]


def _percent(value: float) -> str:
    """A share as the eval page writes it: one decimal, a decimal comma."""
    return f"{100 * value:.1f}%".replace(".", ",")


def source_labels(at: AppTest) -> list[str]:
    """Labels of the answer's own sources and of its "Ook relevant" passages, in page order."""
    return [e.label for e in at.expander if e.label.startswith("[")]


def turns(at: AppTest) -> list:
    return at.session_state["turns"] if "turns" in at.session_state else []  # noqa: SIM401


@pytest.mark.slow
def test_empty_page_has_title_intro_and_examples(app: AppTest) -> None:
    assert app.title[0].value == "Vraagbaak — zorg en veiligheid & ondermijning"
    examples = [b for b in app.button if b.key and b.key.startswith("example-")]
    assert len(examples) >= 3
    status = " ".join(m.value for m in app.sidebar.markdown)
    assert "Documenten" in status and "e5-small-q4" in status


@pytest.mark.slow
def test_question_gives_answer_with_numbered_sources(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    blocks = answer_blocks(app)
    assert len(blocks) == 1
    assert "[1]" in blocks[0]
    labels = source_labels(app)
    assert labels and labels[0].startswith("[1]")
    answer = turns(app)[-1].answer
    assert not answer.abstained
    shown = answer.citations + answer.alternatives  # "Ook relevant" follows the sources
    assert len(labels) == len(shown)
    assert [label.split("]")[0] + "]" for label in labels] == [f"[{c.n}]" for c in shown]
    # the passage of each source is shown with its supporting sentence marked
    passages = [m.value for m in app.markdown if 'class="vb-passage"' in m.value]
    assert len(passages) == len(shown)
    assert "<mark>" in passages[0]
    # memo-ready text: one block per source plus the whole answer
    codes = [c.value for c in app.code]
    assert len(codes) == len(shown) + 1
    assert answer.citations[0].title in codes[0]
    assert not app.error and not app.warning


@pytest.mark.slow
def test_a_refusal_shows_the_passages_that_hold_what_it_lacked(app: AppTest) -> None:
    """A refused place question shows no sources, but "Ook relevant" passages that name
    the town; one ticked goes into a memo text under its own heading."""
    ask(app, "Wie van de gemeente Vlaardingen schoven aan bij de bijeenkomsten voor de wegwijzer?")
    answer = turns(app)[-1].answer
    assert answer.abstained and answer.alternatives
    html = " ".join(m.value for m in app.markdown)
    assert "Bronnen" not in " ".join(str(h.value) for h in app.get("html"))
    assert "Ook relevant" in " ".join(str(h.value) for h in app.get("html"))
    assert [e.label.split("]")[0] + "]" for e in app.expander if e.label.startswith("[")] == [
        f"[{c.n}]" for c in answer.alternatives
    ]
    assert "vb-alt-quote" in html and "“•" not in html  # a list item's bullet is not quoted
    # one citation block per alternative, and no memo text until one is ticked
    assert len(app.code) == len(answer.alternatives)
    app.checkbox(key=f"pick-{turns(app)[-1].id}-1").check().run()
    assert len(app.code) == len(answer.alternatives) + 1
    memo = app.code[-1].value
    assert "Ook relevant (niet in het antwoord)" in memo
    assert answer.alternatives[0].title in memo


@pytest.mark.slow
def test_example_button_asks(app: AppTest) -> None:
    app.button(key="example-0").click().run()
    assert not app.exception
    assert len(turns(app)) == 1
    assert answer_blocks(app)


@pytest.mark.slow
def test_follow_up_uses_the_conversation(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    ask(app, "En wie werken daar samen?")
    assert len(turns(app)) == 2
    assert len(answer_blocks(app)) == 2
    follow_up = turns(app)[-1].answer
    assert follow_up.question == "En wie werken daar samen?"
    assert follow_up.context == ["het Zorg- en Veiligheidshuis"]
    captions = [c.value.replace("\\", "") for c in app.caption]  # Markdown escapes out
    assert any("met context: het Zorg- en Veiligheidshuis" in c for c in captions)
    conversation = app.session_state["conversation"]
    assert len(conversation.turns) == 2
    users = [m for m in app.chat_message if m.name == "user"]
    assert len(users) == 2


@pytest.mark.slow
@pytest.mark.parametrize("question", ["   ", "\t\n \x00\x07 "])
def test_blank_question_gives_dutch_message(app: AppTest, question: str) -> None:
    ask(app, question)
    assert [w.value for w in app.warning] == ["Stel een vraag: het vraagveld is leeg."]
    assert not turns(app)
    assert not app.error


@pytest.mark.slow
def test_too_long_question_gives_dutch_message(app: AppTest) -> None:
    ask(app, "Wat doet de gemeente tegen ondermijning? " * 75)  # about 3000 characters
    messages = [w.value for w in app.warning]
    assert len(messages) == 1
    assert "te lang" in messages[0] and "maximaal 2.000" in messages[0]
    assert not turns(app)


@pytest.mark.slow
def test_document_filter_restricts_sources(app: AppTest) -> None:
    app.multiselect(key="doc_filter").set_value(["ondermijning-in-de-wijk"]).run()
    ask(app, "Hoe kan een gemeente ondermijning in de wijk aanpakken?")
    answer = turns(app)[-1].answer
    assert answer.citations
    assert {c.doc_id for c in answer.citations} == {"ondermijning-in-de-wijk"}


@pytest.mark.slow
def test_new_conversation_clears(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    assert turns(app)
    app.button(key="new_conversation").click().run()
    assert not app.exception
    assert not turns(app)
    assert not answer_blocks(app)
    assert not app.session_state["conversation"].turns
    assert any(b.key == "example-0" for b in app.button)  # the intro is back


@pytest.mark.slow
def test_download_holds_the_conversation(app: AppTest) -> None:
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    from ui.page_logic import conversation_markdown

    text = conversation_markdown([(t.question, t.answer) for t in turns(app)])
    assert text.startswith("# Vraagbaak")
    assert "Wat is het Zorg- en Veiligheidshuis?" in text
    assert "[1]" in text


@pytest.mark.slow
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


@pytest.mark.slow
def test_model_mismatch_gives_dutch_message(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second real model is not on this machine, so the store's own error is raised at
    open (the store raising it is tested in test_ingest_pipeline)."""
    from assistant.service import Assistant
    from foundation.errors import IndexModelMismatch

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


@pytest.mark.slow
def test_unknown_embedding_setting_gives_dutch_message(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", "bestaat-niet")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "VRAAGBAAK_EMBEDDING" in " ".join(e.value for e in at.error)
    st.cache_resource.clear()


@pytest.mark.slow
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


@pytest.mark.slow
def test_failure_while_answering_is_a_dutch_message(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chroma server that dies mid-session: a message, and the page reopens next time."""
    from assistant.service import Assistant
    from foundation.errors import IndexUnreachable

    def broken(self: Assistant, *args: object, **kwargs: object) -> None:
        raise IndexUnreachable("Chroma server at http://127.0.0.1:8000 does not answer")

    monkeypatch.setattr(Assistant, "ask", broken)
    ask(app, "Wat is het Zorg- en Veiligheidshuis?")
    assert any("niet bereikbaar" in e.value for e in app.error)
    assert not turns(app)
    monkeypatch.undo()
    st.cache_resource.clear()


# ---------------------------------------------------------------------------- answer modes


@pytest.mark.slow
def test_llm_mode_streams_the_models_answer(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_openai_server import FakeOpenAIServer

    reply = "Het Zorg- en Veiligheidshuis brengt zorg- en veiligheidspartners samen [1]."
    with FakeOpenAIServer(reply) as server:
        monkeypatch.setenv("VRAAGBAAK_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("VRAAGBAAK_LLM_MODEL", "nep-model")
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        assert at.radio(key="answer_mode").value == "llm"
        ask(at, "Wat is het Zorg- en Veiligheidshuis?")
        assert server.requests
    answer = turns(at)[-1].answer
    assert answer.mode == "llm"
    assert "brengt zorg- en veiligheidspartners samen" in answer_blocks(at)[0]
    assert source_labels(at)[0].startswith("[1]")
    assert "taalmodel" in at.caption[-1].value or any("taalmodel" in c.value for c in at.caption)


@pytest.mark.slow
def test_unreachable_llm_falls_back_with_notice(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VRAAGBAAK_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("VRAAGBAAK_LLM_TIMEOUT", "5")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    ask(at, "Wat is het Zorg- en Veiligheidshuis?")
    answer = turns(at)[-1].answer
    assert answer.mode == "extractive" and answer.notices
    notices = [i.value for i in at.info]
    assert any("niet bereikbaar" in n for n in notices)
    assert "[1]" in answer_blocks(at)[0]


@pytest.mark.slow
def test_extractive_can_be_chosen_when_llm_is_set(
    app_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VRAAGBAAK_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="answer_mode").set_value("extractive").run()
    ask(at, "Wat is het Zorg- en Veiligheidshuis?")
    answer = turns(at)[-1].answer
    assert answer.mode == "extractive"
    # no LLM fallback notice: the only notice an extractive answer may carry is "unsure"
    assert all("Ook relevant" in notice for notice in answer.notices)
    assert all("Ook relevant" in i.value for i in at.info)


# ---------------------------------------------------------------------------- eval page

EVAL_PAGE = str(Path(__file__).resolve().parent.parent / "ui" / "eval_page.py")


def _result(date: str, hit5: float, questions: list[dict]) -> dict:
    metrics = {
        "hit@1": hit5 - 0.2,
        "hit@5": hit5,
        "mrr@10": hit5 - 0.1,
        "ndcg@10": hit5 - 0.1,
        "citation_precision": 0.8,
        "citation_recall": 0.6,
        "abstention_accuracy": 0.9,
        "false_abstention_rate": 0.05,
        "token_f1": 0.4,
        "ask_p50_ms": 350.0,
        "ask_p95_ms": 900.0,
        "n_questions": len(questions),
    }
    return {
        "metrics": metrics,
        "by_type": {"fact": metrics, "list": {**metrics, "hit@5": 0.5}},
        "by_doc": {"wegwijzer": metrics},
        "questions": questions,
        "meta": {"date": date, "qa_file": "qa.jsonl", "embedding_model": "e5-small-q4"},
        "files": {"html": "report-x.html"},
    }


def _eval_app(reports: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("VRAAGBAAK_REPORTS", str(reports))
    monkeypatch.setenv("VRAAGBAAK_HOME", str(home))
    at = AppTest.from_file(EVAL_PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def test_eval_page_without_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _eval_app(tmp_path / "reports", tmp_path / "home", monkeypatch)
    assert any(
        "Nog geen evaluaties: start er hierboven een, of draai "
        "`vraagbaak eval --report evals/reports`" in i.value
        for i in at.info
    )
    assert [b.label for b in at.button] == ["Evaluatie starten"]
    assert at.radio[0].options == ["De vaste vragenset", "Een eigen bestand"]


def test_eval_page_says_in_dutch_that_an_eval_is_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A click while another tab, session or server runs an eval on the data dir."""
    import fcntl
    import os

    from ui.eval_jobs import lock_path, status_path

    home = tmp_path / "home"
    home.mkdir()
    fd = os.open(lock_path(home), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        at = _eval_app(tmp_path / "reports", home, monkeypatch)
        at.button[0].click().run()
        assert not at.exception, at.exception
        assert any("Er loopt al een evaluatie op deze gegevensmap" in w.value for w in at.warning)
        assert not status_path(home).exists()
    finally:
        os.close(fd)


def test_eval_page_asks_for_a_file_before_starting_an_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _eval_app(tmp_path / "reports", tmp_path / "home", monkeypatch)
    at.radio[0].set_value("Een eigen bestand").run()
    at.button[0].click().run()
    assert any("Kies eerst een geldig bestand met vragen." in w.value for w in at.warning)


def test_eval_page_shows_metrics_change_and_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from ui.feedback import FeedbackEntry, save_feedback
    from ui.page_logic import EXAMPLE_QUESTIONS

    reports = tmp_path / "reports"
    reports.mkdir()
    good = {
        "id": "q1",
        "type": "fact",
        "question": "Goed?",
        "quotes": ["x"],
        "first_hit_rank": 1,
        "abstained": False,
        "citations": [{"n": 1, "holds_gold": True}],
        "answer": "ja [1]",
    }
    missed = {
        "id": "q2",
        "type": "fact",
        "question": "Wie betaalt de City Deal?",
        "quotes": ["het Rijk betaalt"],
        "first_hit_rank": None,
        "abstained": False,
        "citations": [{"n": 1, "holds_gold": False}],
        "answer": "Iets anders [1].",
    }
    wrongly = {
        "id": "q3",
        "type": "none",
        "question": "Hoe laat is het?",
        "quotes": [],
        "abstained": False,
        "citations": [],
        "answer": "Om drie uur.",
    }
    (reports / "result-20250101T000000Z.json").write_text(
        json.dumps(_result("2025-01-01T00:00:00+00:00", 0.7, [good])), encoding="utf-8"
    )
    (reports / "result-20250201T000000Z.json").write_text(
        json.dumps(_result("2025-02-01T00:00:00+00:00", 0.8, [good, missed, wrongly])),
        encoding="utf-8",
    )
    (reports / "result-20250301T000000Z.json").write_text("{half geschreven", encoding="utf-8")
    (reports / "report-x.html").write_text("<html></html>", encoding="utf-8")
    home = tmp_path / "home"
    from assistant.types import Answer

    answer = Answer(EXAMPLE_QUESTIONS[0], "Antwoord [1].", [], "extractive", False)
    save_feedback(home / "feedback.sqlite", FeedbackEntry.from_answer("a1", answer, "down"))

    at = _eval_app(reports, home, monkeypatch)
    hit5 = next(m for m in at.metric if m.label == "Gevonden in top 5")
    assert hit5.value == "80,0%"
    assert hit5.delta == "+10,0 pp"
    failures = [e.label for e in at.expander]
    assert [label.split(" ")[0] for label in failures] == ["q2", "q3"]
    assert "niet in de top 5" in failures[0]
    texts = [t.value for t in at.text]
    assert "het Rijk betaalt" in texts and "Iets anders [1]." in texts
    assert any("Fouten: 2 van 3" in h.value for h in at.subheader)
    assert any("1 beoordeling: 0 × duim omhoog" in m.value for m in at.markdown)
    # the selected run against evals/baseline.json: hit@5 0.80 vs the baseline's is past the
    # tolerance
    assert any(h.value == "Vergelijking met de baseline" for h in at.subheader)
    assert any(
        "Achteruit ten opzichte van de baseline, buiten de marge: Gevonden in top 5" in e.value
        for e in at.error
    )
    table = at.table[0].value
    row = table.loc["Gevonden in top 5"]
    assert (row["Deze run"], row["Baseline"], row["Oordeel"]) == (
        "80,0%",
        _percent(BASELINE_METRICS["hit@5"]),
        "achteruit, buiten de marge",
    )


# ---------------------------------------------------------------------------- page logic


def test_document_text_is_escaped_and_quote_marked() -> None:
    from ui.page_logic import answer_html, passage_html

    text = "Intro <script>alert(1)</script> **vet**.\nDe burgemeester kan een woning\nsluiten."
    out = passage_html(text, "De burgemeester kan een woning sluiten.")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "**vet**" in out  # Markdown from a document stays literal text
    assert "<mark>De burgemeester kan een woning<br>sluiten.</mark>" in out
    html = answer_html("A <b>x</b> [1]. B [2].")
    assert "&lt;b&gt;" in html and html.count('class="vb-marker"') == 2


def test_stitched_quote_marks_each_sentence_and_unfound_quote_is_shown() -> None:
    from ui.page_logic import passage_html

    text = "Eerste zin hier. Tussenzin. Derde zin daar."
    out = passage_html(text, "Eerste zin hier. … Derde zin daar.")
    assert out.count("<mark>") == 2
    missing = passage_html(text, "Een zin die er niet staat.")
    assert "Ondersteunende zin" in missing and "<mark>Een zin die er niet staat.</mark>" in missing


def test_source_label_keeps_markdown_literal() -> None:
    from assistant.types import Citation
    from ui.page_logic import source_label

    c = Citation(3, "d", "Titel *met* [link](x)", "", "", 12, "1 A > 1.2 B_c", "q", "t")
    label = source_label(c)
    assert label.startswith("[3] ")
    assert "\\*met\\*" in label and "\\[link\\]\\(x\\)" in label
    assert "p\\. 12" in label and "1\\.2 B\\_c" in label
