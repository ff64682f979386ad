"""One Assistant shared by threads (the chat page serves several users from one process)
gives exactly the answers and rankings it gives when called one question at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

THREADS = 8
QUESTIONS = [
    "Wat is het Zorg- en Veiligheidshuis?",
    "Tot welke leeftijd vallen jongeren onder de doelgroep van de wegwijzer?",
    "Welke informatiebronnen kan een OOV-er gebruiken bij ondermijning?",
    "Wat is de rol van de burgemeester bij de openbare orde?",
    "Hoe werkt de aanpak Nypels in Nieuwegein?",
    "Wat is de City Deal Zorg voor Veiligheid?",
    "Hoe worden jongeren geronseld voor drugscriminaliteit?",
    "Wat staat er in de ledenbrief over privacy en gegevensdeling?",
]


def answer_key(answer: Any) -> tuple[Any, ...]:
    """Everything a user sees of an answer: text, abstention and each citation."""
    return (
        answer.text,
        answer.abstained,
        answer.mode,
        [(c.n, c.chunk_id, c.doc_id, c.page, c.section, c.quote) for c in answer.citations],
    )


def search_key(passages: list[Any]) -> list[tuple[Any, ...]]:
    return [(p.rank, p.chunk_id, round(p.score, 9), p.dense_rank, p.bm25_rank) for p in passages]


def test_concurrent_asks_match_serial_asks(assistant) -> None:
    serial = [answer_key(assistant.ask(q)) for q in QUESTIONS]
    assert sum(1 for key in serial if not key[1]) >= THREADS // 2, "too few real answers"
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(assistant.ask, q) for q in QUESTIONS]
        concurrent = [answer_key(f.result(timeout=300)) for f in futures]
    for question, got, want in zip(QUESTIONS, concurrent, serial, strict=True):
        assert got == want, question


def test_concurrent_searches_match_serial_searches(assistant) -> None:
    serial = [search_key(assistant.search(q, k=10)) for q in QUESTIONS]
    assert all(len(s) == 10 for s in serial)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        work = QUESTIONS * 2  # every question twice, so threads also race on the same one
        futures = [pool.submit(assistant.search, q, 10) for q in work]
        concurrent = [search_key(f.result(timeout=300)) for f in futures]
    for question, got, want in zip(work, concurrent, serial * 2, strict=True):
        assert got == want, question


def test_concurrent_filtered_searches_stay_in_their_documents(assistant) -> None:
    """Document filters of different threads must not leak into each other's results."""
    doc_ids = sorted(assistant.index.live.docs)
    question = "samenwerking tussen zorg en veiligheid"
    serial = {d: search_key(assistant.search(question, 5, [d])) for d in doc_ids}
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = {
            (d, i): pool.submit(assistant.search, question, 5, [d])
            for i in range(2)
            for d in doc_ids
        }
        for (doc_id, _), future in futures.items():
            passages = future.result(timeout=300)
            assert {p.doc_id for p in passages} == {doc_id}
            assert search_key(passages) == serial[doc_id]
