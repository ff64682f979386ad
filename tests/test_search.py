"""Search over the real bundled corpus: known passages are found, with full citations."""

from __future__ import annotations

import pytest

from evals.gold import passage_matches_quote

KNOWN = [
    # (question as staff ask it, document, verbatim text of the passage that answers it)
    (
        "Wat houdt knock and talk in Utrecht in?",
        "ondermijning-in-de-wijk",
        "Knock and talk",
    ),
    (
        "Welke gemeenten deden mee aan de City Deal Zorg voor Veiligheid?",
        "city-deal-zorg-veiligheid",
        "Tilburg en Breda: transforensische zorg en re-integratie ex-gedetineerden",
    ),
    (
        "Wat is een Zorg- en Veiligheidshuis?",
        "ledenbrief-zorg-veiligheid",
        "Zorg- en Veiligheidshuis",
    ),
]


@pytest.mark.parametrize(("question", "doc_id", "needle"), KNOWN)
def test_known_passage_is_in_the_top_five(assistant, question, doc_id, needle) -> None:
    results = assistant.search(question, k=5)
    assert len(results) == 5
    assert any(p.doc_id == doc_id and passage_matches_quote(p.text, needle) for p in results), [
        (p.doc_id, p.text[:80]) for p in results
    ]


def test_every_result_carries_a_full_citation(assistant) -> None:
    results = assistant.search("rol van de burgemeester bij zorg en veiligheid", k=8)
    assert [p.rank for p in results] == list(range(1, 9))
    scores = [p.score for p in results]
    assert scores == sorted(scores, reverse=True)
    titles = assistant.status().doc_titles
    for p in results:
        assert p.doc_id in titles and p.title == titles[p.doc_id]
        assert p.text.strip() and p.section is not None
        assert p.page is None  # the bundled texts carry no page breaks
        assert p.dense_rank is not None or p.bm25_rank is not None
    json_shape = results[0].to_search_json()
    assert set(json_shape) == {"rank", "doc_id", "title", "page", "section", "text", "score"}


def test_document_filter_restricts_results(assistant) -> None:
    results = assistant.search("samenwerking zorg en veiligheid", k=10, doc_ids=["wegwijzer"])
    assert results and {p.doc_id for p in results} == {"wegwijzer"}
