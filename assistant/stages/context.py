"""What a follow-up takes from the conversation: signals for retrieval, not a rewritten sentence.

Rewriting "Wat was de eerste stap van de gemeente in die aanpak?" into a standalone sentence
by string surgery gave broken Dutch and often missed the point. Here the user's own words stay
the question, and the conversation comes in beside them (stages/retrieve.py reads the signals):

- the dense query mixes the follow-up's vector with the earlier turn's;
- the salient words of earlier questions and of the sentences the previous answer quoted are
  added to BM25 at a lower weight;
- passages of the same section (a "more" follow-up: the passage after it too) or document as
  the previous answer get a locality prior when the follow-up leans on it.

A follow-up that brings its own subject ("Ander onderwerp: …", or a full question without a
pronoun or ellipsis) is a change of topic: no context at all, so it is answered as if asked
alone. What was added is shown as labels ("met context: Knock and talk, Utrecht"), taken from
the earlier questions' own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.stages.followup import CONNECTIVES, _tokens, is_follow_up, topic_phrases
from assistant.types import EarlierTurn, FollowupSignals
from foundation.lexical import QUESTION_WORDS, content_terms, stem, words

TermWeight = Callable[[str], float]

# An explicit change of topic: what follows is a question of its own.
TOPIC_CHANGE = re.compile(
    r"^\s*(?:ander(?:e)?\s+(?:onderwerp|vraag)|iets\s+(?:heel\s+|totaal\s+)?anders|"
    r"los\s+daarvan|nieuwe\s+vraag|over\s+iets\s+anders|nog\s+iets\s+anders)\b[\s:.,;!?–-]*",
    re.IGNORECASE,
)
# "Vertel meer", "Kun je daar meer over vertellen?", "Hoe ging dat verder?": the same
# passage, further on.
MORE = re.compile(
    r"\b(?:vertel\s+(?:eens\s+|nog\s+|me\s+)?meer|meer\s+(?:\w+\s+){0,2}vertellen|meer\s+weten|"
    r"(?:ging|gaat|liep|loopt)\s+(?:dat|het|die)(?:\s+\w+)?\s+verder|en\s+verder\b|"
    r"uitgebreider|precies\s+in\b)",
    re.IGNORECASE,
)
PERSONAL = frozenset({"hij", "zij", "ze", "haar", "hem", "hun", "hen"})
DEMONSTRATIVE = frozenset({"die", "deze", "dat", "dit"})
SUCH = frozenset({"zo'n", "zo’n", "zulke", "zulk"})
PREPOSITIONS = frozenset(
    "aan bij in met van voor op over uit door naar tegen onder tussen binnen".split()
)
# Past this many content words of its own, a question with only a loose "die"/"dat" is
# taken to stand on its own ("Hoe zorg je dat jongeren niet in de criminaliteit belanden?").
OWN_WORDS_STANDALONE = 4
# Words a label may end after ("de rol van de burgemeester").
LABEL_GLUE = frozenset({"de", "het", "een", "van", "der", "den", "and", "en", "&"})
# Salient words taken from the previous answer's quoted sentences.
QUOTE_TERMS = 6


@dataclass(frozen=True)
class Lean:
    """How a question leans on the previous turn: kind None means it stands on its own."""

    kind: str | None
    text: str  # the question without a topic-change marker


def strip_topic_marker(text: str) -> str:
    """ "Ander onderwerp: wat is OLJA?" -> "wat is OLJA?" (only when something remains)."""
    rest = TOPIC_CHANGE.sub("", text, count=1).strip()
    return rest[:1].upper() + rest[1:] if rest else text


def _own_words(text: str) -> list[str]:
    return content_terms(text, drop_question_words=True)


def _has_demonstrative_reference(text: str) -> bool:
    """A pronoun or demonstrative that points back: "hij", "zo'n werkwijze", "in die aanpak",
    "dat overleg?", or a loose "die"/"dat" in a question with few words of its own."""
    toks = [t.low for t in _tokens(text)]
    if any(t in PERSONAL or t in SUCH for t in toks):
        return True
    for i, tok in enumerate(toks):
        if tok not in DEMONSTRATIVE:
            continue
        if i > 0 and toks[i - 1] in PREPOSITIONS:
            return True
        if tok in {"die", "deze"} and i + 1 < len(toks) and i + 2 >= len(toks):
            return True  # "… regelt die organisatie?"
        if tok in {"dat", "dit"} and i + 2 >= len(toks):
            return True  # "Wie regelt dat overleg?", "Is dat zo?"
    has_loose = any(t in DEMONSTRATIVE for t in toks[1:])
    return has_loose and len(_own_words(text)) < OWN_WORDS_STANDALONE


def lean_of(text: str, has_history: bool) -> Lean:
    """Whether and how a question leans on the turn before it."""
    if not has_history:
        return Lean(None, text)
    if TOPIC_CHANGE.match(text):
        return Lean(None, strip_topic_marker(text))
    if MORE.search(text):
        return Lean("more", text)
    toks = _tokens(text)
    starts_with_connective = bool(toks) and toks[0].low in CONNECTIVES
    no_question_word = not any(t.low in QUESTION_WORDS for t in toks)
    if starts_with_connective and no_question_word and (_own_words(text) or _names(text)):
        return Lean("swap", text)  # "En in Glanerbrug?", "En het OM?"
    if is_follow_up(text) or _has_demonstrative_reference(text):
        return Lean("lean", text)
    return Lean(None, text)


def _names(text: str) -> set[str]:
    """Folded capitalised words after the first, stemmed: places, organisations, projects
    (a stop-word look-alike such as "OM" counts: it is a name here)."""
    names: set[str] = set()
    for tok in _tokens(text)[1:]:
        if tok.text[:1].isupper():
            names.update(stem(w) for w in words(tok.text))
    return names


def _first_name(text: str) -> set[str]:
    """Stems of the first run of capitalised words after the first word: the one name a new
    name replaces ("Nijmegen" in "Wat doet Nijmegen binnen de City Deal?"; the City Deal
    stays what is asked about)."""
    run: list[str] = []
    for tok in _tokens(text)[1:]:
        if tok.text[:1].isupper():
            run.append(tok.text)
        elif run:
            break
    return {stem(w) for t in run for w in words(t)}


def _replaced(previous: EarlierTurn, text: str, own_names: set[str]) -> set[str]:
    """Stems the new subject of "En het OM?" / "En in Glanerbrug?" takes the place of: the
    earlier question's subject (its first topic phrase) and, when the follow-up names
    something, the earlier question's first name; after a preposition ("En in …", "En
    bij …") only the names, since the same thing is asked about another place. "Hoe is de
    politie in Nederland georganiseerd?" + "En het OM?" keeps "georganiseerd", drops
    "politie" and "Nederland"."""
    names = _first_name(previous.query) - own_names if own_names else set()
    toks = _tokens(text)
    if len(toks) > 1 and toks[1].low in PREPOSITIONS:
        return names - set(_own_words(text))  # "En in Rotterdam?": only the place moves
    phrases = topic_phrases(previous.query, text)
    subject = set(content_terms(phrases[0])) if phrases else set()
    return (subject | names) - set(_own_words(text))


def _without(query: str, dropped: set[str]) -> str:
    """The earlier query without the words of a replaced subject (only embedded for the
    dense mix, never shown)."""
    if not dropped:
        return query
    kept = [t.text for t in _tokens(query) if not (set(content_terms(t.text)) & dropped)]
    return " ".join(kept)


def _quote_terms(turn: EarlierTurn, idf: TermWeight, skip: set[str]) -> list[str]:
    """The rarest words of the sentences the previous answer quoted (its first citation):
    what the conversation is about in the documents' own words."""
    if not turn.citations:
        return []
    terms = set(content_terms(turn.citations[0].quote, drop_question_words=True)) - skip
    return sorted(terms, key=lambda t: (-idf(t), t))[:QUOTE_TERMS]


