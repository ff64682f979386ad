"""The part of a case a question asks about, matched to the heading that names it in other
words ("aanleiding" ~ "Ontstaan"), and what the reranker's two facet features make of it."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from assistant.stages.facets import heading_facets, question_facets
from assistant.stages.rerank import RERANK_CANDIDATES
from assistant.stages.rerank_features import FEATURES, feature_rows
from assistant.stages.retrieve import retrieve
from assistant.stages.understand import understand


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("Wat was de aanleiding voor de Aanpak Glanerbrug?", "origin"),
        ("Hoe is de Wijkrechtbank in Eindhoven ontstaan?", "origin"),
        ("Wat heeft de Aanpak Nypels tot nu toe opgeleverd?", "results"),
        ("Waar loopt de familieaanpak in Tilburg tegenaan?", "obstacles"),
        ("Tegen welke problemen lopen wijkteams aan?", "obstacles"),
        ("Wat werkte goed bij Knock and talk?", "success"),
        ("Hoe gaat Back on Track verder na de zomer?", "future"),
        ("Welke gemeenten doen mee aan de City Deal?", "participants"),
        ("Voor wie is de aanpak bedoeld?", "target"),
    ],
)
def test_a_question_names_the_part_it_asks_about(question: str, facet: str) -> None:
    assert facet in question_facets(question)


@pytest.mark.parametrize(
    "question",
    ["Wat is een Zorg- en Veiligheidshuis?", "Wie is de projectleider van de Aanpak Nypels?"],
)
def test_most_questions_ask_about_no_part(question: str) -> None:
    assert question_facets(question) == frozenset()


@pytest.mark.parametrize(
    ("section", "facets"),
    [
        (
            "6. Aanpak Glanerbrug, gemeente Enschede > Ontstaan: heroïnehandel en 'waterbedeffect'",
            {"origin"},
        ),
        (
            "6. Aanpak Glanerbrug, gemeente Enschede > Toekomst: geen project maar proces",
            {"future"},
        ),
        ("6. Aanpak Glanerbrug, gemeente Enschede", set()),  # the case's own title, no part
        ("City Deal > Wie doen mee?", {"participants"}),
        ("Belemmering 2: informatiedeling verloopt moeizaam", {"obstacles"}),
        ("X > Voorwaarden, succesfactor(en) en knelpunten", {"success", "obstacles"}),
    ],
)
def test_a_heading_names_its_part_by_its_own_last_heading(section: str, facets: set[str]) -> None:
    assert heading_facets(section) == facets


@pytest.mark.slow
def test_the_reranker_sees_which_real_heading_names_the_asked_part(assistant: Assistant) -> None:
    index = assistant.current_index()
    asked = understand("Wat was de aanleiding voor de Aanpak Glanerbrug?")
    found = retrieve(index, asked, RERANK_CANDIDATES).passages
    rows = feature_rows(asked, found, assistant.profile(index), index.bm25.idf)
    match, other = FEATURES.index("facet_match"), FEATURES.index("facet_other")
    glanerbrug = [i for i, p in enumerate(found) if "Glanerbrug" in p.section]
    origin = [i for i in glanerbrug if "> Ontstaan" in found[i].section]
    future = [i for i in glanerbrug if "> Toekomst" in found[i].section]
    assert origin and future, [found[i].section for i in glanerbrug]
    assert all(rows[i, match] == 1.0 and rows[i, other] == 0.0 for i in origin)
    assert all(rows[i, match] == 0.0 and rows[i, other] == 1.0 for i in future)

    plain = understand("Wat is de Aanpak Glanerbrug?")
    plain_rows = feature_rows(plain, found, assistant.profile(index), index.bm25.idf)
    assert set(plain_rows[:, match]) == set(plain_rows[:, other]) == {-1.0}
