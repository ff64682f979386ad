"""Follow-up questions without an LLM: does a question lean on an earlier turn, and what was
that turn about.

No sentence is rewritten here (that gave broken Dutch, see stages/context.py): these are the
readings stages/context.py builds its retrieval signals and its "met context: …" labels from.

The topic of a turn is the run(s) of content words of its question, e.g.
"Wat is de rol van de burgemeester?" -> "de rol van de burgemeester". Earlier turns carry the
context they took themselves, so a topic carries through a chain of follow-ups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foundation.lexical import QUESTION_WORDS, STOPWORDS, fold, stem

CONNECTIVES = frozenset({"en", "maar", "ook", "of", "dus"})
# Pronominal adverbs always point back to something said before.
_STRONG = re.compile(
    r"\b(?:daar|hier)(?:van|over|bij|in|mee|voor|aan|op|uit|door|naar|tegen|onder|tussen)?\b"
    r"|\bwaarom\s+dan\b",
    re.IGNORECASE,
)
WEAK_ANAPHORA = frozenset({"dat", "die", "deze", "dit", "het", "hun", "hen", "ze", "zij", "zo"})
GENERIC_VERBS = frozenset(
    """is zijn was waren wordt worden werd doet doen deed gedaan heeft hebben had gaat gaan
    pakt pakken aanpakken aangepakt werkt werken gewerkt speelt spelen betekent betekenen
    houdt houden zit zitten staat staan komt komen horen hoort hoorde ziet zien zie
    vertellen vertel weten weet vinden vind vindt gebeurt gebeuren regelt regelen geregeld
    kun kunt kunnen kan moet moeten mag mogen zou zouden wil willen zeggen zegt noemen
    noem geef uitleggen leg uit verder precies eigenlijk concreet meer nog ook even
    belangrijk nodig gebruikt gebruiken mee toe af er bereikt samen""".split()
)
# Small words allowed inside a topic phrase ("rol van de burgemeester", "knock and talk").
JOINERS = frozenset({"van", "de", "het", "der", "den", "en", "and", "voor", "in", "op", "bij", "&"})
# "de risico's van X": the follow-up asks about X, not about the risks again.
RELATIONAL = frozenset(
    """rol rollen doel doelen risico risico's risico’s aanpak knelpunten knelpunt partners
    partner voordelen nadelen resultaten resultaat taak taken kern betekenis kosten effect
    effecten werkwijze uitdagingen lessen voorbeelden voorbeeld definitie onderdelen
    doelgroep gevolgen oorzaken verantwoordelijkheid bevoegdheden positie""".split()
)
_WH_SKIP_NOUN = frozenset({"welke", "welk", "hoeveel"})
DETERMINERS = frozenset({"de", "het", "een"})

_TOKEN = re.compile(r"\w[\w'’]*(?:-\w[\w'’]*)*-?", re.UNICODE)


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return fold(self.text.rstrip("-"))


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# Past participles ("gestart", "gemaakt", "gericht") are verbs, not topics. Only the -t form:
# ge-...-d catches nouns this corpus is full of ("gebied", "geweld").
_PARTICIPLE = re.compile(r"^ge[a-z]{3,}t$")


def _is_content(tok: _Tok) -> bool:
    w = tok.low
    return (
        len(w) > 1
        and not (tok.text[:1].islower() and _PARTICIPLE.match(w))
        and w not in STOPWORDS
        and w not in QUESTION_WORDS
        and w not in GENERIC_VERBS
        and w not in WEAK_ANAPHORA
    )


def _topic_words(question: str) -> list[_Tok]:
    """Content words the question brings itself (first token skipped when it is a verb
    position after a question word, e.g. "Wat doet ..." — already in GENERIC_VERBS mostly)."""
    return [t for t in _tokens(question) if _is_content(t)]


def _is_name(tok: _Tok) -> bool:
    return tok.text[:1].isupper()


def _points_back(toks: list[_Tok], i: int) -> bool:
    """A weak anaphor that points to an earlier turn: not "het" as the article of a name
    ("Wat is het RIEC?" asks about the RIEC, "Hoe werkt het?" about what was said before),
    nor one after a name of the question itself ("Wat is AVE en waar wordt het gebruikt?")."""
    if toks[i].low not in WEAK_ANAPHORA:
        return False
    if toks[i].low == "het" and i + 1 < len(toks) and _is_name(toks[i + 1]):
        return False
    return not any(_is_name(t) for t in toks[1:i])


def is_follow_up(question: str) -> bool:
    """True when the question leans on an earlier turn and cannot be searched on its own."""
    toks = _tokens(question)
    if not toks:
        return False
    own = len(_topic_words(question))
    if toks[0].low in CONNECTIVES:
        return True
    if _STRONG.search(question):
        return True
    if any(_points_back(toks, i) for i in range(len(toks))) and own <= 1:
        return True
    # "Wat is BUIT?" names its own subject; "Hoe werkt dat?" does not
    named = any(_is_name(t) for t in toks[1:])
    return own == 0 or (own <= 1 and len(toks) <= 3 and not named)


# ---------------------------------------------------------------------------
# Topic of the previous turn


def _topic_start(toks: list[_Tok]) -> int:
    """Index of the first token after the question's own ask: "Welke partners participeren
    in X" is about X, the partners are what was asked."""
    i = 0
    while i < len(toks) and (toks[i].low in CONNECTIVES or toks[i].low in QUESTION_WORDS):
        wh = toks[i].low
        i += 1
        if wh in _WH_SKIP_NOUN and i + 2 < len(toks):
            return i + 2
    return i


