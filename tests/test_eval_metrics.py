"""Gold matching, every metric on hand-made cases with answers worked out by hand, and the gate."""

from __future__ import annotations

import math

import pytest

from evals import metrics as m
from evals.compare import DEFAULT_TOLERANCES, compare, format_comparison
from evals.gold import (
    gold_quotes_hit,
    normalize,
    passage_matches_quote,
    quote_windows,
    quotes_covered,
)

# ---------------------------------------------------------------------------- gold matching

QUOTE = "Bij deze vorm van criminaliteit gaat het om kleinere en grotere misdaden"


def test_normalize_keeps_letters_and_digits_only() -> None:
    assert normalize("Artikel 7.2.4 — ‘Zorg & Veiligheid’!") == "artikel724zorgveiligheid"


def test_normalize_applies_nfkc_before_lowercasing() -> None:
    assert normalize("ﬁnanciële ＡＢＣ") == "financiëleabc"  # ligature and full-width letters


def test_quote_windows_are_all_40_char_slices() -> None:
    norm = normalize(QUOTE)
    windows = quote_windows(QUOTE)
    assert len(windows) == len(norm) - 40 + 1
    assert all(len(w) == 40 for w in windows)
    assert norm[:40] in windows and norm[-40:] in windows


def test_short_quote_is_its_own_window() -> None:
    assert quote_windows("Zorg- en veiligheidshuis") == {"zorgenveiligheidshuis"}


def test_quote_without_letters_has_no_windows_and_never_matches() -> None:
    assert quote_windows(" -- … ") == set()
    assert not passage_matches_quote("anything at all", " -- ")


def test_line_break_hyphen_in_source_matches_joined_word() -> None:
    source = "te maken te hebben: ‘onder-\nmijnende criminaliteit’ of ‘ondermijning’. Bij deze"
    quote = "te maken te hebben: ‘ondermijnende criminaliteit’ of ‘ondermijning’"
    assert passage_matches_quote(source, quote)
    assert passage_matches_quote(
        quote, "hebben ‘onder-\nmijnende criminaliteit’ of ‘onder-\nmijning"
    )


def test_matching_ignores_case_whitespace_and_punctuation() -> None:
    passage = (
        "Inleiding.\n\nBIJ DEZE VORM   van criminaliteit, gaat het om kleinere en grotere misdaden."
    )
    assert passage_matches_quote(passage, QUOTE)


def test_quote_split_across_chunks_matches_only_where_a_full_window_lies() -> None:
    norm_len = len(normalize(QUOTE))
    # Cut so that each chunk holds fewer than 40 normalised characters of the quote.
    cut = QUOTE.index("gaat")  # "bijdezevormvancriminaliteit" = 27 chars before the cut
    first, second = "Voorafgaande tekst. " + QUOTE[:cut], QUOTE[cut:] + " En verder."
    assert len(normalize(QUOTE[:cut])) < 40 and len(normalize(QUOTE[cut:])) < 40
    assert norm_len >= 40
    assert not passage_matches_quote(first, QUOTE)
    assert not passage_matches_quote(second, QUOTE)
    # A chunk holding 40+ characters of the quote does count, whichever end it has.
    longer_cut = QUOTE.index("grotere")  # 46 normalised characters
    assert passage_matches_quote(QUOTE[:longer_cut], QUOTE)
    assert passage_matches_quote("begin " + QUOTE[cut - 15 :], QUOTE)


def test_one_character_off_window_does_not_match() -> None:
    almost = QUOTE.replace("kleinere", "kleinerx")
    # Only 40-char windows without the changed letter may match; build a passage with none.
    assert not passage_matches_quote(normalize(almost)[20:59], QUOTE)


def test_gold_quotes_hit_returns_indices_of_matched_quotes() -> None:
    passage = "De gemeente voert de regie op het zorg- en veiligheidshuis. " + QUOTE
    quotes = [
        "volstrekt andere tekst die nergens in de passage voorkomt, echt niet",
        QUOTE,
        "de gemeente voert de regie op het zorg- en veiligheidshuis",
    ]
    assert gold_quotes_hit(passage, quotes) == {1, 2}
    assert gold_quotes_hit(passage, []) == set()
    assert quotes_covered(["niets", passage], quotes) == {1, 2}


# ---------------------------------------------------------------------------- retrieval

NO_HIT = [set(), set(), set()]
RANK1 = [{0}, set(), set()]
RANK3 = [set(), set(), {0}]


def test_first_hit_rank() -> None:
    assert m.first_hit_rank(NO_HIT) is None
    assert m.first_hit_rank(RANK1) == 1
    assert m.first_hit_rank(RANK3) == 3
    assert m.first_hit_rank(RANK3, k=2) is None
    assert m.first_hit_rank([]) is None


