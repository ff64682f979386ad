"""Follow-up figures over a dialogue set (`vraagbaak eval --dialogues FILE`).

A conversation's last turn is the follow-up under test: it is asked once inside its
conversation (after the earlier turns, on one Conversation object) and once alone, on a fresh
assistant call. Both answers are scored the same way: does the answer cite a passage holding a
gold quote (evals/gold.py). Asking alone is the control: a follow-up that leans on an earlier
turn should do much better in conversation, a change of topic should do as well as alone.

Figures per half of the set (evals/reranker_data.half_of, the split every held-out figure in
this repository uses, by conversation id) and per follow-up kind, so a weight chosen on one
half can be read on the other. The assistant is duck-typed like in evals/runner.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals import metrics as m
from evals.gold import gold_quotes_hit
from evals.qa_set import QAItem, load_qa
from evals.reranker_data import half_of


def conversations_of(items: Sequence[QAItem]) -> list[list[QAItem]]:
    """The conversations of a dialogue file in file order, each its turns in order."""
    grouped: dict[str, list[QAItem]] = {}
    for item in items:
        grouped.setdefault(item.conversation or item.id, []).append(item)
    return list(grouped.values())


def _cites_gold(answer: Any, quotes: tuple[str, ...]) -> bool:
    if answer is None or getattr(answer, "abstained", False):
        return False
    return any(
        gold_quotes_hit(getattr(c, "text", "") or getattr(c, "quote", "") or "", quotes)
        for c in getattr(answer, "citations", []) or []
    )


def _first_passage_gold(answer: Any, quotes: tuple[str, ...]) -> bool:
    passages = getattr(answer, "passages", None) or []
    return bool(passages) and bool(gold_quotes_hit(passages[0].text, quotes))


def _quoted_keys(answer: Any) -> set[str]:
    """The sentences an answer quoted, compared the way the conversation compares them."""
    from assistant.stages.compose import sentence_key
    from assistant.types import QUOTE_GAP
    from foundation.sentences import split_sentences

    keys: set[str] = set()
    for c in getattr(answer, "citations", []) or []:
        for part in (getattr(c, "quote", "") or "").split(QUOTE_GAP):
            keys.update(sentence_key(s) for s in split_sentences(part))
    return keys


def _new_conversation() -> Any:
    from assistant.conversation import Conversation

    return Conversation()


def evaluate_dialogue(
    assistant: Any, turns: list[QAItem], new_conversation: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """One conversation → one record about its last turn, in conversation and alone."""
    conversation = (new_conversation or _new_conversation)()
    answers = [assistant.ask(t.question, conversation=conversation) for t in turns]
    last, answer = turns[-1], answers[-1]
    alone = assistant.ask(last.question)
    previous = _quoted_keys(answers[-2]) if len(answers) > 1 else set()
    repeated = bool(previous & _quoted_keys(answer)) if not answer.abstained else False
    return {
        "conversation": last.conversation,
        "kind": getattr(last, "followup", None) or "?",
        "half": half_of(last),
        "question": last.question,
        "context": list(getattr(answer, "context", []) or []),
        "answer": answer.text,
        "answer_alone": alone.text,
        "in_conversation": _cites_gold(answer, last.quotes),
        "alone": _cites_gold(alone, last.quotes),
        "first_passage_in_conversation": _first_passage_gold(answer, last.quotes),
        "first_passage_alone": _first_passage_gold(alone, last.quotes),
        "repeats_previous": repeated,
        "ask_ms": float(answer.timings.get("total", 0.0)) * 1000,
    }


def summarize(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Shares of conversations whose last turn cites gold, in conversation and alone."""
    recs = list(records)
    return {
        "n": len(recs),
        "in_conversation": m.mean(1.0 if r["in_conversation"] else 0.0 for r in recs),
        "alone": m.mean(1.0 if r["alone"] else 0.0 for r in recs),
        "first_passage_in_conversation": m.mean(
            1.0 if r["first_passage_in_conversation"] else 0.0 for r in recs
        ),
        "first_passage_alone": m.mean(1.0 if r["first_passage_alone"] else 0.0 for r in recs),
        "repeats_previous": m.mean(1.0 if r["repeats_previous"] else 0.0 for r in recs),
    }


