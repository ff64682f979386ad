"""Structure detection on snippets of each kind of text, plus checks over the whole real corpus."""

# ruff: noqa: E501 -- raw document snippets keep their original line lengths

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from ingest.models import Block, RawPage
from ingest.structure import parse_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _parse(text: str, kind: str) -> list[Block]:
    return parse_document([RawPage(None, text)], kind)


def _headings(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks if b.kind == "heading"]


# --- PDF text ------------------------------------------------------------------------------------

LEDENBRIEF = """\
 1 Doel van dit document 

Dit document is bedoeld als handvat voor het leggen van de verbinding tussen zorg en veiligheid voor bestuur¬
ders van gemeenten. 
 2 De maatschappelijke 
opgave: naar een veilige 
en inclusieve wijk 

In Nederland is sprake van een aanzienlijke groep inwoners met een opeenstapeling van persoonlijke proble¬
men. De oorzaken en gevolgen lopen dwars door elkaar heen en zijn even divers als hardnekkig: psychische 
klachten, een verstandelijke beperking, verslaving, schulden, werkloosheid, falende maatschappelijke integratie 
of enige combinatie hiervan. Tegelijkertijd wordt er vanuit de samenleving veel waarde gehecht aan par
ticipatie. Dat vraagt om een veilige inclusieve wijk. 

1 https://vng.nl/onderwerpenindex/maatschappelijke-ondersteuning/nieuws/jantine-kriens-denk-van-buiten-naar-binnen 
 3 Complexe casuïstiek 
verkend 

Met de complexe casuïstiek wordt gedoeld op problematiek op meer levensgebieden. 

Armoede en verwaarlozing 
Armoede kan leiden tot een sociaal isolement, verwaarlozing van de persoonlijke hygiëne, achteruitgang van 
het persoonlijk welbevinden. 
 4 Sturingsmogelijkheden 

Na de gemeenteraadsverkiezingen in 2018 wordt een nieuw college van B&W gevormd. 
 5 Zorg en preventie 

De gemeente vervult een schakelrol bij de zorg voor kwetsbare groepen en preventie van excessen. 

5.1 WMO 2015 

BELEIDSKRACHT 
De Wmo 2015 geeft gemeenten de opdracht om regels te maken voor participatie. 

5.1.1 Wijkteams of sociale teams 

BELEIDSKRACHT/ORGANISATIEKRACHT 
In een groot aantal gemeenten zijn na de decentralisatieoperaties wijkteams opgezet. 
 6 Jeugd 

6.1 Jeugdwet 

Vanaf 1 januari 2015 is de Jeugdwet van kracht.1 3 Deze wet vervangt de Wet op de Jeugdzorg uit 20051 4. De 
vernieuwing betekent zowel een transitie als een transformatie. 

13 Jeugdwet 
14 Wet op de Jeugdzorg 
15 vormen van jeugdhulp 
Vereniging van Nederlandse Gemeenten 15 
Jeugdreclassering wordt uitgevoerd door de gecertificeerde instellingen. 
 7 Openbare orde en 
veiligheid 
7.1.2 OM 
GEEN INVLOED 
Het Openbaar Ministerie is een landelijke organisatie verdeeld over tien arrondissementen. 

Drie uitgangspunten staan centraal: 
1. De sanctie-uitvoering moet zo georganiseerd worden dat deze optimaal aansluit bij de lokale context 
(veilig dichtbij). Het doel is om te komen tot een sluitende aanpak voor re-integratie. 
2. Om beter te kunnen aansluiten op uw inspanningen en die van zorgpartners, werkt het ministerie aan het 
vormgeven van meer persoonsgerichte sancties. 
Vereniging van Nederlandse Gemeenten Vereniging van Nederlandse Gemeenten 
"""


def test_pdf_numbered_chapters_span_lines_and_nest() -> None:
    blocks = _parse(LEDENBRIEF, "pdf-text")
    heads = _headings(blocks)
    assert "2 De maatschappelijke opgave: naar een veilige en inclusieve wijk" in heads
    assert "3 Complexe casuïstiek verkend" in heads
    sections = {b.section for b in blocks}
    assert "3 Complexe casuïstiek verkend > Armoede en verwaarlozing" in sections
    assert "5 Zorg en preventie > 5.1 WMO 2015 > BELEIDSKRACHT" in sections
    assert (
        "5 Zorg en preventie > 5.1 WMO 2015 > 5.1.1 Wijkteams of sociale teams"
        " > BELEIDSKRACHT/ORGANISATIEKRACHT"
    ) in sections


