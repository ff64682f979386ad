"""An answer never ends on a lead-in: "… vier sturingsinstrumenten:" is followed by its items.

A lead (a sentence ending in ":") announces what the reader wants; quoting it without what
follows is a promise the answer does not keep. Its items are the paragraphs after it, in the
same passage or, when the lead closes its chunk, at the start of the next chunk of the same
section (the chunker cuts between paragraphs, so a list is often split from its lead). The
items are quoted exactly, as further sentences of the passage that holds them. A lead that
closes its section and is followed by subsections announces those: each becomes an item, its
heading with its first sentence.

What counts as an item is read from the layout, not from bullets (the cleaner drops most of
them): the paragraphs right after the lead, up to MAX_ITEMS or MAX_ITEMS_CHARS, stopping at a
paragraph much longer than the items before it (prose again).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.stages.candidates import Sentence
from assistant.types import Passage
from foundation.lexical import content_terms
from foundation.sections import SEPARATOR, split_path
from foundation.sentences import sentence_spans

MAX_ITEMS = 8
MAX_ITEMS_CHARS = 1200
# A paragraph longer than this after the first item is prose again, not an item; so is one
# several times longer than the items so far.
MAX_ITEM_CHARS = 400
PROSE_FACTOR = 2.5
MIN_PROSE_CHARS = 120
# The overlap between chunks: where the lead's end is looked for in the next chunk.
LEAD_TAIL = 40

NextPassage = Callable[[Passage], Passage | None]

_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", re.DOTALL)


def _paragraphs(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs of text from offset start on."""
    return [(start + m.start(), start + m.end()) for m in _PARAGRAPH.finditer(text[start:])]


def _items(passage: Passage, start: int) -> list[tuple[int, int]]:
    """The item paragraphs that follow offset start, within its section."""
    text = passage.text
    section = passage.section_at(start)
    taken: list[tuple[int, int]] = []
    total = 0
    for a, b in _paragraphs(text, start):
        length = b - a
        if passage.section_at(a) != section:
            break
        if taken and (
            length > MAX_ITEM_CHARS
            or total + length > MAX_ITEMS_CHARS
            or (length > PROSE_FACTOR * total / len(taken) and length > MIN_PROSE_CHARS)
        ):
            break
        taken.append((a, b))
        total += length
        if len(taken) >= MAX_ITEMS:
            break
    return taken


def _is_child(section: str, parent: str) -> bool:
    return bool(parent) and section.startswith(parent + SEPARATOR)


def _subsection_items(
    lead_passage: Passage, following: Passage, next_passage: NextPassage
) -> list[tuple[Passage, tuple[int, int], str]]:
    """A lead that closes its section announces the subsections after it ("vier
    sturingsinstrumenten:" followed by § Beleidskracht, § Regiekracht, …): one item per
    subsection, its heading with its first sentence, from the chunks that follow."""
    depth = len(split_path(lead_passage.section))
    items: list[tuple[Passage, tuple[int, int], str]] = []
    seen: set[str] = set()
    current: Passage | None = following
    for _ in range(MAX_ITEMS * 3):
        if current is None or not _is_child(current.section, lead_passage.section):
            break
        starts = current.section_spans or [(0, current.section)]
        for offset, section in starts:
            if not _is_child(section, lead_passage.section):
                continue
            heading = split_path(section)[depth].strip()
            if heading in seen:
                continue
            first = next(((a, b) for a, b in sentence_spans(current.text) if a >= offset), None)
            if first is not None:
                seen.add(heading)
                items.append((current, first, heading))
        if len(items) >= MAX_ITEMS:
            break
        current = next_passage(current)
    return items[:MAX_ITEMS]


def _sentence(index: int, text: str, span: tuple[int, int]) -> Sentence:
    a, b = span
    return Sentence(index, a, b, text[a:b], True, frozenset(content_terms(text[a:b])))


def _is_lead(s: Sentence) -> bool:
    """A lead-in (":"), an item that leaves its list unfinished ("," or ";"), or a lead-in
    line with its first item (the splitter keeps "City deal-gemeenten:\nTilburg en Breda: …"
    together, since a colon is punctuation)."""
    text = s.text.rstrip()
    if text.endswith((":", ",", ";")):
        return True
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    unfinished = not lines[-1].endswith((".", "!", "?")) if lines else False
    return unfinished and len(lines) > 1 and any(line.endswith(":") for line in lines[:-1])


