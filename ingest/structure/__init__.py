"""Turn raw page text into cleaned blocks (paragraphs, list items, headings) with section paths.

Three readers share one heading stack (heading_stack.py): markdown (markdown.py: headings are
marked), web text (web.py: paragraphs are separated by blank lines, short standalone lines are
headings) and PDF text (pdf_text.py), where layout is lost and every line break has to be judged:
wrapped line, new paragraph, heading or list item (pdf_lines.py), and every heading needs a
level (pdf_headings.py, pdf_chapters.py). Text before the first heading gets a named part
(front_matter.py).
"""

from __future__ import annotations

from ingest.models import Block, RawPage
from ingest.structure.front_matter import name_front_matter
from ingest.structure.markdown import parse_markdown
from ingest.structure.pdf_text import parse_pdf_text
from ingest.structure.web import parse_web

__all__ = ["name_front_matter", "parse_document"]


def parse_document(pages: list[RawPage], kind: str) -> list[Block]:
    """Cleaned blocks of one document in reading order, each with page and section path.

    kind is the manifest kind: "markdown", "web", "pdf-text" or "pdf" (unknown kinds are read
    as PDF text, the most defensive reader). Text before the first heading gets a named part
    of the document (name_front_matter), so every block can be cited.
    """
    if kind == "markdown":
        return name_front_matter(parse_markdown(pages))
    if kind == "web":
        return name_front_matter(parse_web(pages))
    return name_front_matter(parse_pdf_text(pages))