@pytest.mark.parametrize(
    ("hits", "expected"),
    [
        (NO_HIT, {1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0}),
        (RANK1, {1: 1.0, 3: 1.0, 5: 1.0, 10: 1.0}),
        (RANK3, {1: 0.0, 3: 1.0, 5: 1.0, 10: 1.0}),
        ([set()] * 7 + [{0}], {1: 0.0, 3: 0.0, 5: 0.0, 10: 1.0}),
        ([set()] * 10 + [{0}], {1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0}),  # rank 11 is outside
    ],
)
def test_hit_at_k(hits: list[set[int]], expected: dict[int, float]) -> None:
    assert {k: m.hit_at_k(hits, k) for k in expected} == expected


def test_reciprocal_rank() -> None:
    assert m.reciprocal_rank(NO_HIT) == 0.0
    assert m.reciprocal_rank(RANK1) == 1.0
    assert m.reciprocal_rank(RANK3) == pytest.approx(1 / 3)
    assert m.reciprocal_rank([set()] * 10 + [{0}]) == 0.0


def test_recall_counts_distinct_quotes_across_passages() -> None:
    hits = [{0}, {0}, set(), {2}]  # quote 1 of three never retrieved
    assert m.recall_at_k(hits, 3) == pytest.approx(2 / 3)
    assert m.recall_at_k(hits, 3, k=2) == pytest.approx(1 / 3)
    assert m.recall_at_k(NO_HIT, 2) == 0.0
    assert m.recall_at_k([{0, 1}], 2) == 1.0  # one passage may hold several quotes
    with pytest.raises(ValueError):
        m.recall_at_k(RANK1, 0)


def test_ndcg_binary_relevance_against_quote_count() -> None:
    assert m.ndcg_at_k(RANK1, 1) == 1.0
    assert m.ndcg_at_k(NO_HIT, 1) == 0.0
    assert m.ndcg_at_k(RANK3, 1) == pytest.approx(1 / math.log2(4))  # 0.5
    # Two quotes, gold at ranks 1 and 3: (1 + 1/log2 4) / (1 + 1/log2 3)
    expected = (1 + 0.5) / (1 + 1 / math.log2(3))
    assert m.ndcg_at_k([{0}, set(), {1}], 2) == pytest.approx(expected)
    # Duplicate gold chunks for one quote are clipped at 1.0, not rewarded beyond ideal.
    assert m.ndcg_at_k([{0}, {0}, {0}], 1) == 1.0
    # The ideal is capped at k: 12 quotes, all top-10 relevant is perfect.
    assert m.ndcg_at_k([{i} for i in range(10)], 12) == pytest.approx(1.0)


# ---------------------------------------------------------------------------- abstention


def test_abstention_metrics() -> None:
    assert m.abstention_accuracy([True, True, False, True]) == 0.75
    assert m.abstention_accuracy([True, True]) == 1.0  # all abstained
    assert m.abstention_accuracy([]) is None  # no `none` questions: not applicable, not 0
    assert m.false_abstention_rate([False, False, True, False]) == 0.25
    assert m.false_abstention_rate([True, True]) == 1.0
    assert m.false_abstention_rate([]) is None


# ---------------------------------------------------------------------------- citations


def test_citation_precision_micro_and_macro() -> None:
    cited = [[True, False], [True, True, True, True], []]
    assert m.citation_precision_micro(cited) == pytest.approx(5 / 6)
    assert m.citation_precision_macro(cited) == pytest.approx((0.5 + 1.0) / 2)  # [] skipped
    assert m.citation_precision_micro([[], []]) is None
    assert m.citation_precision_macro([]) is None
    assert m.citation_precision_micro([[False]]) == 0.0


def test_citation_recall() -> None:
    assert m.citation_recall([{0, 1}, {0}, set()], [2, 4, 1]) == pytest.approx((1 + 0.25 + 0) / 3)
    assert m.citation_recall([{0, 5}], [2]) == 0.5  # out-of-range indices are ignored
    assert m.citation_recall([], []) is None


# ---------------------------------------------------------------------------- answer text


def test_tokenize_strips_markers_and_normalises() -> None:
    assert m.tokenize("De Gemeente [1] regisseert [2, 3]; ﬁnanciën.") == [
        "de",
        "gemeente",
        "regisseert",
        "financiën",
    ]


def test_token_f1() -> None:
    assert m.token_f1("de gemeente voert de regie", "de gemeente voert de regie") == 1.0
    # pred: a b c d; ref: a b e -> common 2, P 2/4, R 2/3, F1 = 4/7
    assert m.token_f1("a b c d", "a b e") == pytest.approx(4 / 7)
    assert m.token_f1("", "de gemeente") == 0.0  # empty answer
    assert m.token_f1("", "") == 1.0
    assert m.token_f1("x y", "a b") == 0.0
    assert m.token_f1("de gemeente [1]", "De gemeente.") == 1.0  # markers do not count


