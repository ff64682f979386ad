"""A list never ends on its lead-in: the items follow from the same passage, from the next
chunk of the section, or, for a lead that closes its section, from the subsections after it.
Texts are real corpus passages (the ledenbrief's four sturingsinstrumenten, the City Deal's
topics), cut where the chunker cut them."""

from __future__ import annotations

from assistant.stages.candidates import candidates
from assistant.stages.compose import compose, select
from assistant.stages.list_items import (
    announced_count,
    continue_lists,
    focus_on_list,
    lead_names,
    with_leads,
    without_orphan_items,
)
from assistant.types import Passage

LEAD = (
    "Bovenstaande situatie is onwenselijk, maar wat kunt u daar aan doen? Als "
    "gemeentebestuurder heeft u in de keten zorg en veiligheid vier sturingsinstrumenten, "
    "voortkomend uit wettelijke bepalingen, bestuurlijke afspraken, of formele "
    "beïnvloedingsmacht:"
)
BELEID = (
    "De gemeente heeft de wettelijke verplichting of mogelijkheid om beleid te bepalen. De "
    "gemeente is dan hoofdverantwoordelijk voor de vorm en uitvoering voor een bepaald "
    "onderwerp."
)
REGIE = (
    "De gemeente is in bijvoorbeeld het geval van Veilig Thuis en de jeugdregio de "
    "systeemverantwoordelijke. Het gaat hier om de vraag wie aan het stuur zit."
)
SAMEN = "De gemeente heeft niet overal finale zeggenschap. Zij werkt dan samen met partners."
TOPICS_HEAD = (
    "Dit traject bestaat daarmee uit de deeltrajecten City deal 'Zorg en Veiligheid in de "
    "stad' en Multiproblematiek.\n\nDe belangrijkste onderwerpen:"
)
TOPICS_TAIL = (
    "De belangrijkste onderwerpen:\n\npreventie en risicosignalering,\n\nbescherming van "
    "kwetsbare groepen,\n\nre-integratie en nazorg.\n\nWie doen mee?"
)
SECTION = "4 Sturingsmogelijkheden"


def _passage(
    index: int,
    text: str,
    section: str,
    spans: list[tuple[int, str]] | None = None,
    doc: str = "ledenbrief",
) -> Passage:
    return Passage(
        chunk_id=f"{doc}:{index}",
        doc_id=doc,
        title=doc,
        publisher="VNG",
        date="2018",
        page=None,
        section=section,
        text=text,
        chunk_index=index,
        start=0,
        end=len(text),
        section_spans=spans or [],
    )


def _chain(*passages: Passage):
    by_index = {(p.doc_id, p.chunk_index): p for p in passages}
    return lambda p: by_index.get((p.doc_id, p.chunk_index + 1))


def _last_sentence(passage: Passage):
    return [s for s in candidates([passage]) if s.selectable or s.text.endswith(":")][-1]


def test_a_lead_that_closes_its_section_is_followed_by_its_subsections() -> None:
    lead = _passage(43, LEAD, SECTION)
    beleid = _passage(44, BELEID, f"{SECTION} > Beleidskracht")
    rest = REGIE + "\n\n" + SAMEN
    regie = _passage(
        45,
        rest,
        f"{SECTION} > Regiekracht",
        [(0, f"{SECTION} > Regiekracht"), (len(REGIE) + 2, f"{SECTION} > Samenwerkingskracht")],
    )
    after = _passage(46, "Andere tekst.", "5 Zorg en preventie")
    sentence = _last_sentence(lead)
    assert sentence.text.endswith("beïnvloedingsmacht:")

    ordered, cited = continue_lists([sentence], [lead], _chain(lead, beleid, regie, after))
    text, citations = compose(ordered, cited, as_list=False)

    assert [s.text.split(":")[0] for s in ordered[1:]] == [
        "Beleidskracht",
        "Regiekracht",
        "Samenwerkingskracht",
    ]
    assert "\n- Beleidskracht: De gemeente heeft de wettelijke verplichting" in text
    assert "- Samenwerkingskracht: De gemeente heeft niet overal finale zeggenschap" in text
    assert "Zorg en preventie" not in text and "Andere tekst" not in text
    # each item is cited from the chunk that holds it, quoted verbatim
    assert [c.chunk_id for c in citations] == ["ledenbrief:43", "ledenbrief:44", "ledenbrief:45"]
    for c in citations:
        for part in c.quote.split(" … "):
            assert part in c.text


