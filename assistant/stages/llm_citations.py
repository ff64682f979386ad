"""Checking what a chat model cited, after it answered.

A model can cite a passage it was never given or cite nothing at all; staff paste answers
into memos, so markers to unknown passages are removed and reported, an answer without any
valid citation is flagged, and every kept citation gets the passage sentence(s) that support
the sentence citing it. Citations are renumbered 1..m in order of first appearance, text and
sources together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import ABSTAIN_TEXT, QUOTE_GAP, Answer, Citation, Passage
from foundation.lexical import content_terms
from foundation.sentences import sentence_spans

NO_CITATION_NOTICE = (
    "Let op: dit antwoord verwijst naar geen enkele bron; controleer het in de documenten "
    "voordat u het gebruikt."
)

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


def _numbers(group: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", group)]


def clean_markers(text: str, given: int) -> tuple[str, list[int], list[int]]:
    """(text with only valid markers, valid numbers in order of first use, removed numbers).

    Handles [1], [1, 2] and [1][2]; a marker to a passage that was not given is dropped.
    """
    valid_order: list[int] = []
    removed: list[int] = []

    def repl(m: re.Match[str]) -> str:
        keep = []
        for n in _numbers(m.group(1)):
            if 1 <= n <= given:
                keep.append(n)
                if n not in valid_order:
                    valid_order.append(n)
            elif n not in removed:
                removed.append(n)
        keep = list(dict.fromkeys(keep))
        return f"[{', '.join(map(str, keep))}]" if keep else ""

    out = _MARKER.sub(repl, text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)  # "woord [7]." -> "woord."
    out = re.sub(r"[ \t]{2,}", " ", out)
    return out.strip(), valid_order, removed


def renumber(text: str, order: list[int]) -> str:
    """Old passage numbers -> 1..m in order of first appearance."""
    new = {old: i for i, old in enumerate(order, start=1)}

    def repl(m: re.Match[str]) -> str:
        return "[" + ", ".join(str(new[n]) for n in _numbers(m.group(1)) if n in new) + "]"

    return _MARKER.sub(repl, text)


def _claims(text: str) -> list[tuple[str, set[int]]]:
    """Answer sentences (or list lines) with the passage numbers each one cites."""
    out = []
    for part in re.split(r"(?<=[.!?])\s+|\n+", text):
        nums = {n for g in _MARKER.findall(part) for n in _numbers(g)}
        if nums:
            out.append((_MARKER.sub("", part), nums))
    return out


def supporting_quote(passage_text: str, claims: Sequence[str]) -> str:
    """For each claim the passage sentence sharing the most content words with it, as exact
    passage text in document order (gaps shown as an ellipsis)."""
    spans = sentence_spans(passage_text)
    if not spans:
        return passage_text.strip()
    terms = [set(content_terms(passage_text[a:b])) for a, b in spans]
    picked: set[int] = set()
    for claim in claims:
        want = set(content_terms(claim))
        best = max(range(len(spans)), key=lambda i: (len(want & terms[i]), -i))
        picked.add(best)
    runs: list[list[int]] = []
    for i in sorted(picked):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i  # neighbouring sentences quote as one stretch of text
        else:
            runs.append([i, i])
    return QUOTE_GAP.join(passage_text[spans[a][0] : spans[b][1]] for a, b in runs)


def _is_abstention(text: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[^\w]+", " ", s.lower()).strip()

    return (
        norm(text).startswith(norm(ABSTAIN_TEXT))
        and len(norm(text)) <= len(norm(ABSTAIN_TEXT)) + 40
    )


def build_answer(question: str, raw: str, passages: Sequence[Passage]) -> Answer:
    """The checked answer for the model's raw text."""
    text, order, removed = clean_markers(raw, len(passages))
    notices = [f"Verwijzing [{n}] verwijderd: die bron is niet meegegeven." for n in removed]
    if not order and _is_abstention(text):
        return Answer(
            question, ABSTAIN_TEXT, [], "llm", True, notices=notices, passages=list(passages)
        )
    text = renumber(text, order)
    claims = _claims(text)
    citations = []
    for new_n, old_n in enumerate(order, start=1):
        passage = passages[old_n - 1]
        citing = [c for c, nums in claims if new_n in nums] or [text]
        quote = supporting_quote(passage.text, citing)
        citations.append(Citation.from_passage(new_n, passage, quote))
    flagged = not citations
    if flagged:
        notices.append(NO_CITATION_NOTICE)
    return Answer(
        question=question,
        text=text,
        citations=citations,
        mode="llm",
        abstained=False,
        notices=notices,
        passages=list(passages),
        flagged=flagged,
    )
