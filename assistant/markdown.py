"""Backslash-escaping of document text for Markdown: one rule, two sets of special characters.

Document text (titles, quotes, answer sentences) can contain characters that Markdown would
turn into emphasis, headings, tables or links. A memo pasted raw must stay readable, so it
escapes only what changes layout; a label on the chat page is rendered by Streamlit, which
also reads `$` as maths, `:name:` as an icon and `~` as strike-through, so it escapes more.
"""

from __future__ import annotations

import re

# Emphasis, code, HTML, tables, links. ">" only matters at the start of a line (a quote),
# which escape_line_start handles, so section paths keep their plain separator.
MEMO_SPECIALS = "\\`*_[]<|"
LABEL_SPECIALS = MEMO_SPECIALS + "{}>()#+-.!~$:"

_LINE_START = re.compile(r"^(\s*)(\d+)([.)])(\s)|^(\s*)([-+=#>])(\s|$)")


def _pattern(specials: str) -> re.Pattern[str]:
    return re.compile("([" + "".join(re.escape(ch) for ch in specials) + "])")


_MEMO = _pattern(MEMO_SPECIALS)
_LABEL = _pattern(LABEL_SPECIALS)


def escape_inline(text: str, specials: re.Pattern[str] = _MEMO) -> str:
    """Whitespace folded to single spaces, every special character backslashed."""
    return specials.sub(r"\\\1", re.sub(r"\s+", " ", text).strip())


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(2) is not None:
        return f"{m.group(1)}{m.group(2)}\\{m.group(3)}{m.group(4)}"
    return f"{m.group(5)}\\{m.group(6)}{m.group(7)}"


def escape_line_start(text: str) -> str:
    """ "2019. Eind" or "- item" at the start would become a list, "> x" a quote."""
    return _LINE_START.sub(_escape_line_start, text)


def escape_markdown(text: str) -> str:
    """For memo text: escape what changes layout; whitespace is folded to one line."""
    return escape_line_start(escape_inline(text))


def escape_label(text: str) -> str:
    """For a Streamlit label: everything Markdown or Streamlit would interpret stays literal."""
    return escape_inline(text, _LABEL)
