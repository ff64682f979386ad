"""Checks on the fixed evaluation set evals/qa.jsonl and its metadata evals/qa_meta.json.

Fast and offline: reads only the JSONL, the metadata and the raw corpus files. The gold rule is
the one in docs/ARCHITECTURE.md (evals/gold.py): lowercase, keep letters and digits (after
NFKC), match 40-character windows.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QA_FILE = ROOT / "evals" / "qa.jsonl"
META_FILE = ROOT / "evals" / "qa_meta.json"
CORPUS = ROOT / "corpus"

TYPES = {"fact", "list", "why", "multi", "cross", "none"}
ID_RE = re.compile(r"^q\d{3}$")
WINDOW = 40
NONE_ANSWER = "Dit staat niet in de documenten."


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


@cache
def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def load_lines() -> list[tuple[int, str]]:
    lines = QA_FILE.read_text(encoding="utf-8").splitlines()
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip()]


@cache
def questions() -> tuple[dict, ...]:
    return tuple(json.loads(line) for _, line in load_lines())


def docs_of(q: dict) -> list[str]:
    return [d for d in q["doc"].split("|") if d]


def test_every_line_parses_with_the_required_fields():
    required = {"id", "question", "answer", "quotes", "doc", "type"}
    for n, line in load_lines():
        q = json.loads(line)  # raises with the line in the traceback when broken
        assert isinstance(q, dict), f"line {n} is not an object"
        missing = required - q.keys()
        assert not missing, f"line {n} lacks {sorted(missing)}"
        assert isinstance(q["quotes"], list), f"line {n}: quotes must be a list"
        assert all(isinstance(s, str) for s in q["quotes"]), f"line {n}: quotes must be strings"
        for field in ("id", "question", "answer", "doc", "type"):
            assert isinstance(q[field], str), f"line {n}: {field} must be a string"
        assert q["question"].strip() and q["answer"].strip(), f"line {n}: empty question/answer"


def test_ids_are_unique_and_well_formed():
    ids = [q["id"] for q in questions()]
    bad = [i for i in ids if not ID_RE.match(i)]
    assert not bad, f"ids not of the form q###: {bad}"
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_types_are_valid():
    bad = [(q["id"], q["type"]) for q in questions() if q["type"] not in TYPES]
    assert not bad, f"unknown types: {bad}"


def test_enough_answerable_and_unanswerable_questions():
    kinds = Counter("none" if q["type"] == "none" else "answerable" for q in questions())
    assert kinds["answerable"] >= 100, kinds
    assert kinds["none"] >= 10, kinds


def test_named_documents_exist():
    for q in questions():
        for d in docs_of(q):
            assert (CORPUS / d).is_file(), f"{q['id']}: no corpus file {d!r}"


@pytest.mark.parametrize("q", questions(), ids=lambda q: q["id"])
def test_quotes_are_exact_substrings_of_the_named_files(q):
    if q["type"] == "none":
        return
    assert q["quotes"], f"{q['id']}: answerable question without quotes"
    names = docs_of(q)
    assert names, f"{q['id']}: answerable question without doc"
    for quote in q["quotes"]:
        assert any(quote in corpus_text(d) for d in names), (
            f"{q['id']}: quote not found verbatim in {names}: {quote[:80]!r}"
        )


def test_every_quote_normalises_to_at_least_one_window():
    short = [
        (q["id"], quote[:60])
        for q in questions()
        for quote in q["quotes"]
        if len(normalize(quote)) < WINDOW
    ]
    assert not short, f"quotes shorter than {WINDOW} normalised characters: {short}"


def test_every_named_document_holds_a_quote():
    """A file listed in doc must hold at least one of the quotes (no decorative doc entries)."""
    for q in questions():
        if q["type"] == "none":
            continue
        for d in docs_of(q):
            assert any(quote in corpus_text(d) for quote in q["quotes"]), (
                f"{q['id']}: {d} is named but holds none of the quotes"
            )


def test_cross_questions_span_two_documents():
    for q in questions():
        if q["type"] == "cross":
            assert len(set(docs_of(q))) >= 2, f"{q['id']}: cross needs two documents"


def test_none_questions_have_no_gold():
    for q in questions():
        if q["type"] == "none":
            assert q["quotes"] == [], f"{q['id']}: none question with quotes"
            assert q["doc"] == "", f"{q['id']}: none question with doc"
            assert q["answer"] == NONE_ANSWER, f"{q['id']}: none answer should be {NONE_ANSWER!r}"


def test_every_document_has_at_least_four_questions():
    per_doc = Counter(d for q in questions() for d in docs_of(q))
    for path in sorted(CORPUS.iterdir()):
        if path.name == "manifest.toml" or not path.is_file():
            continue
        assert per_doc[path.name] >= 4, f"{path.name} has only {per_doc[path.name]} questions"


def test_meta_counts_match_the_file():
    meta = json.loads(META_FILE.read_text(encoding="utf-8"))
    qs = questions()
    counts = meta["counts"]
    assert counts["total"] == len(qs)
    assert counts["none"] == sum(q["type"] == "none" for q in qs)
    assert counts["answerable"] == len(qs) - counts["none"]
    assert counts["by_type"] == dict(Counter(q["type"] for q in qs))
    assert counts["by_document"] == dict(Counter(d for q in qs for d in docs_of(q)))
    assert meta["gold_matching"]["window"] == WINDOW


# ---------------------------------------------------------------------------- companion files

PARAPHRASES = ROOT / "evals" / "qa_paraphrases.jsonl"
DIALOGUES = ROOT / "evals" / "dialogues.jsonl"
FOLLOWUP_KINDS = {"pronoun", "ellipsis", "more", "topic-change"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _check_quotes(q: dict) -> None:
    names = docs_of(q)
    assert names, f"{q['id']}: no doc"
    for quote in q["quotes"]:
        assert len(normalize(quote)) >= WINDOW, f"{q['id']}: quote too short"
        assert any(quote in corpus_text(d) for d in names), f"{q['id']}: {quote[:60]!r}"


def test_paraphrases_keep_the_answer_of_their_original():
    originals = {q["id"]: q for q in questions()}
    paraphrases = _lines(PARAPHRASES)
    assert len(paraphrases) >= 300
    for p in paraphrases:
        original = originals.get(p["paraphrase_of"])
        assert original is not None, f"{p['id']}: unknown original {p['paraphrase_of']}"
        assert p["quotes"] == original["quotes"] and p["doc"] == original["doc"], p["id"]
        assert p["type"] == original["type"], p["id"]
        assert p["question"].strip().lower() != original["question"].strip().lower(), p["id"]
        _check_quotes(p)


def test_dialogues_are_conversations_with_a_kind_of_follow_up():
    turns = _lines(DIALOGUES)
    ids = [t["id"] for t in turns]
    assert len(ids) == len(set(ids)), "duplicate dialogue ids"
    by_conversation: dict[str, list[dict]] = {}
    for t in turns:
        by_conversation.setdefault(t["conversation"], []).append(t)
        assert t["type"] in TYPES - {"none"}, t["id"]
        _check_quotes(t)
    assert len(by_conversation) >= 40
    kinds = Counter()
    for conv, ts in by_conversation.items():
        assert [t["turn"] for t in ts] == list(range(1, len(ts) + 1)), conv
        assert 2 <= len(ts) <= 3, conv
        assert ts[-1].get("followup") in FOLLOWUP_KINDS, conv
        assert all("followup" not in t for t in ts[:-1]), conv
        kinds[ts[-1]["followup"]] += 1
    assert set(kinds) == FOLLOWUP_KINDS and min(kinds.values()) >= 8, kinds
