"""The subject of a "Wat is X?" question must be named by a passage the answer quotes."""

from __future__ import annotations

import pytest

from assistant.stages.named_subject import names_subject, subject_word


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
