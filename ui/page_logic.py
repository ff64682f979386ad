"""What the chat page shows, as plain functions: testable without Streamlit.

Everything that comes from a document (answer sentences, passages, titles) is untrusted
text: it goes through html.escape before it meets our own markup, so a policy PDF with
`<script>` or Markdown in it is shown as text, never rendered.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.markdown import escape_label
from assistant.memo import render_citation, render_memo
from assistant.stages.candidates import BULLET
from assistant.types import Answer, Citation
from foundation.errors import (
    EmbeddingConfigError,
    IndexMissing,
    IndexModelMismatch,
    IndexUnreachable,
    QuestionError,
    SearchIndexError,
)
from foundation.sections import location, path_tail
from ingest.index import IndexStatus

EXAMPLE_QUESTIONS = (
    "Wat is het Zorg- en Veiligheidshuis?",
    "Hoe kan een gemeente voorkomen dat jongeren in de drugscriminaliteit belanden?",
    "Welke informatiebronnen kan een OOV-medewerker gebruiken bij ondermijning?",
    "Wat doet de City Deal Zorg voor Veiligheid in de Stad?",
)

NO_INDEX = "Er is nog geen index. Draai eerst `vraagbaak ingest` (of `make run`)."

MODE_LABELS = {
    "extractive": "Uit de documenten (extractief)",
    "llm": "Met taalmodel (LLM)",
}


@dataclass(frozen=True)
class Problem:
    """A failure explained for staff: what happened and what to do, in Dutch; `detail`
    keeps the technical message for whoever fixes it."""

    message: str
    detail: str = ""
    level: str = "error"  # "error" or "warning" (the user's own input)


def explain(exc: BaseException) -> Problem:
    """Every exception the page can meet becomes a Dutch message, never a traceback."""
    if isinstance(exc, QuestionError):
        return Problem(str(exc), level="warning")
    if isinstance(exc, IndexMissing):
        return Problem(NO_INDEX, str(exc))
    if isinstance(exc, IndexModelMismatch):
        return Problem(
            "De index is gebouwd met een ander embeddingmodel dan nu is ingesteld, dus zoeken "
            "zou onzin opleveren. Zet `VRAAGBAAK_EMBEDDING` op het model waarmee de index is "
            "gebouwd (zie de details), of bouw de index opnieuw met "
            "`vraagbaak ingest --rebuild`.",
            str(exc),
        )
    if isinstance(exc, IndexUnreachable):
        return Problem(
            "De Chroma-server met de index is niet bereikbaar. Start de server (`chroma run`) "
            "of haal `VRAAGBAAK_CHROMA_URL` weg om de lokale index te gebruiken, en laad de "
            "pagina daarna opnieuw.",
            str(exc),
        )
    if isinstance(exc, EmbeddingConfigError):
        return Problem(
            "De instelling `VRAAGBAAK_EMBEDDING` is ongeldig. Gebruik `e5-small-q4` (standaard) "
            "of `sentence-transformers:<map of naam van het model>`.",
            str(exc),
        )
    if isinstance(exc, SearchIndexError):
        return Problem("Er is een probleem met de index.", str(exc))
    return Problem(
        "Er ging iets mis bij het beantwoorden. Probeer het opnieuw; blijft het misgaan, "
        "meld dan de details hieronder aan de beheerder.",
        f"{type(exc).__name__}: {exc}",
    )


# ---------------------------------------------------------------------------- answer text

_MARKER = re.compile(r"\[(\d{1,3})\]")


def answer_html(text: str) -> str:
    """Escaped answer text with the [n] markers as small badges (the brackets stay in the
    text, so a copied answer still reads [1])."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()] or [""]
    out = []
    for para in paragraphs:
        escaped = html.escape(para).replace("\n", "<br>")
        escaped = _MARKER.sub(r'<span class="vb-marker">[\1]</span>', escaped)
        out.append(f"<p>{escaped}</p>")
    return '<div class="vb-answer">' + "".join(out) + "</div>"


def markers_in(text: str) -> list[int]:
    return sorted({int(n) for n in _MARKER.findall(text)})


# ---------------------------------------------------------------------------- sources


def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    """Whitespace-tolerant: passages keep line breaks that the quoted sentence lost."""
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def _sentences(quote: str) -> list[str]:
    """Answerers join non-adjacent sentences with " … "; each one is findable alone."""
    parts = re.split(r"\s*(?:…|\.\.\.)\s*|(?<=[.!?])\s+", quote.strip())
    return [p for p in parts if len(p) > 3]


