"""Metric functions: pure, per question or over a list, no I/O and no assistant.

Conventions, so the numbers are comparable between runs and with BEIR/MTEB-style tables:

- A ranked list is given as `ranked_hits`: for each rank (0-based list, rank = index + 1) the set of
  gold-quote indices that passage holds (see evals.gold). A passage is *relevant* when its set is
  non-empty (binary relevance).
- A metric that does not apply (no questions of that kind, no citations to judge) is None, never
  0.0: a zero would read as "as bad as it gets" and would be gated against a baseline.
- Percentiles use linear interpolation between closest ranks (numpy's default, Excel's
  PERCENTILE.INC), so p95 of a small set moves smoothly instead of jumping to the maximum.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

RankedHits = Sequence[set[int] | frozenset[int]]

# ---------------------------------------------------------------------------- retrieval


def first_hit_rank(ranked_hits: RankedHits, k: int | None = None) -> int | None:
    """1-based rank of the first passage holding any gold quote, None when none does (within k)."""
    limit = len(ranked_hits) if k is None else min(k, len(ranked_hits))
    for i in range(limit):
        if ranked_hits[i]:
            return i + 1
    return None


def hit_at_k(ranked_hits: RankedHits, k: int) -> float:
    return 1.0 if first_hit_rank(ranked_hits, k) is not None else 0.0


def reciprocal_rank(ranked_hits: RankedHits, k: int = 10) -> float:
    rank = first_hit_rank(ranked_hits, k)
    return 0.0 if rank is None else 1.0 / rank


def recall_at_k(ranked_hits: RankedHits, n_quotes: int, k: int = 10) -> float:
    """Fraction of the question's gold quotes found anywhere in the top k.

    Counted over quotes, not passages: a list question with four quotes spread over the document
    only scores 1.0 when all four pieces are retrieved.
    """
    if n_quotes <= 0:
        raise ValueError("recall needs at least one gold quote")
    found: set[int] = set()
    for hits in ranked_hits[:k]:
        found |= hits
    return len(found & set(range(n_quotes))) / n_quotes


def ndcg_at_k(ranked_hits: RankedHits, n_quotes: int, k: int = 10) -> float:
    """Binary-relevance nDCG with log2 discount.

    The ideal list is taken to hold one relevant passage per gold quote (capped at k): the quotes
    are our qrels, as in BEIR where IDCG counts the judged relevant documents. Two overlapping
    chunks can both hold the same quote, so DCG can exceed that ideal; the result is clipped to
    1.0 rather than rewarding duplicates.
    """
    if n_quotes <= 0:
        raise ValueError("nDCG needs at least one gold quote")
    dcg = sum(1.0 / math.log2(i + 2) for i, hits in enumerate(ranked_hits[:k]) if hits)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(n_quotes, k)))
    return min(dcg / idcg, 1.0)


# ---------------------------------------------------------------------------- abstention


def abstention_accuracy(abstained_on_none: Sequence[bool]) -> float | None:
    """Fraction of unanswerable (`none`) questions where the assistant rightly abstained."""
    return mean([1.0 if a else 0.0 for a in abstained_on_none])


def false_abstention_rate(abstained_on_answerable: Sequence[bool]) -> float | None:
    """Fraction of answerable questions the assistant refused: lower is better."""
    return mean([1.0 if a else 0.0 for a in abstained_on_answerable])


# ---------------------------------------------------------------------------- citations


def citation_precision_micro(cited_gold: Sequence[Sequence[bool]]) -> float | None:
    """All citations pooled: cited passages holding a gold quote / all citations.

    `cited_gold` has one list per answer (answerable, not abstained), one bool per citation.
    Micro-averaging weights an answer by how much it cites, so a run that sprays citations pays.
    """
    total = sum(len(c) for c in cited_gold)
    if total == 0:
        return None
    return sum(sum(1 for ok in c if ok) for c in cited_gold) / total


def citation_precision_macro(cited_gold: Sequence[Sequence[bool]]) -> float | None:
    """Mean of per-answer precision; answers without citations have no precision and are skipped
    (they show up in citation recall and in the uncited-answer count instead)."""
    return mean([sum(1 for ok in c if ok) / len(c) for c in cited_gold if c])


def citation_recall(quotes_covered: Sequence[set[int]], n_quotes: Sequence[int]) -> float | None:
    """Mean over answers of the fraction of gold quotes that the cited passages hold.

    An answer with no citations covers nothing and scores 0.0: an uncited answer cannot be checked.
    """
    if len(quotes_covered) != len(n_quotes):
        raise ValueError("one covered set per answer")
    per_answer = [
        len(cov & set(range(n))) / n for cov, n in zip(quotes_covered, n_quotes, strict=True) if n
    ]
    return mean(per_answer)


# ---------------------------------------------------------------------------- risk and coverage

COVERAGE_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)


def risk_coverage(
    confidence: Sequence[float | None],
    right: Sequence[bool],
    levels: Sequence[float] = COVERAGE_LEVELS,
) -> list[dict[str, float]]:
    """For each coverage level: answer only the most confident share of the questions; how
    many of those answers are right? One row per level: coverage, the confidence the cut lies
    at, and the share right. Questions without a confidence (an LLM answer) are left out.

    This is how an abstention threshold trades answered questions against wrong answers: the
    rows above the answerer's own threshold say what refusing more would buy.
    """
    if len(confidence) != len(right):
        raise ValueError("one right/wrong per confidence")
    pairs = sorted(
        ((c, r) for c, r in zip(confidence, right, strict=True) if c is not None),
        key=lambda p: -p[0],
    )
    rows = []
    for level in levels:
        n = max(1, round(level * len(pairs))) if pairs else 0
        if n == 0:
            continue
        kept = pairs[:n]
        rows.append(
            {
                "coverage": n / len(pairs),
                "confidence_at_least": kept[-1][0],
                "right": sum(1 for _, r in kept if r) / n,
            }
        )
    return rows


# ---------------------------------------------------------------------------- answer text

_MARKER = re.compile(r"\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]")
_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Citation markers like [1] or [1, 2] are stripped first: they are not words the reference
    could contain, and counting them would reward or punish citing in the text-overlap scores."""
    text = _MARKER.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return _WORD.findall(text)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style bag-of-tokens F1. Two empty texts agree (1.0); one empty text scores 0.0."""
    pred, ref = tokenize(prediction), tokenize(reference)
    if not pred or not ref:
        return 1.0 if not pred and not ref else 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 (beta = 1, as rouge-score reports `fmeasure`) on the same tokens as token_f1."""
    pred, ref = tokenize(prediction), tokenize(reference)
    if not pred or not ref:
        return 1.0 if not pred and not ref else 0.0
    lcs = _lcs_length(pred, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------------------- latency & helpers


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy `linear`); q in [0, 100]."""
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float | None:
    data = list(values)
    return sum(data) / len(data) if data else None
