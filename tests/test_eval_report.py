"""Runner, report and command-line glue, driven by a fake assistant on a tiny hand-made Q&A file.

The fake returns fixed passages and answers per question, so every aggregate below is worked out
by hand. (The real end-to-end eval on the bundled corpus lives with the integration tests.)
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from assistant.types import Answer, Citation, Passage
from evals.cli import main_eval
from evals.qa_set import QAFormatError, load_qa
from evals.report import failure_reasons, write_report
from evals.runner import EvalResult, run_eval

Q_REGIE = "De gemeente voert de regie over het zorg- en veiligheidshuis"
Q_SIGNAAL = "Wijkagenten en jongerenwerkers delen signalen over kwetsbare jongeren"
Q_RIJK = "Het Rijk financiert de pilots met een bijdrage van vijftig procent"
EVIL = '<script>alert("x")</script>'

TEXTS = {
    "regie": "Inleiding. De gemeente voert de regie over het zorg- en veiligheids-\nhuis hier.",
    "signaal": Q_SIGNAAL + " in een wekelijks overleg.",
    "rijk": Q_RIJK + " van de totale kosten.",
    "evil": f"Onbekende tekst met {EVIL} & meer ruis over iets heel anders.",
    "noise": "Nog een passage zonder enig verband met de vragen die hier gesteld worden.",
}

QA = [
    {"id": "q1", "question": "Wie voert de regie?", "answer": "De gemeente voert de regie.",
     "quotes": [Q_REGIE], "doc": "a.txt", "type": "fact"},
    {"id": "q2", "question": "Wie delen signalen en wie betaalt?",
     "answer": "Wijkagenten en jongerenwerkers; het Rijk betaalt de helft.",
     "quotes": [Q_SIGNAAL, Q_RIJK], "doc": "a.txt|b.txt", "type": "cross"},
    {"id": "q3", "question": "Hoe laat gaat het stadhuis open?", "answer": "",
     "quotes": [], "doc": "", "type": "none"},
    {"id": "q4", "question": "Wat kost een paspoort?", "answer": "", "quotes": [],
     "doc": "a.txt", "type": "none"},
    {"id": "q5", "question": "Waarom financiert het Rijk?", "answer": "Het Rijk betaalt de helft.",
     "quotes": [Q_RIJK], "doc": "b.txt", "type": "why"},
]  # fmt: skip


def _passage(key: str, rank: int = 0) -> Passage:
    doc = "b" if key == "rijk" else "a"
    return Passage(
        chunk_id=f"{key}-{rank}", doc_id=doc, title=f"Doc {doc}", publisher="VNG", date="",
        page=rank or None, section="1 Inleiding", text=TEXTS[key], chunk_index=rank, start=0,
        end=len(TEXTS[key]), rank=rank,
    )  # fmt: skip


def _citation(n: int, key: str) -> Citation:
    p = _passage(key)
    return Citation(
        n=n, doc_id=p.doc_id, title=p.title, publisher=p.publisher, date="", page=None,
        section=p.section, quote=TEXTS[key][:60], text=TEXTS[key],
    )  # fmt: skip


SEARCH = {
    "Wie voert de regie?": ["regie", "evil", "noise"],
    "Wie delen signalen en wie betaalt?": ["evil", "noise", "noise", "noise", "noise", "signaal"],
    "Hoe laat gaat het stadhuis open?": ["noise"],
    "Wat kost een paspoort?": ["noise", "evil"],
    "Waarom financiert het Rijk?": ["noise", "rijk"],
}
ASK: dict[str, tuple[str, bool, list[str]]] = {
    "Wie voert de regie?": ("De gemeente voert de regie [1].", False, ["regie"]),
    "Wie delen signalen en wie betaalt?": ("Niet duidelijk [1].", False, ["evil"]),
    "Hoe laat gaat het stadhuis open?": ("Dit staat niet in de documenten.", True, []),
    "Wat kost een paspoort?": ("Een paspoort kost veel [1].", False, ["noise"]),
    "Waarom financiert het Rijk?": ("Dit staat niet in de documenten.", True, []),
}


class FakeConversation:
    def __init__(self) -> None:
        self.turns: list[tuple[str, Any]] = []


class FakeAssistant:
    """Implements the Assistant interface's search/ask with canned results."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.calls: list[tuple[str, Any]] = []

    def search(self, question: str, k: int = 10, doc_ids: list[str] | None = None) -> list:
        self.calls.append(("search", question))
        if question == self.fail_on:
            raise RuntimeError("index is gone")
        return [_passage(key, i + 1) for i, key in enumerate(SEARCH.get(question, []))][:k]

    def ask(self, question: str, conversation: Any = None, doc_ids: Any = None) -> Answer:
        self.calls.append(("ask", question))
        text, abstained, cites = ASK[question]
        return Answer(
            question=question, text=text, abstained=abstained, mode="extractive",
            citations=[_citation(i + 1, key) for i, key in enumerate(cites)],
        )  # fmt: skip


