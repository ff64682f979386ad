"""Sweep the abstention threshold over a Q&A set: `python -m evals.calibrate_abstention`.

Prints, per threshold, the share of `none` questions the extractive answerer would abstain
on and the share of answerable questions it would wrongly refuse, from relevance_signal() on
the real index (VRAAGBAAK_HOME), so MIN_RELEVANCE can be chosen from measured figures.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.extractive import MIN_RELEVANCE, relevance_signal
from assistant.retrieval import retrieve
from assistant.service import ANSWER_PASSAGES, Assistant
from evals.runner import load_qa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qa", default=str(Path(__file__).with_name("qa.jsonl")))
    args = parser.parse_args()
    assistant = Assistant.open()
    none, answerable = [], []
    for item in load_qa(Path(args.qa)):
        found = retrieve(assistant.index, item.question, k=ANSWER_PASSAGES)
        signal = relevance_signal(
            item.question,
            found.passages,
            assistant.index.embeddings,
            query_vector=found.query_vector,
        )
        (answerable if item.answerable else none).append(signal)
    n, a = np.array(none), np.array(answerable)
    print(f"{len(n)} none, {len(a)} answerable; current MIN_RELEVANCE = {MIN_RELEVANCE}")
    print("threshold  none abstained  answerable wrongly abstained")
    for t in np.arange(0.85, 0.9001, 0.005):
        print(f"{t:9.3f}  {np.mean(n < t):14.3f}  {np.mean(a < t):28.3f}")


if __name__ == "__main__":
    main()