def test_pdf_footnote_lines_are_no_headings_and_markers_go() -> None:
    blocks = _parse(LEDENBRIEF, "pdf-text")
    heads = _headings(blocks)
    assert not any(h.startswith(("13 ", "14 ", "15 ", "1 https")) for h in heads)
    assert "Vereniging van Nederlandse Gemeenten 15" not in heads
    texts = [b.text for b in blocks]
    assert (
        "Vanaf 1 januari 2015 is de Jeugdwet van kracht. Deze wet vervangt de Wet op de Jeugdzorg"
        " uit 2005. De vernieuwing betekent zowel een transitie als een transformatie."
    ) in texts
    assert not any("https://" in t for t in texts)


def test_pdf_repairs_hyphenation_and_lost_hyphens() -> None:
    text = " ".join(b.text for b in _parse(LEDENBRIEF, "pdf-text"))
    assert "persoonlijke problemen. De oorzaken" in text  # "proble¬\nmen"
    assert "veel waarde gehecht aan participatie." in text  # "par\nticipatie", hyphen lost


def test_pdf_short_heading_with_label_and_numbered_list() -> None:
    blocks = _parse(LEDENBRIEF, "pdf-text")
    om = [b for b in blocks if b.text.startswith("Het Openbaar Ministerie")][0]
    assert om.section.endswith("7.1.2 OM > GEEN INVLOED")
    items = [b for b in blocks if b.kind == "list_item"]
    assert [b.text[:25] for b in items] == [
        "1. De sanctie-uitvoering ",
        "2. Om beter te kunnen aan",
    ]
    assert "1. De sanctie-uitvoering" not in " ".join(_headings(blocks))


INSPIRATIEBOEK = """\
 Inleiding 

Nederland lijkt er in toenemende mate mee te maken te hebben: ‘onder-
mijnende criminaliteit’ of ‘ondermijning’. Voorbeelden zijn het inzetten van kwetsbare 
jongeren voor hand- en spandiensten, opslag 
van drugsgrondstoffen en -afval in garageboxen. 

Veel gemeenten zijn er inmiddels van doordrongen dat repressie alleen onvol-

doende werkt tegen ondermijning; er is een brede wijkaanpak nodig, waarin 

het (meer repressieve) veiligheidsdomein en het (meer preventieve) sociaal 

domein samen de strijd met dit probleem aanbinden. De aanpakken zijn uitgewerkt met 
financiering door het ministerie van Binnenlandse Zaken en Koninkrijksre-
 laties en het Strategisch Beraad Ondermijning (SBO). 

Ondermijning in de wijk / Inleiding 
 1. De Integrale familieaanpak, gemeente Tilburg 
De familieaanpak is het Tilburgse antwoord op het fenomeen van intergenerationele criminaliteit. 

Ondermijning in de wijk / 1. De Integrale familieaanpak, gemeente Tilburg 



 _pLATF0RM3L 

8 

Ontstaan: een gat in de zorg 
De familieaanpak startte in (maart) 2020, maar kent een veel langere aanloop. 
Succesfactoren: coaches, gecombineerde aanpak, ambassadeur 
en positie buiten reguliere werkprocessen 
Over de grootste succesfactor van de familieaanpak zijn alle geïnterviewde 
kernteamleden het direct eens: dat is de coach. 
Ondermijning in de wijk / 1. De Integrale familieaanpak, gemeente Tilburg 
 2. Aanpak Nypels, Wijkersloot, gemeente Nieuwegein 
In 2017 startte de gemeente Nieuwegein samen met partners uit het 
zorg- en veiligheidsdomein met de integrale Aanpak Nypels. 
Ontstaan: overlast van jeugdgroep en veel losse leefbaarheidsin-
terventies, maar geen duurzaam resultaat 
Al jaren zijn er zorgen over het Nypelsplantsoen. 
 4. Aanpak Nieuwe aanwas Nieuwland, 
gemeente Schiedam 

In de wijk Nieuwland in Schiedam krijgen jongeren de aandacht van 
jongerenwerkers. 
"""


def test_inspiratieboek_examples_and_subheadings() -> None:
    blocks = _parse(INSPIRATIEBOEK, "pdf-text")
    heads = _headings(blocks)
    assert heads[:2] == ["Inleiding", "1. De Integrale familieaanpak, gemeente Tilburg"]
    assert "Succesfactoren: coaches, gecombineerde aanpak, ambassadeur en positie buiten reguliere werkprocessen" in heads  # fmt: skip
    assert (
        "Ontstaan: overlast van jeugdgroep en veel losse leefbaarheidsinterventies, maar geen"
        " duurzaam resultaat"
    ) in heads
    # "4." does not follow "2.": the sequence check refuses it (a missing example is no reason
    # to accept anything numbered); it must not crash or swallow text either
    assert any(b.text.startswith("In de wijk Nieuwland") for b in blocks)
    coach = [b for b in blocks if b.text.startswith("Over de grootste")][0]
    assert coach.section == (
        "1. De Integrale familieaanpak, gemeente Tilburg > Succesfactoren: coaches, gecombineerde"
        " aanpak, ambassadeur en positie buiten reguliere werkprocessen"
    )


