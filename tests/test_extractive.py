"""Extractive answers over hand-made passages copied from the corpus, scored with the real e5
embedder: the answer must be made of whole source sentences with markers that point to the
passage each sentence came from."""

from __future__ import annotations

import re

import numpy as np
import pytest

from assistant.stages.answerer import AnswerRequest, TermWeight
from assistant.stages.evidence import EMBED_BUDGET
from assistant.stages.extractive import ExtractiveAnswerer
from assistant.stages.question_type import is_list_question
from assistant.stages.relevance import MIN_RELEVANCE
from assistant.stages.understand import understand
from assistant.types import ABSTAIN_TEXT, Answer, Passage
from ingest.embedders import get_embeddings
from tests.snippets import ZVH

KNOCK_INTRO = (
    "In Knock and talk bezoekt de gemeente samen met samenwerkingspartners "
    "ondermijningsgevoelige ondernemingen in kwetsbare gebieden, om er een laagdrempelig, "
    "vriendelijk gesprek te voeren. Hiermee hoopt de gemeente haar aanpak van ondermijning "
    "zichtbaarder te maken en ondernemers en bewoners weerbaarder, en zo ondermijning onder "
    "ondernemers te voorkomen en te bestrijden. Chris Geerts (interventiemakelaar Repressieve "
    "Aanpak, RIEC Midden-Nederland) en Lexa van Daalen (strategisch adviseur Openbare Orde en "
    "Veiligheid, gemeente Utrecht) vertellen hoe de aanpak precies in elkaar steekt."
)
KNOCK_START = (
    "Knock and talk startte in april 2020. Het project is onderdeel van de pijler ‘weerbare "
    "wijken’ van de Aanpak Utrecht-Zuid, die gericht is op de wijken Kanaleneiland, Hoograven "
    "en Rivierenwijk. Knock and talk is ook vooral (maar niet uitsluitend) actief in deze "
    "wijken. Andere pijlers van de Aanpak Utrecht-Zuid zijn het voorkomen van jonge aanwas in "
    "de drugscriminaliteit en ‘terugdringen en verstoren’, wat repressieve activiteiten omvat."
)
# The next chunk overlaps the previous one by its last two sentences, as the chunker does.
KNOCK_CORE = (
    "Knock and talk is ook vooral (maar niet uitsluitend) actief in deze wijken. Andere pijlers "
    "van de Aanpak Utrecht-Zuid zijn het voorkomen van jonge aanwas in de drugscriminaliteit en "
    "‘terugdringen en verstoren’, wat repressieve activiteiten omvat.\n\n"
    "De aanpak: een voorbeeld\n\n"
    "De kern van Knock and talk is het bezoeken van ondermijningsgevoelige ondernemingen, zoals "
    "garages, kapperszaken en shishalounges. Alle ondernemers worden bezocht – ook de groep waar "
    "geen of lichte zorgen over zijn."
)
DRIEHOEK = (
    "In het driehoeksoverleg worden afspraken gemaakt over de inzet van de politie op de lokale "
    "prioriteiten en de criminaliteitsbeheersing. De driehoek bestaat uit de burgemeester, de "
    "officier van justitie en politie (vaak een basisteamchef of districtchef). Hoewel het niet "
    "in de wet is opgenomen, is de burgemeester meestal de voorzitter van het "
    "driehoeksoverleg."
)
NAZORG = (
    "VNG en het ministerie van Justitie en Veiligheid hebben een convenant gesloten waarin een "
    "samenwerkingspraktijk is beschreven tussen gemeenten en de Dienst Justitiële Inrichtingen "
    "(Dji), de dienst die de gang van zaken binnen de penitentiaire instellingen organiseert. "
    "Doel is ervoor te zorgen dat tijdens detentie samen met de gedetineerde wordt gekeken naar "
    "de leefgebieden waarop hij ondersteuning behoeft. Deze praktijk zou moeten leiden tot "
    "minder recidive en minder overlast binnen gemeenten.\n\n"
    "De samenwerking tussen de PI en de gemeente, waar de nazorg-coördinator de komst van de "
    "gedetineerde kan voorbereiden, staat momenteel onder druk. Reden hiervoor is dat de "
    "uitwisseling van gegevens, die voor deze praktijk noodzakelijk is, geen goede wettelijke "
    "basis heeft. Om die reden wordt nu gewerkt aan een wijziging van het Besluit "
    "Strafrechtelijke en Juridische Gegevens (Bsjg)."
)
CITY_DEAL_GEMEENTEN = (
    "Eind 2019 werd de City Deal afgesloten. Lees hier de eindrapportage.\n\n"
    "Wie doen mee?\n\n"
    "City deal-gemeenten:\n\n"
    "• Tilburg en Breda: transforensische zorg en re-integratie ex-gedetineerden\n"
    "• Nijmegen: een digitaal informatieknooppunt tussen de domeinen zorg en veiligheid\n"
    "• Almere: gezinsaanpak preventie jeugdcriminaliteit\n"
    "• Zoetermeer: vroegsignalering van gezinnen met beginnende problematiek op financieel en "
    "sociaal gebied\n"
    "• Maastricht: All-inclusive school gericht op weerbaarheid van jongeren en gezinnen"
)
CONTACT = (
    "Meer informatie?\n\n"
    "https://www.agendastad.nl/city-deal/zorg-voor-veiligheid/\n\n"
    "Neem contact op met Annelize de Ruiter (a.e.van.dijk@minvenj.nl)"
)

