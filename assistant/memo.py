"""Markdown that staff paste into a memo: the answer with [n] markers, then the sources.

Document text (titles, quotes, answer sentences) can contain *, _, #, | or brackets that
would turn into emphasis, headings, tables or links once pasted; it is escaped, while the
[n] markers and the list dashes Vraagbaak itself wrote stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.markdown import escape_inline, escape_line_start
from assistant.types import ABSTAIN_TEXT, Answer, Citation
from foundation.sections import location

SOURCES_LABEL = "Bronnen"
ALSO_RELEVANT_LABEL = "Ook relevant (niet in het antwoord)"
FLAGGED_LABEL = "Let op: dit antwoord verwijst naar geen bron; controleer het voor gebruik."
MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()

_MARKER = re.compile(r"\[\d+(?:,\s*\d+)*\]")


def _escape_keeping_markers(text: str) -> str:
    parts: list[str] = []
    last = 0
    for m in _MARKER.finditer(text):
        parts.append(escape_inline(text[last : m.start()]) if m.start() > last else "")
        parts.append(m.group())
        last = m.end()
    parts.append(escape_inline(text[last:]))
    joined = ""
    for part in parts:  # escape_inline strips, so restore single spaces around markers
        if joined and part and not part.startswith((".", ",", ";", ":", "!", "?", ")")):
            joined += " "
        joined += part
    return escape_line_start(joined)


def _answer_markdown(text: str) -> str:
    """The answer line by line; Vraagbaak's own "- " list dashes are kept as a list."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        bullet = line.lstrip().startswith("- ")
        body = line.lstrip()[2:] if bullet else line
        lines.append(("- " if bullet else "") + _escape_keeping_markers(body))
    return "\n".join(lines)


def format_date(date: str) -> str:
    """ISO dates in Dutch ("2025-01" -> "januari 2025"); anything else as given."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date.strip())
    if not m:
        return date.strip()
    year, month, day = m.groups()
    if month and 1 <= int(month) <= 12:
        name = MONTHS[int(month) - 1]
        return f"{int(day)} {name} {year}" if day else f"{name} {year}"
    return year


def _source_line(c: Citation) -> str:
    """Escaped inline only: nothing here starts a line, so a section "3. Knock and talk"
    keeps its "3." (a line-start escape showed as "3\\." in the pasted memo)."""
    parts = [f"*{escape_inline(c.title or c.doc_id)}*"]
    publisher = escape_inline(c.publisher) if c.publisher else ""
    date = format_date(c.date) if c.date else ""
    if publisher and date:
        parts.append(f"{publisher} ({escape_inline(date)})")
    elif publisher or date:
        parts.append(publisher or escape_inline(date))
    where = location(
        c.page,
        escape_inline(c.section),
        escape_inline(c.part),
        section_mark="paragraaf “",
        section_end="”",
    )
    if where:
        parts.append(where)
    return f"[{c.n}] " + ", ".join(parts)


def render_citation(c: Citation) -> str:
    """One source as memo Markdown: reference line, then the quoted sentence(s)."""
    line = _source_line(c)
    if not c.quote.strip():
        return line
    return f"{line}\n\n> “{escape_inline(c.quote)}”"


def render_memo(answer: Answer, picked: Sequence[Citation] = ()) -> str:
    """The whole answer as memo Markdown; an abstention has no sources. picked: alternatives
    ("Ook relevant") the user chose to add; they follow the sources under their own heading,
    so a reader sees they are not part of the answer."""
    out = []
    if answer.abstained:
        out.append(ABSTAIN_TEXT)
    else:
        if answer.flagged:
            out.append(f"*{FLAGGED_LABEL}*\n")
        out.append(_answer_markdown(answer.text))
        if answer.citations:
            out.append(f"\n**{SOURCES_LABEL}**\n")
            out.append("\n\n".join(render_citation(c) for c in answer.citations))
    if picked:
        out.append(f"\n**{ALSO_RELEVANT_LABEL}**\n")
        out.append("\n\n".join(render_citation(c) for c in picked))
    return "\n".join(out).rstrip() + "\n"