def test_inspiratieboek_wrapped_lines_with_blank_lines_form_one_paragraph() -> None:
    blocks = _parse(INSPIRATIEBOEK, "pdf-text")
    texts = [b.text for b in blocks]
    assert (
        "Veel gemeenten zijn er inmiddels van doordrongen dat repressie alleen onvoldoende werkt"
        " tegen ondermijning; er is een brede wijkaanpak nodig, waarin het (meer repressieve)"
        " veiligheidsdomein en het (meer preventieve) sociaal domein samen de strijd met dit"
        " probleem aanbinden."
    ) in " ".join(texts)
    joined = " ".join(texts)
    assert "'ondermijnende criminaliteit'" in joined
    assert "hand- en spandiensten" in joined
    assert "drugsgrondstoffen en -afval" in joined
    assert "Binnenlandse Zaken en Koninkrijksrelaties en het Strategisch" in joined
    assert "Ondermijning in de wijk /" not in joined
    assert "pLATF0RM" not in joined


def test_numbered_criteria_are_list_items_not_headings() -> None:
    text = """\
Deze is in de voorbereidingsfase aangebracht via een vooranalyse en consultatie van OOV-ers. Belangrijkste criteria waren:
1. Complexiteit van zowel het veiligheidsvraagstuk zelf als de aanpak 
daarvan; 
2. Veel beschikbare informatiebronnen, echter behoorlijk divers en lang 
niet altijd inhoudelijk coherent. 
Informatiebronnen in drie vormen:
1. Partners (intern en extern)
2. Registraties en databases
3. Publicaties en websites van kennisorganisaties en andere partijen.
"""
    blocks = _parse(text, "pdf-text")
    assert _headings(blocks) == []
    items = [b.text for b in blocks if b.kind == "list_item"]
    assert (
        items[0] == "1. Complexiteit van zowel het veiligheidsvraagstuk zelf als de aanpak daarvan;"
    )
    assert "1. Partners (intern en extern)" in items
    assert "2. Registraties en databases" in items


TITLES = ["Inleiding", "Zorg en Veiligheidshuis", "Openbare orde", "Huiselijk geweld", "Nazorg"]
BODIES = [
    "Gemeenten werken samen met de politie aan een veilige wijk. De aanpak richt\nzich op jongeren.",
    "Het Zorg- en Veiligheidshuis bespreekt complexe casussen met alle\npartners uit de regio.",
    "De burgemeester heeft formele zeggenschap over de politie aangaande de\nhandhaving van de openbare orde.",
    "Veilig Thuis is het advies- en meldpunt voor huiselijk geweld en kinder-\nmishandeling in de regio.",
    "Reclasseringsorganisaties kunnen ondersteuning bieden bij het voorkomen van\ncrimineel gedrag.",
]


def test_pdf_pages_known_drop_repeating_headers_and_keep_page_numbers() -> None:
    pages = [
        RawPage(n, f"Handreiking zorg en veiligheid\n{n} {TITLES[n - 1]}\n{BODIES[n - 1]}\n{n}\n")
        for n in range(1, 6)
    ]
    blocks = parse_document(pages, "pdf")
    assert all("Handreiking" not in b.text for b in blocks)
    assert [b.text for b in blocks if b.kind == "heading"] == [
        f"{n} {TITLES[n - 1]}" for n in range(1, 6)
    ]
    body = [b for b in blocks if b.text.startswith("Veilig Thuis")][0]
    assert body.page == 4 and body.section == "4 Huiselijk geweld"
    assert body.text == (
        "Veilig Thuis is het advies- en meldpunt voor huiselijk geweld en kindermishandeling in de regio."
    )
    assert not any(b.text.strip().isdigit() for b in blocks)


# --- markdown and web ----------------------------------------------------------------------------

WEGWIJZER = """\
# Wegwijzer voor domeinoverstijgend samenwerken binnen gemeenten

januari 2025

# 1 Inleiding

## **“Jeffrey, wil je wat geld verdienen? Het is zo geregeld!”**

Jeffrey staart naar zijn telefoon.

# Een wegwijzer voor én door gemeenten

## 2 Omgaan met taal- en cultuurverschillen binnen gemeenten

## Belemmering 1: geen gezamenlijke visie (op bestuurs- en beleidsniveau)

##### 1 Creëer urgentie voor een gezamenlijke visie

Tekst over urgentie.

### **Gebruik data en casuïstiek:**

- **Datagedreven werken**: gebruik data.
- Casuïstiek

## **2 Betrek het management als dragers van de visie**

## **3 Zet de gemeentesecretaris in als verbindende schakel**

## 3 Organisatie en processen

Tekst over organisatie.
"""


