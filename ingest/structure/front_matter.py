"""Text outside any section: the blocks before the first heading get a named part of the
document, so every block can be cited."""

from __future__ import annotations

import re
from dataclasses import replace

from foundation.sections import front_part
from ingest.models import Block

# "Geachte heer Van der Lugt,", "Geacht college en gemeenteraad,", "Beste collega's,"
_SALUTATION_RE = re.compile(
    r"^(?:(?:Zeer |Hoog)?[Gg]eachte?|Beste|Lieve|Dear)\s[^,.!?:;]{1,80},(?:\s|$)"
)
_SECTION_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.:)]?\s+\S")


def name_front_matter(blocks: list[Block]) -> list[Block]:
    """Blocks without a section (the text before the first heading) get a named part, the
    rule of foundation.sections.front_part: a letter that opens with a salutation has its
    "aanhef" (the salutation's block) and the "inleiding" up to its first numbered section;
    other documents have their "begin". Only the part is set: text and section stay, so
    nothing that is embedded or indexed changes."""
    loose = [i for i, b in enumerate(blocks) if not b.section]
    if not loose:
        return blocks
    letter = bool(_SALUTATION_RE.match(blocks[loose[0]].text))
    before = next(
        (
            m.group(1)
            for b in blocks[loose[-1] + 1 :]
            if b.kind == "heading" and (m := _SECTION_NUMBER_RE.match(b.text))
        ),
        None,
    )
    named = list(blocks)
    for n, i in enumerate(loose):
        part = front_part(letter=letter, salutation=letter and n == 0, before=before)
        named[i] = replace(blocks[i], part=part)
    return named
