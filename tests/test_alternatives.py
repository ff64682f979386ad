"""'Ook relevant': shown only when the reranker is unsure, never the passages the answer
cites, each with the sentence of it that matches the question; the learned abstention model
as stored in a model file."""

from __future__ import annotations

import math

import pytest

from assistant.stages.abstention import LEARNED_INPUTS, LearnedAbstention, SignalThreshold
from assistant.stages.alternatives import (
    ALTERNATIVE_GAP_MARGINS,
    MAX_ALTERNATIVES,
    REFUSAL_NOTICE,
    alternatives,
    best_sentence,
    is_unsure,
    refusal_alternatives,
)
from assistant.stages.understand import understand
from assistant.types import Passage
from tests.snippets import ZVH

OTHER = (
    "De Raad voor de Kinderbescherming is een landelijke organisatie met gebiedsteams verspreid "
    "over het land. De RvdK is een uitvoeringsdienst van het Ministerie van Justitie en "
    "Veiligheid en komt op voor kinderen van wie de ontwikkeling wordt bedreigd."
)


def _passage(i: int, text: str, score: float) -> Passage:
    return Passage(
        chunk_id=f"doc:{i}",
        doc_id="doc",
        title="Ledenbrief",
        publisher="VNG",
        date="2018",
        page=None,
        section=f"§ {i}",
        text=text,
        chunk_index=i,
        start=0,
        end=len(text),
        score=score,
        rank=i,
    )


QUESTION = understand("Wie werken samen in het Zorg- en Veiligheidshuis?")


def test_no_alternatives_when_the_first_passage_leads_clearly() -> None:
    passages = [_passage(1, ZVH, 3.0), _passage(2, OTHER, 0.5), _passage(3, OTHER, 0.2)]
    assert not is_unsure(passages, 1.0)
    assert alternatives(QUESTION, passages, {"doc:1"}, 1.0) == []


def test_no_alternatives_without_a_calibrated_margin() -> None:
    passages = [_passage(1, ZVH, 1.0), _passage(2, OTHER, 1.0)]
    assert alternatives(QUESTION, passages, {"doc:1"}, None) == []


def test_unsure_answers_show_the_other_passages_with_their_best_sentence() -> None:
    passages = [_passage(i, ZVH if i == 2 else OTHER, 2.0 - 0.1 * i) for i in range(1, 7)]
    question = understand("Welke partners participeren in het Zorg- en Veiligheidshuis?")
    found = alternatives(question, passages, {"doc:1"}, 0.5, first_number=2)
    assert 0 < len(found) <= MAX_ALTERNATIVES
    assert "doc:1" not in {c.chunk_id for c in found}  # never what the answer cites
    assert [c.n for c in found] == list(range(2, 2 + len(found)))
    zvh = next(c for c in found if c.chunk_id == "doc:2")
    assert zvh.quote in zvh.text and "partners" in zvh.quote  # the sentence that matches
    assert zvh.to_json()["section"] == "§ 2"


def test_a_passage_far_below_the_first_is_no_alternative() -> None:
    """Unsure about the first two, sure that the third and fourth are not the answer: only the
    second is offered."""
    scores = [3.0, 2.9, 3.0 - ALTERNATIVE_GAP_MARGINS * 0.5 - 0.01, 0.2]
    passages = [_passage(i, OTHER, score) for i, score in enumerate(scores, start=1)]
    found = alternatives(QUESTION, passages, {"doc:1"}, 0.5)
    assert [c.chunk_id for c in found] == ["doc:2"]


def test_best_sentence_prefers_the_question_terms_over_the_opening() -> None:
    sentence = best_sentence(
        understand("Welke uitvoeringsdienst komt op voor bedreigde kinderen?"),
        _passage(1, OTHER, 1.0),
        None,
    )
    assert sentence.startswith("De RvdK is een uitvoeringsdienst")