@pytest.fixture
def qa_file(tmp_path: Path) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QA) + "\n", "utf-8")
    return path


@pytest.fixture
def result(qa_file: Path) -> EvalResult:
    return run_eval(FakeAssistant(), qa_file, progress=False, info={"embedding_model": "fake"})


# ---------------------------------------------------------------------------- runner


def test_run_eval_metrics_worked_out_by_hand(result: EvalResult) -> None:
    mt = result.metrics
    assert (mt["n_questions"], mt["n_answerable"], mt["n_none"], mt["n_errors"]) == (5, 3, 2, 0)
    # answerable: q1 gold at rank 1, q2 first gold at rank 6 (1 of 2 quotes), q5 gold at rank 2
    assert mt["hit@1"] == pytest.approx(1 / 3)
    assert mt["hit@3"] == pytest.approx(2 / 3)
    assert mt["hit@5"] == pytest.approx(2 / 3)
    assert mt["hit@10"] == 1.0
    assert mt["mrr@10"] == pytest.approx((1 + 1 / 6 + 1 / 2) / 3)
    assert mt["recall@10"] == pytest.approx((1 + 0.5 + 1) / 3)
    ndcg_q2 = (1 / math.log2(7)) / (1 + 1 / math.log2(3))
    assert mt["ndcg@10"] == pytest.approx((1 + ndcg_q2 + 1 / math.log2(3)) / 3)
    assert mt["abstention_accuracy"] == 0.5  # q3 abstained, q4 answered
    assert mt["false_abstention_rate"] == pytest.approx(1 / 3)  # q5
    assert mt["citation_precision"] == 0.5  # q1 [gold], q2 [not gold]; q5 abstained
    assert mt["citation_recall"] == 0.5  # q1 1/1, q2 0/2
    assert mt["search_p50_ms"] is not None and mt["ask_p95_ms"] >= mt["ask_p50_ms"]
    for key in ("token_f1", "rouge_l", "ndcg@10", "search_p95_ms"):
        assert key in mt


def test_answer_level_metrics_worked_out_by_hand(result: EvalResult) -> None:
    mt = result.metrics
    # answerable: q1 cites gold, q2 cites no gold, q5 abstained: one of three. q1's quote is
    # the passage's first 60 characters, "Inleiding. De gemeente voert de regie over het zorg-
    # en veil", which hold only 39 letters of the gold quote: the passage is gold, the quoted
    # words are not (yet) the answer.
    assert mt["answers_citing_gold"] == pytest.approx(1 / 3)
    assert mt["answers_quoting_gold"] == 0.0
    assert mt["alternatives_shown"] == 0.0 and mt["alternatives_hold_gold"] is None
    # the fake gives no confidence: no risk-coverage rows to show
    assert mt["risk_coverage"] == []
    q1 = result.questions[0]
    assert q1["cites_gold"] and not q1["quotes_gold"]
    assert q1["citations"][0]["holds_gold"] and not q1["citations"][0]["quote_gold"]


def test_run_eval_groups_by_type_and_each_doc_of_a_cross_question(result: EvalResult) -> None:
    assert set(result.by_type) == {"fact", "cross", "none", "why"}
    assert result.by_type["none"]["hit@5"] is None  # none questions have no retrieval metrics
    assert result.by_type["none"]["abstention_accuracy"] == 0.5
    assert result.by_doc["a.txt"]["n_questions"] == 3  # q1, q2, q4
    assert result.by_doc["b.txt"]["n_questions"] == 2  # q2, q5
    assert result.by_doc["(no document)"]["n_questions"] == 1


def test_question_records(result: EvalResult) -> None:
    q1, q2 = result.questions[0], result.questions[1]
    assert q1["first_hit_rank"] == 1 and q1["citations"][0]["holds_gold"]
    assert q2["first_hit_rank"] == 6 and not q2["citations"][0]["holds_gold"]
    assert len(q2["retrieved"]) == 5 and q2["retrieved"][0]["doc_id"] == "a"
    assert q2["hits"][5] == [0]
    assert q1["f1"] == 1.0 and q1["ask_ms"] >= 0
    assert result.questions[2]["first_hit_rank"] is None  # none question


