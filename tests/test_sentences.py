"""Dutch sentence splitting, with sentences taken from the seed documents."""

# ruff: noqa: E501 -- cases are verbatim sentences from the seed documents

from __future__ import annotations

import time

import pytest

from foundation.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Op 25 april jl. is het actieprogramma gepresenteerd. Gemeenten gaan samen met het Rijk de strijd aan.",
            ["Op 25 april jl. is het actieprogramma gepresenteerd.", "Gemeenten gaan samen met het Rijk de strijd aan."],
        ),
        (
            "Acuut optreden bij gevaar voor de volksgezondheid, o.a. bij rampen. Dat is nodig.",
            ["Acuut optreden bij gevaar voor de volksgezondheid, o.a. bij rampen.", "Dat is nodig."],
        ),
        (
            "Zo'n 17.000 jongeren per jaar krijgen een Halt-straf. Halt geeft voorlichtingen.",
            ["Zo'n 17.000 jongeren per jaar krijgen een Halt-straf.", "Halt geeft voorlichtingen."],
        ),
        (
            "Het programma wordt geleid door mr. J. de Vries, voormalig wethouder. Neem contact op.",
            ["Het programma wordt geleid door mr. J. de Vries, voormalig wethouder.", "Neem contact op."],
        ),
        (
            "Zie hoofdstuk 7.2.4 over Koers en kansen. Wanneer is alleen zorg nodig? Wanneer zal een combinatie beter zijn?",
            ["Zie hoofdstuk 7.2.4 over Koers en kansen.", "Wanneer is alleen zorg nodig?", "Wanneer zal een combinatie beter zijn?"],
        ),
        (
            "Dit gebeurt bijv. via de GGD, d.w.z. de regio. Het gaat m.b.t. zorg t.a.v. jongeren i.p.v. ouderen, incl. begeleiding, ca. drie keer, resp. vier, art. 5 enz. Klaar.",
            ["Dit gebeurt bijv. via de GGD, d.w.z. de regio.", "Het gaat m.b.t. zorg t.a.v. jongeren i.p.v. ouderen, incl. begeleiding, ca. drie keer, resp. vier, art. 5 enz. Klaar."],
        ),
        (
            '"Zij zetten stappen, wij ondersteunen." Bovendien kunnen ze er niet zomaar mee stoppen!',
            ['"Zij zetten stappen, wij ondersteunen."', "Bovendien kunnen ze er niet zomaar mee stoppen!"],
        ),
        (
            "Er zijn drie stappen. 2 gemeenten doen mee.",
            ["Er zijn drie stappen.", "2 gemeenten doen mee."],
        ),
    ],
)  # fmt: skip
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_abbreviation_before_capital_is_no_boundary() -> None:
    # "etc." and "enz." before a name are ambiguous; we prefer not to split, never to cut a quote
    assert split_sentences("Denk aan drs. Jansen en dr. Pietersen.") == [
        "Denk aan drs. Jansen en dr. Pietersen."
    ]


def test_numbered_items_and_bullets_without_final_punctuation() -> None:
    text = (
        "Belangrijkste criteria waren:\n"
        "1. Complexiteit van zowel het veiligheidsvraagstuk zelf als de aanpak daarvan;\n"
        "2. Veel beschikbare informatiebronnen\n"
        "• Weerbaar buitengebied (ondermijningsrisico's)\n"
        "• Online aangejaagde ordeverstoring\n"
        "Voor elk van deze thema's is een overzicht opgenomen."
    )
    assert split_sentences(text) == [
        "Belangrijkste criteria waren:",
        "1. Complexiteit van zowel het veiligheidsvraagstuk zelf als de aanpak daarvan;",
        "2. Veel beschikbare informatiebronnen",
        "• Weerbaar buitengebied (ondermijningsrisico's)",
        "• Online aangejaagde ordeverstoring",
        "Voor elk van deze thema's is een overzicht opgenomen.",
    ]


def test_heading_line_is_its_own_sentence_but_wrapped_line_is_not() -> None:
    text = "5.1 WMO 2015\nDe Wmo 2015 geeft gemeenten de opdracht om regels\nte maken voor participatie."
    assert split_sentences(text) == [
        "5.1 WMO 2015",
        "De Wmo 2015 geeft gemeenten de opdracht om regels\nte maken voor participatie.",
    ]


def test_spans_cover_all_content_trimmed() -> None:
    text = "  Eerste zin.   Tweede zin?\n\n Derde zin zonder punt  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Eerste zin.", "Tweede zin?", "Derde zin zonder punt"]
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "") == text.replace(" ", "").replace("\n", "")
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_empty_and_fast() -> None:
    assert split_sentences("") == []
    assert sentence_spans("   ") == []
    text = "Dit is een zin met o.a. een afkorting en 1.000 mensen. " * 4000
    t0 = time.perf_counter()
    assert len(split_sentences(text)) == 4000
    assert time.perf_counter() - t0 < 2.0


def test_web_address_without_full_stop_ends_a_sentence() -> None:
    text = "Zie ook www.riec.nl Daarnaast is er een stuurgroep onder leiding van de burgemeester."
    assert split_sentences(text) == [
        "Zie ook www.riec.nl",
        "Daarnaast is er een stuurgroep onder leiding van de burgemeester.",
    ]
    # inside a sentence, or before a lowercase word, an address ends nothing
    assert len(split_sentences("Kijk op https://www.vng.nl/zorg en lees verder.")) == 1