def test_items_cut_off_into_the_next_chunk_are_continued_there() -> None:
    head = _passage(7, TOPICS_HEAD, "Wat doen we?", doc="city-deal")
    tail = _passage(8, TOPICS_TAIL, "Wat doen we?", doc="city-deal")
    lead = _last_sentence(head)
    assert lead.text == "De belangrijkste onderwerpen:"

    ordered, cited = continue_lists([lead], [head], _chain(head, tail))
    items = [s.text for s in ordered[1:]]

    # the overlap (the lead repeated at the start of the next chunk) is skipped
    assert items[0] == "preventie en risicosignalering,"
    assert "re-integratie en nazorg." in items
    assert all("onderwerpen" not in item for item in items)
    assert cited[-1].chunk_id == "city-deal:8"


def test_a_lead_in_another_section_is_not_continued() -> None:
    head = _passage(7, TOPICS_HEAD, "Wat doen we?", doc="city-deal")
    other = _passage(8, TOPICS_TAIL, "Wie doen mee?", doc="city-deal")
    lead = _last_sentence(head)
    ordered, cited = continue_lists([lead], [head], _chain(head, other))
    assert ordered == [lead] and cited == [head]


CITY_DEAL = (
    "City deal-gemeenten:\n\nTilburg en Breda: transforensische zorg en re-integratie "
    "ex-gedetineerden\n\nNijmegen: een digitaal informatieknooppunt tussen de domeinen zorg en "
    "veiligheid\n\nAlmere: gezinsaanpak preventie jeugdcriminaliteit\n\n"
)
PROSE = (
    "De gemeenten leren van elkaar via werkgroepen en maken de effecten van hun aanpak "
    "meetbaar in samenwerking met onderzoekers, zodat wat werkt ook in andere gemeenten kan "
    "worden toegepast; de resultaten worden jaarlijks besproken met alle partners in de "
    "stuurgroep en daarna gedeeld met de gemeenteraden, die er een eigen oordeel over vormen "
    "en de aanpak zo nodig bijsturen voor het volgende jaar."
)


def test_items_in_the_same_passage_are_taken_from_it() -> None:
    passage = _passage(1, CITY_DEAL + PROSE, "Wie doen mee?", doc="city-deal")
    # the splitter keeps the lead-in with its first item, as it does in the real page
    lead = next(s for s in candidates([passage]) if "gemeenten:" in s.text)
    assert "Tilburg en Breda" in lead.text
    ordered, cited = continue_lists([lead], [passage], None)
    assert [s.text.split(":")[0] for s in ordered[1:]] == ["Nijmegen", "Almere"]
    assert cited == [passage]  # the long prose paragraph after the list is not an item


def test_a_finished_sentence_is_no_lead() -> None:
    text = "De stappen:\n\nEerst analyseren,\n\ndan bezoeken,\n\ndan evalueren.\n\n" + PROSE
    passage = _passage(1, text, "Aanpak", doc="doc")
    whole = next(s for s in candidates([passage]) if "stappen:" in s.text)
    assert whole.text.endswith("evalueren.")
    assert continue_lists([whole], [passage], None) == ([whole], [passage])


def test_a_list_answer_is_not_buried_under_the_passage_opening() -> None:
    passage = _passage(7, TOPICS_HEAD, "Wat doen we?", doc="city-deal")
    sentences = [s for s in candidates([passage])]
    opening, lead = sentences[0], sentences[-1]
    opening.score, lead.score = 0.80, 0.85
    assert focus_on_list([opening, lead]) == [lead]
    opening.score = 0.90  # the opening matches better than the lead: it stays
    assert focus_on_list([opening, lead]) == [opening, lead]


MARKED_CITY_DEAL = (
    "City deal-gemeenten:\n\n• Tilburg en Breda: transforensische zorg en re-integratie "
    "ex-gedetineerden\n\n• Nijmegen: een digitaal informatieknooppunt tussen de domeinen zorg en "
    "veiligheid\n\n• Almere: gezinsaanpak preventie jeugdcriminaliteit\n\n"
)


def test_marked_items_are_items_of_their_lead_and_short_ones_are_quotable() -> None:
    """The chunk text as ingest writes it now: each item keeps a "• ". The lead is a sentence
    of its own, and "Almere: gezinsaanpak preventie jeugdcriminaliteit" (five words, no full
    stop) is an item, not a heading that may never be quoted."""
    passage = _passage(1, MARKED_CITY_DEAL + PROSE, "Wie doen mee?", doc="city-deal")
    found = candidates([passage])
    lead = next(s for s in found if s.text == "City deal-gemeenten:")
    items = [s for s in found if s.is_item]
    assert [s.text.split(":")[0] for s in items] == ["• Tilburg en Breda", "• Nijmegen", "• Almere"]
    assert all(s.selectable and found[s.lead] is lead for s in items if s.lead is not None)
    assert all(s.lead is not None for s in items)
    text, _ = compose(items, [passage], as_list=True)
    assert "- Almere: gezinsaanpak preventie jeugdcriminaliteit [1]" in text.splitlines()


