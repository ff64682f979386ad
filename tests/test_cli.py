"""The command line as scripts use it (docs/ARCHITECTURE.md): JSON shapes, batch forms, exit
codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from foundation.settings import Settings


def run(args: list[str], home: Path, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VRAAGBAAK_HOME": str(home)}
    env.pop("VRAAGBAAK_CHROMA_URL", None)
    env.pop("VRAAGBAAK_LLM_BASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        **kw,
    )


def test_ingest_json_summary(tmp_path: Path, small_corpus: Path) -> None:
    done = run(["ingest", "--corpus", str(small_corpus), "--json"], tmp_path / "home")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == 2 and summary["chunks"] >= 2
    assert {"added", "updated", "removed", "unchanged", "chunks", "seconds"} <= set(summary)
    again = json.loads(
        run(["ingest", "--corpus", str(small_corpus), "--json"], tmp_path / "home").stdout
    )
    assert (again["unchanged"], again["added"]) == (2, 0)


def test_search_json(corpus_index: Settings) -> None:
    done = run(["search", "knock and talk Utrecht", "-k", "3", "--json"], corpus_index.home)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert set(results[0]) == {"rank", "doc_id", "title", "page", "section", "text", "score"}
    assert results[0]["doc_id"] == "ondermijning-in-de-wijk"


def test_ask_json_and_readable_output(corpus_index: Settings) -> None:
    done = run(["ask", "Wat is een Zorg- en Veiligheidshuis?", "--json"], corpus_index.home)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert {"answer", "abstained", "mode", "citations"} <= set(answer)
    assert answer["mode"] == "extractive" and not answer["abstained"]
    assert answer["citations"] and "[1]" in answer["answer"]
    citation = answer["citations"][0]
    assert set(citation) >= {"n", "doc_id", "title", "page", "section", "quote", "text"}
    assert citation["quote"] in citation["text"] or citation["quote"][:40] in citation["text"]

    readable = run(["ask", "Wat is een Zorg- en Veiligheidshuis?"], corpus_index.home)
    assert "Bronnen:" in readable.stdout and "[1]" in readable.stdout


def test_batch_search_and_conversation(tmp_path: Path, corpus_index: Settings) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q, ensure_ascii=False)
            for q in [
                {"id": "a", "question": "Welke gemeenten doen mee aan de City Deal?"},
                {"id": "b", "question": "Wat doet Tilburg?", "conversation": "c1"},
                {"id": "c", "question": "En Breda?", "conversation": "c1"},
                {"id": "d", "question": "   "},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    found = run(["search", "--questions", str(questions), "-k", "2", "--json"], corpus_index.home)
    lines = [json.loads(line) for line in found.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c", "d"]
    assert len(lines[0]["results"]) == 2 and lines[3]["results"] == [] and lines[3]["error"]

    asked = run(["ask", "--questions", str(questions), "--json"], corpus_index.home)
    answers = {x["id"]: x for x in map(json.loads, asked.stdout.splitlines())}
    assert set(answers) == {"a", "b", "c", "d"}
    assert "error" in answers["d"]
    # the follow-up in conversation c1 was searched with the earlier turn as context: the
    # user's own words stay the question, no rewritten sentence (standalone_question null)
    assert answers["c"]["question"] == "En Breda?"
    assert answers["c"]["standalone_question"] is None
    assert answers["c"]["context"] and all(isinstance(x, str) for x in answers["c"]["context"])
    # a question on its own: no context, and its standalone question is the question itself
    assert answers["a"]["context"] == []
    assert answers["a"]["standalone_question"] == "Welke gemeenten doen mee aan de City Deal?"


def test_ask_json_of_a_follow_up_carries_its_context(
    tmp_path: Path, corpus_index: Settings
) -> None:
    questions = tmp_path / "conv.jsonl"
    lines = [
        {"id": "t1", "question": "Wat maakt Knock and talk volgens Utrecht succesvol?"},
        {"id": "t2", "question": "Wanneer is dat gestart?"},
        {"id": "t3", "question": "Ander onderwerp: wat is de OGGZ?"},
    ]
    questions.write_text(
        "\n".join(json.dumps(dict(q, conversation="k"), ensure_ascii=False) for q in lines),
        encoding="utf-8",
    )
    asked = run(["ask", "--questions", str(questions), "--json"], corpus_index.home)
    answers = {x["id"]: x for x in map(json.loads, asked.stdout.splitlines())}
    assert answers["t2"]["question"] == "Wanneer is dat gestart?"
    assert answers["t2"]["context"] == ["Knock and talk volgens Utrecht"]
    assert answers["t2"]["standalone_question"] is None
    assert {c["doc_id"] for c in answers["t2"]["citations"]} == {"ondermijning-in-de-wijk"}
    assert answers["t3"]["context"] == []
    assert answers["t3"]["standalone_question"] == "Wat is de OGGZ?"


@pytest.mark.parametrize("question", ["", "   \t  "])
def test_empty_question_is_a_clear_error(corpus_index: Settings, question: str) -> None:
    done = run(["ask", question], corpus_index.home)
    assert done.returncode == 2
    assert "vraag" in done.stderr.lower() and "Traceback" not in done.stderr


def test_search_without_index_says_to_ingest(tmp_path: Path) -> None:
    done = run(["search", "zorg"], tmp_path / "nothing")
    assert done.returncode == 2
    assert "vraagbaak ingest" in done.stderr and "Traceback" not in done.stderr


def test_feedback_export(tmp_path: Path) -> None:
    from ui.feedback import FeedbackEntry, feedback_path, save_feedback

    home = tmp_path / "home"
    missing = run(["feedback", "export"], home)
    assert missing.returncode == 2 and "no feedback" in missing.stderr
    home.mkdir()
    save_feedback(
        feedback_path(home),
        FeedbackEntry("a1", "Wat is knock and talk?", "", "Een aanpak [1].", [], "up", "ok", "x"),
    )
    done = run(["feedback", "export", "--format", "jsonl"], home)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and rows[0]["question"] == "Wat is knock and talk?"
    out = tmp_path / "fb.csv"
    assert run(["feedback", "export", "--format", "csv", "--out", str(out)], home).returncode == 0
    assert "Wat is knock and talk?" in out.read_text(encoding="utf-8")


def test_terminal_chat_shows_the_added_context(corpus_index: Settings) -> None:
    done = run(
        ["chat"],
        corpus_index.home,
        input="Wat is het Zorg- en Veiligheidshuis?\nEn wie werken daar samen?\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("met context:") == 1
    assert "(gezocht op je vraag, met context: het Zorg- en Veiligheidshuis)" in done.stdout
