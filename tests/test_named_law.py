"""A question about a named law is answered only from a passage that names that law: a quote
about information sharing in general, pasted into a memo under "Wet politiegegevens", cites the
wrong regulation. Detector cases in plain Dutch; end-to-end cases on the real index."""

from __future__ import annotations

import pytest

from assistant.stages.named_law import missing_law_notice, named_laws, unnamed_laws


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        (
            "Wat regelt de Wet politiegegevens over het verstrekken van informatie?",
            ["Wet politiegegevens"],
        ),
        ("Wet aanpak woonoverlast burgemeester gedragsaanwijzing", ["Wet aanpak woonoverlast"]),
        ("Wat zegt de Omgevingswet over vakantieparken?", ["Omgevingswet"]),
        ("artikel 13b Opiumwet", ["Opiumwet"]),
        ("Wat is het verschil tussen de Wvggz en de Wet zorg en dwang?", ["Wet zorg"]),
        ("Wat wilde de Jeugdwet ten opzichte van de oude Wet op de Jeugdzorg?", ["Jeugdwet"]),
    ],
)
def test_the_laws_a_question_names(question: str, shown: list[str]) -> None:
    assert [law.shown for law in named_laws(question)] == shown


@pytest.mark.parametrize(
    "question",
    [
        "Is in de wet vastgelegd dat de burgemeester de driehoek voorzit?",
        "Wams wetsvoorstel status",
    ],
)
def test_the_law_in_general_names_no_law(question: str) -> None:
    assert named_laws(question) == []


def test_a_passage_must_name_one_of_the_asked_laws() -> None:
    question = "Wat regelt de Wet politiegegevens over informatie aan de gemeente?"
    assert unnamed_laws(question, ["De AVG en de Participatiewet zorgen voor onzekerheid."])
    assert not unnamed_laws(question, ["Op grond van de Wet politiegegevens (Wpg) mag de politie"])
    # folded and plural-tolerant: the corpus's wording, the user's capitals
    assert not unnamed_laws("Wat zegt de Omgevingswet?", ["Denk aan de nieuwe omgevingswet."])
    # a two-law question answered from a passage on one of them keeps its answer
    both = "Wat is het verschil tussen de Jeugdwet en de Wet zorg en dwang?"
    assert not unnamed_laws(both, ["Vanaf 1 januari 2015 is de Jeugdwet van kracht."])
    assert "Wet politiegegevens" in missing_law_notice(unnamed_laws(question, ["niets"]))


# ---------------------------------------------------------------------------- real index


def test_a_law_no_passage_names_is_refused_with_a_notice(assistant) -> None:
    """The corpus never names the Wet politiegegevens; its passages on sharing police
    information match the rest of the question well."""
    answer = assistant.ask(
        "Wat regelt de Wet politiegegevens over het verstrekken van politie-informatie aan de "
        "gemeente?"
    )
    assert answer.abstained
    assert not answer.citations
    assert any("Wet politiegegevens" in n for n in answer.notices)


def test_a_law_the_passages_name_is_answered_from_them(assistant) -> None:
    answer = assistant.ask(
        "Wat wilde de Jeugdwet bereiken ten opzichte van de oude Wet op de Jeugdzorg?"
    )
    assert not answer.abstained
    assert any("Jeugdwet" in c.text for c in answer.citations)