def test_a_short_item_of_the_real_page_is_in_the_answer(assistant) -> None:
    answer = assistant.ask("Welke gemeenten doen mee aan de City Deal Zorg voor Veiligheid?")
    assert not answer.abstained
    for town in ("Tilburg en Breda", "Nijmegen", "Almere", "Zoetermeer", "Maastricht"):
        assert town in answer.text, town


KOMPAS = (
    "2. Veel beschikbare informatiebronnen, echter behoorlijk divers en lang niet altijd "
    "inhoudelijk coherent.\n\nGekozen is voor de volgende thema's:\n\n• Weerbaar buitengebied "
    "(ondermijningsrisico's)\n\n• Gedigitaliseerde criminaliteit/cybercrime\n\n• Online "
    "aangejaagde ordeverstoring\n\nVoor elk van deze thema's is een overzicht van geadviseerde "
    "informatiebronnen opgenomen. Informatiebronnen in drie vormen:\n\n1. Partners (intern en "
    "extern)\n\n2. Registraties en databases"
)


def test_a_lead_in_the_middle_of_an_answer_gets_its_items() -> None:
    """The Kompas's introduction, as the chunker wrote it: an answer that quotes the lead
    and the sentence after the list would promise themes it never names."""
    passage = _passage(3, KOMPAS, "INLEIDING", doc="kompas")
    found = candidates([passage])
    lead = next(s for s in found if s.text == "Gekozen is voor de volgende thema's:")
    after = next(s for s in found if s.text.startswith("Voor elk van deze"))
    ordered, cited = continue_lists([lead, after], [passage], None)
    texts = [s.text for s in ordered]
    assert texts[0] == lead.text and texts[-1] == after.text
    assert [t.split(" (")[0] for t in texts[1:-1]] == [
        "• Weerbaar buitengebied",
        "• Gedigitaliseerde criminaliteit/cybercrime",
        "• Online aangejaagde ordeverstoring",
    ]
    assert cited == [passage]
    # an item already quoted is not repeated; only the ones it skipped are added
    second = next(s for s in found if "cybercrime" in s.text)
    ordered, _ = continue_lists([lead, second, after], [passage], None)
    assert [s.text for s in ordered].count(second.text) == 1
    assert len(ordered) == 5


ZVH_HEAD = (
    "Medio mei 2018 is een landelijk programma Zorg- en Veiligheidshuizen gestart dat de 32 "
    "Zorg- en Veiligheidshuizen ondersteunt om bij complexe casussen doorbraken te forceren."
    "\n\nHet programma heeft drie prioriteiten:\n\n• Gezamenlijk werken aan een "
    "gemeenschappelijke en kwalitatief goede basis voor alle 32 Zorg- en Veiligheidshuizen."
)
ZVH_TAIL = (
    "• Het adequaat en efficiënt organiseren van verbinding met de omgeving.\n\n"
    "• Doorontwikkelen van Zorg- en Veiligheidshuizen tot brede regionale expertisecentra."
    "\n\nHet programma kent een doorlooptijd van twee jaren.\n\nHet programma wordt geleid "
    "door Auke Blaauwbroek, voormalig wethouder in Tilburg."
)
ZVH_SECTION = "3: Wat gebeurt er landelijk? > Zorg- en Veiligheidshuizen"


def test_an_item_quoted_alone_gets_its_lead_and_the_rest_of_the_list() -> None:
    """The ledenbrief's three priorities, cut after the first by the chunker: an answer that
    quotes that item alone reads as a stray bullet. It gets its lead, and the two items of the
    next chunk, and no more: the lead announces three, and the prose after them has no
    bullet."""
    head = _passage(20, ZVH_HEAD, ZVH_SECTION)
    tail = _passage(21, ZVH_TAIL, ZVH_SECTION)
    found = candidates([head])
    opening = found[0]
    item = next(s for s in found if s.is_item)
    assert item.lead_span is not None

    ordered = with_leads([opening, item], [head])
    assert [s.text for s in ordered[1:3]] == ["Het programma heeft drie prioriteiten:", item.text]
    ordered, cited = continue_lists(ordered, [head], _chain(head, tail))
    text, citations = compose(ordered, cited, as_list=False)

    assert "Het programma heeft drie prioriteiten [1]:\n- Gezamenlijk werken" in text
    assert "\n- Doorontwikkelen van Zorg- en Veiligheidshuizen" in text
    assert text.count("\n- ") == 3
    assert "doorlooptijd" not in text and "Blaauwbroek" not in text
    assert [c.chunk_id for c in citations] == ["ledenbrief:20", "ledenbrief:21"]