def test_rouge_l() -> None:
    # LCS of "a b c d" and "a c d e" is "a c d" (3): P 3/4, R 3/4, F 3/4
    assert m.rouge_l("a b c d", "a c d e") == pytest.approx(0.75)
    # order matters for ROUGE-L, not for F1
    assert m.token_f1("c b a", "a b c") == 1.0
    assert m.rouge_l("c b a", "a b c") == pytest.approx(1 / 3)
    assert m.rouge_l("", "a") == 0.0
    assert m.rouge_l("", "") == 1.0
    assert m.rouge_l("x", "a b") == 0.0


# ---------------------------------------------------------------------------- latency


def test_percentile_linear_interpolation() -> None:
    assert m.percentile([10.0], 95) == 10.0
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile([4, 1, 3, 2], 0) == 1
    assert m.percentile([1, 2, 3, 4], 100) == 4
    # (n-1)*0.95 = 18.05 -> between 19 and 20: 19.05
    assert m.percentile(list(range(1, 21)), 95) == pytest.approx(19.05)
    assert m.percentile([], 50) is None
    with pytest.raises(ValueError):
        m.percentile([1], 101)


# ---------------------------------------------------------------------------- gate

BASE = {
    "hit@5": 0.80,
    "mrr@10": 0.60,
    "recall@10": 0.70,
    "citation_precision": 0.90,
    "abstention_accuracy": 0.80,
    "false_abstention_rate": 0.05,
    "search_p50_ms": 20.0,
    "n_questions": 100,
}


def _with(**changes: float) -> dict[str, float]:
    return {**BASE, **{k.replace("_at_", "@"): v for k, v in changes.items()}}


def test_gate_passes_on_identical_runs_and_within_tolerance() -> None:
    assert not compare(BASE, BASE).failed
    within = _with(hit_at_5=0.785, mrr_at_10=0.58, false_abstention_rate=0.08)
    c = compare({"metrics": within}, {"metrics": BASE})
    assert not c.failed, format_comparison(c)


def test_gate_fails_on_drop_past_tolerance() -> None:
    c = compare(_with(hit_at_5=0.77), BASE)
    assert c.failed
    assert [r.name for r in c.regressions] == ["hit@5"]
    assert "GATE FAILED" in format_comparison(c)


def test_gate_higher_is_worse_metric() -> None:
    assert compare(_with(false_abstention_rate=0.09), BASE).failed  # +0.04 > +0.03
    assert not compare(_with(false_abstention_rate=0.0), BASE).failed  # improvement
    improved = {r.name: r for r in compare(_with(false_abstention_rate=0.0), BASE).rows}
    assert improved["false_abstention_rate"].status == "improved"


def test_gate_does_not_fail_on_improvement_or_latency() -> None:
    c = compare(_with(hit_at_5=0.95, search_p50_ms=900.0), BASE)
    assert not c.failed
    assert any("latency is reported but not gated" in n for n in c.notes)
    latency = next(r for r in c.rows if r.name == "search_p50_ms")
    assert latency.delta == pytest.approx(880.0) and not latency.gated


def test_gate_fails_when_a_gated_metric_disappears() -> None:
    current = {k: v for k, v in BASE.items() if k != "abstention_accuracy"}
    c = compare(current, BASE)
    assert c.failed and c.regressions[0].status == "missing"


def test_gate_tolerances_are_configurable_and_exact_boundary_passes() -> None:
    assert DEFAULT_TOLERANCES["hit@5"] == 0.02
    assert not compare(_with(hit_at_5=0.78), BASE).failed  # exactly -0.02
    assert compare(_with(hit_at_5=0.79), BASE, {"hit@5": 0.005}).failed


def test_format_comparison_lists_every_metric() -> None:
    text = format_comparison(compare(_with(hit_at_5=0.70), BASE))
    for name in BASE:
        assert name in text
    assert "-0.100" in text and "not gated" in text


# ---------------------------------------------------------------------------- risk and coverage


def test_risk_coverage_answers_the_most_confident_first() -> None:
    confidence = [0.9, 0.8, 0.7, 0.6, None]
    right = [True, True, False, False, True]  # the LLM answer (None) is left out
    rows = m.risk_coverage(confidence, right, levels=(0.5, 1.0))
    assert rows == [
        {"coverage": 0.5, "confidence_at_least": 0.8, "right": 1.0},
        {"coverage": 1.0, "confidence_at_least": 0.6, "right": 0.5},
    ]


def test_risk_coverage_of_nothing_is_empty_and_lengths_must_agree() -> None:
    assert m.risk_coverage([], []) == []
    with pytest.raises(ValueError):
        m.risk_coverage([0.5], [])
