"""A file of questions, one JSON object a line with at least "question" (and "id", optionally
"conversation"): the batch input of `vraagbaak search/ask --questions`, and the shape of
evals/qa.jsonl, which the benchmarks read their questions from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from foundation.errors import QuestionsFileError


def read_questions(path: Path) -> Iterator[dict[str, Any]]:
    """The lines as dicts, in file order; a line without "id" gets "line<N>". Blank lines are
    skipped; a line that is not a JSON object with a "question" stops the read with its
    line number."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise QuestionsFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(item, dict) or "question" not in item:
                raise QuestionsFileError(f"{path}:{number}: needs a 'question' field")
            item.setdefault("id", f"line{number}")
            yield item