def test_a_lead_announcing_a_number_takes_that_many_items() -> None:
    assert announced_count("Het programma heeft drie prioriteiten:") == 3
    assert announced_count("In 2018 waren er 4 thema's:") == 4
    assert announced_count("De belangrijkste onderwerpen:") is None
    text = (
        "De gemeente kent sinds dit jaar twee routes naar hulp:\n\n• De route via het "
        "wijkteam.\n\n• De route via de huisarts.\n\n• De route via school."
    )
    passage = _passage(1, text, "S")
    lead = next(s for s in candidates([passage]) if s.text.endswith(":"))
    ordered, _ = continue_lists([lead], [passage], None)
    assert [s.text for s in ordered[1:]] == [
        "• De route via het wijkteam.",
        "• De route via de huisarts.",
    ]


def test_an_item_whose_lead_is_in_the_chunk_before_is_dropped_from_a_non_list_answer() -> None:
    """ "Wie leidt het programma?" opened on "- Doorontwikkelen van …", the last of three
    priorities whose lead is in the chunk before: a bullet that reads as a claim of its own.
    The best sentence stays whatever it is, and so does an item the next sentence points
    back to ("Dit vraagt om …")."""
    tail = _passage(21, ZVH_TAIL, ZVH_SECTION)
    found = [s for s in candidates([tail]) if s.selectable]
    item, leader = found[1], found[-1]
    assert item.is_item and item.lead_span is None and "Blaauwbroek" in leader.text
    item.score, leader.score = 0.80, 0.90
    assert without_orphan_items([item, leader], [tail]) == [leader]
    item.score = 0.95
    assert without_orphan_items([item, leader], [tail]) == [item, leader]

    pointing = _passage(
        30,
        "• Het ministerie werkt aan meer persoonsgerichte sancties.\n\nDit vraagt om een "
        "aanpak die de levensloop van de gedetineerde centraal stelt.",
        "Koers en kansen",
    )
    first, second = [s for s in candidates([pointing]) if s.selectable]
    first.score, second.score = 0.80, 0.90
    assert without_orphan_items([first, second], [pointing]) == [first, second]


def test_the_programme_leader_is_not_introduced_by_a_stray_priority(assistant) -> None:
    answer = assistant.ask("Wie leidt het programma Zorg- en Veiligheidshuizen?")
    assert not answer.abstained and "Auke Blaauwbroek" in answer.text
    assert not answer.text.startswith("- ")


def test_a_lead_names_the_asked_plural_or_its_head() -> None:
    assert lead_names("Gekozen is voor de volgende thema's:", "veiligheidsthema's")
    assert lead_names("Het project kent drie pijlers:", "pijlers")
    assert lead_names("De volgende knelpunten:", "knelpunt")
    assert not lead_names("Informatiebronnen in drie vormen:", "thema's")


def test_a_list_question_is_answered_by_the_list_its_lead_names(assistant) -> None:
    """ "Welke thema's behandelt het Kompas?" quoted the introduction's remark that the
    Kompas is not complete; the list "Gekozen is voor de volgende thema's:" stood in the
    second passage."""
    answer = assistant.ask("Welke thema's behandelt het Kompas informatiebronnen?")
    assert not answer.abstained
    assert "Gekozen is voor de volgende thema's [1]:" in answer.text
    assert "- Online aangejaagde ordeverstoring [1]" in answer.text


def test_a_moved_footnote_answers_alone_or_stays_out_of_the_answer() -> None:
    """The inspiratieboek's RIEC footnote stands in the middle of the Nypels case: "Wat is
    de rol van de burgemeester …?" quoted it between the case's sentences as if the case said
    it. As the best sentence it is the answer ("Wat is het RIEC?")."""
    text = (
        "Bij de interventies worden ook scholen betrokken.\n\nVoetnoot: Tien Regionale "
        "Informatie- en Expertise Centra (RIEC's) richten zich op de bestrijding van "
        "ondermijnende criminaliteit.\n\nDaarnaast is er een stuurgroep onder leiding van de "
        "burgemeester."
    )
    passage = _passage(34, text, "2. Aanpak Nypels > Resultaten", doc="inspiratieboek")
    opening, note, chair = candidates([passage])
    chair.score, note.score, opening.score = 0.90, 0.89, 0.85
    assert note not in select([opening, note, chair], [passage], as_list=False)
    note.score = 0.95
    assert select([opening, note, chair], [passage], as_list=False)[0] is note
