"""Section paths and where a passage sits, written one way everywhere.

A section path is the heading trail of a passage, outermost first, joined with " > "
("4 Sturingsmogelijkheden > 4.2 Regie"); empty before a document's first heading. Ingest
writes it, retrieval and embedding read its last parts, and every front end cites it.
"""

from __future__ import annotations

SEPARATOR = " > "


def join_path(headings: list[str]) -> str:
    return SEPARATOR.join(headings)


def split_path(path: str) -> list[str]:
    """The headings of a path; [""] for an empty path, as str.split gives."""
    return path.split(SEPARATOR)


def path_tail(path: str, parts: int) -> str:
    """The innermost `parts` headings, still joined: enough context for a passage without
    the document's whole outline."""
    return join_path(split_path(path)[-parts:]) if path else ""


def page_label(page: int | None) -> str:
    return f"p. {page}" if page is not None else ""


def location(page: int | None, section: str, *, section_mark: str = "§ ", sep: str = ", ") -> str:
    """Where a passage sits as staff cite it: "p. 12, § 4 Regie > 4.2 Taken"; empty when
    neither page nor section is known."""
    parts = [page_label(page)] if page is not None else []
    if section:
        parts.append(f"{section_mark}{section}")
    return sep.join(parts)