def focus_on_list(ordered: list[Sentence]) -> list[Sentence]:
    """A list question answered by a passage that holds a lead-in: the answer is the list.
    Sentences before the lead are kept only when they match the question better than the
    lead itself, so the list is not buried under the passage's opening."""
    lead = next((i for i, s in enumerate(ordered) if _is_lead(s) and not s.is_item), None)
    if lead is None:
        return ordered
    anchor = ordered[lead]
    before = [
        s
        for s in ordered[:lead]
        if s.passage_index != anchor.passage_index or s.score > anchor.score
    ]
    return before + ordered[lead:]


def _complete_inner_leads(out: list[Sentence], passages: Sequence[Passage]) -> list[Sentence]:
    """A lead quoted in the middle of its passage's sentences ("Gekozen is voor de volgende
    thema's:" followed by "Voor elk van deze thema's …") gets all its items up to the next
    quoted sentence that is no item: a lead with a list cut short promises what the answer
    lacks. A lead that is its passage's last quoted sentence is left to continue_lists."""
    out = list(out)
    for i in range(len(out) - 2, -1, -1):
        lead = out[i]
        if not lead.text.rstrip().endswith(":"):
            continue
        pi = lead.passage_index
        later = [s for s in out[i + 1 :] if s.passage_index == pi]
        if not later:
            continue
        bound = next((s.start for s in later if not s.is_item), None)
        passage = passages[pi]
        quoted = {(s.passage_index, s.start) for s in out}
        missing = [
            _sentence(pi, passage.text, sp)
            for sp in _items(passage, lead.end)
            if (bound is None or sp[1] <= bound) and (pi, sp[0]) not in quoted
        ]
        if not missing:
            continue
        end = i + 1
        while end < len(out) and out[end].passage_index == pi and out[end].is_item:
            end += 1
        out[i + 1 : end] = sorted([*out[i + 1 : end], *missing], key=lambda s: s.start)
    return out


def continue_lists(
    ordered: list[Sentence],
    passages: Sequence[Passage],
    next_passage: NextPassage | None = None,
) -> tuple[list[Sentence], list[Passage]]:
    """ordered: the answer's sentences (compose.order: passages in answer order, sentences
    in document order). When a passage's last quoted sentence is a lead, its items are added
    after it, from the same passage or from the next chunk of its section (appended to the
    passages); a lead in the middle gets the items it is followed by in its passage. Returns
    the sentences and the passages they point into."""
    passages = list(passages)
    out = _complete_inner_leads(ordered, passages)
    last_of: dict[int, int] = {}
    for i, s in enumerate(out):
        last_of[s.passage_index] = i
    for pi, i in sorted(last_of.items(), key=lambda kv: -kv[1]):
        lead = out[i]
        if not _is_lead(lead):
            continue
        passage = passages[pi]
        quoted = {(s.passage_index, s.start) for s in out}
        spans = [sp for sp in _items(passage, lead.end) if (pi, sp[0]) not in quoted]
        if spans:
            out[i + 1 : i + 1] = [_sentence(pi, passage.text, sp) for sp in spans]
            continue
        if passage.text[lead.end :].strip() or next_passage is None:
            continue
        following = next_passage(passage)
        if following is None:
            continue
        if _is_child(following.section, passage.section):
            found = _subsection_items(passage, following, next_passage)
            for extra in (item[0] for item in found):
                if extra.chunk_id not in {p.chunk_id for p in passages}:
                    passages.append(extra)
            at = i + 1
            for extra, span, heading in found:
                index = next(n for n, p in enumerate(passages) if p.chunk_id == extra.chunk_id)
                item = _sentence(index, extra.text, span)
                item.text = f"{heading}: {item.text}"
                out.insert(at, item)
                at += 1
            continue
        if following.section != passage.section:
            continue
        tail = passage.text[max(lead.start, lead.end - LEAD_TAIL) : lead.end]
        at = following.text.find(tail)
        start = at + len(tail) if at >= 0 else 0
        spans = _items(following, start)
        if not spans:
            continue
        passages.append(following)
        out[i + 1 : i + 1] = [_sentence(len(passages) - 1, following.text, sp) for sp in spans]
    return out, passages
