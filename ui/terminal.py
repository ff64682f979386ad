"""Readable terminal output: the answer first, then numbered sources a person can check."""

from __future__ import annotations

import shutil
import sys
import textwrap

from assistant.types import Answer, Citation, Passage
from foundation.sections import location


def _width() -> int:
    return min(100, shutil.get_terminal_size((100, 20)).columns)


def _wrap(text: str, indent: str = "    ") -> str:
    return "\n".join(
        textwrap.fill(par, _width(), initial_indent=indent, subsequent_indent=indent)
        for par in text.split("\n")
        if par.strip()
    )


def print_passages(passages: list[Passage]) -> None:
    if not passages:
        print("Geen passages gevonden.")
    for p in passages:
        where = location(p.page, p.section, p.part)
        print(f"{p.rank}. {p.title}" + (f" — {where}" if where else "") + f"  [{p.score:.4f}]")
        print(_wrap(p.text))
        print()


def _source_line(c: Citation) -> str:
    where = location(c.page, c.section, c.part)
    head = f"[{c.n}] {c.title}"
    if c.publisher:
        head += f", {c.publisher}"
    if c.date:
        head += f" ({c.date})"
    return head + (f" — {where}" if where else "")


def print_answer(answer: Answer, memo: bool = False) -> None:
    if memo:
        from assistant.memo import render_memo

        print(render_memo(answer))
        return
    print(_wrap(answer.text, indent=""))
    for notice in answer.notices:
        print(f"\n! {notice}")
    if answer.citations:
        print("\nBronnen:")
        for c in answer.citations:
            print(_source_line(c))
            print(_wrap(f"“{c.quote}”"))
    if answer.alternatives:
        print("\nOok relevant (niet in het antwoord):")
        for c in answer.alternatives:
            print(_source_line(c))
            print(_wrap(f"“{c.quote}”"))
    print()


def chat_loop(assistant, doc_ids: list[str] | None, mode: str | None = None) -> int:
    """A conversation in the terminal: follow-ups use the earlier turns."""
    from assistant.conversation import Conversation
    from foundation.errors import QuestionError

    conversation = Conversation()
    print("Vraagbaak — stel uw vraag (leeg of Ctrl-D om te stoppen; 'nieuw' start opnieuw).")
    while True:
        try:
            question = input("\nvraag> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        if question.strip().lower() in {"nieuw", "/nieuw", "/new"}:
            conversation = Conversation()
            print("Nieuw gesprek.")
            continue
        try:
            answer = assistant.ask(question, conversation, doc_ids, mode=mode)
        except QuestionError as exc:
            print(exc, file=sys.stderr)
            continue
        if answer.context:
            print(f"(gezocht op je vraag, met context: {', '.join(answer.context)})")
        print_answer(answer)
