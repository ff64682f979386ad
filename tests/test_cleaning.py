"""Text repairs, each checked on snippets copied from the seed documents."""

# ruff: noqa: E501 -- cases are verbatim sentences from the seed documents

from __future__ import annotations

import pytest

from ingest.cleaning import (
    Vocabulary,
    bullet_split,
    collapse_spaced_letters,
    is_lettered_heading,
    is_noise_line,
    is_page_number_line,
    is_url_fragment,
    is_url_line,
    join_hyphenated,
    normalize_chars,
    normalize_whitespace,
    remove_footnote_markers,
    remove_glued_word_markers,
    running_line_keys,
    strip_markdown_inline,
)


def test_normalize_chars_maps_typography_but_not_letters() -> None:
    raw = "‘onder\u00admijnende’ “criminaliteit” in de ﬁnanciële\u00a0sector é ë"
    assert normalize_chars(raw) == "'ondermijnende' \"criminaliteit\" in de financiële sector é ë"


def test_normalize_chars_turns_line_end_not_sign_into_hyphen() -> None:
    # VNG text: "voor alle 32 Zorg¬\n\nen Veiligheidshuizen", "instrumen¬\nten"
    assert normalize_chars("alle 32 Zorg¬\n\nen Veiligheidshuizen") == (
        "alle 32 Zorg-\n\nen Veiligheidshuizen"
    )


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("raken aan het zorg-", "en veiligheidsdomein", "raken aan het zorg- en veiligheidsdomein"),
        ("het zorg-", "én het veiligheidsdomein", "het zorg- én het veiligheidsdomein"),
        ("jongeren voor hand-", "en spandiensten", "jongeren voor hand- en spandiensten"),
        ("Binnenlandse Zaken en Koninkrijksre-", " laties en het", "Binnenlandse Zaken en Koninkrijksrelaties en het"),
        ("te maken te hebben: 'onder-", "mijnende criminaliteit'", "te maken te hebben: 'ondermijnende criminaliteit'"),
        ("een beweging naar de voorkant' van GGZ-", "instellingen", "een beweging naar de voorkant' van GGZ-instellingen"),
        ("Een goed voorbeeld is de ZSM-", "aanpak.", "Een goed voorbeeld is de ZSM-aanpak."),
        ("psycho-geriatri-", "sche problematiek", "psycho-geriatrische problematiek"),
        ("risico's van het buitengebied ofwel de ondermijning-", "aanpak", "risico's van het buitengebied ofwel de ondermijningaanpak"),
    ],
)  # fmt: skip
def test_join_hyphenated(left: str, right: str, expected: str) -> None:
    assert join_hyphenated(left, right) == expected


def test_join_hyphenated_uses_document_vocabulary() -> None:
    vocab = Vocabulary("de sanctie-uitvoering en de sanctie-uitvoering; re-integratie")
    assert join_hyphenated("toekomstbestendige sanctie-", "uitvoering.", vocab) == (
        "toekomstbestendige sanctie-uitvoering."
    )
    # the document writes "ondersteuning" as one word, so the break was only a line break
    vocab = Vocabulary("ondersteuning en ondersteuning")
    assert join_hyphenated("hulp en ondersteu-", "ning te vinden", vocab) == (
        "hulp en ondersteuning te vinden"
    )


def test_collapse_spaced_letters_repairs_split_words() -> None:
    vocab = Vocabulary(
        "de voorkant concreet vorm kri jgt. Zij krijgt hulp. onmiddelli jk gevaar, "
        "onmiddelli jk uit huis. ti jdig en zorgvuldig. W M O 2015 en de WMO. 25 april j l ."
    )
    assert collapse_spaced_letters("de voorkant concreet vorm kri jgt", vocab) == (
        "de voorkant concreet vorm krijgt"
    )
    assert collapse_spaced_letters("geen direct en onmiddelli jk gevaar", vocab) == (
        "geen direct en onmiddellijk gevaar"
    )
    assert collapse_spaced_letters("de casemanager ti jdig en", vocab) == "de casemanager tijdig en"
    assert collapse_spaced_letters("aan de W M O 2015, maar", vocab) == "aan de WMO 2015, maar"
    assert collapse_spaced_letters("Op 25 april j l . is het", vocab) == "Op 25 april jl. is het"


