"""The reranker's features on real passages of the bundled index, the bundled model file,
the retrain command on a small set, and alternatives through `ask --json`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from assistant.service import Assistant
from assistant.stages.rerank import (
    RERANK_CANDIDATES,
    FusedOrder,
    LearnedReranker,
    reranker_from_setting,
)
from assistant.stages.rerank_features import _NUMBER as NUMBER
from assistant.stages.rerank_features import FEATURES, feature_rows
from assistant.stages.retrieve import retrieve
from assistant.stages.understand import understand
from foundation.errors import RerankerModelError
from foundation.settings import Settings
from tests.test_cli import run

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
COUNT_QUESTION = "Hoeveel gemeenten deden mee aan de bijeenkomsten voor de wegwijzer?"
COUNT_GOLD = "Hieraan hebben 26 gemeenten deelgenomen"


def _rows(assistant: Assistant, question: str):
    index = assistant.current_index()
    asked = understand(question)
    found = retrieve(index, asked, RERANK_CANDIDATES).passages
    rows = feature_rows(asked, found, assistant.profile(index), index.bm25.idf)
    return found, rows


def _column(name: str) -> int:
    return FEATURES.index(name)


def test_one_finite_row_per_candidate(assistant: Assistant) -> None:
    found, rows = _rows(assistant, COUNT_QUESTION)
    assert rows.shape == (len(found), len(FEATURES))
    assert np.isfinite(rows).all()
    for name in ("coverage_text", "coverage_best_sentence", "contrast_text", "names_present"):
        assert ((rows[:, _column(name)] >= 0) & (rows[:, _column(name)] <= 1)).all(), name


def test_a_number_question_sees_which_sentence_gives_the_number(assistant: Assistant) -> None:
    found, rows = _rows(assistant, COUNT_QUESTION)
    gold = [i for i, p in enumerate(found) if COUNT_GOLD in " ".join(p.text.split())]
    assert gold, "the passage with the count is among the candidates"
    assert rows[gold[0], _column("asks_number")] == 1.0
    assert rows[gold[0], _column("answer_kind_anywhere")] == 1.0
    assert rows[gold[0], _column("answer_kind_near")] > 0
    # a passage with no number at all (digits or number words) has none in its best sentence
    without = [i for i, p in enumerate(found) if not NUMBER.search(p.text)]
    assert without
    for i in without:
        assert rows[i, _column("number_in_best_sentence")] == 0.0


def test_generic_passages_are_marked(assistant: Assistant) -> None:
    found, rows = _rows(assistant, "Waarom is dit inspiratieboek over ondermijning geschreven?")
    intro = [i for i, p in enumerate(found) if "inleiding" in p.section.lower()]
    assert intro
    assert all(rows[i, _column("generic_section")] == 1.0 for i in intro)
    deep = [i for i, p in enumerate(found) if " > " in p.section]
    assert all(rows[i, _column("section_depth")] >= 2 for i in deep)


def test_a_place_the_passages_do_not_name_is_seen(assistant: Assistant) -> None:
    found, rows = _rows(assistant, "Hoe pakt de gemeente Groningen ondermijning in de wijk aan?")
    for i, p in enumerate(found):
        named = "groningen" in f"{p.title} {p.section} {p.text}".lower()
        assert (rows[i, _column("names_present")] > 0) == named


def test_the_bundled_model_reorders_the_candidates(assistant: Assistant) -> None:
    assert isinstance(assistant.reranker, LearnedReranker)
    assert assistant.unsure_margin is not None and assistant.unsure_margin > 0
    fused = Assistant(assistant.index, reranker=FusedOrder()).search(COUNT_QUESTION, k=40)
    ranked = assistant.search(COUNT_QUESTION, k=40)
    assert sorted(p.chunk_id for p in ranked) == sorted(p.chunk_id for p in fused)
    assert [p.rank for p in ranked] == list(range(1, len(ranked) + 1))
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    assert len(ranked[0].rerank_features) == len(FEATURES)


def test_a_bad_model_file_is_a_clear_user_error(tmp_path: Path) -> None:
    with pytest.raises(RerankerModelError, match="cannot be read"):
        reranker_from_setting(str(tmp_path / "missing.json"))
    stale = json.loads((ROOT / "assistant" / "models" / "reranker.json").read_text("utf-8"))
    stale["features"] = stale["features"][:-1]
    (tmp_path / "stale.json").write_text(json.dumps(stale), "utf-8")
    with pytest.raises(RerankerModelError, match="other features"):
        reranker_from_setting(str(tmp_path / "stale.json"))
    assert isinstance(reranker_from_setting("off"), FusedOrder)


def _small_set(folder: Path) -> Path:
    lines = (ROOT / "evals" / "qa.jsonl").read_text("utf-8").splitlines()
    answerable = [line for line in lines if '"type": "none"' not in line][:40]
    none = [line for line in lines if '"type": "none"' in line][:12]
    small = folder / "small.jsonl"
    small.write_text("\n".join(answerable + none) + "\n", "utf-8")
    return small


def test_retrain_on_a_small_set_writes_a_model_the_assistant_uses(
    corpus_index: Settings, tmp_path: Path
) -> None:
    small = _small_set(tmp_path)
    out = tmp_path / "model.json"

    done = run(
        ["train-reranker", "--qa", str(small), "--out", str(out), "--json"], corpus_index.home
    )
    assert done.returncode == 0, done.stderr
    meta = json.loads(done.stdout)
    assert meta["trained_on"]["questions"] <= 40 and meta["trained_on"]["files"]
    assert set(meta["held_out"]) == {"half_0", "half_1"}
    for half in meta["held_out"].values():
        assert 0 <= half["hit@1_of_candidates_reranked"] <= 1
        assert half["n_none"] + half["n_answerable"] > 0
    model = meta["abstention"]["model"]
    assert 0 < model["threshold"] < 1 and len(model["coef"]) == len(model["inputs"])
    assert meta["alternatives"]["unsure_margin"] >= 0
    stored = json.loads(out.read_text("utf-8"))
    assert stored["lightgbm"].startswith("tree")

    trained = Assistant.open(corpus_index, reranker=reranker_from_setting(str(out)))
    answer = trained.ask("Wat is het Zorg- en Veiligheidshuis?")
    assert answer.citations and not math.isnan(answer.confidence or 0.0)


def test_ask_json_lists_alternatives_apart_from_the_citations(
    assistant: Assistant, corpus_index: Settings
) -> None:
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "evals" / "qa.jsonl").read_text("utf-8").splitlines()[:80]
    ]
    unsure = next(
        (q for q in questions if (a := assistant.ask(q)).alternatives and not a.abstained), None
    )
    assert unsure is not None, "some of 80 questions leave the reranker unsure"
    done = run(["ask", unsure, "--json"], corpus_index.home)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    alternatives = answer["alternatives"]
    assert 0 < len(alternatives) <= 3
    assert {"n", "doc_id", "title", "page", "section", "quote", "text"} <= set(alternatives[0])
    cited = {c["text"] for c in answer["citations"]}
    assert not cited & {a["text"] for a in alternatives}
    numbers = [c["n"] for c in answer["citations"]] + [a["n"] for a in alternatives]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(a["quote"] in a["text"] for a in alternatives)
    assert f"[{alternatives[0]['n']}]" not in answer["answer"]  # not part of the answer
    assert any("Ook relevant" in notice for notice in answer["notices"])


def test_held_out_eval_answers_each_half_with_what_the_other_half_taught(
    corpus_index: Settings, tmp_path: Path
) -> None:
    small = _small_set(tmp_path)
    reports = tmp_path / "reports"
    done = run(
        ["eval", "--qa", str(small), "--held-out", "--json", "--report", str(reports)],
        corpus_index.home,
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert metrics["n_questions"] == 52
    result = json.loads((reports / "latest.json").read_text("utf-8"))
    folds = result["folds"]
    assert set(folds) == {"half_0", "half_1"}
    assert folds["half_0"]["n_questions"] + folds["half_1"]["n_questions"] == 52
    assert {q["half"] for q in result["questions"]} == {0, 1}
    for half in folds.values():
        assert half["trained_on_questions"] > 0 and half["unsure_margin"] is not None
    assert result["meta"]["held_out"]["training_files"] == ["small.jsonl"]
