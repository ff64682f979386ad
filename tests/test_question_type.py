"""The abstention checks beyond similarity: a number question needs a number in the answer, and
specific question words that no passage holds lower the relevance signal."""

from __future__ import annotations

import pytest

from assistant.stages.question_type import (
    asks_for_amount,
    asks_for_number,
    definition_subject,
    gives_amount,
    gives_number,
    list_noun,
)
from foundation.lexical import content_terms
from ingest.embedders import get_embeddings
from tests.test_extractive import ALL, DRIEHOEK, answer_extractively, ranked, relevance_signal


@pytest.fixture(scope="module")
def embedder():
    return get_embeddings("e5-small-q4")


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("Hoeveel gemeenten deden mee aan de City Deal?", True),
        ("Hoe hoog is de boete voor een gemeente?", True),
        ("Wat kost een zaak bij de Wijkrechtbank?", True),
        ("En hoe lang duurt zo'n traject?", True),
        ("Welk percentage van de meldingen gaat over jongeren?", True),
        ("Wat is een Zorg- en Veiligheidshuis?", False),
        ("Hoe pakt Tilburg ondermijning aan?", False),
        ("Wie zit er in de driehoek?", False),
    ],
)
def test_number_questions_are_recognised(question: str, number: bool) -> None:
    assert asks_for_number(question) is number


def test_a_number_must_be_new_to_count() -> None:
    q = "Hoeveel gemeenten deden mee in 2019?"
    assert gives_number("Er deden zes gemeenten mee.", q)
    assert gives_number("In 2019 deden 32 huizen mee.", q)
    assert not gives_number("In 2019 deden veel gemeenten mee.", q)
    assert not gives_number("Veel gemeenten deden mee.", q)


def test_number_question_without_a_number_in_the_passages_abstains(embedder) -> None:
    # The driehoek passage says who chairs the meeting but names no amount or count.
    driehoek = [p for p in ALL if p.text == DRIEHOEK]
    question = "Hoeveel vergoeding krijgt de voorzitter van het driehoeksoverleg?"
    answer = answer_extractively(question, ranked(question, embedder, driehoek), embedder)
    assert answer.abstained
    # The same passage does answer a question that needs no number.
    question = "Wie is meestal de voorzitter van het driehoeksoverleg?"
    answer = answer_extractively(question, ranked(question, embedder, driehoek), embedder)
    assert not answer.abstained
    assert "voorzitter" in answer.citations[0].quote


def test_number_question_with_a_number_is_answered(embedder) -> None:
    question = "Hoeveel jaar geleden startte het project Knock and talk?"
    answer = answer_extractively(question, ranked(question, embedder), embedder)
    assert not answer.abstained
    assert "april 2020" in answer.text


def test_question_words_no_passage_holds_lower_the_signal(embedder) -> None:
    question = "Wie is de voorzitter van het driehoeksoverleg en welke boete legt die op?"
    passages = ranked(question, embedder)
    rare = set(content_terms("boete voorzitter driehoeksoverleg"))

    def idf(term: str) -> float:  # rare words weigh more, as the index's idf makes them
        return 5.0 if term in rare else 1.0

    plain = relevance_signal(question, passages, embedder)
    weighted = relevance_signal(question, passages, embedder, term_weight=idf)
    assert weighted < plain  # "boete" is in no passage
    covered = "Wie is de voorzitter van het driehoeksoverleg?"
    passages = ranked(covered, embedder)
    assert relevance_signal(covered, passages, embedder, term_weight=idf) == pytest.approx(
        relevance_signal(covered, passages, embedder)
    )


def test_real_index_idf_weighs_rare_words_higher(assistant) -> None:
    idf = assistant.index.bm25.idf
    common, rare = content_terms("gemeenten shishalounges")
    assert idf(rare) > idf(common) > 0
    assert idf("woordbestaatnietincorpus") >= idf(rare)


