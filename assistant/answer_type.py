"""Questions that ask for a number, and whether a sentence gives one.

"Hoeveel ...", "Hoe hoog is de boete ...", "Wat kost ..." are only answered by a sentence with a
number in it. Similarity alone cannot see that: a passage about the fine's procedure matches
"Hoe hoog is de boete?" well without ever naming an amount. So a number question whose best
sentences hold no number is treated as not answered by the documents (the abstention signal
drops to zero). On evals/qa.jsonl this caught the two unanswerable amount questions that the
similarity signal let through, without refusing any answerable one. The price: a count that
the documents only give as an enumeration ("de wijken Kanaleneiland, Hoograven en
Rivierenwijk") is not recognised as an answer to "Hoeveel wijken ...?".

Other answer types (who / when / why / definition) were tried as a small sentence-score bonus
and changed citation precision by less than one question on the Q&A set, so they are not used.
"""

from __future__ import annotations

import re

_PREFIX = r"^\s*(?:en\s+|maar\s+|dus\s+)?"
_NUMBER_QUESTION = re.compile(
    _PREFIX + r"(?:hoeveel|hoe\s+(?:groot|veel|vaak|lang|hoog|duur)|"
    r"welk\s+(?:percentage|bedrag|aantal)|wat\s+(?:kost|kosten)|wat\s+zijn\s+de\s+kosten)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig|veertig|"
    r"vijftig|honderd|duizend|miljoen|miljard|procent|helft|derde|kwart|meerderheid|enkele"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)


def asks_for_number(question: str) -> bool:
    """ "Hoeveel ...?", "Hoe hoog/groot/lang ...?", "Wat kost ...?" and the like."""
    return bool(_NUMBER_QUESTION.search(question))


def gives_number(sentence: str, question: str) -> bool:
    """A number in the sentence that the question does not already contain."""
    asked = {m.lower() for m in _NUMBER.findall(question)}
    return any(m.lower() not in asked for m in _NUMBER.findall(sentence))


_DEFINITION_QUESTION = re.compile(
    _PREFIX + r"wat\s+(?:is|zijn|betekent|houdt|doet|doen)\s+(?:een\s+|het\s+|de\s+)?(?P<x>.+?)"
    r"(?:\s+in)?\s*\??$"
    r"|" + _PREFIX + r"wat\s+(?:wordt|worden)\s+(?:er\s+)?(?:bedoeld|verstaan)\s+(?:met|onder)\s+"
    r"(?:een\s+|het\s+|de\s+)?(?P<y>.+?)\s*\??$"
    r"|^\s*(?P<z>[^?]+?)\s*[,:–-]?\s*wat\s+is\s+dat\s*\??$",
    re.IGNORECASE,
)
DEFINITION_MAX_WORDS = 5


def definition_subject(question: str) -> str | None:
    """X in "Wat is X?", "Wat doet een X?", "Wat wordt bedoeld met X?", "X, wat is dat?".

    Only short subjects: "Wat is de rol van de burgemeester bij de aanpak van ondermijning?"
    asks about a relation, not for what something is.
    """
    m = _DEFINITION_QUESTION.match(question)
    if not m:
        return None
    subject = (m.group("x") or m.group("y") or m.group("z") or "").strip()
    if not subject or len(subject.split()) > DEFINITION_MAX_WORDS:
        return None
    return subject
