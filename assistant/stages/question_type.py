"""What kind of answer a question wants, read from its wording alone.

A list question ("Welke …", "Noem …") gathers items from several passages; a number question
("Hoeveel …", "Wat kost …") is only answered by a sentence with a number in it, which
similarity alone cannot see; a definition question ("Wat is X?") is best answered by the
passage that opens the section named X. Who / when / why questions want a name, a date or a
reason: the reranker and the sentence choice look for a passage and a sentence that hold one
near the question's words. A two-part question ("Wie leidt het programma en hoe vaak komen ze
bijeen?") is split so the answer can cover both parts.
"""

from __future__ import annotations

import re

_PREFIX = r"^\s*(?:en\s+|maar\s+|dus\s+)?"

# ---------------------------------------------------------------------------- lists

_LIST_START = re.compile(
    r"^\s*(welke|noem|geef\s+een\s+overzicht|wat\s+zijn|wie\s+zijn|wat\s+voor|"
    r"op\s+welke|met\s+welke|in\s+welke|hoe\s+ziet|opsomming)\b",
    re.IGNORECASE,
)
_PLURAL_HINT = re.compile(
    r"\b(partners|partijen|onderdelen|onderwerpen|stappen|instrumenten|maatregelen|"
    r"voorbeelden|knelpunten|risico's|risico’s|taken|rollen|organisaties|pijlers|"
    r"bronnen|gemeenten|tips|lessen|factoren|signalen|middelen|bevoegdheden)\b",
    re.IGNORECASE,
)
_OPEN_START = re.compile(r"^\s*(en\s+)?(wat|wie|met\s+wie|waarmee|waaruit)\b", re.IGNORECASE)


def is_list_question(question: str) -> bool:
    """List questions want several items gathered across passages, not one best sentence.

    A plural noun alone is not enough ("Hoeveel gemeenten ..." wants one number), so it
    only counts after an open question word.
    """
    if _LIST_START.search(question):
        return True
    return bool(_OPEN_START.search(question) and _PLURAL_HINT.search(question))


_LIST_WORD = re.compile(r"\b(?:welke|noem\s+(?:de|alle)|wat\s+zijn\s+de)\s+", re.IGNORECASE)
_PLURAL = re.compile(r"^[\w-]+(?:s|en|['’]s)$")
# Words between "welke" and the plural it asks for: a number or an adjective.
_BEFORE_NOUN = frozenset(
    "twee drie vier vijf zes zeven acht negen tien andere belangrijkste".split()
)
_NOUN_WINDOW = 3


def list_noun(question: str) -> str | None:
    """The plural a list question asks for: "thema's" in "Welke vijf veiligheidsthema's
    behandelt …", "stappen" in "Uit welke zeven stappen bestaat …"; None without one."""
    m = _LIST_WORD.search(question)
    if not m:
        return None
    for word in re.findall(r"[\w'’-]+", question[m.end() :])[:_NOUN_WINDOW]:
        low = word.lower()
        if low.isdigit() or low in _BEFORE_NOUN:
            continue
        if _PLURAL.match(low):
            return word
        if not low.endswith("e"):
            return None  # "Welke rol …": a singular, not a list of things
    return None


# ---------------------------------------------------------------------------- numbers

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
    """ "Hoeveel ...?", "Hoe hoog/groot/lang ...?", "Wat kost ...?" and the like.

    A passage about the fine's procedure matches "Hoe hoog is de boete?" well without ever
    naming an amount. The price of asking for a digit or number word: a count the documents
    only give as an enumeration ("de wijken Kanaleneiland, Hoograven en Rivierenwijk") does
    not answer "Hoeveel wijken ...?".
    """
    return bool(_NUMBER_QUESTION.search(question))


