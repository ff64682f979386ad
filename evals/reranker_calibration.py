"""What depends on the reranker, calibrated on how rerankers that had not seen a question read
it: the abstention model (stages/abstention.py) and the score gap below which an answer shows
"Ook relevant" alternatives (stages/alternatives.py).

A model is surer of its own training questions than it will be of new ones, so each training
question is read by a reranker trained on the other inner half (out_of_fold_readings); the
calibration then sees what new questions will look like.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.service import Assistant
from assistant.stages.abstention import LearnedAbstention, learned_inputs
from assistant.stages.answerer import ANSWER_PASSAGES, AnswerRequest
from assistant.stages.understand import understand
from evals.gold import gold_quotes_hit
from evals.qa_set import QAItem
from evals.reranker_data import Examples, fit, inner_half, reranker_from, subset

# Share of answerable training questions the abstention threshold may refuse. Below the 0.05
# target, because a threshold read off one set refuses a little more on questions it has not
# seen (both halves of `vraagbaak eval --held-out` show by how much).
FALSE_ABSTENTION_BUDGET = 0.03


# The share of answers, least sure first by the gap between the reranker's first two scores,
# that show "Ook relevant" alternatives (stages/alternatives.py). A share rather than a score
# gap, because the scale of LambdaMART scores moves with the training data.
UNSURE_SHARE = 0.25
# Inverse regularisation of the abstention model: 48 inputs and about a hundred `none`
# questions call for a strong prior towards small weights.
ABSTENTION_C = 0.1


@dataclass(frozen=True)
class Reading:
    """How a reranker that had not seen the question read it: the abstention model's inputs,
    whether the question is answerable, the gap between the first two scores and whether the
    first passage is gold (None for a `none` question)."""

    item: QAItem
    inputs: list[float]
    gap: float
    first_right: bool | None


def read(
    assistant: Assistant,
    items: Sequence[QAItem],
    progress: Callable[[int, int], None] | None = None,
) -> list[Reading]:
    """What assistant's reranker and evidence make of each question (conversation turns are
    answered from their conversation, not alone, and are left out)."""
    index = assistant.current_index()
    out = []
    for n, item in enumerate(items, start=1):
        if progress is not None:
            progress(n, len(items))
        if item.conversation:
            continue
        question = understand(item.question)
        found = assistant.find(question, ANSWER_PASSAGES, index=index)
        request = AnswerRequest(question, found.passages, found.query_vector, index.bm25.idf)
        evidence = assistant.extractive.evidence(request)
        inputs = learned_inputs(question, evidence, found.passages, index.bm25.idf)
        passages = found.passages
        gap = passages[0].score - passages[1].score if len(passages) > 1 else float("inf")
        first_right = (
            bool(gold_quotes_hit(passages[0].text, item.quotes))
            if item.answerable and passages
            else None
        )
        out.append(Reading(item, inputs, gap, first_right))
    return out


def out_of_fold_readings(
    base: Assistant, training: Examples, items: Sequence[QAItem]
) -> list[Reading]:
    """Each item read by a reranker trained on the other inner half of the training groups:
    a model is surer of its own training questions than it will be of new ones, and the
    calibration must see the latter."""
    readings: list[Reading] = []
    for half in (0, 1):
        train = subset(training, lambda item: inner_half(item) != half)  # noqa: B023
        if not train.groups:
            continue
        assistant = Assistant(base.current_index(), reranker_from(fit(train)))
        readings += read(assistant, [i for i in items if inner_half(i) == half])
    return readings


def unsure_margin(readings: Sequence[Reading]) -> dict[str, float]:
    """The gap below which UNSURE_SHARE of the answerable questions fall, and how often the
    first passage is right below and above it."""
    pairs = sorted((r.gap, bool(r.first_right)) for r in readings if r.first_right is not None)
    if not pairs:
        return {"unsure_margin": 0.0, "unsure_share": UNSURE_SHARE}
    cut = max(1, int(UNSURE_SHARE * len(pairs)))
    margin = (pairs[cut - 1][0] + pairs[min(cut, len(pairs) - 1)][0]) / 2
    below = [right for gap, right in pairs if gap < margin]
    above = [right for gap, right in pairs if gap >= margin]
    return {
        "unsure_margin": float(margin),
        "unsure_share": UNSURE_SHARE,
        "first_right_below": float(np.mean(below)) if below else float("nan"),
        "first_right_above": float(np.mean(above)) if above else float("nan"),
    }


def fit_abstention(
    readings: Sequence[Reading], budget: float = FALSE_ABSTENTION_BUDGET
) -> LearnedAbstention:
    """A logistic regression (scikit-learn) of "answerable" on the inputs, and the highest
    threshold on its probability that refuses at most `budget` of the answerable questions."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.asarray([r.inputs for r in readings], dtype=np.float64)
    y = np.asarray([int(r.item.answerable) for r in readings])
    if len(set(y.tolist())) < 2:
        raise ValueError("abstention needs answerable and `none` questions to learn from")
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=ABSTENTION_C, class_weight="balanced", max_iter=5000)
    model.fit(scaler.transform(x), y)
    probability = model.predict_proba(scaler.transform(x))[:, 1]
    answerable = np.sort(probability[y == 1])
    threshold = float(answerable[min(int(budget * len(answerable) + 1e-9), len(answerable) - 1)])
    return LearnedAbstention(
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) or 1.0 for v in scaler.scale_),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        threshold=threshold,
    )


def abstention_rates(
    abstention: LearnedAbstention, readings: Sequence[Reading]
) -> dict[str, float | int | None]:
    """Share of `none` questions refused and of answerable questions wrongly refused."""
    refused = {r.item.id: abstention.probability(r.inputs) < abstention.threshold for r in readings}
    none = [refused[r.item.id] for r in readings if not r.item.answerable]
    answerable = [refused[r.item.id] for r in readings if r.item.answerable]
    return {
        "abstention_accuracy": float(np.mean(none)) if none else None,
        "false_abstention_rate": float(np.mean(answerable)) if answerable else None,
        "n_none": len(none),
        "n_answerable": len(answerable),
    }
