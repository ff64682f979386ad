"""The law a question names, and whether a passage names it too.

"Wat regelt de Wet politiegegevens over …?" is not answered by a passage on information
sharing that never mentions the Wet politiegegevens, however well the rest of it matches: a
staff member who pastes that quote into a memo cites the wrong law. Laws are precise
references, so this is a hard rule (stages/extractive.py refuses such an answer with a notice)
rather than one more soft input to the learned abstention, which answered 5 of the 30 `none`
questions it still answered in session 10 on exactly this kind of near miss.

A law is "Wet" followed by a word that is not a function word ("Wet politiegegevens", "Wet
zorg en dwang" → "wet zorg"), or a word that ends in "wet" ("Omgevingswet", "Jeugdwet").
Only that first word must follow "wet" in the passage: a user's "Wet verplichte ggz" still
meets the corpus's "Wet verplichte geestelijke gezondheidszorg".
Lower-case "de wet" names no particular law and is never checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from foundation.lexical import STOPWORDS, fold

# A compound shorter than this is not a law name ("bewet" would be a typo, not a law).
MIN_COMPOUND = 7
_WET_PHRASE = re.compile(r"\bWet\s+([A-Za-zÀ-ÿ][\w'’-]*)(?:\s+([A-Za-zÀ-ÿ][\w'’-]*))?")
_COMPOUND = re.compile(r"\b([A-Za-zÀ-ÿ][\w-]*wet)\b", re.I)
# "Wet op de jeugdzorg", "Wet van …": the word after "Wet" must say which law.
_NOT_A_NAME = STOPWORDS | {"op", "van", "voor", "over", "bij", "en", "of", "in", "aan", "met"}


@dataclass(frozen=True)
class NamedLaw:
    """A law as the question writes it, and the folded pattern a passage must hold."""

    shown: str
    pattern: re.Pattern[str]


def named_laws(question: str) -> list[NamedLaw]:
    """The laws the question names, in order, each once."""
    found: dict[str, NamedLaw] = {}
    for m in _WET_PHRASE.finditer(question):
        word = fold(m.group(1))
        if word in _NOT_A_NAME:
            continue
        stem = word[:-1] if len(word) >= 6 else word  # "manifestaties" / "manifestatie"
        key = f"wet {stem}"
        second = m.group(2)
        shown = f"Wet {m.group(1)}"
        if second and fold(second) not in _NOT_A_NAME:
            shown += f" {second}"  # shown as asked; the pattern stays on the first word
        found.setdefault(key, NamedLaw(shown, re.compile(rf"\bwet\s+{re.escape(stem)}")))
    for m in _COMPOUND.finditer(question):
        word = fold(m.group(1))
        if len(word) < MIN_COMPOUND or word.startswith("wet"):
            continue
        found.setdefault(word, NamedLaw(m.group(1), re.compile(rf"\b{re.escape(word)}")))
    return list(found.values())


def unnamed_laws(question: str, texts: Iterable[str]) -> list[NamedLaw]:
    """The question's laws when the texts (passages' titles, sections and text) name none of
    them, else []. A question on two laws answered by a passage on one of them keeps its
    answer: that half may be what the user needs."""
    laws = named_laws(question)
    if not laws:
        return []
    folded = [fold(text) for text in texts]  # fold() caches each passage's text
    return [] if any(law.pattern.search(t) for law in laws for t in folded) else laws


def missing_law_notice(laws: list[NamedLaw]) -> str:
    """Why an answer that matched the rest of the question is still not given."""
    names = " en ".join(law.shown for law in laws)
    return (
        f"Ik vond wel passages over dit onderwerp, maar geen die de {names} noemt; "
        "een citaat daaruit zou over een andere regeling gaan."
    )