DOCS = {
    "ondermijning-in-de-wijk": "Inspiratieboek Ondermijning in de wijk",
    "ledenbrief-zorg-veiligheid": "Ledenbrief Zorg en Veiligheid",
    "city-deal-zorg-veiligheid": "Betere samenwerking tussen zorg en veiligheid",
}


@pytest.fixture(scope="module")
def embedder():
    return get_embeddings("e5-small-q4")


def _passage(i: int, doc_id: str, text: str) -> Passage:
    return Passage(
        chunk_id=f"{doc_id}:{i:04d}",
        doc_id=doc_id,
        title=DOCS[doc_id],
        publisher="test",
        date="",
        page=None,
        section="",
        text=text,
        chunk_index=i,
        start=0,
        end=len(text),
    )


ALL = [
    _passage(1, "ondermijning-in-de-wijk", KNOCK_INTRO),
    _passage(2, "ondermijning-in-de-wijk", KNOCK_START),
    _passage(3, "ondermijning-in-de-wijk", KNOCK_CORE),
    _passage(4, "ledenbrief-zorg-veiligheid", ZVH),
    _passage(5, "ledenbrief-zorg-veiligheid", DRIEHOEK),
    _passage(6, "city-deal-zorg-veiligheid", CITY_DEAL_GEMEENTEN),
    _passage(7, "city-deal-zorg-veiligheid", CONTACT),
]


def ranked(question: str, embedder, passages: list[Passage] = ALL) -> list[Passage]:
    """What retrieval would hand over: passages by e5 cosine, with dense_score and rank."""
    q = embedder.query_vector(question)
    vecs = embedder.passage_vectors([p.text for p in passages])
    order = np.argsort(-(vecs @ q))
    out = []
    for rank, i in enumerate(order, start=1):
        p = passages[int(i)]
        out.append(Passage(**{**p.__dict__, "rank": rank, "dense_score": float(vecs[int(i)] @ q)}))
    return out


_answerers: dict[int, ExtractiveAnswerer] = {}


def _answerer(embedder) -> ExtractiveAnswerer:
    """One answerer per embedder, as an assistant keeps one (its sentence vectors are kept)."""
    return _answerers.setdefault(id(embedder), ExtractiveAnswerer(embedder))


