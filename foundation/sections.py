"""Section paths and where a passage sits, written one way everywhere.

A section path is the heading trail of a passage, outermost first, joined with " > "
("4 Sturingsmogelijkheden > 4.2 Regie"); empty before a document's first heading. Ingest
writes it, retrieval and embedding read its last parts, and every front end cites it.

Text outside any section still needs a place a reader can find: ingest gives it a named
part of the document (`front_part`: "brief, aanhef", "begin van het document"). The part
is cited where the section would be (`cited_section`, `location`), but it is no heading:
it is never embedded, indexed or matched against questions.
"""

from __future__ import annotations

SEPARATOR = " > "

# Named parts of a document for text before its first heading.
LETTER_SALUTATION = "brief, aanhef"
LETTER_INTRO = "brief, inleiding"
DOCUMENT_START = "begin van het document"


def join_path(headings: list[str]) -> str:
    return SEPARATOR.join(headings)


def split_path(path: str) -> list[str]:
    """The headings of a path; [""] for an empty path, as str.split gives."""
    return path.split(SEPARATOR)


def chapter(path: str) -> str:
    """The outermost heading of a path: one case of the inspiratieboek, one chapter of a
    brief. Passages under it share a topic."""
    return split_path(path)[0].strip()


def path_tail(path: str, parts: int) -> str:
    """The innermost `parts` headings, still joined: enough context for a passage without
    the document's whole outline."""
    return join_path(split_path(path)[-parts:]) if path else ""


def page_label(page: int | None) -> str:
    return f"p. {page}" if page is not None else ""


def front_part(*, letter: bool, salutation: bool, before: str | None = None) -> str:
    """The named part of text that stands before a document's first heading.

    letter: the document opens with a salutation ("Geachte heer …,"); salutation: this is
    the block that holds it; before: the number of the first numbered section after the
    text ("1"), so "brief, inleiding vóór § 1" says where to look.
    """
    if not letter:
        return DOCUMENT_START
    if salutation:
        return LETTER_SALUTATION
    return f"{LETTER_INTRO} vóór § {before}" if before else LETTER_INTRO


def cited_section(section: str, part: str = "") -> str:
    """What is cited as a passage's section: its heading path, else the named part of the
    document (never empty for ingested text, so a citation without a page still says where
    to look)."""
    return section or part


def location(
    page: int | None,
    section: str,
    part: str = "",
    *,
    section_mark: str = "§ ",
    section_end: str = "",
    sep: str = ", ",
) -> str:
    """Where a passage sits as staff cite it: "p. 12, § 4 Regie > 4.2 Taken", or the named
    part for text outside any section ("brief, aanhef", without the section mark: it is no
    heading); empty when nothing is known. section_mark and section_end wrap a heading path
    (the memo writes paragraaf “…”)."""
    parts = [page_label(page)] if page is not None else []
    if section:
        parts.append(f"{section_mark}{section}{section_end}")
    elif part:
        parts.append(part)
    return sep.join(parts)