def test_markdown_headings_levels_follow_numbering() -> None:
    blocks = _parse(WEGWIJZER, "markdown")
    sections = [b.section for b in blocks if b.kind == "heading"]
    assert '1 Inleiding > "Jeffrey, wil je wat geld verdienen? Het is zo geregeld!"' in sections
    assert "2 Omgaan met taal- en cultuurverschillen binnen gemeenten" in sections
    assert "3 Organisatie en processen" in sections  # a chapter, though marked "##"
    betrek = [s for s in sections if s.endswith("2 Betrek het management als dragers van de visie")]
    assert betrek and betrek[0].startswith("2 Omgaan met taal")
    zet = [
        s for s in sections if s.endswith("3 Zet de gemeentesecretaris in als verbindende schakel")
    ]
    assert zet and zet[0].startswith("2 Omgaan met taal")  # a tip, not chapter 3
    items = [b.text for b in blocks if b.kind == "list_item"]
    # an item keeps one marker in front, so the answerer reads it as an item, not a heading
    assert items == ["• Datagedreven werken: gebruik data.", "• Casuïstiek"]
    assert not any("**" in b.text for b in blocks)


CITY_DEAL = """\
Betere samenwerking tussen zorg en veiligheid

Hoe kunnen de domeinen zorg en veiligheid beter samenwerken, zodat we mensen met complexe problemen de juiste hulp bieden?

Waar werken we aan?

Dit traject wil de werelden van zorg en veiligheid beter met elkaar verbinden.

De belangrijkste onderwerpen:

 • preventie en risicosignalering,
 • re-integratie en nazorg.

Wie zijn we?

Trajectregisseurs

 • Lisette de Bie (ministerie van JenV)
"""


def test_web_question_headings_and_bullets() -> None:
    blocks = _parse(CITY_DEAL, "web")
    assert _headings(blocks) == [
        "Betere samenwerking tussen zorg en veiligheid",
        "Waar werken we aan?",
        "Wie zijn we?",
        "Trajectregisseurs",
    ]
    first = blocks[1]
    assert first.kind == "paragraph" and first.text.startswith("Hoe kunnen de domeinen")
    item = [b for b in blocks if b.text == "• preventie en risicosignalering,"][0]
    assert item.kind == "list_item"
    assert item.section == "Betere samenwerking tussen zorg en veiligheid > Waar werken we aan?"
    # a heading right under another one is a part of it, and both stay in the path
    name = [b for b in blocks if b.text.startswith("• Lisette")][0]
    assert name.section == (
        "Betere samenwerking tussen zorg en veiligheid > Wie zijn we? > Trajectregisseurs"
    )


def test_web_heading_after_text_is_a_section_again() -> None:
    blocks = _parse(CITY_DEAL + "\nMeer informatie?\n\nNeem contact op met het team.\n", "web")
    last = blocks[-1]
    assert last.section == "Betere samenwerking tussen zorg en veiligheid > Meer informatie?"


# --- the whole corpus ----------------------------------------------------------------------------

