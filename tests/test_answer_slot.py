"""The detail a question asks for (a count, a date, a duration, a name …) must be in the
answer's quoted sentences: the sentence that gives it is added, or the question is refused
with a notice that says what was missing. Detector cases in plain Dutch; the end-to-end cases
run on the real index of the bundled corpus."""

from __future__ import annotations

import pytest

from assistant.stages.answer_slot import (
    asked_slot,
    gives,
    gives_asked_quantity,
    missing_notice,
    refuses_without,
)
from assistant.types import Slot


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel gezinnen doen er mee aan de familieaanpak?", "count"),
        ("aantal FACT-teams Nederland", "count"),
        ("Hoe lang duurt een ondertoezichtstelling meestal?", "duration"),
        ("crisismaatregel Wvggz maximale duur", "duration"),
        ("Hoe vaak wordt de Veiligheidsmonitor afgenomen?", "frequency"),
        ("In welk jaar is de wijkrechtspraak gestart?", "date"),
        ("Sinds wanneer loopt de aanpak?", "date"),
        ("Wanneer is de eerste versie van het Kompas verschenen?", "date"),
        ("Welk percentage van de jongeren loopt met een mes rond?", "percentage"),
        ("Wat is het telefoonnummer van het Meldpunt Zorg en Overlast?", "phone"),
        ("Wie is de projectleider van Back on Track?", "person"),
        ("Hoe heet de wethouder in Capelle aan den IJssel?", "person"),
        ("Hoe heette de president van de rechtbank die New York bezocht?", "person"),
        ("Wanneer en door wie is het Kennisplatform Ondermijning opgericht?", "date"),
        ("Waar staat de afkorting ICO voor?", "abbreviation"),
        ("Waar staat Wvggz voor?", "abbreviation"),
        ("Wat betekent AVE?", "abbreviation"),
        ("Wat is het RIEC?", "acronym"),
        ("Wat doen de GI's?", "acronym"),
        ("Wat doet de RvdK?", "acronym"),
        ("Tot welke leeftijd vallen jongeren onder de doelgroep?", "age"),
        ("Hoeveel jaar geleden startte het project Knock and talk?", "date"),
        ("Hoeveel weken duurt het traject?", "duration"),
        ("Hoeveel keer per jaar komt het overleg bijeen?", "frequency"),
        ("Hoeveel geld krijgt een gemeente?", "amount"),
        ("Hoe groot is het budget van het landelijk programma?", "amount"),
        ("kosten e-learning signaalherkenning RIEC", "amount"),
        ("In welke gemeenten draaien de pilots?", "place"),
        ("Welke tien pilotgemeenten deden mee?", "place"),
        ("Welke gemeente zet zorg en veiligheid samen in één kantoorruimte?", "place"),
        ("Wie zitten er in het projectteam van de Wijkrechtbank?", "members"),
        ("Uit wie bestaat het kernteam?", "members"),
        ("Welke partijen nemen deel aan het casusoverleg?", "members"),
        ("Wie zit de stuurgroep voor?", "chair"),
        ("Wie is voorzitter van de Landelijke Vereniging van Managers?", "chair"),
        ("Wie betaalt het passend vervoer van personen met verward gedrag?", "funding"),
        ("Hoe wordt de aanpak in Nieuwland gefinancierd?", "funding"),
        ("Door wie wordt het project betaald?", "funding"),
    ],
)
def test_the_asked_detail_is_read_from_the_question(question: str, kind: str) -> None:
    slot = asked_slot(question)
    assert slot is not None and slot.kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "Wat is knock and talk?",
        "Wanneer mag de burgemeester een drugspand sluiten?",  # a condition, not a date
        "Wie is meestal de voorzitter van het driehoeksoverleg?",
        "Waarom financieren de meeste regio's onderhanden werk?",  # a reason
        "Waarom helpt een klein vrij besteedbaar budget bij het ketenhuis?",  # a reason
        "Waarom is samenwerken lastig?",
        "Welke rol hebben gemeenten bij de aanpak?",  # a role, not a place
        "Welke gemeentelijke afdelingen werken samen?",
        "Waar staat het programma voor?",  # what it stands for, not an abbreviation
        "Wat betekent handelingsverlegenheid?",  # a definition
    ],
)
def test_questions_without_such_a_detail_have_no_slot(question: str) -> None:
    assert asked_slot(question) is None