def figures(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """All, per half, per kind, and per kind within each half."""
    out: dict[str, Any] = {"all": summarize(records), "halves": {}, "kinds": {}}
    for half in (0, 1):
        part = [r for r in records if r["half"] == half]
        out["halves"][f"half {half}"] = summarize(part)
        out["halves"][f"half {half}"]["kinds"] = {
            kind: summarize([r for r in part if r["kind"] == kind])
            for kind in sorted({r["kind"] for r in part})
        }
    for kind in sorted({r["kind"] for r in records}):
        out["kinds"][kind] = summarize([r for r in records if r["kind"] == kind])
    ask = [r["ask_ms"] for r in records]
    out["all"]["ask_p50_ms"] = m.percentile(ask, 50)
    out["all"]["ask_p95_ms"] = m.percentile(ask, 95)
    return out


def run_dialogues(
    assistant: Any,
    path: Path,
    progress: bool = True,
    new_conversation: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """The follow-up figures of a dialogue file and one record per conversation."""
    items = load_qa(Path(path))
    followup = _followup_kinds(Path(path))
    conversations = conversations_of(items)
    records = []
    for turns in tqdm(conversations, desc="dialogues", file=sys.stderr, disable=not progress):
        record = evaluate_dialogue(assistant, turns, new_conversation)
        record["kind"] = followup.get(turns[-1].id, record["kind"])
        records.append(record)
    return {"figures": figures(records), "conversations": records}


def _followup_kinds(path: Path) -> dict[str, str]:
    """The `followup` kind of each line ("pronoun", "ellipsis", "more", "topic-change"): a
    dialogue-file field the Q&A reader does not keep."""
    import json

    kinds: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            if isinstance(raw, dict) and isinstance(raw.get("followup"), str):
                kinds[str(raw.get("id"))] = raw["followup"]
    return kinds


def format_figures(result: dict[str, Any]) -> str:
    """A plain table: share of last turns citing gold in conversation vs alone."""
    rows = [("group", "n", "in conv.", "alone", "gain", "repeats")]

    def add(name: str, s: dict[str, Any]) -> None:
        if not s["n"]:
            return  # an empty half of a small file: no shares to show
        gain = s["in_conversation"] - s["alone"]
        rows.append(
            (
                name,
                str(s["n"]),
                f"{s['in_conversation']:.2f}",
                f"{s['alone']:.2f}",
                f"{gain:+.2f}",
                f"{s['repeats_previous']:.2f}",
            )
        )

    f = result["figures"]
    add("all", f["all"])
    for half, s in f["halves"].items():
        add(half, s)
        for kind, ks in s["kinds"].items():
            add(f"  {half} {kind}", ks)
    for kind, s in f["kinds"].items():
        add(kind, s)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    a = f["all"]
    if a["n"]:
        lines.append(f"follow-up ask p50 {a['ask_p50_ms']:.0f} ms, p95 {a['ask_p95_ms']:.0f} ms")
    return "\n".join(lines)


def write_dialogue_report(result: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """dialogues-<stamp>.json (figures and every conversation) and a Markdown table."""
    import json
    from datetime import UTC, datetime

    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    paths = {
        "json": out_dir / f"dialogues-{stamp}.json",
        "markdown": out_dir / f"dialogues-{stamp}.md",
    }
    paths["json"].write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    misses = [r for r in result["conversations"] if not r["in_conversation"]]
    lines = ["# Follow-up figures", "", "```", format_figures(result), "```", "", "## Misses", ""]
    lines += [
        f"- {r['conversation']} ({r['kind']}): {r['question']} — context: "
        f"{', '.join(r['context']) or '(none)'}"
        for r in misses
    ]
    paths["markdown"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths
