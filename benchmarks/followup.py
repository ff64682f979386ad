"""Follow-up latency: `python -m benchmarks.followup` (no figures are asserted in tests).

Two readings, both in one warm process (Assistant opened once, one untimed warm-up) and
interleaved so they meet the same machine load (the machine is shared):

- warm ask: Q&A-set questions on their own (each once, as benchmarks/run.py asks them) against
  the follow-ups of evals/dialogues.jsonl asked in their conversations;
- what context retrieval itself adds: Assistant.find for each follow-up with its context
  signals against the same text without them, after one untimed pass (same caches).
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.measure import percentile
from benchmarks.stages import load_questions

DIALOGUES = Path(__file__).resolve().parent.parent / "evals" / "dialogues.jsonl"


def _line(name: str, values: list[float]) -> str:
    p50, p95 = percentile(values, 50) or 0.0, percentile(values, 95) or 0.0
    return f"{name:34s} n={len(values):3d}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"


def main() -> None:
    import foundation  # noqa: F401  (offline defaults)
    from assistant.conversation import Conversation
    from assistant.service import Assistant
    from assistant.stages.understand import understand
    from assistant.types import Question
    from evals.dialogues import conversations_of
    from evals.qa_set import load_qa

    assistant = Assistant.open()
    assistant.ask("Wat is het Zorg- en Veiligheidshuis?")  # warm-up, not timed
    singles = load_questions()
    conversations = conversations_of(load_qa(DIALOGUES))
    alone_ms: list[float] = []
    follow_ms: list[float] = []
    pairs: list[tuple[Question, Question]] = []
    idf = assistant.index.bm25.idf
    for i, turns in enumerate(conversations):
        for q in singles[2 * i : 2 * i + 2]:
            t = time.perf_counter()
            assistant.ask(q, mode="extractive")
            alone_ms.append((time.perf_counter() - t) * 1000)
        conversation = Conversation()
        for j, turn in enumerate(turns):
            if j:
                asked = understand(turn.question, conversation.earlier(), idf)
                pairs.append((asked, understand(turn.question)))
            t = time.perf_counter()
            assistant.ask(turn.question, conversation, mode="extractive")
            if j:
                follow_ms.append((time.perf_counter() - t) * 1000)
    for with_context, plain in pairs:  # untimed: the same caches for both
        assistant.find(with_context, 6)
        assistant.find(plain, 6)
    context_ms: list[float] = []
    plain_ms: list[float] = []
    for with_context, plain in pairs:
        t = time.perf_counter()
        assistant.find(with_context, 6)
        context_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assistant.find(plain, 6)
        plain_ms.append((time.perf_counter() - t) * 1000)
    print(_line("ask, questions on their own", alone_ms))
    print(_line("ask, follow-ups in conversation", follow_ms))
    print(_line("find, follow-up with context", context_ms))
    print(_line("find, same text without context", plain_ms))


if __name__ == "__main__":
    main()
