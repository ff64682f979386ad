"""Whether the passages an answer quotes name what a "Wat is X?" question asks about.

"Wat doet een trajectregisseur?" was answered from a wegwijzer story about a boy called
Jeffrey that never uses the word: the e5 vector and a few shared words ranked it first, and a
memo would have quoted it as the definition. A definition question is about one thing; a
passage that does not name it cannot say what it is, so this is a hard rule
(stages/extractive.py refuses with a notice), like a named law or place.

The word checked is the subject's most specific one (highest idf, at least three letters:
"GGD" in "de taken van de GGD"), as a folded prefix of all but its last two letters, so
plurals and inflections still meet it ("keukentafelgesprek" in "keukentafelgesprekken",
"Buurtouders" in "buurtouder").

A name inside parentheses does not count, unless it is an abbreviation: "Wat doet Bureau
Straatkracht?" was answered from the wegwijzer's list of people interviewed, where the bureau
only stands in brackets behind a job title ("projectleider Jonge aanwas (Bureau
Straatkracht)"), which says who someone works for, not what the bureau does. An abbreviation in
brackets is how a text defines it ("Regionale Informatie- en Expertise Centra (RIEC's)").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from foundation.lexical import STOPWORDS, fold, stem, words

MIN_WORD = 3
MIN_PREFIX = 5

_PARENTHESES = re.compile(r"\([^()]*\)")


def subject_word(subject: str, idf: Callable[[str], float]) -> str | None:
    """The subject's most specific word, folded; None when it has no word of MIN_WORD+."""
    candidates = [w for w in words(subject) if w not in STOPWORDS and len(w) >= MIN_WORD]
    if not candidates:
        return None
    return fold(max(candidates, key=lambda w: (idf(stem(w)), len(w))))


def is_abbreviation(subject: str, word: str) -> bool:
    """Whether the question writes the subject word as an abbreviation ("RIEC", "ZSM")."""
    return any(
        fold(w) == word and sum(ch.isupper() for ch in w) >= 2 for w in re.findall(r"\w+", subject)
    )


def names_subject(word: str, texts: Iterable[str], *, abbreviation: bool = False) -> bool:
    """Whether a text names the subject word outside parentheses (anywhere when it is an
    abbreviation)."""
    prefix = word[: max(MIN_PREFIX, len(word) - 2)]
    if abbreviation:
        return any(prefix in fold(text) for text in texts)
    return any(prefix in fold(_PARENTHESES.sub(" ", text)) for text in texts)


def missing_subject_notice(subject: str) -> str:
    return (
        f"Ik vond wel passages over dit onderwerp, maar geen die uitlegt wat ‘{subject}’ is "
        "of doet; een citaat daaruit zou over iets anders gaan."
    )
