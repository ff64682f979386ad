"""Memo Markdown: answer with markers, then sources with title, publisher, date, page,
section and the quoted sentence; document text cannot break the layout."""

from __future__ import annotations

from assistant.markdown import escape_markdown
from assistant.memo import format_date, render_citation, render_memo
from assistant.types import ABSTAIN_TEXT, Answer, Citation

ZVH_QUOTE = (
    "In het Zorg- en Veiligheidshuis participeren verschillende partners uit de zorg- en "
    "veiligheidsketen, zoals het OM, de Raad van de Kinderbescherming, zorginstellingen (vaak "
    "GGZ en verslavingszorg, maar ook LVB is van belang), en gemeenten."
)


def citation(n: int = 1, **kw: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "doc_id": "ledenbrief-zorg-veiligheid",
        "title": "Ledenbrief Zorg en Veiligheid",
        "publisher": "VNG",
        "date": "2018",
        "page": 12,
        "section": "5.2 Zorg- en Veiligheidshuis",
        "quote": ZVH_QUOTE,
        "text": ZVH_QUOTE,
    }
    values.update(kw)
    return Citation(**values)  # type: ignore[arg-type]


def answer(text: str, citations: list[Citation], **kw: object) -> Answer:
    return Answer(
        question="Wie participeren in het Zorg- en Veiligheidshuis?",
        text=text,
        citations=citations,
        mode="extractive",
        abstained=bool(kw.get("abstained", False)),
        flagged=bool(kw.get("flagged", False)),
    )


def test_citation_line_with_everything_known() -> None:
    out = render_citation(citation())
    line, blank, quote = out.split("\n")
    assert line == (
        "[1] *Ledenbrief Zorg en Veiligheid*, VNG (2018), p. 12, "
        "paragraaf “5.2 Zorg- en Veiligheidshuis”"
    )
    assert blank == ""
    assert quote == f"> “{ZVH_QUOTE}”"


def test_unknown_date_page_and_section_are_left_out() -> None:
    line = render_citation(citation(n=2, date="", page=None, section="", quote="")).strip()
    assert line == "[2] *Ledenbrief Zorg en Veiligheid*, VNG"
    assert "onbekend" not in line


def test_iso_dates_in_dutch() -> None:
    assert format_date("2025-01") == "januari 2025"
    assert format_date("2018-07-05") == "5 juli 2018"
    assert format_date("2018") == "2018"
    line = render_citation(citation(date="2025-01", publisher="VNG, met SZW en JenV"))
    assert "VNG, met SZW en JenV (januari 2025)" in line


def test_memo_has_answer_then_sources() -> None:
    memo = render_memo(
        answer(
            "In het Zorg- en Veiligheidshuis participeren het OM en gemeenten [1]. "
            "De driehoek bestaat uit de burgemeester, de officier van justitie en politie [2].",
            [
                citation(1),
                citation(2, page=None, section="7.1 Lokale driehoek", quote="De driehoek."),
            ],
        )
    )
    head, sources = memo.split("\n**Bronnen**\n")
    assert head.strip().endswith("politie [2].")
    assert "[1]" in head
    assert sources.strip().startswith("[1] *Ledenbrief")
    assert (
        "\n[2] *Ledenbrief Zorg en Veiligheid*, VNG (2018), paragraaf “7.1 Lokale driehoek”"
        in sources
    )
    assert "> “De driehoek.”" in sources


def test_abstention_has_no_sources() -> None:
    memo = render_memo(answer(ABSTAIN_TEXT, [], abstained=True))
    assert memo.strip() == ABSTAIN_TEXT
    assert "Bronnen" not in memo


def test_a_refusal_keeps_the_alternatives_staff_ticked_apart() -> None:
    """A refusal may offer passages that hold the asked detail; one the user ticks goes into
    the memo under its own heading, never as a source of an answer."""
    memo = render_memo(answer(ABSTAIN_TEXT, [], abstained=True), [citation(1)])
    refusal, ticked = memo.split("\n**Ook relevant (niet in het antwoord)**\n")
    assert refusal.strip() == ABSTAIN_TEXT
    assert ticked.strip().startswith("[1] *Ledenbrief Zorg en Veiligheid*")
    assert "Bronnen" not in memo


def test_document_markdown_is_escaped_but_markers_and_list_kept() -> None:
    text = (
        "- Het *Zorg- en Veiligheidshuis* | OM [1].\n- # Geen kop maar tekst_met_underscores [2]."
    )
    memo = render_memo(
        answer(text, [citation(1, title="Titel *met* ster"), citation(2, quote="a\n\n# b | c")])
    )
    lines = memo.splitlines()
    assert lines[0] == r"- Het \*Zorg- en Veiligheidshuis\* \| OM [1]."
    assert lines[1] == r"- \# Geen kop maar tekst\_met\_underscores [2]."
    assert r"*Titel \*met\* ster*" in memo
    assert "> “a # b \\| c”" in memo  # newlines folded: the quote stays one blockquote


def test_escape_line_start_list_and_heading() -> None:
    assert escape_markdown("2019. Eind van de City Deal") == r"2019\. Eind van de City Deal"
    assert escape_markdown("- los streepje") == r"\- los streepje"
    assert escape_markdown("gewone zin, niets te doen.") == "gewone zin, niets te doen."


def test_a_numbered_section_keeps_its_number_in_the_source_line() -> None:
    """ "3. Knock and talk" is in the middle of the reference line, where Markdown makes no
    list: the pasted memo showed "paragraaf “3\\. Knock and talk"."""
    c = citation(
        1,
        quote="2019. Eind van de City Deal",
        section="3. Knock and talk, gemeente Utrecht > Knelpunten",
    )
    memo = render_memo(answer("Tekst [1].", [c]))
    assert "paragraaf “3. Knock and talk, gemeente Utrecht > Knelpunten”" in memo
    assert "> “2019. Eind van de City Deal”" in memo
    assert "\\" not in memo


def test_flagged_answer_carries_a_warning() -> None:
    memo = render_memo(answer("De burgemeester is voorzitter.", [], flagged=True))
    assert memo.startswith("*Let op:")


def test_section_path_separators_are_not_escaped() -> None:
    """Staff paste the memo text into Word: a backslash before every " > " would show."""
    assert escape_markdown("5 Zorg en preventie > 5.2 Zorg- en Veiligheidshuis") == (
        "5 Zorg en preventie > 5.2 Zorg- en Veiligheidshuis"
    )
    assert escape_markdown("> begint als citaat").startswith("\\>")
    assert escape_markdown("a <b>vet</b>") == "a \\<b>vet\\</b>"