def answer_extractively(
    question: str, passages: list[Passage], embedder, term_weight: TermWeight | None = None
) -> Answer:
    request = AnswerRequest(understand(question), passages, term_weight=term_weight)
    return _answerer(embedder).answer(request)


def relevance_signal(
    question: str, passages: list[Passage], embedder, term_weight: TermWeight | None = None
) -> float:
    request = AnswerRequest(understand(question), passages, term_weight=term_weight)
    return _answerer(embedder).relevance(request)


def ask(question: str, embedder, passages: list[Passage] = ALL) -> Answer:
    return answer_extractively(question, ranked(question, embedder, passages), embedder)


MARKER = re.compile(r"\[(\d+)\]")


def answer_units(answer: Answer) -> list[tuple[str, int]]:
    """(sentence without marker, n) for each marked sentence of the answer."""
    units = []
    for line in re.split(r"(?<=[.!?\]])\s+|\n", answer.text):
        line = line.strip().removeprefix("- ")
        m = MARKER.search(line)
        if m:
            units.append((MARKER.sub("", line).replace(" .", ".").strip(), int(m.group(1))))
    return units


def normal(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def check_citations_consistent(answer: Answer) -> None:
    numbers = [int(n) for n in MARKER.findall(answer.text)]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == list(range(1, len(first_seen) + 1)), answer.text
    assert [c.n for c in answer.citations] == first_seen
    for sentence, n in answer_units(answer):
        cited = answer.citations[n - 1]
        assert normal(sentence) in normal(cited.text), (sentence, cited.text)
        assert normal(sentence) in normal(cited.quote), (sentence, cited.quote)
    for c in answer.citations:
        for part in c.quote.split(" … "):
            assert part in c.text  # the quote is verbatim passage text


def test_fact_question_cites_the_right_whole_sentence(embedder) -> None:
    answer = ask("Wanneer is Knock and talk in Utrecht gestart?", embedder)
    assert not answer.abstained and answer.mode == "extractive"
    assert "Knock and talk startte in april 2020 [" in answer.text
    check_citations_consistent(answer)
    start_citation = next(c for c in answer.citations if "april 2020" in c.quote)
    assert start_citation.text == KNOCK_START
    assert start_citation.doc_id == "ondermijning-in-de-wijk"
    assert start_citation.quote.startswith("Knock and talk startte in april 2020.")


def test_sentences_are_whole_and_never_headings_or_urls(embedder) -> None:
    answer = ask("Wat is de kern van Knock and talk en wie worden er bezocht?", embedder)
    check_citations_consistent(answer)
    for sentence, _ in answer_units(answer):
        assert sentence[0].isupper(), sentence
        assert sentence.endswith((".", "!", "?")) or sentence.endswith(")"), sentence
    assert "De aanpak: een voorbeeld" not in answer.text
    assert "garages, kapperszaken en shishalounges" in answer.text


def test_answer_about_driehoek_comes_from_ledenbrief(embedder) -> None:
    answer = ask("Wie zitten er in de lokale driehoek?", embedder)
    check_citations_consistent(answer)
    assert "De driehoek bestaat uit de burgemeester" in answer.text
    assert answer.citations[0].doc_id == "ledenbrief-zorg-veiligheid"
    assert answer.citations[0].text == DRIEHOEK


def test_list_question_gathers_several_items(embedder) -> None:
    assert is_list_question("Welke gemeenten doen mee aan de City Deal?")
    assert not is_list_question("Hoeveel gemeenten deden mee aan de bijeenkomsten?")
    answer = ask("Welke gemeenten doen mee aan de City Deal Zorg voor Veiligheid?", embedder)
    check_citations_consistent(answer)
    towns = [
        t for t in ("Tilburg", "Nijmegen", "Almere", "Zoetermeer", "Maastricht") if t in answer.text
    ]
    assert len(towns) >= 3, answer.text
    assert answer.text.count("\n- ") >= 2  # rendered as a list
    assert "•" not in answer.text


def test_overlapping_chunks_do_not_repeat_a_sentence(embedder) -> None:
    answer = ask("Wat zijn de pijlers van de Aanpak Utrecht-Zuid?", embedder)
    check_citations_consistent(answer)
    assert answer.text.count("Andere pijlers van de Aanpak Utrecht-Zuid") == 1, answer.text


def test_same_passage_sentences_keep_document_order(embedder) -> None:
    answer = ask("Wat is het Zorg- en Veiligheidshuis en wie participeren erin?", embedder)
    check_citations_consistent(answer)
    units = [s for s, n in answer_units(answer) if answer.citations[n - 1].text == ZVH]
    positions = [ZVH.find(s[:40]) for s in units]
    assert len(units) >= 2 and positions == sorted(positions), answer.text


@pytest.mark.parametrize(
    "question",
    ["Hoe maak ik een appeltaart?", "Wie won de Tour de France in 1989?"],
)
def test_unrelated_question_abstains(embedder, question: str) -> None:
    answer = ask(question, embedder)
    assert answer.abstained
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == []


def test_no_passages_abstains(embedder) -> None:
    answer = answer_extractively("Wat is knock and talk?", [], embedder)
    assert answer.abstained and answer.text == ABSTAIN_TEXT and not answer.citations


def test_relevance_signal_separates_related_from_unrelated(embedder) -> None:
    related = "Wat is het doel van het Zorg- en Veiligheidshuis?"
    unrelated = "Hoe vraag ik een paspoort aan?"
    high = relevance_signal(related, ranked(related, embedder), embedder)
    low = relevance_signal(unrelated, ranked(unrelated, embedder), embedder)
    assert high >= MIN_RELEVANCE > low


class CountingEmbedder:
    """Wraps the real embedder to check the speed contract: one sentence batch per answer."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.batches: list[int] = []

    def query_vector(self, text: str) -> np.ndarray:
        return self.inner.query_vector(text)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self.inner.passage_vectors(texts)


def test_sentences_are_embedded_in_one_small_batch(embedder) -> None:
    counting = CountingEmbedder(embedder)
    question = "Wat doet de gemeente Utrecht met ondernemers in kwetsbare gebieden? (uniek 1)"
    answer_extractively(question, ranked(question, embedder), counting)
    assert len(counting.batches) <= 1
    assert all(n <= EMBED_BUDGET for n in counting.batches)


def test_a_name_no_passage_mentions_lowers_the_signal(embedder) -> None:
    here = "Hoe pakt de gemeente Utrecht ondermijning onder ondernemers aan?"
    elsewhere = "Hoe pakt de gemeente Groningen ondermijning onder ondernemers aan?"
    known = relevance_signal(here, ranked(here, embedder), embedder)
    unknown = relevance_signal(elsewhere, ranked(elsewhere, embedder), embedder)
    assert unknown < known - 0.02


GLANERBRUG_ONTSTAAN = (
    "In reactie hierop pakte de gemeente Enschede deze overlastgevende situatie in het centrum "
    "van Enschede aan. Die aanpak werkte, maar had een zogenoemd ‘waterbedeffect’: het probleem "
    "verplaatste zich naar een dorp naast de stad Enschede: Glanerbrug. De handel in heroïne "
    "verplaatste zich naar het dorp. Drugsdealers hebben dat uitgebuit. Zij namen bezit van "
    "woningen van kwetsbare bewoners en maakten er gebruik- en deallocaties van. Tegen deze "
    "achtergrond startte de gemeente, samen met politie en justitie, in 2016 de Aanpak "
    "Glanerbrug."
)


def test_a_sentence_that_points_back_brings_what_it_points_to(embedder) -> None:
    """ "Tegen deze achtergrond startte …" alone does not say what the background was."""
    passages = [_passage(8, "ondermijning-in-de-wijk", GLANERBRUG_ONTSTAAN)]
    answer = answer_extractively(
        "Wat was de aanleiding voor de Aanpak Glanerbrug?",
        ranked("aanleiding", embedder, passages),
        embedder,
    )
    check_citations_consistent(answer)
    assert "Tegen deze achtergrond startte de gemeente" in answer.text
    # the pronoun chain is followed back to a sentence that names its subject
    assert "Zij namen bezit van woningen" in answer.text
    assert "Drugsdealers hebben dat uitgebuit" in answer.text
    assert answer.text.index("Drugsdealers") < answer.text.index("Tegen deze achtergrond")
    assert "verplaatste zich naar het dorp" not in answer.text  # the chain ends at a subject


def test_a_why_answer_takes_the_reason_that_follows_the_stated_fact(embedder) -> None:
    """The question repeats the fact ("staat onder druk"); the reason is the next sentence,
    which shares few of its words."""
    passages = [_passage(3, "ledenbrief-zorg-veiligheid", NAZORG)]
    question = (
        "Waarom staat de samenwerking tussen penitentiaire inrichting en gemeente bij nazorg "
        "ex-gedetineerden onder druk?"
    )
    answer = answer_extractively(question, ranked(question, embedder, passages), embedder)
    check_citations_consistent(answer)
    assert "staat momenteel onder druk" in answer.text
    assert "Reden hiervoor is dat de uitwisseling van gegevens" in answer.text
    # the same passage asked how, not why, keeps its best sentences without the reason rule
    how = answer_extractively(
        "Wat is het doel van het convenant over nazorg aan gedetineerden?",
        ranked("doel convenant nazorg", embedder, passages),
        embedder,
    )
    assert "Doel is ervoor te zorgen" in how.text


def test_the_asked_detail_is_taken_from_the_next_chunk_of_the_quoted_section(embedder) -> None:
    """When the chunk that gives the asked duration is not among the top passages, it is
    still read when it follows the quoted chunk in the same section: the chunker cut the
    section after the first of three priorities."""
    section = "3: Wat gebeurt er landelijk? > Zorg- en Veiligheidshuizen"
    head_text = (
        "Medio mei 2018 is een landelijk programma Zorg- en Veiligheidshuizen gestart dat de 32 "
        "Zorg- en Veiligheidshuizen ondersteunt om bij complexe casussen doorbraken te "
        "forceren.\n\nHet programma heeft drie prioriteiten:\n\n• Gezamenlijk werken aan een "
        "gemeenschappelijke en kwalitatief goede basis voor alle 32 Zorg- en Veiligheidshuizen."
    )
    tail_text = (
        "• Doorontwikkelen van Zorg- en Veiligheidshuizen tot brede regionale "
        "expertisecentra.\n\nHet programma kent een doorlooptijd van twee jaren.\n\nHet "
        "programma wordt geleid door Auke Blaauwbroek, voormalig wethouder in Tilburg."
    )
    head, tail = (
        Passage(
            chunk_id=f"ledenbrief:{i:04d}", doc_id="ledenbrief", title="Ledenbrief",
            publisher="VNG", date="2018", page=None, section=section, text=text,
            chunk_index=i, start=0, end=len(text),
        )
        for i, text in ((20, head_text), (21, tail_text))
    )  # fmt: skip
    question = understand("Hoe lang duurde het programma Zorg- en Veiligheidshuizen?")
    request = AnswerRequest(
        question,
        [head],
        next_passage=lambda p: tail if p.chunk_id == head.chunk_id else None,
        previous_passage=lambda p: head if p.chunk_id == tail.chunk_id else None,
    )
    answer = _answerer(embedder).answer(request)
    assert not answer.abstained
    assert "doorlooptijd van twee jaren" in answer.text
    assert any(c.chunk_id == tail.chunk_id for c in answer.citations)