def test_meta_records_provenance(result: EvalResult, qa_file: Path) -> None:
    import hashlib

    meta = result.meta
    assert meta["qa_file"] == "qa.jsonl"
    assert meta["qa_sha256"] == hashlib.sha256(qa_file.read_bytes()).hexdigest()
    assert meta["embedding_model"] == "fake"
    assert meta["code_version"] and meta["date"].startswith("20")
    assert meta["settings"]["k"] == 10


def test_qa_meta_next_to_file_is_recorded(qa_file: Path) -> None:
    (qa_file.parent / "qa_meta.json").write_text('{"name": "mini", "version": "3", "x": 1}')
    res = run_eval(FakeAssistant(), qa_file, progress=False)
    assert res.meta["qa_meta"] == {"name": "mini", "version": "3"}


def test_assistant_errors_are_recorded_not_raised(qa_file: Path) -> None:
    res = run_eval(FakeAssistant(fail_on="Wie voert de regie?"), qa_file, progress=False)
    q1 = res.questions[0]
    assert q1["errors"] == ["search: RuntimeError: index is gone"]
    assert q1["first_hit_rank"] is None and res.metrics["n_errors"] == 1
    assert any(r.startswith("error:") for r in failure_reasons(q1))


def test_conversation_lines_share_a_conversation(tmp_path: Path) -> None:
    class ConvAssistant(FakeAssistant):
        def ask(self, question: str, conversation: Any = None, doc_ids: Any = None) -> Answer:
            self.calls.append(("ask-conv", len(conversation.turns) if conversation else None))
            answer = super().ask(question)
            answer.standalone_question = question + " (standalone)"
            return answer

    lines = [dict(QA[0], conversation="c1"), dict(QA[4], conversation="c1")]
    path = tmp_path / "conv.jsonl"
    path.write_text("\n".join(json.dumps(q) for q in lines), "utf-8")
    fake = ConvAssistant()
    res = run_eval(fake, path, progress=False, warm_up=False, new_conversation=FakeConversation)
    assert [c for c in fake.calls if c[0] == "ask-conv"] == [("ask-conv", 0), ("ask-conv", 1)]
    assert res.questions[1]["search_query"] == "Waarom financiert het Rijk? (standalone)"


# ---------------------------------------------------------------------------- load_qa


def test_load_qa_reads_valid_file(qa_file: Path) -> None:
    items = load_qa(qa_file)
    assert [i.id for i in items] == ["q1", "q2", "q3", "q4", "q5"]
    assert items[1].docs == ("a.txt", "b.txt") and items[1].line == 2


def test_load_qa_reports_every_bad_line_with_its_number(tmp_path: Path) -> None:
    good = json.dumps(QA[0])
    bad = [
        good,
        "{not json",
        json.dumps({k: v for k, v in QA[0].items() if k != "question"} | {"id": "x2"}),
        json.dumps(dict(QA[0], id="x3", type="opinion")),
        json.dumps(dict(QA[2], id="x4", quotes=["iets"])),
        json.dumps(dict(QA[0], id="x5", quotes=[])),
        "",
        good,
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(bad), "utf-8")
    with pytest.raises(QAFormatError) as info:
        load_qa(path)
    msg = str(info.value)
    assert f"{path}:2: not valid JSON" in msg
    assert f"{path}:3: 'question' must be a string" in msg
    assert f"{path}:4: 'type' is 'opinion'" in msg
    assert f"{path}:5: a 'none' question must have empty 'quotes'" in msg
    assert f"{path}:6: a 'fact' question needs at least one quote" in msg
    assert f"{path}:8: id 'q1' already used on line 1" in msg


def test_load_qa_rejects_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", "utf-8")
    with pytest.raises(QAFormatError, match="no questions"):
        load_qa(path)


# ---------------------------------------------------------------------------- report


