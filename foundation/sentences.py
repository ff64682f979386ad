"""Dutch sentence splitting for chunking and extractive answers.

Regex-based and dependency-free: chunking must never cut inside a sentence and the answerer quotes
whole sentences, so the splitter errs towards not splitting where a period is ambiguous
(abbreviations, initials, numbers, list markers).
"""

from __future__ import annotations

import re

# Lowercased abbreviations (without their final period) after which a period does not end a
# sentence. Multi-part ones are matched on their last part too ("d.w.z." ends in "z").
ABBREVIATIONS = frozenset(
    """
    o.a bijv bv d.w.z e.d m.b.t t.a.v nr nrs art i.p.v incl excl mr dr drs ir ing prof ca resp
    jl enz etc o.b.v m.i.v m.u.v i.v.m i.c i.o.m z.s.m t.z.t a.s e.v v.v c.q p.m vs zgn zg evt
    blz pag dhr mevr mw st min max gem afd tel wo ma di do vr za zo jan feb mrt apr jun jul aug
    sep sept okt nov dec vgl ong ibid m.n n.a.v t.o.v o.i.d e.a a.d.h.v
    """.split()
)

# How the cleaner opens a footnote it moved out of the running text (ingest/structure/
# pdf_lines.py), so an answer can tell the aside from the story around it (stages/compose.py).
FOOTNOTE_MARK = "Voetnoot: "

# A candidate end: terminal punctuation (possibly repeated), optional closing quotes/brackets,
# then whitespace. The decision whether it really ends a sentence is made in _is_boundary.
_CANDIDATE_RE = re.compile(r"[.!?…]+[\"')\]]*(?=\s)")
_TOKEN_BEFORE_RE = re.compile(r"(\S+)$")
_WINDOW = 80  # look-around in characters: keeps splitting linear in the text length


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of text, whitespace trimmed, covering all content.

    Line breaks that separate list items or headings (a line without final punctuation followed
    by a new line) also end a sentence, so a bullet without a full stop is its own sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _boundaries(text):
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of text, in order, whitespace trimmed."""
    return [text[a:b] for a, b in sentence_spans(text)]


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _boundaries(text: str) -> list[int]:
    ends: set[int] = set()
    for m in _CANDIDATE_RE.finditer(text):
        if _is_boundary(text, m.start(), m.end()):
            ends.add(m.end())
    # A web address often ends a sentence without a full stop ("Zie ook www.riec.nl Daarnaast
    # ..."): before a capitalised word that is a sentence end too.
    for m in _URL_END_RE.finditer(text):
        ends.add(m.end())
    # A line break ends a sentence before a list marker, and after a line without final
    # punctuation (list item, heading) when the next line starts with a capital.
    for m in re.finditer(r"\n", text):
        before = text[max(0, m.start() - _WINDOW) : m.start()].rstrip()
        after = text[m.end() : m.end() + _WINDOW].lstrip()
        if not before or not after:
            continue
        bare_line_end = before[-1] not in ",;:(-" and _CAPITAL_START_RE.match(after)
        if _LIST_MARKER_RE.match(after) or bare_line_end:
            ends.add(m.start())
    return sorted(ends)


_URL_END_RE = re.compile(r"(?i:https?://|www\.)[^\s()]*[\w/](?=\s+[A-Z][a-zà-ÿ]+\s+[a-zà-ÿ])")
_LIST_MARKER_RE = re.compile(r"(?:[-•*»–]|\d{1,2}[.)])\s")
_CAPITAL_START_RE = re.compile(r"[\"'(\[]*[A-Z0-9À-Ý]")


def _is_boundary(text: str, start: int, end: int) -> bool:
    punct = text[start:end]
    after = text[end : end + _WINDOW].lstrip()
    if not after:
        return True
    if "?" in punct or "!" in punct or "…" in punct:
        return bool(_CAPITAL_START_RE.match(after))
    # a period: look at the token it ends and at what follows
    m = _TOKEN_BEFORE_RE.search(text[max(0, start - _WINDOW) : start])
    token = m.group(1) if m else ""
    if not _CAPITAL_START_RE.match(after):
        return False  # "o.a. bij", "1.000 mensen": no capital, no new sentence
    core = token.lower().lstrip("(\"'[")
    if core in ABBREVIATIONS or core.split(".")[-1] in {"o.a", "bijv"}:
        return False
    if re.fullmatch(r"(?:[a-z]\.)*[a-z]", core) and core.count(".") >= 1:
        return False  # dotted abbreviation like "d.w.z", "m.b.t"
    if re.fullmatch(r"[A-Z]", token.lstrip("(\"'[")):
        return False  # initial: "J. de Vries"
    # a numbered item marker "1. Complexiteit" or heading number "7.2.4" is no sentence end
    is_marker = re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", token) is not None
    return not (is_marker and _at_item_start(text, start - len(token)))


def _at_item_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - _WINDOW) : pos].rstrip(" \t")
    return not before or before[-1] in "\n:;" or before.endswith(("•", "-"))
