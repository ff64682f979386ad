"""A question's rare proper names must be named by a passage the answer quotes."""

from __future__ import annotations

import pytest

from assistant.stages.proper_names import NameVocabulary, missing_name_notice, unnamed_names

TEXTS = [
    "Aanpak Nypels: het kernteam bezoekt de flats op het Nypelsplantsoen.",
    "De aanpak in Schiedam richt zich op jongeren; de wijkagent kent ze.",
    "Raad voor de Kinderbescherming. De raad onderzoekt de situatie.",
    "Het Openbaar Ministerie vervolgt; openbaar vervoer rijdt door.",
] + [f"De gemeente werkt met het Veiligheidshuis aan zaak {i}." for i in range(6)]


def test_a_name_is_capitalised_never_written_lower_case_and_rare() -> None:
    names = NameVocabulary(TEXTS)
    # "Aanpak", "Raad" and "Openbaar" are ordinary words the corpus also writes in lower
    # case; "Veiligheidshuis" is in most passages, so it is the topic, not a name
    assert names.rare_names("Welke rol speelt de wijkagent bij de Aanpak Nypels?") == ["Nypels"]
    assert names.rare_names("Wat doet de Raad voor de Kinderbescherming?") == ["Kinderbescherming"]
    assert names.rare_names("Wat doet het Openbaar Ministerie bij het Veiligheidshuis?") == [
        "Ministerie"
    ]
    # a name the corpus never holds counts too; the first word and parentheses do not
    assert names.rare_names("Wat doet Bureau Straatkracht?") == ["Bureau", "Straatkracht"]
    assert names.rare_names("Nypels: wat doet de wijkagent?") == []
    assert names.rare_names("Wat is mobiel banditisme (MOBA)?") == []
    assert names.rare_names("Hoeveel huizen zijn er in Nederland?") == []  # the country
    # hyphen parts are names of their own
    assert names.rare_names("Wie werkt in Schiedam-Nieuwland?") == ["Schiedam", "Nieuwland"]


def test_an_answer_keeps_its_quote_when_one_name_is_named() -> None:
    assert unnamed_names(["Nypels"], ["Bezoek aan het Nypelsplantsoen."]) == []
    assert unnamed_names(["Schiedam", "Nieuwland"], ["De aanpak in Nieuwland."]) == []
    assert unnamed_names(["Nypels"], ["De aanpak in Schiedam."]) == ["Nypels"]
    assert unnamed_names(["Roma"], ["Het aroma van koffie."]) == ["Roma"]  # a word's start
    assert "‘Nypels’" in missing_name_notice(["Nypels"])


@pytest.mark.slow
def test_an_answer_about_another_case_is_refused(assistant) -> None:
    """The Nypels case never mentions a wijkagent; the Schiedam case does, at length, and
    its passage was quoted as if it were about Nypels."""
    refused = assistant.ask("Welke rol speelt de wijkagent bij de Aanpak Nypels?")
    assert refused.abstained and not refused.citations
    assert any("‘Nypels’" in n for n in refused.notices)
    answered = assistant.ask("Welk deel van de adressen op het Nypelsplantsoen is bezocht?")
    assert not answered.abstained
    assert "360 adressen" in answered.text
