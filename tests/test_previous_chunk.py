"""An answer that opens on a sentence continuing the chunk before it ("De procesregisseur
zorgt ook voor …") gets the sentence it continues, from the previous chunk of the same
section. Texts are the inspiratieboek's Wijkrechtbank passages, cut where the chunker cut
them; the last test runs on the real index."""

from __future__ import annotations

import pytest

from assistant.stages.candidates import candidates
from assistant.stages.compose import compose
from assistant.stages.previous_chunk import (
    leans_back,
    with_previous_sentence,
    without_dangling_opening,
)
from assistant.types import Passage

SECTION = "5. De Wijkrechtbank, Eindhoven > Organisatie en samenwerking"
BEFORE = (
    "De regie over de zaken ligt bij de rechter. Een procesregisseur van de gemeente is "
    "verantwoordelijk voor inventarisatie van alle betrokken en te betrekken ketenpartners en "
    "organisatie van het casusoverleg."
)
OPENING = (
    "De procesregisseur zorgt ook voor overdracht van de uitkomsten van dit overleg aan de "
    "rechter. Het projectteam komt tweewekelijks bij elkaar voor overleg."
)
QUESTION = "Wat doet een procesregisseur?"


def _passage(index: int, text: str, section: str = SECTION) -> Passage:
    return Passage(
        chunk_id=f"boek:{index}",
        doc_id="boek",
        title="Inspiratieboek",
        publisher="CCV",
        date="2023",
        page=None,
        section=section,
        text=text,
        chunk_index=index,
        start=0,
        end=len(text),
    )


def _chain(*passages: Passage):
    by_index = {p.chunk_index: p for p in passages}
    return lambda p: by_index.get(p.chunk_index - 1)


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("De procesregisseur zorgt ook voor overdracht aan de rechter.", True),
        ("Daarnaast organiseert de gemeente bijeenkomsten.", True),
        ("Dit leidde tot minder overlast in de wijk.", True),
        ("Ook de politie doet mee.", True),
        ("Een procesregisseur is verantwoordelijk voor het casusoverleg.", False),
        # "ook" late in a long sentence adds nothing to what came before
        (
            "De gemeente werkt met de politie en de woningcorporaties en zorgt zo ook voor rust.",
            False,
        ),
    ],
)
def test_which_sentences_lean_back(text: str, leans: bool) -> None:
    assert leans_back(text) is leans


def test_the_continued_sentence_is_brought_from_the_previous_chunk() -> None:
    before, current = _passage(75, BEFORE), _passage(76, OPENING)
    ordered = [s for s in candidates([current]) if s.selectable][:1]
    out, passages = with_previous_sentence(QUESTION, ordered, [current], _chain(before, current))
    assert [s.text for s in out] == [
        "Een procesregisseur van de gemeente is verantwoordelijk voor inventarisatie van alle "
        "betrokken en te betrekken ketenpartners en organisatie van het casusoverleg.",
        ordered[0].text,
    ]
    text, citations = compose(out, passages, False)
    assert text.startswith("Een procesregisseur van de gemeente")
    assert [c.chunk_id for c in citations] == ["boek:75", "boek:76"]
    # the quote is an exact substring of the chunk it cites
    assert citations[0].quote in BEFORE


def test_overlapping_chunks_bring_the_sentence_before_the_overlap() -> None:
    """The chunker may repeat a chunk's last sentence at the start of the next one: that
    sentence is not quoted twice; the one before it is brought."""
    overlapping = _passage(75, BEFORE + " " + OPENING.split(". ")[0] + ".")
    current = _passage(76, OPENING)
    ordered = [s for s in candidates([current]) if s.selectable][:1]
    out, _ = with_previous_sentence(QUESTION, ordered, [current], _chain(overlapping, current))
    assert [s.text for s in out][0].startswith("Een procesregisseur van de gemeente")
    assert len({s.text for s in out}) == len(out)


def test_nothing_is_brought_across_a_section_border_or_mid_chunk() -> None:
    current = _passage(76, OPENING)
    elsewhere = _passage(75, BEFORE, "5. De Wijkrechtbank, Eindhoven > Aanleiding")
    first = [s for s in candidates([current]) if s.selectable][:1]
    assert (
        with_previous_sentence(QUESTION, first, [current], _chain(elsewhere, current))[0] == first
    )
    # the answer's first sentence is not the chunk's first: the chunk says what it continues
    later = _passage(76, BEFORE + " " + OPENING)
    mid = [s for s in candidates([later]) if s.text.startswith("De procesregisseur")]
    before = _passage(75, "Het OM brengt de strafzaken aan.")
    assert with_previous_sentence(QUESTION, mid, [later], _chain(before, later))[0] == mid
    # a previous sentence that holds no word of the question is background, not the answer
    asked_else = "Hoe vaak komt het projectteam bij elkaar?"
    linked = _chain(_passage(75, BEFORE), current)
    assert with_previous_sentence(asked_else, first, [current], linked)[0] == first
    # a sentence on another subject than the one it precedes is the chunk's previous thought
    other = _passage(76, "Het projectteam komt ook tweewekelijks bij elkaar voor overleg.")
    team = [s for s in candidates([other]) if s.selectable][:1]
    assert (
        with_previous_sentence(QUESTION, team, [other], _chain(_passage(75, BEFORE), other))[0]
        == team
    )
    # a sentence that stands on its own needs nothing before it
    standing = _passage(76, BEFORE)
    own = [s for s in candidates([standing]) if s.selectable][:1]
    assert with_previous_sentence(QUESTION, own, [standing], _chain(before, standing))[0] == own


def test_the_procesregisseur_is_defined_from_the_previous_chunk(assistant) -> None:
    answer = assistant.ask("Wat is een procesregisseur?")
    assert not answer.abstained
    assert "verantwoordelijk voor inventarisatie" in answer.citations[0].quote
    assert answer.text.startswith("Een procesregisseur van de gemeente")


def test_a_padding_opening_that_continues_the_chunk_before_is_dropped() -> None:
    """The Kompas's partners for jonge aanwas: a chunk opens on the tail of the entry before
    it ("En ook op de mate waarin …"), which an answer quoted first. It goes when it is
    padding and continues a chunk of the same section; it stays as the best sentence, and
    at a section's start, where it continues nothing."""
    section = "Thema Jonge aanwas > A. BRONNEN IN DE VORM VAN PARTNERS/ACTOREN"
    tail = (
        "En ook op de mate waarin het vraagstuk 'jonge aanwas' speelt in de gemeente.\n\n"
        "Jeugdhulpverlening Heeft zicht op de complexe risico's rond jeugdigen."
    )
    before, passage = (
        _passage(7, "Wijkagent Heeft zicht op jongeren.", section),
        _passage(8, tail, section),
    )
    opening, entry = candidates([passage])
    opening.score, entry.score = 0.85, 0.90
    previous = _chain(before, passage)
    assert without_dangling_opening([opening, entry], [passage], previous) == [entry]
    opening.score = 0.95
    assert without_dangling_opening([opening, entry], [passage], previous) == [opening, entry]
    opening.score = 0.85
    starts_section = _chain(_passage(7, "Iets anders.", "Thema Cybercrime"), passage)
    assert without_dangling_opening([opening, entry], [passage], starts_section) == [
        opening,
        entry,
    ]