def test_learned_abstention_round_trips_and_refuses_other_inputs() -> None:
    n = len(LEARNED_INPUTS)
    model = LearnedAbstention(
        mean=(0.0,) * n,
        scale=(1.0,) * n,
        coef=(1.0,) + (0.0,) * (n - 1),
        intercept=0.0,
        threshold=0.5,
    )
    again = LearnedAbstention.from_json(model.to_json())
    assert again == model
    inputs = [2.0] + [0.0] * (n - 1)
    assert math.isclose(model.probability(inputs), 1 / (1 + math.exp(-2.0)))
    stale = {**model.to_json(), "inputs": ["evidence:signal"]}
    assert LearnedAbstention.from_json(stale) is None


@pytest.mark.parametrize("threshold", [0.5, 0.9])
def test_signal_threshold_keeps_its_threshold(threshold: float) -> None:
    assert SignalThreshold(threshold).threshold == threshold


def test_a_refusal_offers_the_passages_that_hold_what_it_lacked() -> None:
    """An answer refused because its passage lacks the asked detail still shows the top
    passages that have it, apart and numbered from 1 (the refusal cites nothing)."""
    passages = [_passage(i, text, 3.0 - i) for i, text in enumerate([ZVH, OTHER, ZVH, OTHER])]
    holds = lambda p: "Raad voor de Kinderbescherming" in p.text  # noqa: E731
    found = refusal_alternatives(QUESTION, passages, {"doc:0"}, holds)
    assert [c.chunk_id for c in found] == ["doc:1", "doc:3"]
    assert [c.n for c in found] == [1, 2]
    assert all(c.quote in c.text for c in found)
    # the quoted passage itself is never offered, nor one that fails the check
    assert refusal_alternatives(QUESTION, passages, {"doc:1", "doc:3"}, holds) == []
    many = [_passage(i, OTHER, 1.0) for i in range(8)]
    assert len(refusal_alternatives(QUESTION, many, set(), holds)) == MAX_ALTERNATIVES


CITY_DEAL_TOWNS = ("Tilburg", "Breda", "Nijmegen", "Almere", "Zoetermeer", "Maastricht")


@pytest.mark.slow
def test_a_refused_place_question_offers_the_passage_that_names_the_town(assistant) -> None:
    """ "Wie van de gemeente Vlaardingen …" lands on a passage about the wegwijzer's meetings
    that names no town, and the appendix listing the participants scores too far below it to
    be quoted: the answer is refused, and the list is offered apart, with a notice, in `ask
    --json` as well. (Until session 18 "Welke steden doen mee aan de City Deal …?" was the
    example; its list is now quoted, being in the same chapter as the first passage.)"""
    answer = assistant.ask(
        "Wie van de gemeente Vlaardingen schoven aan bij de bijeenkomsten voor de wegwijzer?"
    )
    assert answer.abstained and not answer.citations
    assert REFUSAL_NOTICE in answer.notices
    first = answer.alternatives[0]
    assert first.n == 1 and first.section.endswith(
        "Deelnemende gemeenten en samenwerkingsverbanden"
    )
    assert "Vlaardingen" in first.quote
    assert first.quote in first.text
    shown = answer.to_json()["alternatives"]
    assert shown[0]["section"] == first.section and shown[0]["quote"] == first.quote


@pytest.mark.slow
def test_the_city_deal_towns_are_quoted_from_the_same_chapter(assistant) -> None:
    """The "Wie doen mee?" list was only offered apart: it scored too far below "Wat doen
    we?" to be quoted. Both stand under the page's one chapter, so the list now answers."""
    answer = assistant.ask(
        "Welke steden doen mee aan de City Deal Zorg voor Veiligheid in de Stad?"
    )
    assert not answer.abstained
    assert answer.citations[0].section.endswith("Wie doen mee?")
    assert all(town in answer.text for town in CITY_DEAL_TOWNS)


@pytest.mark.slow
def test_a_refusal_for_lack_of_relevance_offers_nothing(assistant) -> None:
    answer = assistant.ask("Hoe laat vertrekt de laatste trein naar Groningen?")
    assert answer.abstained
    assert answer.alternatives == [] and REFUSAL_NOTICE not in answer.notices