def test_collapse_spaced_letters_never_merges_two_words() -> None:
    vocab = Vocabulary(
        "In dit hoofdstuk volgen de voornaamste middelen. De volgende stap. "
        "hun ervaring en kennis. ervaringen delen. het model privacyprotocol, "
        "het model privacyprotocol en het modelprivacyprotocol. een model."
    )
    for text in ("volgen de voornaamste", "hun ervaring en kennis", "het model privacyprotocol"):
        assert collapse_spaced_letters(text, vocab) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "hoe de samenwerking aan de voorkant concreet vorm krijgt 1 0 In samenwerking met het CCV 1 1 zijn er experimenten met de wijk-GGD-er.",
            "hoe de samenwerking aan de voorkant concreet vorm krijgt In samenwerking met het CCV zijn er experimenten met de wijk-GGD-er.",
        ),
        (
            "Vanaf 1 januari 2015 is de Jeugdwet van kracht.1 3 Deze wet vervangt de Wet op de Jeugdzorg uit 20051 4. De vernieuwing",
            "Vanaf 1 januari 2015 is de Jeugdwet van kracht. Deze wet vervangt de Wet op de Jeugdzorg uit 2005. De vernieuwing",
        ),
        ("Gemeenten zijn verantwoordelijk voor alle vormen van jeugdhulp 1 5 . Bijvoorbeeld hulp", "Gemeenten zijn verantwoordelijk voor alle vormen van jeugdhulp. Bijvoorbeeld hulp"),
        ("'Een mens leeft niet in beleidskokers'.1 We moeten de persoon", "'Een mens leeft niet in beleidskokers'. We moeten de persoon"),
        ("relatief grote proportie van de veroordeelde misdadigers zijn,2 Maar ook vaak slachtoffer.", "relatief grote proportie van de veroordeelde misdadigers zijn, Maar ook vaak slachtoffer."),
        ("vormen voor zichzelf en zijn omgeving. 3 Wij lichten ter illustratie", "vormen voor zichzelf en zijn omgeving. Wij lichten ter illustratie"),
        ("beoogt de oorzaken van overlast en gedrag aan te pakken. 7", "beoogt de oorzaken van overlast en gedrag aan te pakken."),
        ("Het kind komt hierbij altijd op de eerste plaats. 1 9", "Het kind komt hierbij altijd op de eerste plaats."),
        ("hoewel dit per gemeente verschilt.4 Daarnaast zijn professionals", "hoewel dit per gemeente verschilt. Daarnaast zijn professionals"),
    ],
)  # fmt: skip
def test_remove_footnote_markers(raw: str, expected: str) -> None:
    assert normalize_whitespace(remove_footnote_markers(raw)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Er zijn 42 jeugdregio's in het land.",
        "Er zijn 25 GGD'en in Nederland. Per regio kan het takenpakket verschillen.",
        "Zo'n 17.000 jongeren per jaar krijgen een Halt-straf opgelegd.",
        "Medio mei 2018 is een landelijk programma gestart dat de 32 Zorg- en Veiligheidshuizen ondersteunt.",
        "In 2019 is hiertoe wederom de mogelijkheid.",
        "minimaal 4 keer per jaar in het landelijk overleg",
    ],
)
def test_remove_footnote_markers_keeps_real_numbers(text: str) -> None:
    assert remove_footnote_markers(text) == text


def test_glued_word_marker_removed_only_for_known_words() -> None:
    vocab = Vocabulary("het RIEC Midden Nederland2 en Nederland. Platform31 en Platform31.")
    text = "samenwerking met het RIEC Midden Nederland2 en Platform31 en Platform31"
    assert remove_glued_word_markers(text, vocab) == (
        "samenwerking met het RIEC Midden Nederland en Platform31 en Platform31"
    )


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        (" _pLATF0RM3L", True),
        ("1 - 2 - 3", True),
        ("7 23", True),
        ("’", True),
        ("7.1.2 OM", False),
        ("5.1 WMO 2015", False),
        ("GEEN INVLOED", False),
        ("Toekomst", False),
    ],
)
def test_is_noise_line(line: str, noise: bool) -> None:
    assert is_noise_line(line) is noise