def _runs(toks: list[_Tok], start: int, text: str) -> list[tuple[int, int]]:
    """(first, last) token indices of content-word runs bridged by up to two JOINERS.
    Punctuation ends a run: "gestart (Knock and talk)" is two phrases, not one."""
    runs: list[tuple[int, int]] = []
    i = start
    while i < len(toks):
        if not _is_content(toks[i]):
            i += 1
            continue
        j = i
        while True:
            k = j + 1
            while k < len(toks) and toks[k].low in JOINERS and k - j <= 2:
                k += 1
            bridge = {t.low for t in toks[j + 1 : k]}
            plain = k < len(toks) and all(
                text[toks[m].end : toks[m + 1].start].strip() == "" for m in range(j, k)
            )
            if plain and _is_content(toks[k]) and not (bridge and bridge <= DETERMINERS):
                j = k
            else:
                break
        runs.append((i, j))
        i = j + 1
    return runs


def _named(toks: list[_Tok], i: int) -> bool:
    """A capitalised word or one with an article: a real noun phrase, not a stray verb."""
    return toks[i].text[:1].isupper() or (i > 0 and toks[i - 1].low in DETERMINERS)


def _drop_relational_head(toks: list[_Tok], first: int, last: int) -> int:
    """Skip "risico's van (de)" at the front of a run; the rest is the real topic."""
    if toks[first].low in RELATIONAL and first + 1 <= last and toks[first + 1].low == "van":
        k = first + 2
        while k <= last and toks[k].low in DETERMINERS:
            k += 1
        if k <= last:
            return k
    return first


def _phrases(question: str) -> list[str]:
    """Runs of content words, bridged by JOINERS, with a directly preceding article."""
    toks = _tokens(question)
    start = _topic_start(toks)
    runs = _runs(toks, start, question)
    if all(i == j and not _named(toks, i) for i, j in runs):
        runs = _runs(
            toks, 0, question
        )  # "Welke ondernemingen worden bezocht?" is about ondernemingen
    out = []
    for i, j in runs:
        i = _drop_relational_head(toks, i, j)
        first = i - 1 if i > 0 and toks[i - 1].low in DETERMINERS else i
        out.append(question[toks[first].start : toks[j].end])
    return out


_LOCATION_TAIL = re.compile(r"\s+(?:in|op|bij)\s+(?:[A-Z][\w-]*)(?:\s+[A-Z][\w-]*)*$")


def _has_own_place(question: str) -> bool:
    """A capitalised word after the first one: the user named a place or organisation."""
    return any(t.text[:1].isupper() for t in _tokens(question)[1:])


def _stems(text: str) -> set[str]:
    return {stem(t.low) for t in _tokens(text) if _is_content(t)}


def _is_noun_phrase(phrase: str) -> bool:
    words = phrase.split()
    return len(words) > 1 or phrase[:1].isupper()


def topic_phrases(previous: str, question: str) -> list[str]:
    new_stems = _stems(question)
    own_place = _has_own_place(question)
    kept: list[str] = []
    for phrase in _phrases(previous):
        if own_place:
            phrase = _LOCATION_TAIL.sub("", phrase)
        stems = _stems(phrase)
        if stems and len(stems & new_stems) * 2 < len(stems):
            kept.append(phrase)
    # A noun phrase ("het Zorg- en Veiligheidshuis", "Knock and talk") beats a stray word
    # ("gestart", "samen") that a verb-like word left behind.
    if any(_is_noun_phrase(p) for p in kept):
        kept = [p for p in kept if _is_noun_phrase(p)]
    if len(kept) > 2:  # keep the most specific ones, in their original order
        longest = sorted(kept, key=len, reverse=True)[:2]
        kept = [p for p in kept if p in longest]
    return kept