def test_a_count_needs_its_number_next_to_the_counted_thing() -> None:
    question = "Hoeveel gemeenten deden mee aan de bijeenkomsten?"
    slot = asked_slot(question)
    assert slot is not None and slot.kind == "count" and "gemeenten" in (slot.noun or "")
    assert gives(slot, "Hieraan hebben 26 gemeenten deelgenomen.", question)
    assert gives(slot, "Aan de bijeenkomsten namen in totaal twintig gemeenten deel.", question)
    assert not gives(slot, "De gemeente heeft drie coaches in dienst.", question)
    assert not gives(slot, "In 2019 kwamen de gemeenten bijeen.", question)  # a year counts nothing


def test_a_count_may_name_the_counted_thing_with_a_noun_of_its_kin() -> None:
    """Staff ask for "woningen" where the text counts "adressen"; a noun of another kind near
    the number still counts something else."""
    question = "Hoeveel woningen werden bezocht bij de aanpak?"
    slot = asked_slot(question)
    assert slot is not None and slot.kind == "count"
    assert gives(slot, "De aanpak begon met het bezoeken van 15 adressen in de flat.", question)
    assert not gives(slot, "De aanpak begon met 15 bijeenkomsten in de wijk.", question)
    people = "Hoeveel mensen kwamen naar de avond?"
    assert gives(asked_slot(people), "Er kwamen 120 inwoners naar de avond.", people)
    assert not gives(asked_slot(people), "Er kwamen 120 organisaties naar de avond.", people)


def test_each_kind_recognises_its_detail() -> None:
    duration = Slot("duration")
    assert gives(duration, "Back on Track is een tweejarig project.", "")
    assert gives(duration, "Het traject duurt gemiddeld drie tot vier maanden.", "")
    assert not gives(duration, "Het traject wordt begeleid door de gemeente.", "")
    assert gives(Slot("date"), "De aanpak ging in april 2020 van start.", "")
    assert not gives(Slot("date"), "De aanpak ging van start in de wijk.", "")
    assert gives(Slot("percentage"), "Ruim 40% van de gemeenten doet mee.", "")
    assert gives(Slot("age"), "Het gaat om jongeren van 12 tot 23 jaar.", "")
    assert gives(Slot("frequency"), "Elk kwartaal komt de overlegtafel bijeen.", "")
    assert gives(Slot("phone"), "Bel het meldpunt op 030-1234567.", "")
    assert not gives(Slot("phone"), "Het meldpunt is in 2018 opgericht.", "")
    assert gives(Slot("amount"), "Het Rijk trekt er € 2,5 miljoen voor uit.", "")
    assert not gives(
        Slot("amount"), "Het programma ondersteunt de 32 Zorg- en Veiligheidshuizen.", ""
    )


def test_a_person_is_a_name_the_question_does_not_already_hold() -> None:
    question = "Wie is de burgemeester van Enschede?"
    person = Slot("person")
    assert gives(person, "Volgens burgemeester Onno van Veldhuizen is het zo.", question)
    assert not gives(person, "In Duitsland wordt er anders mee omgegaan.", question)
    assert not gives(person, "De burgemeester van Enschede spreekt van Duitse problemen.", question)
    # the documents saying there is none answers the question too
    assert gives(person, "Het is geen project en heeft geen projectleider.", question)


def test_a_place_is_one_the_question_does_not_already_name() -> None:
    question = "In welke gemeenten draaien de pilots van de Tilburgse aanpak?"
    place = Slot("place")
    assert gives(place, "In Almelo is het AVE-model met succes geïmplementeerd.", question)
    assert gives(place, "Voorbeeld gemeente Westland: artikel in de APV opgenomen.", question)
    assert not gives(place, "Er draaien pilots in verschillende gemeenten.", question)
    # "Tilburgse" in the question names Tilburg already
    assert not gives(place, "De aanpak wordt uitgebreid naar andere gebieden in Tilburg.", question)


def test_a_group_is_made_of_its_members() -> None:
    members = Slot("members")
    assert gives(members, "Het projectteam bestaat uit vertegenwoordigers van de rechtbank.", "")
    assert gives(members, "In het huis participeren het OM en de gemeente.", "")
    assert gives(members, "Aan het overleg nemen politie, OM en zorgaanbieders deel.", "")
    assert not gives(members, "Het projectteam komt tweewekelijks bij elkaar voor overleg.", "")
    # a group's make-up is said in too many ways for its absence to refuse the answer
    assert not refuses_without(members) and refuses_without(Slot("place"))


