"""Gold matching: does a retrieved passage hold a gold quote?

The Q&A set locates gold text by verbatim quotes, not by chunk ids, so every figure survives a
change of chunking, cleaning or page layout (docs/ARCHITECTURE.md). The rule: lowercase, keep
only letters and digits, and a passage is gold for a quote when it contains any 40-character
window of that quote.
Dropping punctuation and whitespace makes undone hyphenation ("onder-\\nmijnende") and collapsed
line breaks invisible; the window makes a quote that straddles two chunks count for the chunk
that holds a real piece of it (40 characters is about six Dutch words: too long to match by
accident, short enough to fit in any chunk).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

WINDOW = 40


def normalize(text: str) -> str:
    """NFKC first so ligatures (ﬁ) and full-width forms compare equal to their plain letters."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


@lru_cache(maxsize=8192)
def _quote_windows(quote: str, size: int) -> frozenset[str]:
    norm = normalize(quote)
    if not norm:
        return frozenset()
    if len(norm) <= size:
        return frozenset({norm})
    return frozenset(norm[i : i + size] for i in range(len(norm) - size + 1))


def quote_windows(quote: str, size: int = WINDOW) -> set[str]:
    """A quote that normalises to nothing gets no window, so it can never match by accident."""
    return set(_quote_windows(quote, size))


@lru_cache(maxsize=4096)
def _passage_index(passage_text: str, size: int) -> tuple[str, frozenset[str]]:
    """Normalise a passage once and index its windows, so matching many quotes is a set lookup.

    Cached because the same passage comes back for many questions (search and citations).
    """
    norm = normalize(passage_text)
    windows = frozenset(norm[i : i + size] for i in range(max(len(norm) - size + 1, 0)))
    return norm, windows


def _matches(index: tuple[str, frozenset[str]], windows: frozenset[str], size: int) -> bool:
    norm, passage_windows = index
    if not windows:
        return False
    # Quotes at least `size` long have only full-size windows: a set intersection suffices.
    # A shorter quote is its own single window and needs a substring test.
    if len(next(iter(windows))) == size:
        return not passage_windows.isdisjoint(windows)
    return any(w in norm for w in windows)


def passage_matches_quote(passage_text: str, quote: str, size: int = WINDOW) -> bool:
    return _matches(_passage_index(passage_text, size), _quote_windows(quote, size), size)


def gold_quotes_hit(passage_text: str, quotes: Sequence[str], size: int = WINDOW) -> set[int]:
    """Indices (not texts) so recall can count distinct quotes even when two quotes are equal."""
    index = _passage_index(passage_text, size)
    return {i for i, q in enumerate(quotes) if _matches(index, _quote_windows(q, size), size)}


def quotes_covered(passage_texts: Iterable[str], quotes: Sequence[str]) -> set[int]:
    """Union over passages: which quotes any of them holds (recall over a ranked list)."""
    covered: set[int] = set()
    for text in passage_texts:
        covered |= gold_quotes_hit(text, quotes)
    return covered
