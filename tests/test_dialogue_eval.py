"""`vraagbaak eval --dialogues` figures (evals/dialogues.py) with a scripted assistant: the last
turn is scored in conversation and alone, per half and per follow-up kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.types import Answer, Citation
from evals.cli import main_dialogues
from evals.dialogues import run_dialogues

GOLD = "De familieaanpak startte in maart 2020, maar kent een veel langere aanloop."
OTHER = "Knock and talk heeft op dit moment geen einddatum, zo vertellen de betrokkenen."


def _answer(question: str, text: str, context: list[str]) -> Answer:
    citation = Citation(1, "d", "T", "", "", None, "", text, text, chunk_id="d:1")
    answer = Answer(question, text + " [1]", [citation], "extractive", False)
    answer.context = context
    answer.timings["total"] = 0.05
    return answer


class Scripted:
    """Cites the gold sentence only for a follow-up asked inside its conversation."""

    def ask(self, question: str, conversation: Any = None, **_: Any) -> Answer:
        follow_up = conversation is not None and bool(conversation.turns)
        answer = _answer(question, GOLD if follow_up else OTHER, ["iets"] if follow_up else [])
        if conversation is not None:
            conversation.add(question, answer)
        return answer


def _dialogues(tmp_path: Path) -> Path:
    lines = []
    for conv, kind in (("c1", "pronoun"), ("c2", "ellipsis"), ("c3", "topic-change")):
        lines.append({"id": f"{conv}-1", "question": "Wat is de familieaanpak?", "turn": 1})
        lines.append({"id": f"{conv}-2", "question": "En daar?", "turn": 2, "followup": kind})
        for line in lines[-2:]:
            line.update(answer="…", quotes=[GOLD], doc="x.txt", type="fact", conversation=conv)
    path = tmp_path / "dialogues.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    return path


def test_last_turn_is_scored_in_conversation_and_alone(tmp_path: Path) -> None:
    result = run_dialogues(Scripted(), _dialogues(tmp_path), progress=False)
    figures = result["figures"]
    assert figures["all"]["n"] == 3
    assert figures["all"]["in_conversation"] == 1.0 and figures["all"]["alone"] == 0.0
    assert set(figures["kinds"]) == {"pronoun", "ellipsis", "topic-change"}
    halves = figures["halves"]
    assert sum(h["n"] for h in halves.values()) == 3
    assert all(r["context"] == ["iets"] for r in result["conversations"])
    # the first turn quoted OTHER, the follow-up GOLD: nothing repeated
    assert figures["all"]["repeats_previous"] == 0.0


def test_command_prints_json_figures_and_writes_a_report(tmp_path: Path) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main_dialogues(
        _dialogues(tmp_path), True, tmp_path / "reports", Scripted(), False, out, err
    )
    assert code == 0
    printed = json.loads(out.getvalue())
    assert printed["all"]["in_conversation"] == 1.0
    assert sorted(p.suffix for p in (tmp_path / "reports").iterdir()) == [".json", ".md"]
