"""The web text reader: blank lines separate paragraphs, short standalone lines are headings."""

from __future__ import annotations

import re

from ingest.cleaning import bullet_split, is_url_line, normalize_chars, normalize_whitespace
from ingest.models import Block, BlockKind, RawPage
from ingest.structure.heading_stack import Sections, make_block


def parse_web(pages: list[RawPage]) -> list[Block]:
    """Web text: blank lines separate paragraphs; short standalone lines are headings.

    The first heading is the page title (level 1); later ones ("Waar werken we aan?") are its
    sections (level 2). A heading right after another one, with no text between them, names a
    part of it ("Wie zijn we?" then "Trajectregisseurs"): one level deeper, so the citation
    keeps both.
    """
    blocks: list[Block] = []
    sections = Sections()
    for page in pages:
        paras = re.split(r"\n\s*\n", normalize_chars(page.text))
        for i, para in enumerate(paras):
            lines = [x.strip() for x in para.split("\n") if x.strip()]
            if not lines:
                continue
            has_more = any(p.strip() for p in paras[i + 1 :])
            if len(lines) == 1 and has_more and _is_web_heading(lines[0]):
                title = normalize_whitespace(lines[0])
                after_heading = bool(blocks) and blocks[-1].kind == "heading"
                level = 1 if not sections.stack else 2
                if after_heading and sections.depth >= 2:
                    level = sections.depth + 1
                path = sections.enter(level, title)
                blocks.append(Block(text=title, page=page.number, section=path, kind="heading"))
                continue
            items: list[tuple[BlockKind, list[str]]] = []
            for line in lines:
                is_bullet, rest = bullet_split(line)
                if is_bullet:
                    items.append(("list_item", [rest]))
                elif items and items[-1][0] == "paragraph":
                    items[-1][1].append(line)
                else:
                    items.append(("paragraph", [line]))
            for kind, parts in items:
                b = make_block(" ".join(parts), page.number, sections.path, kind)
                if b:
                    blocks.append(b)
    return blocks


def _is_web_heading(line: str) -> bool:
    s = line.strip()
    words = s.split()
    return (
        0 < len(s) <= 80
        and len(words) <= 10
        and s[0].isupper()
        and s[-1] not in ".,;:!"
        and not is_url_line(s)
        and not bullet_split(s)[0]
    )
