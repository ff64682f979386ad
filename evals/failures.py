"""Why an eval question needs a human look: one rule, worded for two readers (the English
report, evals/report.py, and the maintainers' Dutch page, ui/eval_data.py).

A question fails when answering it raised an error; when the corpus does not answer it and the
assistant answered anyway; when no gold passage is in the top FAILURE_RANK results; when an
answerable question was refused; or when an answer cites a passage without gold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FAILURE_RANK = 5

FailureKind = Literal["error", "answered_none", "missed_gold", "abstained", "cited_without_gold"]


@dataclass(frozen=True)
class Failure:
    """kind, plus what the wording needs: the error text, the first gold rank (None: not in the
    results) or the citation markers ("[2], [3]")."""

    kind: FailureKind
    error: str = ""
    rank: int | None = None
    markers: str = ""


def failures(q: dict[str, Any]) -> list[Failure]:
    """The failures of one question record of a result file (empty when it went right)."""
    found = [Failure("error", error=str(e)) for e in q.get("errors") or []]
    if q.get("type") == "none":
        if not q.get("abstained"):
            found.append(Failure("answered_none"))
        return found
    rank = q.get("first_hit_rank")
    if rank is None or rank > FAILURE_RANK:
        found.append(Failure("missed_gold", rank=rank))
    if q.get("abstained"):
        found.append(Failure("abstained"))
    else:
        bad = [c for c in q.get("citations") or [] if not c.get("holds_gold")]
        if bad:
            found.append(
                Failure("cited_without_gold", markers=", ".join(f"[{c.get('n')}]" for c in bad))
            )
    return found