def test_a_chair_or_funding_answer_says_who_chairs_or_pays() -> None:
    """A role answers "Wie zit X voor?" as well as a name, but only in a sentence about the
    chair; money only in one about money, not in "betaald werk" or a kosten-batenanalyse."""
    chair = Slot("chair")
    assert gives(chair, "Meestal is de burgemeester de voorzitter van het driehoeksoverleg.", "")
    assert gives(chair, "Het overleg wordt voorgezeten door de wethouder.", "")
    assert not gives(chair, "Landelijk zijn de VNG en de LVMV verantwoordelijk.", "")
    funding = Slot("funding")
    assert gives(funding, "Het ministerie financiert Back on Track uit de BOTOC-gelden.", "")
    assert gives(funding, "De aanpak wordt gefinancierd vanuit de afdeling Veiligheid.", "")
    assert gives(funding, "De gemeente betaalt de coaches.", "")
    assert not gives(funding, "Gezinsleden vinden betaald werk of beginnen een opleiding.", "")
    assert not gives(funding, "De gemeente liet een maatschappelijke kosten-batenanalyse doen.", "")
    assert "financiering" in missing_notice(funding) and "voorzitter" in missing_notice(chair)


def test_a_funder_the_documents_do_not_name_is_refused(assistant) -> None:
    """The familieaanpak passages never say who pays for it; its results section says
    family members found "betaald werk", which is no answer."""
    refused = assistant.ask("Wie betaalt de familieaanpak in Tilburg?")
    assert refused.abstained and not refused.citations
    assert any("financiering" in n for n in refused.notices)
    answered = assistant.ask("Hoe wordt Back on Track gefinancierd?")
    assert not answered.abstained
    assert "BOTOC-gelden financiert" in answered.text


def test_the_notice_names_what_is_missing_in_dutch() -> None:
    assert "aantal" in missing_notice(Slot("count", "gezinnen"))
    assert "jaartal" in missing_notice(Slot("date"))


# ---------------------------------------------------------------------------- real index


def test_an_abbreviation_is_given_by_a_gloss_or_by_the_initials_of_its_words() -> None:
    riec = Slot("abbreviation", "RIEC")
    assert gives(riec, "Tien Regionale Informatie- en Expertise Centra (RIEC's) werken.", "")
    assert gives(riec, "Het RIEC (Regionaal Informatie- en Expertise Centrum) helpt.", "")
    assert not gives(riec, "Het RIEC helpt gemeenten bij de aanpak.", "")
    wams = Slot("abbreviation", "Wams")
    assert gives(wams, "Dit is het Wetsvoorstel aanpak meervoudige problematiek.", "")
    assert not gives(wams, "De Wams is op 6 september 2023 controversieel verklaard.", "")


def test_an_abbreviation_asked_about_is_defined_by_a_sentence_that_opens_with_its_gloss() -> None:
    """ "Wat is het RIEC?" asks what it is, not what the letters stand for: a sentence that
    spells it out in passing says nothing about it, and an answer without a gloss is kept."""
    riec = asked_slot("Wat is het RIEC?")
    assert riec == Slot("acronym", "RIEC")
    assert gives(riec, "Tien Regionale Informatie- en Expertise Centra (RIEC's) werken.", "")
    assert gives(riec, "RIEC (Regionaal Informatie- en Expertise Centrum) helpt gemeenten.", "")
    assert not gives(
        riec,
        "Neem voor meer informatie contact op met het Regionaal Informatie en Expertise "
        "Centrum (RIEC) van uw regio.",
        "",
    )
    assert not gives(riec, "Het RIEC helpt gemeenten bij de aanpak.", "")
    assert not refuses_without(riec)


def test_an_abbreviation_the_documents_never_spell_out_is_refused(assistant) -> None:
    """ICO only occurs inside "ICO/PGA/Top X-lijst"; AVE is spelled out in the heading of the
    passage that answers, which the citation shows."""
    refused = assistant.ask("Waar staat de afkorting ICO voor?")
    assert refused.abstained and not refused.citations
    assert any("afkorting voluit" in n for n in refused.notices)
    answered = assistant.ask("Waar staat AVE voor?")
    assert not answered.abstained
    assert "Aanpak Voorkoming Escalatie (AVE)" in answered.citations[0].section