def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the supporting sentence(s) sit in the passage; the whole quote first, then
    sentence by sentence for quotes the answerer stitched together."""
    for candidates in ([quote], _sentences(quote)):
        spans = []
        for part in candidates:
            pattern = _quote_pattern(part)
            found = pattern.search(text) if pattern else None
            if found:
                spans.append(found.span())
        if spans:
            return _merge(spans)
    return []


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def passage_html(text: str, quote: str) -> str:
    """The passage, escaped, with the supporting sentence in <mark>. When the sentence
    cannot be found in the passage it is shown above it, so the check is still possible."""
    spans = quote_spans(text, quote)
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append(html.escape(text[pos:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    pieces.append(html.escape(text[pos:]))
    body = "".join(pieces).replace("\n", "<br>")
    lead = ""
    if quote.strip() and not spans:
        lead = (
            '<div class="vb-quote">Ondersteunende zin: '
            f"<mark>{html.escape(quote.strip())}</mark></div>"
        )
    return f'{lead}<div class="vb-passage">{body}</div>'


def where(c: Citation) -> str:
    return location(c.page, c.section, c.part)


def source_label(c: Citation) -> str:
    """Short enough for one or two lines: the full section path is inside the source."""
    short = location(c.page, path_tail(c.section, 1), c.part, section_mark="")
    rest = c.title + (f" — {short}" if short else "")
    # Expander labels are Markdown; "[1] " alone is no Markdown link.
    return f"[{c.n}] {escape_label(rest)}"


def source_meta_html(c: Citation) -> str:
    facts = [("Document", c.title), ("Uitgever", c.publisher or "onbekend")]
    facts.append(("Datum", c.date or "onbekend"))
    if c.page is not None:
        facts.append(("Pagina", str(c.page)))
    if c.section:
        facts.append(("Sectie", c.section))
    elif c.part:
        facts.append(("Plaats", c.part))
    items = "".join(
        f'<span class="vb-fact"><b>{html.escape(k)}:</b> {html.escape(v)}</span>' for k, v in facts
    )
    return f'<div class="vb-meta">{items}</div>'


# ---------------------------------------------------------------------------- memo text


def memo_citation(c: Citation) -> str:
    return render_citation(c)


def memo_answer(answer: Answer, picked: Sequence[Citation] = ()) -> str:
    return render_memo(answer, picked)


ALTERNATIVES_TITLE = "Ook relevant"
ALTERNATIVES_HELP = (
    "Andere passages die de vraag mogelijk beantwoorden. Ze horen niet bij het antwoord "
    "hierboven; vink er een aan om hem in de memotekst op te nemen."
)
PICK_LABEL = "Opnemen in memotekst"
MEMO_LABEL = "Antwoord met bronnen kopiëren voor een memo"


def alternative_quote_html(c: Citation) -> str:
    """The alternative's best sentence, visible without opening it: staff judge at a glance
    whether the passage is worth a look. A list item's bullet would read as stray punctuation
    inside the quotation marks."""
    return f'<div class="vb-alt-quote">“{html.escape(BULLET.sub("", c.quote.strip()))}”</div>'


def conversation_markdown(turns: list[tuple[str, Answer]]) -> str:
    """The whole conversation as one Markdown file for the memo folder."""
    lines = ["# Vraagbaak — gesprek", ""]
    for i, (question, answer) in enumerate(turns, start=1):
        lines += [f"## Vraag {i}: {question}", "", memo_answer(answer).strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------- sidebar


def status_rows(status: IndexStatus) -> list[tuple[str, str]]:
    return [
        ("Documenten", str(status.documents)),
        ("Tekstfragmenten", str(status.chunks)),
        ("Embeddingmodel", status.embedding_model),
        ("Laatste ingest", format_timestamp(status.last_ingest)),
    ]


def format_timestamp(stamp: str) -> str:
    """ISO timestamps as Dutch staff read them: 14-03-2025 09:12 (UTC)."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})", stamp or "")
    if not match:
        return stamp or "onbekend"
    y, mo, d, h, mi = match.groups()
    zone = " UTC" if stamp.endswith(("Z", "+00:00")) else ""
    return f"{d}-{mo}-{y} {h}:{mi}{zone}"


def context_line(answer: Answer) -> str | None:
    """What a follow-up searched: the user's own question plus what the conversation added,
    never a rewritten sentence ("Gezocht op je vraag, met context: Knock and talk, Utrecht").
    None for a question that was searched on its own."""
    if not answer.context:
        return None
    return f"Gezocht op je vraag, met context: {', '.join(answer.context)}"


def answer_caption(answer: Answer) -> str:
    mode = "extractief" if answer.mode == "extractive" else "taalmodel"
    total = answer.timings.get("total")
    seconds = f" · {total:.1f} s".replace(".", ",") if total is not None else ""
    sources = len(answer.citations)
    noun = "bron" if sources == 1 else "bronnen"
    return f"{sources} {noun} · {mode}{seconds}"
