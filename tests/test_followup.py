"""Follow-ups over this corpus's topics become standalone queries; own-topic questions stay."""

from __future__ import annotations

import pytest

from assistant.stages.followup import is_follow_up, make_standalone


def run(conversation: list[str]) -> list[str]:
    """Ask the questions in turn, as the service does: history holds standalone questions."""
    history: list[tuple[str, str]] = []
    out = []
    for question in conversation:
        standalone = make_standalone(question, history)
        history.append((standalone, "(antwoord)"))
        out.append(standalone)
    return out


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


@pytest.mark.parametrize(
    "question",
    [
        "Wat is jonge aanwas in de georganiseerde criminaliteit?",
        "Wat is de rol van de burgemeester in de driehoek?",
        "Welke partners participeren in het Zorg- en Veiligheidshuis?",
        "Hoe zorg je dat jongeren niet in de criminaliteit belanden?",
        "Wanneer startte Knock and talk in Utrecht?",
    ],
)
def test_questions_with_their_own_topic_are_left_alone(question: str) -> None:
    assert not is_follow_up(question)
    assert make_standalone(question, [("Wat is de City Deal?", "…")]) == question


def test_no_history_leaves_the_question_alone() -> None:
    assert make_standalone("En hoe pakt Tilburg dat aan?", []) == "En hoe pakt Tilburg dat aan?"


def test_jonge_aanwas_conversation_keeps_its_topic() -> None:
    assert run(
        [
            "Wat is jonge aanwas in de georganiseerde criminaliteit?",
            "Wat zijn daar de risico's van?",
            "Welke partners horen daarbij?",
            "Kun je daar meer over vertellen?",
        ]
    ) == [
        "Wat is jonge aanwas in de georganiseerde criminaliteit?",
        "Wat zijn de risico's van jonge aanwas in de georganiseerde criminaliteit?",
        "Welke partners horen bij jonge aanwas in de georganiseerde criminaliteit?",
        "Kun je meer over jonge aanwas in de georganiseerde criminaliteit vertellen?",
    ]


def test_knock_and_talk_place_is_swapped() -> None:
    assert run(["Wat is knock and talk in Utrecht?", "En in Rotterdam?"])[1] == (
        "Wat is knock and talk in Rotterdam?"
    )


def test_city_deal_pronoun_is_replaced_and_named_city_kept() -> None:
    out = run(
        [
            "Waar werken Tilburg en Breda aan in de City Deal Zorg voor Veiligheid?",
            "En hoe pakt Tilburg dat aan?",
        ]
    )
    assert out[1] == "Hoe pakt Tilburg de City Deal Zorg voor Veiligheid aan?"


def test_zorg_en_veiligheidshuis_chain() -> None:
    out = run(
        [
            "Welke partners participeren in het Zorg- en Veiligheidshuis?",
            "Wat is daar het doel van?",
            "En hoe werkt het?",
        ]
    )
    assert out[1] == "Wat is het doel van het Zorg- en Veiligheidshuis?"
    assert out[2] == "Hoe werkt het Zorg- en Veiligheidshuis?"


def test_burgemeester_role_swapped_for_wethouder() -> None:
    out = run(
        [
            "Wat is de rol van de burgemeester bij de aanpak van ondermijning?",
            "En de wethouder?",
        ]
    )
    assert out[1] == "Wat is de rol van de wethouder bij de aanpak van ondermijning?"


def test_ondermijning_in_de_wijk_carried_to_another_town() -> None:
    out = run(["Wat houdt ondermijning in de wijk in?", "Hoe pakt Nieuwegein dat aan?"])
    assert out[1] == "Hoe pakt Nieuwegein ondermijning in de wijk aan?"


def test_pronoun_without_replaceable_slot_gets_topic_appended() -> None:
    out = run(["Welke gemeenten doen mee aan de City Deal?", "En wat doet Nijmegen?"])
    assert out[1].startswith("Wat doet Nijmegen")
    assert "City Deal" in out[1]
    assert out[1].endswith("?")


def test_bare_daar_becomes_the_place_of_the_topic() -> None:
    out = run(
        [
            "Wat is het Zorg- en Veiligheidshuis?",
            "En wie werken daar samen?",
            "Wat is het doel daarvan?",
        ]
    )
    assert out[1] == "Wie werken in het Zorg- en Veiligheidshuis samen?"
    # "samen" from the previous turn is not a topic; the noun phrase carries on.
    assert out[2] == "Wat is het doel van het Zorg- en Veiligheidshuis?"


def test_subject_pronoun_is_replaced_and_participles_are_no_topic() -> None:
    out = run(
        [
            "Wat is Knock and talk?",
            "Wanneer is dat gestart?",
            "En welke ondernemingen worden bezocht?",
        ]
    )
    assert out[1] == "Wanneer is Knock and talk gestart?"
    assert "Knock and talk" in out[2]
    assert "gestart" not in out[2] and out[2].count("(") <= 1


def test_follow_up_on_the_same_passage_does_not_repeat_the_answer(assistant) -> None:
    from assistant.conversation import Conversation
    from foundation.sentences import split_sentences

    conversation = Conversation()
    first = assistant.ask("Wat is het Zorg- en Veiligheidshuis?", conversation=conversation)
    second = assistant.ask("En wie werken daar samen?", conversation=conversation)
    assert not first.abstained and not second.abstained
    assert second.text != first.text
    assert "partners" in second.text

    # Only the best sentence may be said again; nothing else of the first answer is padding.
    def sentences(answer) -> list[str]:
        return [s for c in answer.citations for s in split_sentences(c.quote.replace(" … ", " "))]

    said = set(sentences(first))
    assert len(said) >= 2  # the first answer quoted several sentences of the passage
    assert len([s for s in sentences(second) if s in said]) <= 1