def test_write_report_files_failures_first_and_escaped(result: EvalResult, tmp_path: Path) -> None:
    paths = write_report(result, tmp_path / "reports")
    for key in ("json", "html", "markdown", "latest"):
        assert paths[key].is_file()
    assert paths["json"].name.startswith("result-") and paths["html"].suffix == ".html"

    html = paths["html"].read_text("utf-8")
    assert html.count("<svg") == 3 and "<?xml" not in html  # inline, self-contained charts
    assert EVIL not in html and "&lt;script&gt;" in html
    failures_at, table_at = html.index("<h2>Failures"), html.index("<h2>All questions")
    assert failures_at < html.index('id="fail-q2"') < table_at
    assert 'id="fail-q1"' not in html  # q1 went right
    for qid in ("q2", "q4", "q5"):
        assert f'id="fail-{qid}"' in html
    assert "retrieval missed gold in the top 5 (first at rank 6)" in html
    assert "abstained on an answerable question" in html
    assert "should abstain" in html
    assert html.index(Q_SIGNAAL) < table_at  # expected quote shown with the failure

    data = json.loads(paths["json"].read_text("utf-8"))
    assert data["metrics"]["hit@1"] == pytest.approx(1 / 3)
    assert {"metrics", "by_type", "by_doc", "questions", "meta"} <= set(data)
    assert json.loads(paths["latest"].read_text("utf-8")) == data
    md = paths["markdown"].read_text("utf-8")
    assert "| hit@5 | 0.667 |" in md and "Failures: 3 of 5" in md


def test_report_with_baseline_colours_changes(result: EvalResult, tmp_path: Path) -> None:
    baseline = {"metrics": dict(result.metrics, **{"hit@5": 0.9, "hit@1": 0.1})}
    paths = write_report(result, tmp_path, baseline)
    html = paths["html"].read_text("utf-8")
    assert 'class="num fail">-0.233' in html  # hit@5 dropped past tolerance
    assert 'class="num better">+0.233' in html  # hit@1 improved
    second = write_report(result, tmp_path)  # same second: must not overwrite
    assert second["json"] != paths["json"]


def test_report_shows_held_out_halves_and_risk_coverage(result: EvalResult, tmp_path: Path) -> None:
    data = result.to_dict()
    data["folds"] = {"half_0": {**result.metrics, "hit@1": 0.8125}, "half_1": result.metrics}
    data["metrics"]["risk_coverage"] = [
        {"coverage": 0.5, "confidence_at_least": 0.91, "right": 0.875},
        {"coverage": 1.0, "confidence_at_least": 0.2, "right": 0.625},
    ]
    paths = write_report(data, tmp_path)
    html = paths["html"].read_text("utf-8")
    markdown = paths["markdown"].read_text("utf-8")
    for text in (html, markdown):
        assert "Held-out halves" in text and "0.812" in text
        assert "Risk and coverage" in text and "0.875" in text
        assert "answers_citing_gold" in text  # the per-type table shows answer figures
    assert "Held-out halves" not in write_report(result, tmp_path)["html"].read_text("utf-8")


def test_write_report_accepts_a_result_dict(result: EvalResult, tmp_path: Path) -> None:
    paths = write_report(result.to_dict(), tmp_path)
    assert "Failures (3 of 5)" in paths["html"].read_text("utf-8")


# ---------------------------------------------------------------------------- main_eval


def test_main_eval_prints_table_and_writes_report(qa_file: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main_eval(qa_file, False, tmp_path / "r", None, FakeAssistant(), progress=False,
                     stdout=out, stderr=err)  # fmt: skip
    assert code == 0
    assert "hit@5" in out.getvalue() and "0.667" in out.getvalue()
    assert (tmp_path / "r" / "latest.json").is_file()


def test_main_eval_json_and_gate(qa_file: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main_eval(qa_file, True, None, None, FakeAssistant(), progress=False,
                     stdout=out, stderr=err) == 0  # fmt: skip
    metrics = json.loads(out.getvalue())
    assert metrics["hit@5"] == pytest.approx(2 / 3)

    same = tmp_path / "same.json"
    same.write_text(json.dumps({"metrics": metrics}))
    assert main_eval(qa_file, True, None, same, FakeAssistant(), progress=False,
                     stdout=io.StringIO(), stderr=io.StringIO()) == 0  # fmt: skip

    better = tmp_path / "better.json"
    better.write_text(json.dumps({"metrics": dict(metrics, **{"mrr@10": 0.9})}))
    err = io.StringIO()
    assert main_eval(qa_file, True, None, better, FakeAssistant(), progress=False,
                     stdout=io.StringIO(), stderr=err) == 1  # fmt: skip
    assert "GATE FAILED: mrr@10" in err.getvalue()


def test_main_eval_bad_inputs_exit_2(qa_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    err = io.StringIO()
    assert main_eval(bad, False, None, None, FakeAssistant(), progress=False,
                     stdout=io.StringIO(), stderr=err) == 2  # fmt: skip
    assert "bad.jsonl:1:" in err.getvalue()
    assert main_eval(qa_file, False, None, tmp_path / "missing.json", FakeAssistant(),
                     progress=False, stdout=io.StringIO(), stderr=io.StringIO()) == 2  # fmt: skip