KNOWN_HEADINGS = {
    "wegwijzer-domeinoverstijgend-samenwerken.md": [
        "1 Inleiding",
        "3 Organisatie en processen",
        "4 Goede voorbeelden van interventies",
        "Belemmering 2: informatiedeling verloopt moeizaam",
    ],
    "vng-ledenbrief-zorg-en-veiligheid.txt": [
        "4 Sturingsmogelijkheden",
        "4 Sturingsmogelijkheden > Regiekracht",
        "5 Zorg en preventie > 5.4 Aanpak personen met verward gedrag > 5.4.2 OGGZ",
        "7 Openbare orde en veiligheid > 7.2 Nazorg ex-gedetineerden en re-integratie volwassenen"
        " > 7.2.4 Koers en kansen innovatie in de sanctieuitvoering",
        "8 Algemene aanbevelingen > 8.3 Ketenpartners",
        "3 Complexe casuïstiek verkend > Verslavingsproblematiek",
    ],
    "inspiratieboek-ondermijning-in-de-wijk.txt": [
        "Inleiding",
        "1. De Integrale familieaanpak, gemeente Tilburg",
        "3. Knock and talk, gemeente Utrecht",
        "5. De Wijkrechtbank, Eindhoven",
        "7. Back on Track, gemeente Zaanstad",
        "2. Aanpak Nypels, Wijkersloot, gemeente Nieuwegein > Resultaten",
        # examples 8-10 have no number but are listed in the contents: chapters of their own
        "Project: Veilig buitengebied, gemeente Bronckhorst > Ontstaan: onbekend buitengebied",
        "Project: mobiel banditisme > Ontstaan: toename grensoverschrijdende criminaliteit",
        "Project: Integrale werkwijze ongestructureerde problemen",
        # part headings as wide as a body line, or wrapped after a comma, or after a line
        # without final punctuation (pdf_lines._LABELLED_HEADING_RE)
        "4. Aanpak Nieuwe aanwas Nieuwland, gemeente Schiedam > Knelpunten: te weinig "
        "capaciteit, te beperkt qua gebied, gebrek aan tijd",
        "3. Knock and talk, gemeente Utrecht > Knelpunten: partijen meekrijgen, omgaan met "
        "informatie, beperkte middelen en afhankelijkheid van best persons",
        "Project: Veilig buitengebied, gemeente Bronckhorst > Resultaten: meer gemeenten doen mee",
        "Project: Veilig buitengebied, gemeente Bronckhorst > Aanpak: publiek-private "
        "samenwerking en verbinding",
    ],
    "informatiebronnen-oov-complexe-veiligheidsthemas.txt": [
        "INLEIDING",
        "Thema weerbaar buitengebied (ondermijningsrisico's) > A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN",
        "Thema Online aangejaagde ordeverstoring > C. BRONNEN IN DE VORM VAN ORGANISATIES, WEBSITES, PUBLICATIES",
        "Thema Jonge aanwas in de (georganiseerde) criminaliteit > B. BRONNEN IN DE VORM VAN REGISTRATIES, DATABASES, DIGITALE TOOLS E.D.",
        "Colofon",
    ],
    "city-deal-zorg-voor-veiligheid-in-de-stad.txt": [
        "Betere samenwerking tussen zorg en veiligheid > Wat hebben we tot nu toe bereikt?",
        "Betere samenwerking tussen zorg en veiligheid > Wie doen mee?",
    ],
}
SPACED_OUT = ["kri jgt", "onmiddelli jk", "ti jdig", "W M O", "j l ."]
RUNNING_LINES = [
    "Ondermijning in de wijk /",
    "VRAGEN VAN OOV-ERS",
    "Vragen over de eigen lokale situatie Wat zijn",
    "Vereniging van Nederlandse Gemeenten 15",
    "pLATF0RM",
]
_CONJ = r"(?:en|of|tot|noch|als|dan|maar|óf|én|zowel|en/of)\b"


def _corpus() -> list[tuple[str, str, str]]:
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    return [
        (d["file"], d["kind"], (CORPUS / d["file"]).read_text(encoding="utf-8"))
        for d in manifest["document"]
    ]


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[str, list[Block]]]:
    return {f: (raw, _parse(raw, kind)) for f, kind, raw in _corpus()}