_LABEL_ARTICLES = frozenset({"de", "het", "een"})


def _trim_label(phrase: str) -> str:
    """ "de heroïnehandel in Glanerbrug terecht" -> "de heroïnehandel in Glanerbrug", "pakte
    Veilig Buitengebied" -> "Veilig Buitengebied": a label is a noun phrase, without a loose
    verb or adverb the run of content words took along at either end."""
    toks = _tokens(phrase)
    while len(toks) > 1 and toks[-1].text[:1].islower() and toks[-2].low not in LABEL_GLUE:
        toks.pop()
    while len(toks) > 1 and toks[0].text[:1].islower() and toks[0].low not in LABEL_GLUE:
        if toks[1].low in LABEL_GLUE and toks[1].low not in _LABEL_ARTICLES:
            break  # "knock and talk": the first word belongs to the name, not "and talk"
        toks.pop(0)
    return phrase[toks[0].start : toks[-1].end] if toks else phrase


def _is_label(phrase: str) -> bool:
    """A noun phrase worth showing: a name, or words with an article ("de wijkaanpak"); a
    lone "lang" or "team" says nothing to the reader."""
    toks = _tokens(phrase)
    return bool(toks) and (
        any(t.text[:1].isupper() for t in toks) or (len(toks) > 1 and toks[0].low in LABEL_GLUE)
    )