def test_a_count_the_documents_do_not_give_is_refused_with_a_notice(assistant) -> None:
    """The familieaanpak passages name three coaches, never how many families take part."""
    answer = assistant.ask("Hoeveel gezinnen doen er mee aan de familieaanpak in Tilburg?")
    assert answer.abstained
    assert not answer.citations
    assert any("aantal" in n for n in answer.notices)


def test_a_budget_question_is_not_answered_by_a_count(assistant) -> None:
    """The programme's passages count the 32 houses and date its start; none names its
    budget, so a quote from them would not answer the question."""
    answer = assistant.ask(
        "Hoe groot is het budget van het landelijk programma Zorg- en Veiligheidshuizen?"
    )
    assert answer.abstained
    assert any("bedrag" in n for n in answer.notices)


def test_a_count_the_documents_give_is_answered_with_it(assistant) -> None:
    """The issue's false abstention: the wegwijzer names 26 participating municipalities."""
    answer = assistant.ask("Hoeveel gemeenten deden mee aan de bijeenkomsten voor de wegwijzer?")
    assert not answer.abstained
    assert "26 gemeenten" in answer.text
    assert any("26 gemeenten" in c.quote for c in answer.citations)


def test_the_sentence_that_gives_the_count_is_added_to_the_answer(assistant) -> None:
    """Back on Track's passage opens with the evaluation; the count sits in a later sentence."""
    answer = assistant.ask(
        "Hoeveel kinderen komen er af op de naschoolse sportactiviteiten van Back on Track?"
    )
    assert not answer.abstained
    assert "60-70 kinderen" in answer.text
    assert any("60-70 kinderen" in c.quote for c in answer.citations)


def test_a_count_of_addresses_answers_a_question_about_homes(assistant) -> None:
    """The Aanpak Nypels began by visiting 15 addresses; asked about "woningen" it was refused."""
    answer = assistant.ask("Hoeveel woningen werden bezocht bij de Aanpak Nypels?")
    assert not answer.abstained
    assert any("adressen" in c.quote for c in answer.citations)


def test_sentences_that_give_the_detail_are_scored_beyond_the_budget(assistant) -> None:
    """Over six passages the lexical shortlist leaves out the one sentence with the count
    ("De gemeente heeft momenteel drie coaches in dienst"); the slot's own shortlist holds it."""
    from assistant.stages.evidence import score_sentences
    from assistant.stages.understand import understand

    text = "Hoeveel coaches heeft de familieaanpak in Tilburg?"
    passages = assistant.search(text, k=6)
    question = understand(text)
    assert question.slot is not None
    vectors = assistant.extractive.vectors
    plain = score_sentences(question, passages, vectors)
    wider = score_sentences(
        question, passages, vectors, also=lambda s: gives(question.slot, s, text)
    )
    coaches = "drie coaches in dienst"
    assert not any(coaches in s.text for s in plain)
    assert any(coaches in s.text for s in wider)


def test_a_start_question_is_not_answered_by_an_end_date() -> None:
    question = "Wanneer is Back on Track gestart?"
    slot = asked_slot(question)
    assert slot is not None and slot.kind == "date" and slot.noun == "start"
    assert not gives(
        slot, "Back on Track is een tweejarig project dat in december 2022 afloopt.", question
    )
    assert gives(slot, "De gemeente zette Back on Track op, dat in 2020 van start ging.", question)
    assert gives(slot, "Het project liep van 2020 tot en met 2022 en startte in januari.", question)
    # a question about the end keeps every date
    end_question = "In welk jaar loopt Back on Track af?"
    end_slot = asked_slot(end_question)
    assert end_slot is not None and end_slot.noun is None
    assert gives(
        end_slot,
        "Back on Track is een tweejarig project dat in december 2022 afloopt.",
        end_question,
    )


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Hoe vaak komt het team bij elkaar?", "Het team komt tweewekelijks bij elkaar.", True),
        ("Hoe vaak komt het team bij elkaar?", "Er is elk kwartaal een bestuurlijk overleg.", True),
        ("Hoe vaak komt het team bij elkaar?", "Het team overlegt eens per maand.", True),
        ("Hoe vaak komt het team bij elkaar?", "Het team komt regelmatig bij elkaar.", False),
        ("Hoe vaak komt het team bij elkaar?", "Het team bestaat uit vijf partners.", False),
        ("Hoe lang duurt het project?", "Back on Track is een tweejarig project.", True),
        ("Hoe lang duurt het project?", "Het project wordt door de gemeente betaald.", False),
        ("Hoe lang duurt het project?", "Het project is voor minderjarige daders.", False),
        ("Wie leidt het project?", "Het projectteam komt tweewekelijks bij elkaar.", False),
    ],
)
def test_how_often_or_how_long_is_answered_in_words(
    question: str, sentence: str, expected: bool
) -> None:
    """ "tweewekelijks" answers a "Hoe vaak …?" without a digit; a vague "regelmatig" does not,
    because this overrules the number check of the abstention."""
    assert gives_asked_quantity(asked_slot(question), sentence) is expected


