"""Run a Q&A set through an assistant and turn the answers into per-question records and metrics.

Works on any JSONL file in the Q&A format (docs/ARCHITECTURE.md), so a site can evaluate on
its own questions.
The assistant is duck-typed (anything with `search(question, k=...)` and `ask(question, ...)`
returning assistant.types objects), which lets unit tests use a fake and keeps this module
independent of how retrieval is built.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals import metrics as m
from evals.gold import gold_quotes_hit
from evals.provenance import build_meta
from evals.qa_set import QAItem, load_qa

HIT_KS = (1, 3, 5, 10)
NO_DOC = "(no document)"


@dataclass
class EvalResult:
    """Everything one run produced; `to_dict()` is the JSON result file's shape."""

    metrics: dict[str, Any]
    by_type: dict[str, dict[str, Any]]
    by_doc: dict[str, dict[str, Any]]
    questions: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    # Held-out runs (evals/held_out.py): the metrics of each half, answered by a reranker and an
    # abstention threshold learned on the other half only.
    folds: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        # the quoted sentences themselves hold gold text, not only their passage
        "quote_gold": bool(
            quotes and gold_quotes_hit(getattr(citation, "quote", "") or "", quotes)
        ),
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
        # a follow-up searched with context has no standalone sentence: its search text
        query = (
            getattr(answer, "standalone_question", "")
            or getattr(answer, "search_query", "")
            or item.question
        )
        passages, search_s = _timed("search", lambda: assistant.search(query, k=k), errors)
    passages = list(passages or [])[:k]

    ranked_hits = [gold_quotes_hit(getattr(p, "text", "") or "", item.quotes) for p in passages]
    text = (getattr(answer, "text", "") or "") if answer is not None else ""
    abstained = bool(getattr(answer, "abstained", False)) if answer is not None else False
    citations = [_citation_record(c, item.quotes) for c in getattr(answer, "citations", []) or []]
    withheld = [_citation_record(c, item.quotes) for c in getattr(answer, "withheld", []) or []]
    alternatives = [
        _citation_record(c, item.quotes) for c in getattr(answer, "alternatives", []) or []
    ]
    confidence = getattr(answer, "confidence", None) if answer is not None else None
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
        "cites_gold": any(c["holds_gold"] for c in citations),
        "quotes_gold": any(c["quote_gold"] for c in citations),
        "withheld_gold": any(c["holds_gold"] for c in withheld) if abstained else None,
        "alternatives": alternatives,
        "confidence": confidence if isinstance(confidence, int | float) else None,
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
    # Per answerable question, a refusal counting as a miss: does the answer cite a gold
    # passage, and do its quoted sentences hold the gold text itself?
    out["answers_citing_gold"] = m.mean(
        1.0 if not r["abstained"] and r.get("cites_gold") else 0.0 for r in answerable
    )
    out["answers_quoting_gold"] = m.mean(
        1.0 if not r["abstained"] and r.get("quotes_gold") else 0.0 for r in answerable
    )
    with_alternatives = [r for r in answered if r.get("alternatives")]
    out["alternatives_shown"] = m.mean(1.0 if r.get("alternatives") else 0.0 for r in answered)
    out["alternatives_hold_gold"] = m.mean(
        1.0 if any(a["holds_gold"] for a in r["alternatives"]) else 0.0 for r in with_alternatives
    )
    # A refusal by the answer's own check may offer passages that hold what it lacked
    # (stages/alternatives.py): how often, and how often one of them is gold when the
    # question had an answer after all.
    refused = [r for r in recs if r["abstained"]]
    out["refusals_with_alternatives"] = m.mean(
        1.0 if r.get("alternatives") else 0.0 for r in refused
    )
    out["refused_alternatives_hold_gold"] = m.mean(
        1.0 if any(a["holds_gold"] for a in r["alternatives"]) else 0.0
        for r in answerable
        if r["abstained"] and r.get("alternatives")
    )
    out["risk_coverage"] = m.risk_coverage(
        [r.get("confidence") for r in recs], [_would_be_right(r) for r in recs]
    )

    out["token_f1"] = m.mean(r["f1"] for r in answerable)
    out["rouge_l"] = m.mean(r["rouge_l"] for r in answerable)

    search = [r["search_ms"] for r in recs if r.get("search_ms") is not None]
    ask = [r["ask_ms"] for r in recs if r.get("ask_ms") is not None]
    out["search_p50_ms"] = m.percentile(search, 50)
    out["search_p95_ms"] = m.percentile(search, 95)
    out["ask_p50_ms"] = m.percentile(ask, 50)
    out["ask_p95_ms"] = m.percentile(ask, 95)
    return out


def _would_be_right(r: dict[str, Any]) -> bool:
    """Right if answered: an answerable question whose answer (or, when it abstained, the
    answer it withheld) cites a gold passage; a `none` question is never right to answer."""
    if r["type"] == "none":
        return False
    return bool(r.get("withheld_gold") if r["abstained"] else r.get("cites_gold"))


def group_by(records: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Aggregate per value of `key`; a list value (a cross question's docs) counts for each."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        values = r[key] if isinstance(r[key], list) else [r[key]]
        for v in values or [NO_DOC]:
            groups.setdefault(v, []).append(r)
    return {name: aggregate(groups[name]) for name in sorted(groups)}


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
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalResult:
    """`info` carries what only the caller knows (embedding_model, corpus_hash, settings).
    Lines sharing a `conversation` id are asked in file order on one conversation object made
    by `new_conversation` (default: assistant.conversation.Conversation), so later ones are
    follow-ups. `on_progress(done, total)` is called once before the first question (done 0,
    after the warm-up) and after each question, for a progress bar outside the terminal."""
    qa_path = Path(qa_path)
    items = load_qa(qa_path)
    if warm_up:
        _warm_up(assistant, k)
    records = evaluate_items(assistant, items, k, progress, new_conversation, on_progress)
    return result_of(records, build_meta(qa_path, k, info))


def evaluate_items(
    assistant: Any,
    items: Sequence[QAItem],
    k: int = 10,
    progress: bool = True,
    new_conversation: Callable[[], Any] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """One record per item, in order; lines sharing a `conversation` id are asked in order on
    one conversation object."""
    if on_progress:
        on_progress(0, len(items))
    conversations: dict[str, Any] = {}
    records = []
    for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress):
        conv = None
        if item.conversation:
            if item.conversation not in conversations:
                conversations[item.conversation] = (new_conversation or _new_conversation)()
            conv = conversations[item.conversation]
        records.append(evaluate_item(assistant, item, k, conv))
        if on_progress:
            on_progress(len(records), len(items))
    return records


def result_of(
    records: list[dict[str, Any]],
    meta: dict[str, Any],
    folds: dict[str, dict[str, Any]] | None = None,
) -> EvalResult:
    return EvalResult(
        metrics=aggregate(records),
        by_type=group_by(records, "type"),
        by_doc=group_by(records, "doc"),
        questions=records,
        meta=meta,
        folds=folds or {},
    )