def test_url_and_page_number_lines() -> None:
    assert is_url_line("https://www.veiligheidshuizen.nl/informatie-uitwisselen#.W0YHRPZuLD4")
    assert is_url_line("mailto:lilian.tieman%40hetccv.nl?subject=")
    assert is_url_line("7 https://hetccv.nl/onderwerpen/veiligheidsbeleving/praktijkvoorbeelden/")
    assert is_url_line("file:///C:/Users/x/rapport.pdf")
    assert not is_url_line("Meer informatie over Zorg en Veiligheid vindt u op www.vng.nl/zorg.")
    assert is_page_number_line("15")
    assert is_page_number_line("Pagina 3 van 10")
    assert not is_page_number_line("15 september 2018")


def test_running_lines_by_count_and_by_page() -> None:
    side = ["Algemene vragen", "Vragen over de eigen lokale situatie"]
    body = [[*side, f"tekst {i}", "Resultaten"] for i in range(6)]
    keys = running_line_keys(body, pages_known=False)
    assert "vragen over de eigen lokale situatie" in keys
    assert "resultaten" not in keys  # a real heading repeated six times stays
    pages = [[f"Jaarverslag gemeente {i}", "inhoud"] for i in range(5)]
    assert "jaarverslag gemeente" in running_line_keys(pages, pages_known=True)


def test_bullets() -> None:
    assert bullet_split("» Signaleren en voorkomen van gezondheidsproblemen;") == (
        True,
        "Signaleren en voorkomen van gezondheidsproblemen;",
    )
    assert bullet_split(" • preventie en risicosignalering,") == (
        True,
        "preventie en risicosignalering,",
    )
    assert bullet_split("\uf0b7 Handzame informatie") == (True, "Handzame informatie")
    assert bullet_split("- Zorg- en Veiligheidshuizen") == (True, "Zorg- en Veiligheidshuizen")
    assert bullet_split("- 3 graden") == (False, "- 3 graden")
    assert bullet_split("Zorg- en Veiligheidshuizen")[0] is False


def test_strip_markdown_inline_and_whitespace() -> None:
    assert strip_markdown_inline("14% van de gemeenten<sup>2</sup> nog geen") == (
        "14% van de gemeenten nog geen"
    )
    assert strip_markdown_inline("**Araya Sumter**, directeur-generaal") == (
        "Araya Sumter, directeur-generaal"
    )
    assert strip_markdown_inline(
        "Het [Centrum voor Criminaliteitspreventie en Veiligheid \\(CCV\\)](#) werkt"
    ) == ("Het Centrum voor Criminaliteitspreventie en Veiligheid (CCV) werkt")
    assert strip_markdown_inline("een \\*letterlijke\\* ster") == "een *letterlijke* ster"
    assert strip_markdown_inline("*Bovenstaand verhaal is een fictieve casus.*") == (
        "Bovenstaand verhaal is een fictieve casus."
    )
    # links keep their words; an anchor or a mail address shown as text adds nothing
    assert strip_markdown_inline("[Gegevensdeling in het sociaal domein](#): deze gids") == (
        "Gegevensdeling in het sociaal domein: deze gids"
    )
    assert strip_markdown_inline("mail naar [a@riec.nl](mailto:a@riec.nl).") == (
        "mail naar a@riec.nl."
    )
    assert strip_markdown_inline("zie [het CCV](https://hetccv.nl/x) en ![logo](l.png)") == (
        "zie het CCV (https://hetccv.nl/x) en logo"
    )
    assert strip_markdown_inline("een [haakje] zonder link") == "een [haakje] zonder link"
    assert normalize_whitespace("  opgeschaald .  Structurele\n knelpunten ") == (
        "opgeschaald. Structurele knelpunten"
    )


def test_url_fragments_and_lettered_headings() -> None:
    assert is_url_fragment("informatiepositie-gemeenten/lens-ondermijning-buitengebieden")
    assert not is_url_fragment("criminaliteit/cybercrime)")  # end of a wrapped title
    assert not is_url_fragment("volwassenheid?")
    assert is_lettered_heading("A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN")
    assert is_lettered_heading("B. BRONNEN IN DE VORM VAN REGISTRATIES, DATABASES E.D.")
    assert not is_lettered_heading("J. Kriens")
    assert not is_lettered_heading("A. Jansen zegt dit.")
    # a lettered part repeated in every chapter is no running header
    pages = [
        ["A. BRONNEN IN DE VORM VAN PARTNERS", f"tekst {i}", "VRAGEN VAN OOV-ERS"] for i in range(6)
    ]
    keys = running_line_keys(pages, pages_known=False)
    assert "vragen van oov ers" in keys
    assert "a bronnen in de vorm van partners" not in keys
