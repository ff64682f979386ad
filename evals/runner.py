"""Run a Q&A set through an assistant and turn the answers into per-question records and metrics.

Works on any JSONL file in the Q&A format (docs/ARCHITECTURE.md), so a site can evaluate on
its own questions.
The assistant is duck-typed (anything with `search(question, k=...)` and `ask(question, ...)`
returning assistant.types objects), which lets unit tests use a fake and keeps this module
independent of how retrieval is built.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals import metrics as m
from evals.gold import gold_quotes_hit, normalize

QUESTION_TYPES = ("fact", "list", "why", "multi", "cross", "none")
HIT_KS = (1, 3, 5, 10)
NO_DOC = "(no document)"


class QAFormatError(ValueError):
    """The Q&A file is not in the Q&A format (docs/ARCHITECTURE.md); the message names every
    bad line."""


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answer: str
    quotes: tuple[str, ...]
    docs: tuple[str, ...]
    type: str
    line: int
    conversation: str | None = None

    @property
    def answerable(self) -> bool:
        return self.type != "none"


@dataclass
class EvalResult:
    """Everything one run produced; `to_dict()` is the JSON result file's shape."""

    metrics: dict[str, Any]
    by_type: dict[str, dict[str, Any]]
    by_doc: dict[str, dict[str, Any]]
    questions: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------- loading


