"""Sweep the abstention threshold over a Q&A set: `python -m evals.calibrate_abstention`.

Prints, per threshold, the share of `none` questions the extractive answerer would abstain
on and the share of answerable questions it would wrongly refuse, from its relevance signal on
the real index (VRAAGBAAK_HOME), so MIN_RELEVANCE can be chosen from measured figures (record
what you chose and why in evals/CALIBRATION.md). The
same figures for the two halves of the set (odd and even line numbers) show whether a
threshold read off one half holds on the other: with only a few dozen `none` questions, one
question moves the rate by several points.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.service import Assistant
from assistant.stages.answerer import ANSWER_PASSAGES, AnswerRequest
from assistant.stages.relevance import MIN_RELEVANCE
from assistant.stages.understand import understand
from evals.qa_set import load_qa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qa", default=str(Path(__file__).with_name("qa.jsonl")))
    args = parser.parse_args()
    assistant = Assistant.open()
    none: list[tuple[float, int]] = []
    answerable: list[tuple[float, int]] = []
    for line, item in enumerate(load_qa(Path(args.qa)), start=1):
        question = understand(item.question)
        found = assistant.find(question, ANSWER_PASSAGES)
        request = AnswerRequest(
            question, found.passages, found.query_vector, assistant.index.bm25.idf
        )
        signal = assistant.extractive.relevance(request)
        (answerable if item.answerable else none).append((signal, line % 2))
    n = np.array([s for s, _ in none])
    a = np.array([s for s, _ in answerable])
    n_half = [np.array([s for s, h in none if h == half]) for half in (1, 0)]
    a_half = [np.array([s for s, h in answerable if h == half]) for half in (1, 0)]
    print(f"{len(n)} none, {len(a)} answerable; current MIN_RELEVANCE = {MIN_RELEVANCE}")
    print("threshold  none abstained / answerable wrongly abstained:  all  odd lines  even lines")
    for t in np.arange(0.84, 0.9001, 0.005):
        cells = [_rates(n, a, t)] + [
            _rates(nh, ah, t) for nh, ah in zip(n_half, a_half, strict=True)
        ]
        print(f"{t:9.3f}  " + "  ".join(cells))


def _rates(none: np.ndarray, answerable: np.ndarray, threshold: float) -> str:
    abstained = np.mean(none < threshold) if len(none) else float("nan")
    wrong = np.mean(answerable < threshold) if len(answerable) else float("nan")
    return f"{abstained:.2f}/{wrong:.3f}"


if __name__ == "__main__":
    main()
