"""Every passage can be found back by a reader: a page, else a section path, else a named
part of the document (text before the first heading: a letter's salutation and introduction,
or the "begin" of any other document). The rule of foundation/sections.py, checked from the
blocks ingest finds up to the memo text, and over every passage of the real bundled index."""

from __future__ import annotations

import json

from assistant.memo import render_citation
from assistant.types import Citation, Passage
from foundation.sections import (
    DOCUMENT_START,
    LETTER_SALUTATION,
    cited_section,
    front_part,
    location,
)
from ingest.chunking import chunk_document
from ingest.models import Block, RawPage
from ingest.structure import parse_document
from ui.page_logic import source_label, source_meta_html, where

LEDENBRIEF_ID = "ledenbrief-zorg-veiligheid"
INTRO = "brief, inleiding vóór § 1"
SALUTATION = "Geachte heer Van der Lugt,"
MAIL = "Daarnaast verzendt de VNG deze mail aan alle burgemeesters."

LETTER = """\
 Geachte heer Van der Lugt, 

Een kleine groep inwoners kampt met ernstige en complexe problemen. Het is nodig samen te 
werken op het snijvlak van zorg en veiligheid. 

De VNG verstuurt deze e-mail naar alle algemene e-mailadressen van gemeenten. Daarnaast 
verzendt de VNG deze mail aan alle burgemeesters en wethouders. 

Voor vragen: mail naar info@vng.nl 
 1: Waarom is een verbinding tussen zorg en veiligheid nodig? 
Een kleine groep inwoners heeft ernstige problemen op meerdere leefdomeinen, waarbij deze 
problemen veelal aan zowel het zorg- als veiligheidsdomein raken. 
"""


# ---------------------------------------------------------------------------- the rule


def test_location_prefers_page_and_section_and_names_a_part_otherwise() -> None:
    assert location(12, "4 Regie > 4.2 Taken") == "p. 12, § 4 Regie > 4.2 Taken"
    assert location(None, "", LETTER_SALUTATION) == "brief, aanhef"  # no § before a part
    assert location(3, "", DOCUMENT_START) == "p. 3, begin van het document"
    assert location(None, "4 Regie", LETTER_SALUTATION) == "§ 4 Regie"  # a section wins
    assert location(None, "4 Regie", section_mark="paragraaf “", section_end="”") == (
        "paragraaf “4 Regie”"
    )
    assert location(None, "") == ""
    assert cited_section("", INTRO) == INTRO and cited_section("4 Regie", INTRO) == "4 Regie"


def test_front_part_names_a_letters_salutation_and_introduction() -> None:
    assert front_part(letter=True, salutation=True, before="1") == "brief, aanhef"
    assert front_part(letter=True, salutation=False, before="1") == INTRO
    assert front_part(letter=True, salutation=False) == "brief, inleiding"
    assert front_part(letter=False, salutation=False, before="1") == "begin van het document"


# ---------------------------------------------------------------------------- ingest


def test_letter_opening_gets_salutation_and_introduction_parts() -> None:
    blocks = parse_document([RawPage(None, LETTER)], "pdf-text")
    loose = [b for b in blocks if not b.section]
    assert [b.part for b in loose][:2] == ["brief, aanhef", INTRO]
    assert loose[0].text.startswith("Geachte heer Van der Lugt,")
    assert {b.part for b in loose[1:]} == {INTRO}
    assert all(b.part == "" for b in blocks if b.section)  # inside a section: no part


def test_text_before_the_first_heading_of_other_documents_is_their_begin() -> None:
    markdown = "Een inleidende alinea zonder kop.\n\n# 1 Inleiding\n\nTekst onder de kop.\n"
    blocks = parse_document([RawPage(None, markdown)], "markdown")
    assert [(b.text[:4], b.part) for b in blocks] == [
        ("Een ", DOCUMENT_START),
        ("1 In", ""),
        ("Teks", ""),
    ]
    web = "Een losse openingszin van de pagina, nog zonder kop.\n\nWaar werken we aan?\n\nTekst.\n"
    first = parse_document([RawPage(2, web)], "web")[0]
    assert (first.page, first.section, first.part) == (2, "", DOCUMENT_START)