def _check_item(raw: Any, lineno: int) -> tuple[QAItem | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["expected a JSON object"]
    errors = []
    for key in ("id", "question", "answer", "doc", "type"):
        if not isinstance(raw.get(key), str):
            errors.append(f"'{key}' must be a string")
    quotes = raw.get("quotes")
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        errors.append("'quotes' must be a list of strings")
        quotes = []
    qtype = raw.get("type")
    if isinstance(qtype, str) and qtype not in QUESTION_TYPES:
        errors.append(f"'type' is {qtype!r}, expected one of {', '.join(QUESTION_TYPES)}")
    if qtype == "none" and quotes:
        errors.append("a 'none' question must have empty 'quotes'")
    if isinstance(qtype, str) and qtype != "none":
        if not quotes:
            errors.append(f"a '{qtype}' question needs at least one quote")
        for i, q in enumerate(quotes):
            if not normalize(q):
                errors.append(f"quote {i} has no letters or digits, it can never match")
    if isinstance(raw.get("question"), str) and not raw["question"].strip():
        errors.append("'question' is empty")
    conversation = raw.get("conversation")
    if conversation is not None and not isinstance(conversation, str):
        errors.append("'conversation' must be a string when present")
    if errors:
        return None, errors
    docs = tuple(d.strip() for d in raw["doc"].split("|") if d.strip())
    item = QAItem(
        id=raw["id"],
        question=raw["question"],
        answer=raw["answer"],
        quotes=tuple(quotes),
        docs=docs,
        type=raw["type"],
        line=lineno,
        conversation=conversation,
    )
    return item, []


def load_qa(path: Path) -> list[QAItem]:
    """Validate the whole file before running anything: a typo on line 80 should not surface after
    ten minutes of asking. All problems are reported at once, each with its line number."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAFormatError(f"{path}: cannot read Q&A file: {exc}") from exc
    items: list[QAItem] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        item, problems = _check_item(raw, lineno)
        errors.extend(f"{path}:{lineno}: {p}" for p in problems)
        if item is None:
            continue
        if item.id in seen:
            errors.append(f"{path}:{lineno}: id {item.id!r} already used on line {seen[item.id]}")
            continue
        seen[item.id] = lineno
        items.append(item)
    if not items and not errors:
        errors.append(f"{path}: no questions in file")
    if errors:
        raise QAFormatError("invalid Q&A file:\n  " + "\n  ".join(errors))
    return items


# ---------------------------------------------------------------------------- running


def _passage_summary(rank: int, passage: Any, hits: set[int]) -> dict[str, Any]:
    text = getattr(passage, "text", "") or ""
    return {
        "rank": rank,
        "doc_id": getattr(passage, "doc_id", ""),
        "page": getattr(passage, "page", None),
        "section": getattr(passage, "section", ""),
        "text": text[:200],
        "score": getattr(passage, "score", None),
        "gold": sorted(hits),
    }


def _citation_record(citation: Any, quotes: tuple[str, ...]) -> dict[str, Any]:
    # The passage decides; the quoted sentence is the fallback when an answerer leaves text empty.
    text = getattr(citation, "text", "") or getattr(citation, "quote", "") or ""
    hits = gold_quotes_hit(text, quotes) if quotes else set()
    return {
        "n": getattr(citation, "n", None),
        "doc_id": getattr(citation, "doc_id", ""),
        "page": getattr(citation, "page", None),
        "section": getattr(citation, "section", ""),
        "quote": (getattr(citation, "quote", "") or "")[:300],
        "text": text[:300],
        "holds_gold": bool(hits),
        "gold": sorted(hits),
    }


def _new_conversation() -> Any:
    """Imported late: only Q&A files with follow-ups need the assistant package at all."""
    from assistant.conversation import Conversation

    return Conversation()


def _timed(label: str, fn: Any, errors: list[str]) -> tuple[Any, float]:
    """Call and time; an exception becomes an error line so one crash does not lose the run."""
    t0 = time.perf_counter()
    try:
        value = fn()
    except Exception as exc:  # any assistant failure is a finding, not a reason to stop
        errors.append(f"{label}: {type(exc).__name__}: {exc}")
        value = None
    return value, time.perf_counter() - t0


def evaluate_item(assistant: Any, item: QAItem, k: int, conversation: Any = None) -> dict[str, Any]:
    """One question → one record. An errored question scores as a miss with an empty,
    non-abstained answer, and its error is listed in the report."""
    errors: list[str] = []
    query = item.question
    if conversation is None:
        passages, search_s = _timed("search", lambda: assistant.search(query, k=k), errors)
        answer, ask_s = _timed("ask", lambda: assistant.ask(item.question), errors)
    else:
        # A follow-up only makes sense after the earlier turns: ask first, then search with the
        # standalone question the assistant made of it (search itself knows no conversation).
        before = len(conversation.turns)
        answer, ask_s = _timed(
            "ask", lambda: assistant.ask(item.question, conversation=conversation), errors
        )
        if answer is not None and len(conversation.turns) == before:
            conversation.turns.append((item.question, answer))
        query = getattr(answer, "standalone_question", "") or item.question
        passages, search_s = _timed("search", lambda: assistant.search(query, k=k), errors)
    passages = list(passages or [])[:k]

    ranked_hits = [gold_quotes_hit(getattr(p, "text", "") or "", item.quotes) for p in passages]
    text = (getattr(answer, "text", "") or "") if answer is not None else ""
    abstained = bool(getattr(answer, "abstained", False)) if answer is not None else False
    citations = [_citation_record(c, item.quotes) for c in getattr(answer, "citations", []) or []]
    record: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "doc": list(item.docs),
        "question": item.question,
        "search_query": query,
        "reference_answer": item.answer,
        "quotes": list(item.quotes),
        "first_hit_rank": m.first_hit_rank(ranked_hits) if item.answerable else None,
        "hits": [sorted(h) for h in ranked_hits],
        "retrieved": [
            _passage_summary(i + 1, p, h)
            for i, (p, h) in enumerate(zip(passages[:5], ranked_hits[:5], strict=True))
        ],
        "answer": text,
        "abstained": abstained,
        "mode": getattr(answer, "mode", None) if answer is not None else None,
        "citations": citations,
        "f1": m.token_f1(text, item.answer),
        "rouge_l": m.rouge_l(text, item.answer),
        "search_ms": search_s * 1000,
        "ask_ms": ask_s * 1000,
        "errors": errors,
    }
    if item.conversation:
        record["conversation"] = item.conversation
    return record


# ---------------------------------------------------------------------------- aggregation


def aggregate(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Flat metrics over any subset of records (all, one type, one document).

    Retrieval and citation metrics use answerable questions only; abstention accuracy uses the
    `none` questions. Token F1 and ROUGE-L use answerable questions, abstained or not: a wrong
    refusal is a bad answer and should cost text overlap too.
    """
    recs = list(records)
    answerable = [r for r in recs if r["type"] != "none"]
    unanswerable = [r for r in recs if r["type"] == "none"]
    hits = [[set(h) for h in r["hits"]] for r in answerable]
    n_quotes = [len(r["quotes"]) for r in answerable]
    out: dict[str, Any] = {
        "n_questions": len(recs),
        "n_answerable": len(answerable),
        "n_none": len(unanswerable),
        "n_errors": sum(1 for r in recs if r.get("errors")),
    }
    for k in HIT_KS:
        out[f"hit@{k}"] = m.mean(m.hit_at_k(h, k) for h in hits)
    out["mrr@10"] = m.mean(m.reciprocal_rank(h, 10) for h in hits)
    out["recall@10"] = m.mean(m.recall_at_k(h, n, 10) for h, n in zip(hits, n_quotes, strict=True))
    out["ndcg@10"] = m.mean(m.ndcg_at_k(h, n, 10) for h, n in zip(hits, n_quotes, strict=True))

    out["abstention_accuracy"] = m.abstention_accuracy([r["abstained"] for r in unanswerable])
    out["false_abstention_rate"] = m.false_abstention_rate([r["abstained"] for r in answerable])

    answered = [r for r in answerable if not r["abstained"]]
    cited = [[c["holds_gold"] for c in r["citations"]] for r in answered]
    out["citation_precision"] = m.citation_precision_micro(cited)
    out["citation_precision_macro"] = m.citation_precision_macro(cited)
    covered = [{g for c in r["citations"] for g in c["gold"]} for r in answered]
    out["citation_recall"] = m.citation_recall(covered, [len(r["quotes"]) for r in answered])
    out["uncited_answers"] = sum(1 for r in answered if not r["citations"])

    out["token_f1"] = m.mean(r["f1"] for r in answerable)
    out["rouge_l"] = m.mean(r["rouge_l"] for r in answerable)

    search = [r["search_ms"] for r in recs if r.get("search_ms") is not None]
    ask = [r["ask_ms"] for r in recs if r.get("ask_ms") is not None]
    out["search_p50_ms"] = m.percentile(search, 50)
    out["search_p95_ms"] = m.percentile(search, 95)
    out["ask_p50_ms"] = m.percentile(ask, 50)
    out["ask_p95_ms"] = m.percentile(ask, 95)
    return out


def group_by(records: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Aggregate per value of `key`; a list value (a cross question's docs) counts for each."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        values = r[key] if isinstance(r[key], list) else [r[key]]
        for v in values or [NO_DOC]:
            groups.setdefault(v, []).append(r)
    return {name: aggregate(groups[name]) for name in sorted(groups)}


# ---------------------------------------------------------------------------- provenance


def _git(*args: str) -> str:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, timeout=5, check=True
    )
    return done.stdout.strip()


def code_version() -> str:
    """The commit makes a result reproducible; `+dirty` warns that it was not the whole story."""
    try:
        sha = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        if sha:
            return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        from importlib.metadata import version

        return "vraagbaak " + version("vraagbaak")
    except Exception:  # not installed: provenance is best effort
        return "unknown"


def _qa_meta(qa_path: Path) -> dict[str, Any] | None:
    meta_path = qa_path.parent / "qa_meta.json"
    if not meta_path.is_file():
        return None
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {"error": f"unreadable {meta_path.name}"}
    if not isinstance(data, dict):
        return None
    return {key: data.get(key) for key in ("name", "version") if key in data}


def build_meta(qa_path: Path, k: int, info: dict[str, Any] | None) -> dict[str, Any]:
    info = dict(info or {})
    settings = dict(info.pop("settings", {}) or {})
    settings.setdefault("k", k)
    return {
        "qa_file": qa_path.name,
        "qa_sha256": hashlib.sha256(qa_path.read_bytes()).hexdigest(),
        "qa_meta": _qa_meta(qa_path),
        "embedding_model": info.pop("embedding_model", None),
        "corpus_hash": info.pop("corpus_hash", None),
        "code_version": code_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "settings": settings,
        "info": info,
    }


def _warm_up(assistant: Any, k: int) -> None:
    """One untimed search first: lazy model loading would otherwise land in question 1's latency
    and make p95 measure start-up instead of steady state."""
    with contextlib.suppress(Exception):  # a real failure shows up on the first question
        assistant.search("opwarmen", k=k)


def run_eval(
    assistant: Any,
    qa_path: Path,
    k: int = 10,
    progress: bool = True,
    info: dict[str, Any] | None = None,
    warm_up: bool = True,
    new_conversation: Callable[[], Any] | None = None,
) -> EvalResult:
    """`info` carries what only the caller knows (embedding_model, corpus_hash, settings).
    Lines sharing a `conversation` id are asked in file order on one conversation object made
    by `new_conversation` (default: assistant.conversation.Conversation), so later ones are
    follow-ups."""
    qa_path = Path(qa_path)
    items = load_qa(qa_path)
    if warm_up:
        _warm_up(assistant, k)
    conversations: dict[str, Any] = {}
    records = []
    for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress):
        conv = None
        if item.conversation:
            if item.conversation not in conversations:
                conversations[item.conversation] = (new_conversation or _new_conversation)()
            conv = conversations[item.conversation]
        records.append(evaluate_item(assistant, item, k, conv))
    return EvalResult(
        metrics=aggregate(records),
        by_type=group_by(records, "type"),
        by_doc=group_by(records, "doc"),
        questions=records,
        meta=build_meta(qa_path, k, info),
    )