def test_corpus_known_headings_are_sections(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, expected in KNOWN_HEADINGS.items():
        sections = {b.section for b in parsed[file][1]}
        for path in expected:
            assert any(s == path or s.endswith(" > " + path) for s in sections), (file, path)


def test_corpus_no_line_break_hyphenation_left(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, (raw, blocks) in parsed.items():
        text = "\n".join(b.text for b in blocks)
        # every "word-<line break>lowercase word" of the raw text that is no compound hyphen
        for m in re.finditer(r"([^\W\d_]{2,})[-¬]\s*\n\s*\n?\s*([a-zà-ÿ]+)", raw):
            if re.match(_CONJ, m.group(2)):
                continue
            left, right = m.group(1), m.group(2)
            assert f"{left}- {right}" not in text, (file, left, right)
            assert f"{left}¬" not in text, (file, left)


def test_corpus_no_spaced_out_words(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, (_, blocks) in parsed.items():
        text = "\n".join(b.text for b in blocks)
        for case in SPACED_OUT:
            assert case not in text, (file, case)


def test_corpus_no_link_markup(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    """The wegwijzer's 28 links point at "#" or a mail address: a memo quoting "[gids](#)"
    would carry markup that leads nowhere."""
    for file, (_, blocks) in parsed.items():
        for b in blocks:
            assert not re.search(r"\]\([^)]*\)", b.text), (file, b.text[:80])
    wegwijzer = "\n".join(b.text for b in parsed["wegwijzer-domeinoverstijgend-samenwerken.md"][1])
    assert "Gegevensdeling in sociaal, zorg- en veiligheidsdomein: deze gids" in wegwijzer
    assert "mail te sturen naar weerbarejeugd@taskforce-riec.nl" in wegwijzer


def test_corpus_no_running_headers(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, (_, blocks) in parsed.items():
        for b in blocks:
            for line in RUNNING_LINES:
                assert line not in b.text, (file, line, b.text[:80])


def test_corpus_few_tiny_blocks(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, (_, blocks) in parsed.items():
        if file.startswith("city-deal"):
            continue  # a short web page whose bullets are short by nature
        tiny = [b for b in blocks if b.kind != "heading" and len(b.text) < 40]
        assert len(tiny) / len(blocks) < 0.12, (file, [b.text for b in tiny])


def test_corpus_sections_are_well_formed(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    for file, (_, blocks) in parsed.items():
        assert blocks, file
        for b in blocks:
            assert b.text == b.text.strip() and "\n" not in b.text, (file, b.text[:60])
            if b.kind == "heading":
                assert b.section.endswith(b.text), (file, b.section, b.text)


def test_corpus_content_kept_where_noise_looks_alike(
    parsed: dict[str, tuple[str, list[Block]]],
) -> None:
    text = " ".join(b.text for b in parsed["inspiratieboek-ondermijning-in-de-wijk.txt"][1])
    assert "door Platform31 in samenwerking met het Centrum" in text  # a name, no footnote
    blocks = parsed["informatiebronnen-oov-complexe-veiligheidsthemas.txt"][1]
    items = [b.text for b in blocks if b.kind == "list_item"]
    # the theme list is content, though the same names repeat in every page's side bar
    assert "• Weerbaar buitengebied (ondermijningsrisico's)" in items
    assert "• Online aangejaagde ordeverstoring" in items


def _letters_digits(s: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", s.lower())


def test_corpus_gold_quotes_survive_cleaning(parsed: dict[str, tuple[str, list[Block]]]) -> None:
    """Every quote of the Q&A set must still be found, the way the evaluation matches it."""
    qa = CORPUS.parent / "evals" / "qa.jsonl"
    if not qa.exists():
        pytest.skip("no Q&A set in this checkout")
    clean = "".join(_letters_digits(" ".join(b.text for b in bl)) for _, bl in parsed.values())
    missing = []
    for line in qa.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        for quote in item.get("quotes", []):
            n = _letters_digits(quote)
            windows = [n[i : i + 40] for i in range(0, max(1, len(n) - 39), 10)]
            if not all(w in clean for w in windows):
                missing.append((item["id"], quote[:60]))
    assert not missing


# A flattened "source | description" table under a theme, with lettered parts and a side bar
# repeated on every page (the pattern of the OOV sources document).
_SIDEBAR = """\
THEMA'S
Weerbaar buitengebied
Jonge aanwas

    VRAGEN VAN OOV-ERS

Algemene vragen

"""
OOV_TABLE = (
    """\
Thema weerbaar 
buitengebied
Het buitengebied van gemeenten is verhoogd kwetsbaar voor inmenging door georganiseerde 
criminaliteit. Kwetsbare factoren zijn met name agrarische bebouwing en vakantieparken.

"""
    + _SIDEBAR
    + """\
A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN

Omgevingsdienst

Heeft zicht op leegstand, stoppende ondernemers (agrarische 
vergunningen), kan 'fysiek' signalen waarnemen in het buitengebied.

Boswachter/ Staatsbosbeheer

Heeft zicht op/pikt signalen op van verdachte omstandigheden in het 
buitengebied.

RIEC

Heeft zicht op de formele mogelijkheden vanuit het 
handhavingsknelpunt en ondermijningsrisico's.

"""
    + _SIDEBAR
    + """\
B. BRONNEN IN DE VORM VAN REGISTRATIES, DATABASES E.D.

Kamer van Koophandel

Database bedrijvigheid d.w.z. adressen van bedrijven.

"""
    + _SIDEBAR
    + """\
Thema Jonge aanwas in  
de (georganiseerde) 
criminaliteit
Dit thema concentreert zich rond de risico's van het afglijden van jongeren 
in de georganiseerde criminaliteit.

"""
    + _SIDEBAR
    + """\
A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN

Jongerenwerkers

Hebben zicht op signalen en bepalende omstandigheden in groepen.

Jeugdboa's

Hebben zicht op signalen in wijken/kernen.

Onderwijsinstellingen

Hebben zicht op de risico's rond jeugd op vlakken als uitval.

"""
    + _SIDEBAR
    + """\
Colofon

Ontwikkeld door Jasper van Gaalen (BMC) in opdracht van het CCV.
"""
)


def test_flattened_table_keeps_theme_and_lettered_part_in_section() -> None:
    blocks = _parse(OOV_TABLE, "pdf-text")
    heads = _headings(blocks)
    assert "Omgevingsdienst" not in heads and "RIEC" not in heads
    row = next(b for b in blocks if b.text.startswith("Omgevingsdienst"))
    assert row.kind == "paragraph"
    assert row.text.startswith("Omgevingsdienst Heeft zicht op leegstand")  # label + description
    assert row.section == "Thema weerbaar buitengebied > A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN"
    kvk = next(b for b in blocks if b.text.startswith("Kamer van Koophandel"))
    assert kvk.section == (
        "Thema weerbaar buitengebied > B. BRONNEN IN DE VORM VAN REGISTRATIES, DATABASES E.D."
    )
    boa = next(b for b in blocks if b.text.startswith("Jeugdboa's"))
    assert boa.section.startswith("Thema Jonge aanwas in de (georganiseerde) criminaliteit > A.")
    colofon = next(b for b in blocks if b.text.startswith("Ontwikkeld door"))
    assert colofon.section == "Colofon"
    assert not any("VRAGEN VAN OOV-ERS" in b.text for b in blocks)  # the side bar still goes


CONTENTS_AND_PROJECTS = """\
De praktijk: 3 voorbeelden

De Integrale familieaanpak, Project: Veilig buitengebied, 
gemeente Tilburg gemeente Bronckhorst
Back on Track, 
gemeente Zaanstad

 1. De Integrale familieaanpak, gemeente Tilburg 

De familieaanpak is het Tilburgse antwoord op intergenerationele criminaliteit. 
Toekomst
De aanpak loopt door tot eind 2023 en wordt daarna geëvalueerd door de gemeente.

 2. Back on Track, gemeente Zaanstad 

Back on Track richt zich op jongeren die dreigen af te glijden. 
Toekomst
Het project loopt in december 2022 af; het team hoopt op verlenging. Want, zegt Lidy: "Je hebt 
meer nodig dan twee jaar, zeker in de pijler school. Je moet van alles opzetten en een netwerk 
opbouwen, voordat je resultaten ziet. Daarom willen we graag door met de studiezalen, de 
buurtouders en de samenwerking met de scholen in de wijk."

Project: Veilig buitengebied, 
gemeente Bronckhorst
Een nieuwe wijkagent in de uitgestrekte buitengebieden leidde tot deze aanpak. Daarbij staat 
verbinding en samenwerking tussen alle stakeholders centraal. Projectleider Paul van der Weiden 
vertelt hoe de partijen elkaar vonden en welke stappen zij samen zetten om het gebied schoon, 
heel en veilig te maken, en hoe de gemeente daarbij de regie hield.
Ontstaan: onbekend buitengebied
In 2016 werd Fons Bouwmeister wijkagent in een deel van de buitengebieden. Qua oppervlakte is 
het een van de grotere gemeenten van Nederland, met veel verspreid liggende boerderijen, 
leegstaande stallen en vakantieparken. Hij merkte al snel dat de politie weinig zicht had op 
wat zich daar afspeelde en dat partijen in het gebied elkaar nauwelijks kenden.
"""


def test_unnumbered_chapter_listed_in_contents_is_a_chapter() -> None:
    # (sections with one short paragraph each would read as the rows of a flattened table;
    # real example sections are longer, so the snippet is too)
    blocks = _parse(CONTENTS_AND_PROJECTS, "pdf-text")
    sections = {b.section for b in blocks}
    assert "Project: Veilig buitengebied, gemeente Bronckhorst" in sections
    assert (
        "Project: Veilig buitengebied, gemeente Bronckhorst > Ontstaan: onbekend buitengebied"
    ) in sections
    assert "2. Back on Track, gemeente Zaanstad > Toekomst" in sections


def test_acronym_on_its_own_line_completes_the_heading(
    parsed: dict[str, tuple[str, list[Block]]],
) -> None:
    """ "Samenwerking met het Bestuurlijk Utrechts Interventie Team" / "(BUIT)" is one heading;
    the acronym must not open the paragraph below it."""
    blocks = parsed["inspiratieboek-ondermijning-in-de-wijk.txt"][1]
    assert "Samenwerking met het Bestuurlijk Utrechts Interventie Team (BUIT)" in _headings(blocks)
    assert not any(b.text.startswith("(BUIT)") for b in blocks)


def test_parenthesis_after_a_sentence_stays_a_paragraph_start() -> None:
    text = "Dit is een volledige zin die eindigt.\n(Zie bijlage)\nDaarna volgt de tekst.\n"
    blocks = _parse(text, "pdf")
    assert not any(b.kind == "heading" and "(Zie bijlage)" in b.text for b in blocks)


def test_a_footnote_block_leaves_no_link_tail_or_footnote_text_in_the_prose(
    parsed: dict[str, tuple[str, list[Block]]],
) -> None:
    """The ledenbrief's Wvggz passage sits above footnotes 10-12: a link cut at a hyphen and a
    text footnote. Neither may end up in the passage a memo quotes, and the chapter heading
    right under them stays a heading."""
    blocks = parsed["vng-ledenbrief-zorg-en-veiligheid.txt"][1]
    wvggz = [b for b in blocks if "De Wvggz biedt iedereen" in b.text]
    assert wvggz
    for b in wvggz:
        assert "psychische-stoornis" not in b.text
        assert "Zie hier voor meer informatie" not in b.text
    assert not any("Zie hier voor meer informatie over deze bevoegdheid" in b.text for b in blocks)
    assert any(b.section.split(" > ")[0].endswith("Jeugd") for b in blocks)


def test_a_case_part_heading_is_a_heading_however_wide() -> None:
    """ "Knelpunten: …" as wide as a body line, wrapped after a comma, or after a line that
    has no final punctuation; "Resultaat: … ." ends as a sentence: a list item."""
    body = (
        "De jongerenwerker kent de jongeren in de wijk al jaren en ziet hen bijna elke dag op\n"
        "straat, op school en in het buurthuis, en praat met hun ouders over de toekomst.\n"
    )
    text = (
        "1. Aanpak in de wijk\n"
        + body
        + "Knelpunten: te weinig capaciteit, te beperkt qua gebied, gebrek aan tijd en geld\n"
        "Op dit moment is Yves de enige jongerenwerker die zo intensief met deze jongeren\n"
        "werkt in de wijk en dat is te weinig.\n"
        "Succesfactoren: vertrouwen, persoonlijke aandacht, samenwerking tussen beleid,\n"
        "uitvoering en best persons\n" + body + "maar hadden geen\n"
        "Resultaten: meer gemeenten doen mee\n"
        + body
        + "Resultaat: goed voorbereide professionals.\n"
    )
    blocks = _parse(text, "pdf-text")
    assert _headings(blocks) == [
        "1. Aanpak in de wijk",
        "Knelpunten: te weinig capaciteit, te beperkt qua gebied, gebrek aan tijd en geld",
        "Succesfactoren: vertrouwen, persoonlijke aandacht, samenwerking tussen beleid, "
        "uitvoering en best persons",
        "Resultaten: meer gemeenten doen mee",
    ]
    under = [b.section for b in blocks if b.text.startswith("Op dit moment")]
    assert under and under[0].endswith(
        "Knelpunten: te weinig capaciteit, te beperkt qua gebied, gebrek aan tijd en geld"
    )


FOOT_NOTE_PAGE = """\
Ondermijning in de wijk / 4. Aanpak Nieuwe aanwas Nieuwland, Schiedam 
 De aanpak is gebaseerd op het 7-stappenmodel.3 Het doel is de jongeren te 

bereiken. Dan begrijpt zo'n jongen bijvoorbeeld niet dat hij niet met een 

trainingspak op werk kan verschijnen, ook al maakt dat geen verschil in 

de kwaliteit van het werk dat 

3. Dit betreft een vernieuwde aanpak problematische jeugdgroepen en groepsgedrag en is ontwikkeld door 
Wegwijzer Jeugd en Veiligheid. 

Ondermijning in de wijk / 4. Aanpak Nieuwe aanwas Nieuwland, Schiedam 
 je levert. Terwijl je op straat altijd welkom bent, hoe je er ook bij loopt. 

Een andere risicofactor is verveling. Veel van deze jongeren hebben geen 

stabiele thuissituatie en ook geen plek om heen te gaan. 

Ondermijning in de wijk / 4. Aanpak Nieuwe aanwas Nieuwland, Schiedam 
 Het kernteam komt elke week bij elkaar. 
"""


def test_a_footnote_at_a_page_foot_leaves_the_sentence_it_interrupts_whole() -> None:
    """The inspiratieboek's footnotes sit between a page's last line and the next page's
    running header, often inside a sentence ("… het werk dat" / note / "je levert."). The
    sentence is joined again and the note stands apart, after it, not glued to the next
    paragraph."""
    texts = [b.text for b in _parse(FOOT_NOTE_PAGE, "pdf-text")]
    sentence = next(t for t in texts if "het werk dat je levert." in t)
    assert "Dit betreft" not in sentence
    note = next(t for t in texts if t.startswith("Voetnoot: Dit betreft"))
    assert note.endswith("Wegwijzer Jeugd en Veiligheid.")
    assert texts.index(note) == texts.index(sentence) + 1
    assert any(t.startswith("Een andere risicofactor is verveling.") for t in texts)


def test_corpus_footnotes_at_a_page_foot_stand_apart(
    parsed: dict[str, tuple[str, list[Block]]],
) -> None:
    """The RIEC footnote of the Nypels case (the corpus's only definition of a RIEC) was glued
    to the next page's "Daarnaast is er een stuurgroep …"; the Schiedam one cut "het werk dat
    je levert" in two."""
    blocks = parsed["inspiratieboek-ondermijning-in-de-wijk.txt"][1]
    riec = [b.text for b in blocks if "Tien Regionale Informatie- en Expertise Centra" in b.text]
    assert len(riec) == 1 and riec[0].endswith("Zie ook www.riec.nl")
    # not "2. Tien …", read as a list item
    assert riec[0].startswith("Voetnoot: Tien Regionale")
    assert any(b.text.startswith("Daarnaast is er een stuurgroep") for b in blocks)
    assert any("van het werk dat je levert." in b.text for b in blocks)
