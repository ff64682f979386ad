"""Follow-ups are searched with the conversation beside the user's own words (stages/context.py):
which questions lean on the turn before, what they take from it, and, on the real index,
that each kind of follow-up (pronoun, ellipsis, "vertel meer", topic change) is answered from
the right passage without repeating the previous answer."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.stages.compose import sentence_key
from assistant.stages.context import lean_of
from assistant.stages.followup import is_follow_up
from assistant.stages.understand import understand
from assistant.types import EarlierTurn
from evals.gold import gold_quotes_hit
from foundation.sentences import split_sentences


def earlier(*questions: str) -> list[EarlierTurn]:
    return [EarlierTurn(question=q, query=q, context=(), citations=()) for q in questions]


@pytest.mark.parametrize(
    "question",
    [
        "En hoe pakt Tilburg dat aan?",
        "Wat zijn daar de risico's van?",
        "En in Rotterdam?",
        "Kun je daar meer over vertellen?",
        "Welke partners horen daarbij?",
        "Maar waarom dan?",
        "Hoe werkt het?",
        "Wat doen ze?",
        "En de wethouder?",
    ],
)
def test_follow_ups_are_detected(question: str) -> None:
    assert is_follow_up(question)
    assert lean_of(question, has_history=True).kind is not None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("En in Glanerbrug", "swap"),
        ("En het OM?", "swap"),
        ("vertel meer", "more"),
        ("Kun je daar meer over vertellen?", "more"),
        ("Hoe ging dat verder?", "more"),
        ("Waarom neemt hij soms een wijkagent mee op huisbezoek?", "lean"),
        ("Wat was de eerste stap van de gemeente in die aanpak?", "lean"),
        ("Hoe lang duurt zo'n werkwijze?", "lean"),
        ("Wie bij de gemeente regelt dat overleg?", "lean"),
        ("Ander onderwerp: wat is de Intervisiegroep Zorg en Veiligheid?", None),
        ("los daarvan, wat is OLJA", None),
        ("Hoe zorg je dat jongeren niet in de criminaliteit belanden?", None),
    ],
)
def test_how_a_question_leans_on_the_previous_turn(question: str, kind: str | None) -> None:
    assert lean_of(question, has_history=True).kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "Wat is jonge aanwas in de georganiseerde criminaliteit?",
        "Wat is de rol van de burgemeester in de driehoek?",
        "Welke partners participeren in het Zorg- en Veiligheidshuis?",
        "Hoe zorg je dat jongeren niet in de criminaliteit belanden?",
        "Wanneer startte Knock and talk in Utrecht?",
        "Wat is het RIEC?",  # "het" is the name's article, not a pronoun
        "Wat doet het CCV?",
        "Wat is BUIT?",
        "Wat is AVE en waar wordt het gebruikt?",  # "het" is AVE
    ],
)
def test_questions_with_their_own_topic_take_no_context(question: str) -> None:
    asked = understand(question, earlier("Wat is de City Deal?"))
    assert asked.signals is None and asked.context == ()
    assert asked.query == question == asked.text


def test_a_topic_change_marker_is_not_searched() -> None:
    asked = understand("Ander onderwerp: wat is OLJA?", earlier("Wat is de City Deal?"))
    assert asked.signals is None and asked.query == "Wat is OLJA?"
    assert asked.text == "Ander onderwerp: wat is OLJA?"


def test_the_users_words_stay_the_question_and_context_is_labelled() -> None:
    asked = understand("En wie werken daar samen?", earlier("Wat is het Zorg- en Veiligheidshuis?"))
    assert asked.text == "En wie werken daar samen?"
    assert asked.context == ("het Zorg- en Veiligheidshuis",)
    assert asked.signals is not None and asked.signals.kind == "lean"
    assert asked.signals.previous == "Wat is het Zorg- en Veiligheidshuis?"
    # the search text is the question plus the carried words, never a rewritten sentence
    assert asked.query.startswith("En wie werken daar samen? (")


def test_a_new_place_takes_the_old_ones_place() -> None:
    asked = understand(
        "En in Rotterdam?", earlier("Wat is knock and talk in Utrecht?"), lambda t: 1.0
    )
    assert asked.signals is not None and asked.signals.kind == "swap"
    assert "utrecht" not in asked.signals.terms
    assert "Utrecht" not in asked.signals.previous
    assert "knock" in asked.signals.terms
    assert asked.is_list is False and asked.definition_subject is None


def test_an_ellipsis_asks_what_the_question_before_asked() -> None:
    asked = understand("En in Glanerbrug?", earlier("Welke partners werken samen in Tilburg?"))
    assert asked.is_list


def test_labels_are_the_earlier_questions_own_words() -> None:
    prior = "Hoe kwam de heroïnehandel in Glanerbrug terecht?"
    asked = understand("Wat was de eerste stap van de gemeente in die aanpak?", earlier(prior))
    assert asked.context == ("de heroïnehandel in Glanerbrug",)
    assert all(label in prior for label in asked.context)


def test_a_lowercase_name_is_not_cut_into_a_broken_label() -> None:
    """ "knock and talk" lost its first word ("met context: and talk"); a lowercase name is
    no noun phrase the label rules can vouch for, so the earlier question is shown."""
    asked = understand("Wie doen daaraan mee?", earlier("Wat is knock and talk?"))
    assert asked.context == ("vorige vraag ‘Wat is knock and talk?’",)


# ---------------------------------------------------------------------------- real index


def _ask_conversation(assistant, questions: list[str]):
    conversation = Conversation()
    answers = [assistant.ask(q, conversation=conversation) for q in questions]
    return answers, conversation


def _cites(answer, quote: str) -> bool:
    return not answer.abstained and any(gold_quotes_hit(c.text, (quote,)) for c in answer.citations)


def _quoted(answer) -> set[str]:
    return {s for c in answer.citations for s in split_sentences(c.quote.replace(" … ", " "))}


PRONOUN = (
    ["Hoe pakte Veilig Buitengebied de leegstaande stallen in Bronckhorst aan?"],
    "Is dat niet gevaarlijk?",
)
ELLIPSIS = (
    ["Hoe lang loopt Back on Track in Zaanstad nog?", "waarom willen ze verlengen?"],
    "En Knock and talk?",
    "Knock and talk heeft op dit moment geen einddatum.",
)
MORE = (["Wat is de OGGZ?"], "Vertel meer")
TOPIC = (
    ["Wat maakt Knock and talk volgens Utrecht succesvol?"],
    "Ander onderwerp: wat is de Intervisiegroep Zorg en Veiligheid?",
)


def test_pronoun_follow_up_is_answered_from_the_earlier_topic(assistant) -> None:
    before, question = PRONOUN
    answers, _ = _ask_conversation(assistant, [*before, question])
    alone = assistant.ask(question)
    last = answers[-1]
    assert last.context and last.standalone_question == ""
    assert "Bronckhorst" in " ".join(last.context)
    # in conversation it cites the Bronckhorst passage; asked alone it cannot know where
    assert any("Bronckhorst" in c.text or "stallen" in c.text for c in last.citations)
    assert not any("Bronckhorst" in c.text for c in alone.citations)


def test_ellipsis_follow_up_carries_the_question_to_a_new_subject(assistant) -> None:
    before, question, gold = ELLIPSIS
    answers, _ = _ask_conversation(assistant, [*before, question])
    assert _cites(answers[-1], gold)
    assert not _cites(assistant.ask(question), gold)
    assert answers[-1].context[0].startswith("vorige vraag ‘")


def test_vertel_meer_moves_the_conversation_on(assistant) -> None:
    before, question = MORE
    answers, conversation = _ask_conversation(assistant, [*before, question])
    first, more = answers
    assert not first.abstained and not more.abstained
    assert more.context == ["de OGGZ"]
    assert not (_quoted(first) & _quoted(more)), "a 'vertel meer' repeated the answer"
    assert {c.doc_id for c in more.citations} == {c.doc_id for c in first.citations}
    # the conversation knows what was said, so a third turn does not repeat either
    given = conversation.given_sentences()
    assert {sentence_key(s) for s in _quoted(first) | _quoted(more)} <= given


def test_topic_change_is_answered_as_if_asked_alone(assistant) -> None:
    before, question = TOPIC
    answers, _ = _ask_conversation(assistant, [*before, question])
    last = answers[-1]
    alone = assistant.ask("Wat is de Intervisiegroep Zorg en Veiligheid?")
    assert last.context == []
    assert last.text == alone.text
    assert [c.chunk_id for c in last.citations] == [c.chunk_id for c in alone.citations]


def test_follow_up_on_the_same_passage_does_not_repeat_the_answer(assistant) -> None:
    answers, _ = _ask_conversation(
        assistant, ["Wat is het Zorg- en Veiligheidshuis?", "En wie werken daar samen?"]
    )
    first, second = answers
    assert not first.abstained and not second.abstained
    assert second.text != first.text
    assert "partners" in second.text
    # only the best sentence may be said again; nothing else of the first answer is padding
    assert len(_quoted(first)) >= 2
    assert len(_quoted(first) & _quoted(second)) <= 1


def test_a_follow_up_with_nothing_new_on_its_passage_does_not_repeat_the_answer(
    assistant,
) -> None:
    """The issue's own example: the second question landed on the first answer's sentence,
    which the page then showed again."""
    answers, _ = _ask_conversation(
        assistant,
        [
            "Welke rol heeft de burgemeester bij de aanpak van ondermijning in de wijk?",
            "En wat kan de wijkagent daarin doen?",
        ],
    )
    first, second = answers
    assert not second.abstained
    assert not (_quoted(first) & _quoted(second)), "the follow-up repeated the answer"


def test_a_second_definition_question_in_a_conversation_stands_on_its_own(assistant) -> None:
    """On the page, "Wat is het RIEC?" after a question about the Kompas was searched "met
    context: het Kompas" and answered from the Kompas's introduction: its "het" was read as a
    pronoun pointing back."""
    answers, _ = _ask_conversation(
        assistant, ["Welke thema's behandelt het Kompas informatiebronnen?", "Wat is het RIEC?"]
    )
    second = answers[-1]
    assert second.context == []
    assert not second.abstained
    assert "Regionale Informatie- en Expertise Centra" in second.text
