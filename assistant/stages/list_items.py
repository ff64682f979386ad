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

from assistant.stages.candidates import BULLET, Sentence
from assistant.stages.previous_chunk import leans_back
from assistant.types import Passage
from foundation.lexical import content_terms, fold, same_stem, stem
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


_COUNT_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10,
}  # fmt: skip
_ANNOUNCED = re.compile(r"\b(" + "|".join(_COUNT_WORDS) + r"|[2-9]|1[0-9])\b", re.IGNORECASE)


def announced_count(lead: str) -> int | None:
    """How many items a lead announces ("Het programma heeft drie prioriteiten:" -> 3): the
    number nearest its colon, or None."""
    found = _ANNOUNCED.findall(lead)
    if not found:
        return None
    word = found[-1].lower()
    return _COUNT_WORDS.get(word) or int(word)


def _items(passage: Passage, start: int, limit: int = MAX_ITEMS) -> list[tuple[int, int]]:
    """The item paragraphs that follow offset start, within its section: at most `limit`,
    and, when the first is bulleted, only bulleted ones (the prose after a bulleted list
    opens without a bullet)."""
    text = passage.text
    section = passage.section_at(start)
    taken: list[tuple[int, int]] = []
    total = 0
    bulleted = False
    for a, b in _paragraphs(text, start):
        length = b - a
        if passage.section_at(a) != section or len(taken) >= limit:
            break
        if taken and (
            length > MAX_ITEM_CHARS
            or total + length > MAX_ITEMS_CHARS
            or (length > PROSE_FACTOR * total / len(taken) and length > MIN_PROSE_CHARS)
            or (bulleted and not BULLET.match(text[a:b]))
        ):
            break
        bulleted = bulleted or (not taken and bool(BULLET.match(text[a:b])))
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


def with_leads(ordered: list[Sentence], passages: Sequence[Passage]) -> list[Sentence]:
    """An item quoted without the lead it belongs to gets the lead before it: "- Gezamenlijk
    werken aan een gemeenschappelijke basis …" alone does not say that it is one of "drie
    prioriteiten" of the programme. The lead is unselectable on its own (it borrows nothing
    and answers nothing) but reads as the item's context."""
    quoted = {(s.passage_index, s.start) for s in ordered}
    out: list[Sentence] = []
    for s in ordered:
        span = s.lead_span
        if s.is_item and span is not None and (s.passage_index, span[0]) not in quoted:
            text = passages[s.passage_index].text
            lead = Sentence(
                s.passage_index, span[0], span[1], text[span[0] : span[1]], False, frozenset()
            )
            lead.selectable, lead.score = False, s.score
            quoted.add((s.passage_index, span[0]))
            out.append(lead)
        out.append(s)
    return out


def _continues_earlier_chunk(item: Sentence, passage: Passage) -> bool:
    """An item with nothing but other items before it in its chunk: its list began, lead
    and all, in the chunk before."""
    before = passage.text[: item.start]
    return all(BULLET.match(passage.text[a:b]) for a, b in _paragraphs(before, 0))


def without_orphan_items(ordered: list[Sentence], passages: Sequence[Passage]) -> list[Sentence]:
    """A non-list answer drops an item whose lead stands in the chunk before, unless it is
    the answer's best sentence: "- Doorontwikkelen van Zorg- en Veiligheidshuizen tot brede
    regionale expertisecentra" opened the answer to "Wie leidt het programma …?" as if it
    were a statement of its own; it is the third of "drie prioriteiten" whose lead the
    answer cannot show without a chunk that does not answer the question."""
    if len(ordered) < 2:
        return ordered
    best = max(ordered, key=lambda s: s.score)
    kept: list[Sentence] = []
    for i, s in enumerate(ordered):
        after = ordered[i + 1 : i + 2]
        # "- … werkt het ministerie aan meer persoonsgerichte sancties." followed by "Dit
        # vraagt om …": the item is what the next sentence points back to
        pointed_at = any(a.passage_index == s.passage_index and leans_back(a.text) for a in after)
        orphan = (
            s.is_item
            and s.lead_span is None
            and _continues_earlier_chunk(s, passages[s.passage_index])
        )
        if s is best or pointed_at or not orphan:
            kept.append(s)
    return kept


def _plural_stem(word: str) -> str:
    return stem(re.sub(r"['’]s$", "s", fold(word)))


def lead_names(lead: str, noun: str) -> bool:
    """Whether a lead names the plural a list question asks for, or the head of it:
    "Gekozen is voor de volgende thema's:" names "veiligheidsthema's"."""
    asked = _plural_stem(noun)
    for word in re.findall(r"[\w'’-]+", lead):
        own = _plural_stem(word)
        if len(own) < 4:
            continue
        if same_stem(own, asked) or asked.endswith(own) or own.endswith(asked):
            return True
    return False


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
            for sp in _items(passage, lead.end, announced_count(lead.text) or MAX_ITEMS)
            if (bound is None or sp[1] <= bound) and (pi, sp[0]) not in quoted
        ]
        if not missing:
            continue
        end = i + 1
        while end < len(out) and out[end].passage_index == pi and out[end].is_item:
            end += 1
        out[i + 1 : end] = sorted([*out[i + 1 : end], *missing], key=lambda s: s.start)
    return out


def _closes_list_chunk(item: Sentence, passage: Passage, quoted: list[Sentence]) -> bool:
    """An item that ends its chunk, quoted with its lead: the list may go on in the next chunk
    ("Het programma heeft drie prioriteiten:" with the first of them closing the chunk)."""
    span = item.lead_span
    return (
        item.is_item
        and span is not None
        and not passage.text[item.end :].strip()
        and any(s.passage_index == item.passage_index and s.start == span[0] for s in quoted)
    )


def _room(last: Sentence, passage: Passage, quoted: list[Sentence]) -> int:
    """How many more items the list of `last` (its lead, or its last quoted item) may take:
    what its lead announces less the items quoted already, else MAX_ITEMS."""
    if not last.is_item:
        return announced_count(last.text) or MAX_ITEMS
    span = last.lead_span
    if span is None:
        return MAX_ITEMS
    count = announced_count(passage.text[span[0] : span[1]])
    if count is None:
        return MAX_ITEMS
    own = sum(1 for s in quoted if s.passage_index == last.passage_index and s.lead_span == span)
    return max(count - own, 0)


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
        passage = passages[pi]
        if not _is_lead(lead) and not _closes_list_chunk(lead, passage, out):
            continue
        quoted = {(s.passage_index, s.start) for s in out}
        spans = [
            sp
            for sp in _items(passage, lead.end, _room(lead, passage, out))
            if (pi, sp[0]) not in quoted
        ]
        if spans:
            out[i + 1 : i + 1] = [_sentence(pi, passage.text, sp) for sp in spans]
            continue
        if passage.text[lead.end :].strip() or next_passage is None:
            continue
        following = next_passage(passage)
        if following is None:
            continue
        if _is_lead(lead) and _is_child(following.section, passage.section):
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
        spans = _items(following, start, _room(lead, passage, out))
        if not spans:
            continue
        held = [n for n, p in enumerate(passages) if p.chunk_id == following.chunk_id]
        if held:
            at_index = held[0]
        else:
            passages.append(following)
            at_index = len(passages) - 1
        fresh = {(at_index, sp[0]) for sp in spans} - {(s.passage_index, s.start) for s in out}
        out[i + 1 : i + 1] = [
            _sentence(at_index, following.text, sp) for sp in spans if (at_index, sp[0]) in fresh
        ]
    return out, passages