def test_absent_topic_abstains_and_present_topic_answers_on_the_real_index(assistant) -> None:
    absent = assistant.ask("Hoe hoog is de boete voor een gemeente die niet terugmeldt aan de BRP?")
    assert absent.abstained
    present = assistant.ask("Wat is de Terugmeldvoorziening en waarvoor dient die?")
    assert not present.abstained


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Wat is Knock and talk?", "Knock and talk"),
        ("Wat is de Aanpak Nypels?", "Aanpak Nypels"),
        ("Wat houdt de Aanpak Voorkoming Escalatie in?", "Aanpak Voorkoming Escalatie"),
        ("Wat doet een RIEC?", "RIEC"),
        ("Wat wordt bedoeld met regiekracht?", "regiekracht"),
        ("jonge aanwas in de criminaliteit, wat is dat?", "jonge aanwas in de criminaliteit"),
        ("Wat is de rol van de burgemeester bij de aanpak van ondermijning in de wijk?", None),
        ("Hoe pakt Tilburg ondermijning aan?", None),
    ],
)
def test_definition_subject(question: str, subject: str | None) -> None:
    assert definition_subject(question) == subject


def test_definition_question_gets_the_passage_that_opens_its_section(assistant) -> None:
    """Later passages of the Knock and talk chapter name it as often as the first one does, but
    only the first says what it is."""
    top = assistant.search("Wat is Knock and talk?", k=3)
    assert top[0].text.startswith("In Knock and talk bezoekt de gemeente")
    answer = assistant.ask("Wat is de Aanpak Nypels?")
    assert "In 2017 startte de gemeente Nieuwegein" in answer.citations[0].quote


def test_section_intros_are_only_section_starts(assistant) -> None:
    from assistant.stages.retrieve import section_intros

    index = assistant.index
    knock = [c for c in index.chunks.values() if "Knock and talk" in c.meta.get("section", "")]
    intros = section_intros(index, [c.id for c in knock], "Knock and talk")
    assert len(intros) == 1
    (only,) = intros
    assert index.chunks[only].text.startswith("In Knock and talk bezoekt")
    assert section_intros(index, [c.id for c in knock], "appeltaart") == set()


@pytest.mark.parametrize(
    "question",
    [
        "Wat kost een licentie voor een gemeente?",
        "Hoeveel geld krijgt een gemeente per jaar uit het programma?",
        "Hoe groot is het budget van het landelijk programma?",
        "Hoeveel EU-subsidie krijgt de aanpak?",
        "kosten e-learning signaalherkenning",
    ],
)
def test_money_questions_want_an_amount(question: str) -> None:
    assert asks_for_amount(question)


@pytest.mark.parametrize(
    "question",
    [
        "Waarom helpt een klein vrij besteedbaar budget bij het ketenhuis?",
        "Hoeveel centrumgemeenten krijgen geld voor de vrouwenopvang?",
        "Waarom liet Tilburg een maatschappelijke kosten-batenanalyse uitvoeren?",
        "Hoeveel gemeenten deden mee?",
    ],
)
def test_questions_that_only_mention_money_do_not(question: str) -> None:
    assert not asks_for_amount(question)


def test_an_amount_is_money_not_any_number() -> None:
    assert gives_amount("Het Rijk trok er 2,5 miljoen euro voor uit.")
    assert gives_amount("De bijdrage is € 40.000 per jaar.")
    assert not gives_amount("Er zijn 32 Zorg- en Veiligheidshuizen; het programma duurt twee jaar.")


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Welke thema's behandelt het Kompas informatiebronnen?", "thema's"),
        ("Welke vijf veiligheidsthema's behandelt de publicatie?", "veiligheidsthema's"),
        ("Uit welke zeven stappen bestaat het barrièremodel?", "stappen"),
        ("welke landelijke uitvoeringsorganisaties zijn geinterviewd", "uitvoeringsorganisaties"),
        ("Wat zijn de belangrijkste lessen?", "lessen"),
        ("Welke rol speelt de wijkagent?", None),  # a singular: no list of things
        ("Hoe werkt de familieaanpak?", None),
    ],
)
def test_the_plural_a_list_question_asks_for(question: str, noun: str | None) -> None:
    assert list_noun(question) == noun