_MONEY = re.compile(
    r"\b(?:kost|kosten|geld|euro|subsidie|budget|bedrag|prijs|tarief)\b(?!-)", re.IGNORECASE
)
_AMOUNT_QUESTION = re.compile(
    r"\bwat\s+(?:kost|kosten)\b|\bhoe\s+duur\b|\bwelk\s+bedrag\b|"
    r"\bhoeveel\s+(?:\w+-)?(?:geld|euro|subsidie|budget)|"
    r"\bhoe\s+(?:groot|hoog)\s+(?:is|zijn|was|waren)\s+(?:het|de)\s+"
    r"(?:budget|bedrag|subsidie|bijdrage|prijs|kosten|tarief)",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"\b(?:wat|wie|waar|wanneer|waarom|hoe|hoeveel|welke?|waarmee|waardoor)\b", re.IGNORECASE
)
_AMOUNT = re.compile(
    r"€\s?\d|\d[\d.,]*\s?(?:euro|mln|miljoen|miljard|duizend)\b|\b(?:miljoen|miljard)\s+euro\b|"
    r"\beuro\b",
    re.IGNORECASE,
)


def asks_for_amount(question: str) -> bool:
    """A question about money ("Wat kost …", "Hoeveel geld …", "budget", "subsidie") wants an
    amount: a passage that counts something else ("32 Zorg- en Veiligheidshuizen", "twee
    jaren") does not answer it, however well it matches the rest of the question."""
    if _AMOUNT_QUESTION.search(question):
        return True
    # a bare keyword query ("kosten e-learning RIEC"); not "Waarom helpt een klein budget …?"
    # nor "Hoeveel centrumgemeenten krijgen geld …?", which counts municipalities
    return bool(_MONEY.search(question)) and not _QUESTION_WORD.search(question)


def gives_amount(sentence: str) -> bool:
    return bool(_AMOUNT.search(sentence))


def gives_number(sentence: str, question: str) -> bool:
    """A number in the sentence that the question does not already contain."""
    asked = {m.lower() for m in _NUMBER.findall(question)}
    return any(m.lower() not in asked for m in _NUMBER.findall(sentence))


# ---------------------------------------------------------------------------- definitions

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


# ---------------------------------------------------------------------------- who / when / why

_WHEN_QUESTION = re.compile(
    _PREFIX + r"(?:wanneer|sinds\s+wanneer|tot\s+wanneer|vanaf\s+wanneer|in\s+welk\s+jaar|"
    r"welk\s+jaar|per\s+wanneer|op\s+welke\s+datum)\b",
    re.IGNORECASE,
)
_WHO_QUESTION = re.compile(
    _PREFIX + r"(?:wie|door\s+wie|met\s+wie|voor\s+wie|bij\s+wie|van\s+wie|aan\s+wie|"
    r"welke\s+(?:organisaties?|partij(?:en)?|partners?|instanties?|ministeries?|gemeenten?))\b",
    re.IGNORECASE,
)
_WHY_QUESTION = re.compile(
    _PREFIX + r"(?:waarom|om\s+welke\s+reden|wat\s+is\s+de\s+reden|hoe\s+komt\s+het)\b",
    re.IGNORECASE,
)


def asks_when(question: str) -> bool:
    return bool(_WHEN_QUESTION.search(question))


def asks_who(question: str) -> bool:
    return bool(_WHO_QUESTION.search(question))


def asks_why(question: str) -> bool:
    return bool(_WHY_QUESTION.search(question))


# ---------------------------------------------------------------------------- two parts

_SECOND_PART = re.compile(
    r",?\s+(?:en|maar)\s+(?=(?:wie|wat|wanneer|waar|waarom|hoe|hoeveel|welke|welk|sinds|tot|"
    r"met\s+wie|door\s+wie|in\s+welke|op\s+welke|om\s+welke)\b)",
    re.IGNORECASE,
)


def question_parts(question: str) -> tuple[str, ...]:
    """The parts of a two-part question, one part otherwise.

    Only a conjunction followed by a new question word splits ("Wie leidt het en hoe vaak
    komen ze bijeen?"): "Wat doen politie en gemeente?" is one question.
    """
    parts = [p.strip(" ,?") for p in _SECOND_PART.split(question) if p.strip(" ,?")]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return (question,)  # "Waar en wanneer …?" asks two things about one subject
    return tuple(parts)