def test_chunks_record_where_each_part_begins() -> None:
    blocks = [
        Block(SALUTATION, None, "", part=LETTER_SALUTATION),
        Block(MAIL, None, "", part=INTRO),
        Block("1 Inleiding", None, "1 Inleiding", "heading"),
        Block("Tekst onder de kop.", None, "1 Inleiding"),
    ]
    opening, body = chunk_document("doc", "a" * 64, blocks)
    assert opening.section == "" and body.section == "1 Inleiding"
    assert opening.part_spans == ((0, LETTER_SALUTATION), (opening.text.index("Daarnaast"), INTRO))
    assert body.part_spans == ()
    # text and section are what they were: the part is not embedded or indexed
    assert opening.text == f"{SALUTATION}\n\n{MAIL}"


def test_citation_names_the_part_of_its_quote_in_json_memo_and_page() -> None:
    text = f"{SALUTATION}\n\n{MAIL}"
    passage = Passage(
        chunk_id="c",
        doc_id="brief",
        title="Ledenbrief",
        publisher="VNG",
        date="2018",
        page=None,
        section="",
        text=text,
        chunk_index=0,
        start=0,
        end=len(text),
        part_spans=[(0, LETTER_SALUTATION), (text.index("Daarnaast"), INTRO)],
    )
    assert passage.part == LETTER_SALUTATION
    assert passage.to_search_json()["section"] == LETTER_SALUTATION
    c = Citation.from_passage(1, passage, MAIL)
    assert (c.section, c.part) == ("", INTRO)
    assert c.to_json()["section"] == INTRO
    assert render_citation(c).split("\n")[0] == f"[1] *Ledenbrief*, VNG (2018), {INTRO}"
    assert "paragraaf" not in render_citation(c)
    assert where(c) == INTRO
    assert source_label(c).endswith("brief, inleiding vóór § 1")
    assert "<b>Plaats:</b> brief, inleiding vóór § 1" in source_meta_html(c)


# ---------------------------------------------------------------------------- the real index


def test_every_passage_of_the_bundled_index_has_a_location(assistant) -> None:
    from assistant.stages.retrieve import to_passage

    index = assistant.current_index()
    passages = [to_passage(chunk, index) for chunk in index.chunks.values()]
    assert len(passages) > 400 and {p.doc_id for p in passages} == set(index.live.docs)
    lacking = [
        (p.doc_id, p.chunk_index, p.text[:60])
        for p in passages
        if not location(p.page, p.section, p.part)
        or (p.page is None and not p.to_search_json()["section"])
    ]
    assert lacking == []
    # and every sentence of a passage, as a citation would name it
    for p in passages:
        for offset in range(0, len(p.text), 40):
            assert p.page is not None or cited_section(p.section_at(offset), p.part_at(offset))


def test_the_ledenbrief_opening_is_cited_by_its_parts(assistant) -> None:
    from assistant.stages.retrieve import to_passage

    index = assistant.current_index()
    opening = sorted(
        (to_passage(c, index) for c in index.chunks.values() if c.doc_id == LEDENBRIEF_ID),
        key=lambda p: p.chunk_index,
    )[:2]
    assert opening[0].text.startswith("Geachte heer Van der Lugt,")
    assert opening[0].section == "" and opening[0].part == LETTER_SALUTATION
    salutation = Citation.from_passage(1, opening[0], "Geachte heer Van der Lugt, Een kleine groep")
    assert render_citation(salutation).split("\n")[0].endswith("VNG (2018), brief, aanhef")
    mail = next(p for p in opening if "Daarnaast verzendt de VNG" in p.text)
    quote = mail.text[mail.text.index("Daarnaast") :].split("\n")[0]
    assert Citation.from_passage(2, mail, quote).to_json()["section"] == INTRO


def test_ask_about_the_ledenbrief_opening_names_its_part(assistant) -> None:
    from assistant.memo import render_memo

    answer = assistant.ask("Aan wie verzendt de VNG deze mail?")
    assert not answer.abstained and answer.citations
    cited = answer.citations[0]
    assert cited.doc_id == LEDENBRIEF_ID and "Daarnaast verzendt de VNG" in cited.quote
    shape = json.loads(json.dumps(answer.to_json()))
    assert shape["citations"][0]["page"] is None
    assert shape["citations"][0]["section"] == INTRO
    assert f"VNG (2018), {INTRO}" in render_memo(answer)
