"""What the Documents page says, as plain functions: testable without Streamlit.

Dutch for staff throughout; document titles are shown as text (the page never renders them
as Markdown or HTML).
"""

from __future__ import annotations

from foundation.errors import (
    DocumentChangeError,
    DocumentIngestFailed,
    IngestBusy,
    ManifestError,
    UnreadableUpload,
    UserError,
)
from ingest.document_list import (
    CHANGED,
    FILE_MISSING,
    INDEXED,
    NOT_IN_MANIFEST,
    NOT_INDEXED,
    DocumentRow,
)
from ingest.documents import CHECKING, EMBEDDING, INDEXING, SAVING, WAITING, ChangeResult
from ui.document_jobs import Job
from ui.page_logic import Problem, format_timestamp

ADMIN_VARIABLE = "VRAAGBAAK_DOCUMENT_ADMIN"
ADMIN_OFF = (
    "Documenten toevoegen, vervangen of verwijderen staat op deze server uit, zodat niemand "
    "per ongeluk de documentenset verandert. Een beheerder zet het aan door de pagina te "
    f"starten met `{ADMIN_VARIABLE}=1` (bijvoorbeeld `{ADMIN_VARIABLE}=1 vraagbaak ui`), of "
    "gebruikt `vraagbaak documents add|replace|remove` op de server."
)

STATE_LABELS = {
    INDEXED: "In de index",
    CHANGED: "Gewijzigd, nog niet verwerkt",
    NOT_INDEXED: "Nog niet verwerkt",
    FILE_MISSING: "Bestand ontbreekt",
    NOT_IN_MANIFEST: "Niet meer in manifest.toml",
}
KIND_LABELS = {
    "pdf": "PDF",
    "pdf-text": "Tekst uit PDF",
    "markdown": "Markdown",
    "web": "Webpagina",
    "text": "Tekst",
}
ACTION_VERBS = {"add": "toevoegen", "replace": "vervangen", "remove": "verwijderen"}
COLUMNS = (
    "Titel",
    "Status",
    "Uitgever",
    "Datum",
    "Soort",
    "Pagina's",
    "Passages",
    "Verwerkt op",
    "Id",
)


def table_rows(rows: list[DocumentRow]) -> list[dict[str, object]]:
    """One dict per document, keyed by the Dutch column names."""
    return [
        dict(
            zip(
                COLUMNS,
                (
                    row.title,
                    STATE_LABELS.get(row.state, row.state),
                    row.publisher or "onbekend",
                    row.date or "onbekend",
                    KIND_LABELS.get(row.kind, row.kind or "—"),
                    _count(row.pages),
                    _count(row.passages),
                    format_timestamp(row.ingested) if row.ingested else "—",
                    row.id,
                ),
                strict=True,
            )
        )
        for row in rows
    ]


def _count(value: int | None) -> str:
    """A count, or a dash where there is none (a text without page numbers, not indexed)."""
    return "—" if value is None else str(value)


def summary(rows: list[DocumentRow]) -> str:
    indexed = [row for row in rows if row.state == INDEXED]
    passages = sum(row.passages or 0 for row in indexed)
    noun = "document" if len(rows) == 1 else "documenten"
    text = f"{len(rows)} {noun}, {passages} passages in de index."
    waiting = len(rows) - len(indexed)
    if waiting:
        text += f" {waiting} nog niet (zoals beschreven) in de index: zie Status."
    return text


def job_label(job: Job) -> str:
    return f"‘{job.title}’ {ACTION_VERBS.get(job.action, job.action)}"


def progress_text(job: Job) -> tuple[str, float | None]:
    """The line under a job's bar and how full the bar is (None: no count yet)."""
    if job.phase == WAITING:
        return "Wacht tot een andere verwerking van de index klaar is…", None
    if job.phase == CHECKING:
        return "Bestand controleren…", None
    if job.phase == SAVING:
        return "Opslaan in de documentenmap…", None
    if job.phase == EMBEDDING and job.total:
        if job.done >= job.total:
            return f"Alle {job.total} passages verwerkt; index bijwerken…", 1.0
        return f"Passages verwerken: {job.done} van {job.total}", job.done / job.total
    if job.phase in (EMBEDDING, INDEXING):
        return "Index bijwerken…", None
    return "Bezig…", None


def outcome(result: ChangeResult) -> str:
    """What a finished change did, for the person who started it."""
    pages = f", {result.pages} pagina's" if result.pages else ""
    if result.action == "add":
        return (
            f"‘{result.title}’ is toegevoegd: {result.passages} passages{pages}. Je kunt er nu "
            "vragen over stellen op de pagina Vraagbaak."
        )
    if result.action == "replace":
        return (
            f"‘{result.title}’ is vervangen door de nieuwe versie: {result.passages} "
            f"passages{pages}. De passages van de oude versie zijn uit de index."
        )
    return (
        f"‘{result.title}’ is verwijderd: het bestand, het blok in manifest.toml en de passages "
        "in de index."
    )


def explain_change(exc: BaseException) -> Problem:
    """A refused or failed change, in Dutch, with what to do; nothing was changed."""
    if isinstance(exc, (UnreadableUpload, DocumentIngestFailed)):
        # what the loader or the ingest said, for whoever looks into it
        return Problem(exc.dutch, str(exc), level="warning")
    if isinstance(exc, DocumentChangeError):  # the person's own input: the Dutch says it all
        return Problem(exc.dutch, level="warning")
    if isinstance(exc, IngestBusy):
        return Problem(
            "Er loopt al een andere verwerking van de index en die duurt lang. Er is niets "
            "veranderd; probeer het over een paar minuten opnieuw.",
            str(exc),
        )
    if isinstance(exc, ManifestError):
        return Problem(
            "manifest.toml in de documentenmap bevat een fout, dus er is niets veranderd. Laat "
            "een beheerder het bestand herstellen (zie de details) en probeer het daarna opnieuw.",
            str(exc),
        )
    if isinstance(exc, UserError):
        return Problem(
            "De wijziging kon niet worden uitgevoerd; er is niets veranderd. Geef de details "
            "aan de beheerder.",
            str(exc),
        )
    return Problem(
        "Er ging iets mis bij het verwerken; de documenten en de index zijn teruggezet zoals "
        "ze waren. Probeer het opnieuw; blijft het misgaan, meld dan de details aan de "
        "beheerder.",
        f"{type(exc).__name__}: {exc}",
    )


def remove_question(row: DocumentRow) -> str:
    passages = f"de {row.passages} passages" if row.passages else "de passages"
    return (
        f"‘{row.title}’ wordt verwijderd: het bestand {row.file}, het blok in manifest.toml en "
        f"{passages} in de index. Daarna kan Vraagbaak er niet meer uit citeren. Dit is niet "
        "ongedaan te maken (bewaar zo nodig eerst een kopie van het bestand)."
    )


def replace_question(row: DocumentRow, new_name: str) -> str:
    return (
        f"‘{row.title}’ wordt vervangen door {new_name}. De passages van de huidige versie "
        "verdwijnen uit de index zodra de nieuwe versie verwerkt is; antwoorden citeren daarna "
        "de nieuwe tekst."
    )