def test_a_frequency_in_words_is_not_refused_for_want_of_a_number(assistant) -> None:
    """The Wijkrechtbank's projectteam meets "tweewekelijks": the question was refused because
    no sentence held a digit."""
    answer = assistant.ask("Hoe vaak komt het projectteam van de Wijkrechtbank bij elkaar?")
    assert not answer.abstained
    assert any("tweewekelijks" in c.quote for c in answer.citations)


def test_a_place_question_answered_without_a_place_is_refused(assistant) -> None:
    """The Multiproblematiek passage says only that its pilots run "in verschillende
    gemeenten": quoting that answers nothing a staff member asked."""
    answer = assistant.ask(
        "In welke gemeenten draaien de pilots van het deeltraject Multiproblematiek?"
    )
    assert answer.abstained
    assert any("gemeente of plaats" in n for n in answer.notices)


def test_a_place_question_gets_the_sentence_naming_the_place(assistant) -> None:
    """AVE passages open on what the model does; the answer must name where it is used
    (Leeuwarden in the ledenbrief, Almelo in the wegwijzer)."""
    question = "In welke gemeenten wordt met AVE als escalatiemodel gewerkt?"
    answer = assistant.ask(question)
    assert not answer.abstained
    assert any(gives(Slot("place"), c.quote, question) for c in answer.citations)
    assert any(p in c.quote for c in answer.citations for p in ("Leeuwarden", "Almelo"))


def test_a_frequency_in_words_below_the_best_sentences_still_counts(assistant) -> None:
    """The Wvggz passage's "regionaal kwartaaloverleg" is its fourth-best sentence, outside the
    number check's top three: the question was refused."""
    answer = assistant.ask("Hoe vaak is er onder de Wvggz regionaal overleg en met welke partijen?")
    assert not answer.abstained
    assert any("kwartaal" in c.quote for c in answer.citations)


def test_a_members_question_quotes_who_the_group_is_made_of(assistant) -> None:
    """The first passage of the Wijkrechtbank's "Organisatie en samenwerking" says how often
    the projectteam meets; the one before it says who is in it."""
    answer = assistant.ask("Wie zitten er in het projectteam van de Wijkrechtbank?")
    assert not answer.abstained
    quotes = " ".join(c.quote for c in answer.citations)
    assert "bestaat uit vertegenwoordigers" in quotes and "tweewekelijks" not in quotes


def test_the_asked_detail_is_taken_from_the_next_chunk_of_the_same_section(assistant) -> None:
    """The ledenbrief's section on the national programme for Zorg- en Veiligheidshuizen is
    cut after its first priority; "Het programma kent een doorlooptijd van twee jaren." opens
    the next chunk, which is among the top passages: a passage of the same chapter may give
    the detail at SECTION_SLOT_MARGIN, so the answer quotes that chunk, each chunk cited
    once."""
    answer = assistant.ask("Hoe lang duurde het programma Zorg- en Veiligheidshuizen?")
    assert not answer.abstained
    assert "doorlooptijd van twee jaren" in answer.text
    holding = [c for c in answer.citations if "doorlooptijd van twee jaren" in c.quote]
    assert len(holding) == 1
    assert holding[0].section.endswith("Zorg- en Veiligheidshuizen")
    assert len({c.chunk_id for c in answer.citations}) == len(answer.citations)


def test_the_asked_detail_may_come_from_another_passage_of_the_same_case(assistant) -> None:
    """ "Wie betaalt de aanpak in Schiedam-Nieuwland?" was refused: the sentence on its
    funding stands in the case's "Verloop en resultaten", the fourth passage, which scored
    further below the first (its "Ontstaan") than another document's passage may. Passages of
    one case share its topic, so they get the margin of the quoted passage's own section."""
    answer = assistant.ask("Wie betaalt de aanpak in Schiedam-Nieuwland?")
    assert not answer.abstained
    assert "gefinancierd vanuit de gemeente-afdeling Veiligheid" in answer.text
    assert "Schiedam" in answer.citations[0].section
