"""The subject of a "Wat is X?" question must be named by a passage the answer quotes."""

from __future__ import annotations

import pytest

from assistant.stages.named_subject import is_abbreviation, names_subject, subject_word


def _idf(term: str) -> float:
    return {"taak": 1.0, "ggd": 5.0}.get(term, 3.0)


def test_the_subject_word_is_its_most_specific_one() -> None:
    assert subject_word("de taken van de GGD", _idf) == "ggd"
    assert subject_word("een trajectregisseur", _idf) == "trajectregisseur"
    assert subject_word("de ZSM-aanpak", _idf) == "aanpak"  # equal idf: the longer word
    assert subject_word("het", _idf) is None


def test_inflections_and_plurals_still_name_it() -> None:
    assert names_subject("keukentafelgesprek", ["Keukentafelgesprekken worden gevoerd."])
    assert names_subject("buurtouders", ["Een buurtouder loopt 's avonds rond."])
    assert not names_subject("trajectregisseur", ["Toch spaart hij stiekem voor een trui."])


def test_a_name_only_in_brackets_is_not_named_unless_it_is_an_abbreviation() -> None:
    """Brackets behind a job title say who someone works for; brackets behind a spelled-out
    name define an abbreviation."""
    respondent = ["Taskforce-RIEC: projectleider Jonge aanwas (Bureau Straatkracht)"]
    assert not names_subject("straatkracht", respondent)
    assert names_subject("straatkracht", ["Bureau Straatkracht begeleidt jongeren."])
    riec = ["Tien Regionale Informatie- en Expertise Centra (RIEC's) richten zich op …"]
    assert is_abbreviation("het RIEC", "riec") and not is_abbreviation(
        "Bureau Straatkracht", "straatkracht"
    )
    assert names_subject("riec", riec, abbreviation=True)
    assert not names_subject("riec", riec)


@pytest.mark.slow
def test_what_an_abbreviation_is_comes_from_the_sentence_that_defines_it(assistant) -> None:
    """ "Wat is het RIEC?" was answered with a film by "Taskforce RIEC Brabant-Zeeland"; the
    corpus defines RIECs in a footnote of the inspiratieboek, which read as a list item
    ("2. Tien …") before it lost its number."""
    answer = assistant.ask("Wat is het RIEC?")
    assert not answer.abstained
    assert answer.citations[0].doc_id == "ondermijning-in-de-wijk"
    assert answer.text.startswith("Voetnoot: Tien Regionale Informatie- en Expertise Centra")


@pytest.mark.slow
def test_a_subject_the_corpus_only_names_in_brackets_is_refused(assistant) -> None:
    """Bureau Straatkracht only stands in the wegwijzer's list of people interviewed, behind a
    job title; that list was quoted as what the bureau does."""
    refused = assistant.ask("Wat doet Bureau Straatkracht?")
    assert refused.abstained and not refused.citations
    assert any("‘Bureau Straatkracht’" in n for n in refused.notices)


@pytest.mark.slow
def test_a_definition_from_a_passage_that_never_names_the_subject_is_refused(assistant) -> None:
    """The corpus only lists the City Deal's trajectregisseurs by name; the best-scored
    passage was a story that never uses the word."""
    refused = assistant.ask("Wat doet een trajectregisseur?")
    assert refused.abstained and not refused.citations
    assert any("‘trajectregisseur’" in n for n in refused.notices)
    answered = assistant.ask("Wat is een keukentafelgesprek?")
    assert not answered.abstained
    assert "keukentafelgesprek" in answered.citations[0].quote.lower()
