"""The rare proper names a question uses, and whether the passages an answer quotes name one.

"Welke rol speelt de wijkagent bij de Aanpak Nypels?" was answered from the Schiedam case,
whose passages talk about wijkagenten at length and never mention Nypels; "Wat doet Bureau
Straatkracht …?" and "Welke rol heeft de Kansspelautoriteit …?" were answered although the
corpus never names either. A quote that does not name the programme, organisation or person
the question is about reports on something else, so this is a hard rule like the ones for
laws and places (stages/extractive.py refuses with a notice).

A name here is a capitalised word (or hyphen part: "Schiedam-Nieuwland") after the
question's first word, of at least MIN_NAME letters, that the corpus never writes in lower
case ("Aanpak", "Openbaar" and "Ministerie" are ordinary words that open titles) and that at
most MAX_SHARE of the passages hold: a word that many passages hold is the corpus's topic, not
what singles out one passage. The country itself ("Nederland", "het Rijk") is the scope of
every document, never a name a passage must repeat. A name inside parentheses is skipped,
since the question spells it out in words beside it ("mobiel banditisme (MOBA)"). A question
with several names keeps an answer that names one of them, as with places.

Which words the corpus writes in lower case is read once per index from its chunks; a name
the corpus does not hold at all counts as rare.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from foundation.lexical import fold

MIN_NAME = 4
# A name held by more than this share of the passages is a topic word, not a name that
# singles one out. Chosen once, not tuned: 10 % of the bundled corpus is 44 passages.
MAX_SHARE = 0.10
# As stages/named_subject.py: a folded prefix of all but the last two letters, at the start of
# a word, so "Nypels" meets "Nypelsplantsoen" and "Straatkracht" its inflections.
MIN_PREFIX = 5

# The country every document is about: "Hoeveel Zorg- en Veiligheidshuizen zijn er in
# Nederland?" is answered by "de 32 Zorg- en Veiligheidshuizen", which need not say where.
NATIONAL_SCOPE = frozenset(
    {"nederland", "nederlandse", "nederlands", "nederlanders", "rijk", "rijksoverheid"}
)

_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][\w]*(?:-[\w]+)*")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ][\w]*")
_PARENTHESES = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"\w+")


def _prefix_text(name: str) -> str:
    folded = fold(name)
    return folded[: max(MIN_PREFIX, len(folded) - 2)]


def _prefix(name: str) -> re.Pattern[str]:
    """The name's folded prefix at the start of a word: "Roma" is not in "aroma"."""
    return re.compile(r"(?<!\w)" + re.escape(_prefix_text(name)))


class NameVocabulary:
    """What the corpus says about capitalised words: whether it ever writes one in lower case,
    and how many of its passages hold it."""

    def __init__(self, texts: Iterable[str]) -> None:
        lower: set[str] = set()
        holders: dict[str, set[int]] = {}
        count = 0
        for i, text in enumerate(texts):
            count += 1
            lower.update(fold(w) for w in _LOWER_WORD.findall(text))
            for word in set(_WORD.findall(fold(text))):
                holders.setdefault(word, set()).add(i)
        self._lowercase = frozenset(lower)
        self._count = count
        # sorted words, so the words a prefix starts are one bisect away: scanning every
        # passage with a pattern took 7 ms per name, a tenth of a warm ask
        self._words = sorted(holders)
        self._holders = holders

    def written_lowercase(self, word: str) -> bool:
        return fold(word) in self._lowercase

    def share(self, name: str) -> float:
        """The share of the passages with a word that starts with the name's prefix."""
        if not self._count:
            return 0.0
        prefix = _prefix_text(name)
        held: set[int] = set()
        i = bisect_left(self._words, prefix)
        while i < len(self._words) and self._words[i].startswith(prefix):
            held |= self._holders[self._words[i]]
            i += 1
        return len(held) / self._count

    def rare_names(self, question: str) -> list[str]:
        """The question's rare proper names, as it writes them, in order, each once."""
        text = _PARENTHESES.sub(" ", question)
        found: dict[str, str] = {}
        for m in _CAPITALISED.finditer(text):
            if m.start() == len(text) - len(text.lstrip()):
                continue  # the question's first word is capitalised anyway
            for part in m.group().split("-"):
                if (
                    len(part) >= MIN_NAME
                    and part[0].isupper()
                    and fold(part) not in NATIONAL_SCOPE
                    and not self.written_lowercase(part)
                    and self.share(part) <= MAX_SHARE
                ):
                    found.setdefault(fold(part), part)
        return list(found.values())


def unnamed_names(names: list[str], texts: Iterable[str]) -> list[str]:
    """The names when the texts (passages' titles, sections and text) hold none of them,
    else []."""
    if not names:
        return []
    folded = [fold(text) for text in texts]
    prefixes = [_prefix(n) for n in names]
    return [] if any(p.search(t) for p in prefixes for t in folded) else names


def missing_name_notice(names: list[str]) -> str:
    """Why an answer that matched the rest of the question is still not given."""
    shown = " of ".join(f"‘{n}’" for n in names)
    return (
        f"Ik vond wel passages over dit onderwerp, maar geen die {shown} noemt; "
        "een citaat daaruit zou over iets anders gaan."
    )
