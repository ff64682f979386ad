"""Dutch lexical analysis shared by BM25 and sentence scoring: one tokenizer, so the index
and the answerer agree on what a word is.

PyStemmer's Snowball Dutch stemmer folds inflections ("gemeenten" ~ "gemeente");
stop words come from bm25s's Dutch list plus question words that never carry a topic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_TOKEN = re.compile(r"[^\W_]{2,}|\d+", re.UNICODE)

QUESTION_WORDS = frozenset(
    """wat welke welk wie waar wanneer waarom hoe hoeveel waarmee waardoor waarvoor
    kun kunnen kan moet moeten mag mogen zou zouden noem geef beschrijf leg uit
    vertel graag ik je jij we wij u""".split()
)
STOPWORDS = frozenset(w.lower() for w in STOPWORDS_DUTCH) | {
    "the",
    "and",
    "of",
    "ook",
    "wel",
    "nog",
    "zo",
    "dan",
    "daar",
    "hier",
    "deze",
    "dit",
    "die",
    "dat",
    "zijn",
    "worden",
    "wordt",
}

_stemmer = Stemmer.Stemmer("dutch")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lowercase and strip accents so "één" and "een", "België" and "Belgie" meet. Cached:
    the same passages are folded for every question they come back for (a tenth of a warm
    ask's time went here)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens, stop words kept (for phrase-level comparisons)."""
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def content_terms(text: str, *, drop_question_words: bool = False) -> list[str]:
    """Stemmed content words: what BM25 indexes and what lexical overlap compares."""
    stop = STOPWORDS | QUESTION_WORDS if drop_question_words else STOPWORDS
    return [stem(w) for w in words(text) if w not in stop]


def same_stem(a: str, b: str) -> bool:
    """Snowball leaves plural stems apart ("veiligheidshuis" / "veiligheidshuiz"); a long
    shared prefix that differs only in the last letter is the same word."""
    if a == b:
        return True
    short = min(len(a), len(b))
    return short >= 5 and a[: short - 1] == b[: short - 1] and abs(len(a) - len(b)) <= 2
