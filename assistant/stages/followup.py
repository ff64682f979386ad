"""Follow-up questions made standalone without an LLM.

Retrieval only sees one query, so "En hoe pakt Tilburg dat aan?" must become
"Hoe pakt Tilburg <topic of the previous turn> aan?" before searching. The rewrite is rule
based and deterministic because the result is shown to the user ("Gezocht op: ..."): it
must be predictable and readable, and it must never lose the user's own words.

The topic of a turn is the run(s) of content words of its standalone question, e.g.
"Wat is de rol van de burgemeester?" -> "de rol van de burgemeester". Since earlier turns
are stored as standalone questions, a topic carries through a chain of follow-ups.
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
PREPOSITION_OF = {
    "van": "van",
    "over": "over",
    "bij": "bij",
    "in": "in",
    "mee": "met",
    "voor": "voor",
    "aan": "aan",
    "op": "op",
    "uit": "uit",
    "door": "door",
    "naar": "naar",
    "tegen": "tegen",
    "onder": "onder",
    "tussen": "tussen",
}
# After a pronoun these mean "dat" is the object, not a conjunction ("pakt Tilburg dat aan").
_OBJECT_FOLLOWERS = frozenset(
    """aan mee op uit in over voor toe af niet ook dan precies eigenlijk concreet
    belangrijk nodig zo geregeld georganiseerd gedaan uitgevoerd""".split()
)

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
    if any(t.low in WEAK_ANAPHORA for t in toks) and own <= 1:
        return True
    return own == 0 or (own <= 1 and len(toks) <= 3)


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


def topic_of(previous: str, question: str) -> str:
    """What the previous standalone question was about, minus what the new one already says."""
    return " en ".join(_topic_phrases(previous, question))


def _topic_phrases(previous: str, question: str) -> list[str]:
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


# ---------------------------------------------------------------------------
# Rewriting


def _strip_connective(question: str) -> str:
    toks = _tokens(question)
    if (
        toks
        and toks[0].low in CONNECTIVES
        and toks[0].start == len(question) - len(question.lstrip())
    ):
        question = question[toks[0].end :].lstrip(" ,")
    return question[:1].upper() + question[1:] if question else question


def _replace_pronominal(question: str, topic: str) -> str | None:
    """ "daarbij" -> "bij <topic>"; "daar ... over vertellen" -> "... over <topic> vertellen"."""
    joined = re.search(
        r"\b(?:daar|hier)(van|over|bij|in|mee|voor|aan|op|uit|door|naar|tegen|onder|tussen)\b",
        question,
        re.IGNORECASE,
    )
    if joined:
        prep = PREPOSITION_OF[joined.group(1).lower()]
        return question[: joined.start()] + f"{prep} {topic}" + question[joined.end() :]
    split = re.search(
        r"\b(?:daar|hier)\s+(.*?)\b(van|over|bij|mee|voor|aan|op|uit|naar|tegen)\b",
        question,
        re.IGNORECASE,
    )
    if split:
        prep = PREPOSITION_OF[split.group(2).lower()]
        middle = split.group(1)
        return question[: split.start()] + f"{middle}{prep} {topic}" + question[split.end() :]
    bare = re.search(r"\b(?:daar|hier)\b", question, re.IGNORECASE)
    if bare:  # "Wie werken daar samen?" -> "Wie werken in <topic> samen?"
        return question[: bare.start()] + f"in {topic}" + question[bare.end() :]
    return None


def _replace_pronoun(question: str, topic: str) -> str | None:
    """ "Hoe pakt Tilburg dat aan?" -> "Hoe pakt Tilburg <topic> aan?" (object pronoun only)."""
    toks = _tokens(question)
    for i, tok in enumerate(toks):
        if tok.low not in {"dat", "dit", "het"} or i == 0:
            continue
        nxt = toks[i + 1].low if i + 1 < len(toks) else None
        # "Wanneer is dat gestart?": right after question word + verb, "dat" is the subject.
        subject = i == 2 and tok.low != "het" and toks[0].low in QUESTION_WORDS
        if nxt is None or nxt in _OBJECT_FOLLOWERS or subject:
            return question[: tok.start] + topic + question[tok.end :]
    return None


_ELLIPSIS = re.compile(r"^(?:en|maar|ook|of)?\s*(in|bij|voor|van|op)\s+(.+?)\??$", re.IGNORECASE)


def _swap_place(question: str, previous: str) -> str | None:
    """ "En in Rotterdam?" after "Wat is knock and talk in Utrecht?" -> the previous question
    with the place swapped (or added)."""
    m = _ELLIPSIS.match(question.strip())
    if not m or len(_tokens(m.group(2))) > 4:
        return None
    prep, place = m.group(1).lower(), m.group(2).strip()
    base = previous.strip().rstrip("?").rstrip()
    swapped, count = re.subn(
        rf"\b{prep}\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*", f"{prep} {place}", base, count=1
    )
    return (swapped if count else f"{base} {prep} {place}") + "?"


_NOUN_ELLIPSIS = re.compile(
    r"^(?i:en|maar|ook|of)\s+((?:de|het|een)\s+[\w'’-]+|[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s*\??$"
)


def _swap_subject(question: str, previous: str) -> str | None:
    """ "En de wethouder?" after "Wat is de rol van de burgemeester?" -> "Wat is de rol van de
    wethouder?": the new noun takes the place of the one after the relational noun."""
    m = _NOUN_ELLIPSIS.match(question.strip())
    if not m:
        return None
    relational = "|".join(re.escape(w) for w in sorted(RELATIONAL, key=len, reverse=True))
    swapped, count = re.subn(
        rf"\b((?:{relational})\s+van\s+)(?:(?:de|het|een)\s+)?[\w'’-]+",
        lambda x: x.group(1) + m.group(1),
        previous.strip(),
        count=1,
        flags=re.IGNORECASE,
    )
    return swapped if count else None


def _ensure_question_mark(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if text.endswith("?") else text.rstrip(".") + "?"


def make_standalone(question: str, history: list[tuple[str, str]]) -> str:
    """The query to search for: the question itself, or a follow-up completed with the topic
    of the newest earlier turn. history: [(standalone question, answer text)], newest last."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    previous = history[-1][0]
    swapped = _swap_place(question, previous) or _swap_subject(question, previous)
    if swapped:
        return swapped
    phrases = _topic_phrases(previous, question)
    topic = " en ".join(phrases)
    core = _strip_connective(question)
    if not topic:
        return core
    rewrites = [_replace_pronominal] + ([_replace_pronoun] if len(phrases) == 1 else [])
    for rewrite in rewrites:
        done = rewrite(core, topic)
        if done:
            return _ensure_question_mark(done[:1].upper() + done[1:])
    return _ensure_question_mark(f"{core.rstrip().rstrip('?')} ({topic})")