def _labels(previous: EarlierTurn, text: str, dropped: set[str]) -> tuple[str, ...]:
    """What the user is shown as added: the earlier question's own noun phrases (minus any
    with a name the follow-up replaced); else that earlier turn's own context; else the
    earlier question itself, quoted."""
    phrases = [
        label
        for label in (_trim_label(p) for p in topic_phrases(previous.query, text))
        if _is_label(label) and not (set(content_terms(label)) & dropped)
    ]
    if phrases:
        return tuple(dict.fromkeys(phrases))
    if previous.context and not dropped:
        return previous.context
    earlier = f"vorige vraag ‘{previous.question.rstrip()}’"
    subject = topic_phrases(previous.query, "")[:1] if dropped else []
    return (earlier, f"zonder ‘{_trim_label(subject[0])}’") if subject else (earlier,)


def context_of(
    text: str, lean: Lean, earlier: Sequence[EarlierTurn], idf: TermWeight
) -> tuple[tuple[str, ...], tuple[str, ...], FollowupSignals | None]:
    """(labels shown to the user, words added to the search text, retrieval signals) for a
    question after earlier turns."""
    if lean.kind is None or not earlier:
        return (), (), None
    previous = earlier[-1]
    own = set(_own_words(text))
    own_names = _names(text)
    dropped: set[str] = set()
    if lean.kind == "swap":
        dropped = _replaced(previous, text, own_names)
    asked = [
        t
        for t in dict.fromkeys(content_terms(previous.query, drop_question_words=True))
        if t not in own and t not in dropped
    ]
    carried = tuple(
        dict.fromkeys(
            t.text
            for t in _tokens(previous.query)
            if any(stem(w) in asked for w in words(t.text) if content_terms(w))
        )
    )
    terms = list(asked)
    if lean.kind != "swap":
        terms += [t for t in _quote_terms(previous, idf, own | set(terms)) if t not in dropped]
    cited = previous.citations[:1]
    near_sections = tuple((c.doc_id, c.section) for c in cited) if lean.kind != "swap" else ()
    signals = FollowupSignals(
        kind=lean.kind,
        previous=_without(previous.query, dropped),
        terms=tuple(terms),
        near_sections=near_sections,
        near_docs=tuple(dict.fromkeys(c.doc_id for c in cited)),
        next_chunks=tuple(c.chunk_id for c in cited if c.chunk_id) if lean.kind == "more" else (),
    )
    return _labels(previous, text, dropped), carried, signals


def search_text(text: str, carried: Sequence[str]) -> str:
    """What the reranker and the answer's scoring read for a follow-up: the user's words and
    the earlier question's words it carries, as a bag of words (never shown)."""
    return f"{text} ({' '.join(carried)})" if carried else text
