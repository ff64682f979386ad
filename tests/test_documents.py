"""Adding, replacing and removing documents (ingest/documents.py) on a small real corpus and
a real Chroma index: what a change does to the corpus folder, the manifest and the index, and
that every refusal or failure leaves all three exactly as they were.

Vectors come from the fake embedder (the meaning of passages is not under test here; the
browser test asks real questions over e5)."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

import ingest.pipeline as pipeline
from foundation.errors import (
    CorruptDocument,
    DocumentChangeError,
    DocumentIngestFailed,
    DocumentTooLarge,
    DuplicateDocument,
    IngestBusy,
    InvalidDocumentField,
    MissingTitle,
    UnknownDocument,
    UnreadableUpload,
)
from foundation.settings import Settings
from ingest.document_check import Fields, Upload
from ingest.document_list import (
    CHANGED,
    FILE_MISSING,
    INDEXED,
    NOT_IN_MANIFEST,
    NOT_INDEXED,
    list_documents,
)
from ingest.documents import WAITING, add_document, remove_document, replace_document
from ingest.locking import ingest_lock
from ingest.pipeline import run_ingest
from ingest.store import make_client, peek_live
from tests.fake_embedder import FAKE_EMBEDDING, HashEmbeddings
from tests.pdf_factory import (
    make_encrypted_pdf,
    make_garbled_pdf,
    make_image_only_pdf,
    make_truncated_pdf,
    text_pdf_bytes,
)

HAVEN_PAGES = [
    ["Handreiking Veilige Haven", "", "Inleiding over de aanpak in de gemeente Zuiderhaven."],
    [
        "Het Meldpunt Woonfraude Zuiderhaven behandelt elke melding",
        "over illegale onderverhuur binnen 10 werkdagen.",
    ],
]
COMMENT = "# Beheerd door team informatievoorziening.\n"


@pytest.fixture
def settings(small_corpus: Path, tmp_path: Path) -> Settings:
    """The small corpus (with a comment on top of its manifest), ingested."""
    manifest = small_corpus / "manifest.toml"
    manifest.write_text(COMMENT + "\n" + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    s = Settings(home=tmp_path / "home", corpus_dir=small_corpus, embedding=FAKE_EMBEDDING)
    assert not run_ingest(s).failed
    return s


# Made once: fpdf2 stamps the creation time into a PDF, so two calls may differ by a byte.
HAVEN_PDF = text_pdf_bytes(HAVEN_PAGES)


def haven_pdf() -> Upload:
    return Upload("Handreiking Veilige Haven.pdf", HAVEN_PDF)


def snapshot(settings: Settings) -> dict[str, Any]:
    """Everything a change may touch: every file of the corpus folder (hidden ones too), the
    live state and the chunk ids in the collection."""
    files = {
        str(p.relative_to(settings.corpus_dir)): p.read_bytes()
        for p in sorted(settings.corpus_dir.rglob("*"))
        if p.is_file()
    }
    live = peek_live(settings)
    collection = make_client(settings).get_collection(settings.collection, embedding_function=None)
    return {
        "files": files,
        "live": live.docs if live else None,
        "chunks": sorted(collection.get(include=[])["ids"]),
    }


def chunk_doc_ids(settings: Settings) -> list[str]:
    collection = make_client(settings).get_collection(settings.collection, embedding_function=None)
    return [m["doc_id"] for m in collection.get(include=["metadatas"])["metadatas"]]


# --- what a change does --------------------------------------------------------------------


def test_add_stores_the_file_writes_the_block_and_indexes_the_pages(settings: Settings) -> None:
    phases: list[tuple[str, int, int]] = []
    result = add_document(
        settings,
        haven_pdf(),
        Fields("Handreiking Veilige Haven", "Gemeente Zuiderhaven", "2025-03"),
        progress=lambda *p: phases.append(p),
    )
    assert result.doc_id == "handreiking-veilige-haven"
    assert result.file == "handreiking-veilige-haven.pdf"
    stored = settings.corpus_dir / result.file
    assert stored.read_bytes() == haven_pdf().data
    manifest = (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert manifest.startswith(COMMENT)
    assert manifest.rstrip().endswith(
        '[[document]]\nid = "handreiking-veilige-haven"\n'
        'file = "handreiking-veilige-haven.pdf"\ntitle = "Handreiking Veilige Haven"\n'
        'publisher = "Gemeente Zuiderhaven"\ndate = "2025-03"\nkind = "pdf"'
    )
    row = {r.id: r for r in list_documents(settings)}[result.doc_id]
    assert (row.state, row.pages, row.kind, row.passages) == (INDEXED, 2, "pdf", result.passages)
    assert result.passages >= 1 and row.ingested
    assert chunk_doc_ids(settings).count(result.doc_id) == result.passages
    # progress: checked, saved, then embedding up to all passages, then done
    names = [p[0] for p in phases]
    assert names[:2] == ["checking", "saving"] and names[-1] == "done"
    assert ("embedding", result.passages, result.passages) in phases


def test_replace_keeps_the_id_and_drops_the_old_passages(settings: Settings) -> None:
    added = add_document(settings, haven_pdf(), Fields("Handreiking Veilige Haven"))
    old_chunks = set(snapshot(settings)["chunks"])
    new_pages = [["Tweede versie.", "Het meldpunt behandelt meldingen nu binnen 5 werkdagen."]]
    new_pdf = text_pdf_bytes(new_pages)
    result = replace_document(
        settings,
        added.doc_id,
        Upload("versie-2.pdf", new_pdf),
        Fields(title="Handreiking Veilige Haven, tweede versie"),
    )
    assert (result.doc_id, result.file) == (added.doc_id, added.file)  # same id, same file
    assert (settings.corpus_dir / added.file).read_bytes() == new_pdf
    now = snapshot(settings)
    doc_chunks = [c for c in now["chunks"] if c not in old_chunks]
    assert len(doc_chunks) == chunk_doc_ids(settings).count(added.doc_id) == result.passages
    live = now["live"][added.doc_id]
    assert live["title"] == "Handreiking Veilige Haven, tweede versie" and live["pages"] == 1
    manifest = (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert manifest.count("[[document]]") == 3 and manifest.startswith(COMMENT)


def test_replace_with_another_type_renames_the_file(settings: Settings) -> None:
    result = replace_document(
        settings, "b", Upload("jonge aanwas.md", b"# Jonge aanwas\n\nNieuwe tekst over preventie.")
    )
    assert result.file == "jonge-aanwas.md"
    assert not (settings.corpus_dir / "b.txt").exists()
    row = {r.id: r for r in list_documents(settings)}["b"]
    assert (row.file, row.kind, row.state, row.title) == (
        "jonge-aanwas.md",
        "markdown",
        INDEXED,
        "Document B",
    )


def test_remove_takes_file_block_and_passages(settings: Settings) -> None:
    added = add_document(settings, haven_pdf(), Fields("Handreiking Veilige Haven"))
    result = remove_document(settings, added.doc_id)
    assert result.title == "Handreiking Veilige Haven"
    assert not (settings.corpus_dir / added.file).exists()
    assert not any(p.name.startswith(".") for p in settings.corpus_dir.iterdir())
    manifest = (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert "handreiking" not in manifest and manifest.startswith(COMMENT)
    assert added.doc_id not in chunk_doc_ids(settings)
    assert added.doc_id not in {r.id for r in list_documents(settings)}
    assert not result.report.warnings  # the file was not seen as an unlisted stray


def test_list_says_what_the_index_lacks(settings: Settings) -> None:
    corpus = settings.corpus_dir
    (corpus / "a.md").write_text("# Gewijzigd\n\nNieuwe tekst.\n", encoding="utf-8")
    (corpus / "b.txt").unlink()
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as out:
        out.write('\n[[document]]\nid = "c"\nfile = "c.md"\ntitle = "Document C"\n')
    (corpus / "c.md").write_text("# C\n\nNog niet verwerkt.\n", encoding="utf-8")
    states = {r.id: r.state for r in list_documents(settings)}
    assert states == {"a": CHANGED, "b": FILE_MISSING, "c": NOT_INDEXED}
    text = (corpus / "manifest.toml").read_text(encoding="utf-8")
    (corpus / "manifest.toml").write_text(text.split('[[document]]\nid = "c"')[0], "utf-8")
    (corpus / "manifest.toml").write_text(
        (corpus / "manifest.toml").read_text(encoding="utf-8").replace('id = "a"', 'id = "a2"'),
        "utf-8",
    )
    states = {r.id: r.state for r in list_documents(settings)}
    assert states["a"] == NOT_IN_MANIFEST and states["a2"] == NOT_INDEXED


# --- refusals: nothing is touched ------------------------------------------------------------


def _pdf_file(tmp_path: Path, make) -> bytes:
    path = tmp_path / "x.pdf"
    make(path)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "dutch"),
    [
        ("kapot.pdf", lambda p: make_truncated_pdf(p), "beschadigd"),
        ("ruis.pdf", lambda p: make_garbled_pdf(p), "beschadigd"),
        ("geheim.pdf", lambda p: make_encrypted_pdf(p, user_password="geheim"), "wachtwoord"),
        ("scan.pdf", lambda p: make_image_only_pdf(p, 2), "OCR"),
        ("leeg.pdf", lambda p: p.write_bytes(b""), "is leeg"),
        ("leeg.txt", lambda p: p.write_bytes(b" \n\n "), "is leeg"),
        ("notitie.txt", lambda p: p.write_bytes("Caf\xe9 Zuiderhaven".encode("cp1252")), "UTF-8"),
        ("notitie.docx", lambda p: p.write_bytes(b"PK\x03\x04 word"), "geen PDF-"),
        ("web.pdf", lambda p: p.write_bytes(b"<html>Not found</html>"), "geen echte PDF"),
    ],
)
def test_an_unreadable_file_is_refused_in_dutch_and_changes_nothing(
    settings: Settings, tmp_path: Path, name: str, make, dutch: str
) -> None:
    data = _pdf_file(tmp_path, make)
    before = snapshot(settings)
    with pytest.raises(UnreadableUpload) as refused:
        add_document(settings, Upload(name, data), Fields("Een titel"))
    assert dutch in refused.value.dutch and f"'{name}'" in refused.value.dutch
    assert name in str(refused.value)  # the English message names the file too
    assert snapshot(settings) == before


def test_a_duplicate_is_refused_and_named(settings: Settings) -> None:
    before = snapshot(settings)
    same_as_a = (settings.corpus_dir / "a.md").read_bytes()
    with pytest.raises(DuplicateDocument) as refused:
        add_document(settings, Upload("kopie van a.md", same_as_a), Fields("Kopie"))
    assert refused.value.doc_id == "a"
    assert "'Document A' (a)" in refused.value.dutch and "Vervangen" in refused.value.dutch
    assert "'a'" in str(refused.value)
    with pytest.raises(DuplicateDocument) as again:  # a new version equal to another document
        replace_document(settings, "b", Upload("b.md", same_as_a))
    assert again.value.doc_id == "a"
    assert snapshot(settings) == before


def test_a_file_too_large_is_refused_with_the_limit(settings: Settings) -> None:
    small = Settings(
        home=settings.home,
        corpus_dir=settings.corpus_dir,
        embedding=settings.embedding,
        max_document_mb=0.001,
    )
    before = snapshot(settings)
    with pytest.raises(DocumentTooLarge) as refused:
        add_document(small, haven_pdf(), Fields("Handreiking Veilige Haven"))
    assert "de grens is 1 kB" in refused.value.dutch
    assert "VRAAGBAAK_MAX_DOCUMENT_MB" in refused.value.dutch
    assert re.search(r"\.pdf is 1\.\d kB; the limit is 1 kB", str(refused.value))
    assert snapshot(settings) == before


@pytest.mark.parametrize(
    ("fields", "error", "dutch"),
    [
        (Fields(title="   "), MissingTitle, "Vul een titel in"),
        (Fields(title="Titel", date="maart 2025"), InvalidDocumentField, "geen jaar"),
        (Fields(title="Titel", date="2025-13"), InvalidDocumentField, "geen jaar"),
        (Fields(title="T" * 301), InvalidDocumentField, "301 tekens"),
    ],
)
def test_bad_fields_are_refused(settings: Settings, fields: Fields, error, dutch: str) -> None:
    before = snapshot(settings)
    with pytest.raises(error) as refused:
        add_document(settings, haven_pdf(), fields)
    assert dutch in refused.value.dutch
    assert snapshot(settings) == before


def test_unknown_taken_and_last_documents_are_refused(settings: Settings) -> None:
    before = snapshot(settings)
    with pytest.raises(UnknownDocument, match="'x'"):
        remove_document(settings, "x")
    with pytest.raises(UnknownDocument):
        replace_document(settings, "x", haven_pdf())
    with pytest.raises(InvalidDocumentField, match="already used"):
        add_document(settings, haven_pdf(), Fields("Titel"), doc_id="a")
    with pytest.raises(InvalidDocumentField, match="slug"):
        add_document(settings, haven_pdf(), Fields("Titel"), doc_id="Met Spaties")
    with pytest.raises(DuplicateDocument, match="already in the corpus"):
        replace_document(settings, "a", Upload("a.md", (settings.corpus_dir / "a.md").read_bytes()))
    assert snapshot(settings) == before
    remove_document(settings, "b")
    with pytest.raises(DocumentChangeError, match="only document") as last:
        remove_document(settings, "a")
    assert "enige document" in last.value.dutch


def test_a_running_ingest_refuses_a_change_without_touching_anything(settings: Settings) -> None:
    before = snapshot(settings)
    with ingest_lock(settings.home), pytest.raises(IngestBusy):
        add_document(settings, haven_pdf(), Fields("Handreiking Veilige Haven"))
    assert snapshot(settings) == before


# --- failures during the ingest: rolled back ------------------------------------------------


class BrokenEmbedder(HashEmbeddings):
    """An embedding model that fails mid-ingest (out of memory, a broken install)."""

    def passage_vectors(self, texts: list[str]):
        raise RuntimeError("embedding engine crashed")


def test_a_failed_ingest_of_a_new_document_is_rolled_back(settings: Settings) -> None:
    before = snapshot(settings)
    with pytest.raises(RuntimeError, match="engine crashed"):
        add_document(
            settings, haven_pdf(), Fields("Handreiking Veilige Haven"), embedder=BrokenEmbedder()
        )
    assert snapshot(settings) == before


def test_a_failed_ingest_of_a_new_version_keeps_the_old_one(settings: Settings) -> None:
    before = snapshot(settings)
    with pytest.raises(RuntimeError):
        replace_document(settings, "a", Upload("a.pdf", HAVEN_PDF), embedder=BrokenEmbedder())
    assert snapshot(settings) == before


def test_a_document_the_ingest_cannot_read_is_rolled_back_in_dutch(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file passed the check but the ingest's own read fails (changed on disk, a loader
    that disagrees): the ingest reports it as failed and the change is undone."""
    before = snapshot(settings)
    real = pipeline.load_pages

    def load_pages(path: Path):
        if path.suffix == ".pdf":
            raise CorruptDocument(path, "damaged")
        return real(path)

    monkeypatch.setattr(pipeline, "load_pages", load_pages)
    with pytest.raises(DocumentIngestFailed) as failed:
        add_document(settings, haven_pdf(), Fields("Handreiking Veilige Haven"))
    assert "er is niets veranderd" in failed.value.dutch
    assert snapshot(settings) == before


def test_a_failure_after_the_switch_brings_the_index_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BM25 fails after the removal was switched live: manifest and file come back, and a
    second ingest puts the document back in the index."""
    before = snapshot(settings)
    real = pipeline.refresh_bm25
    calls = []

    def refresh_once_broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "refresh_bm25", refresh_once_broken)
    with pytest.raises(OSError, match="disk full"):
        remove_document(settings, "b")
    after = snapshot(settings)
    assert after["files"] == before["files"]
    assert after["live"]["b"]["hash"] == before["live"]["b"]["hash"]
    assert chunk_doc_ids(settings).count("b") == before["live"]["b"]["chunks"]
    assert len(calls) == 2


# --- two at once ----------------------------------------------------------------------------


def _in_threads(settings: Settings, uploads: list[tuple[Upload, Fields]]) -> list[object]:
    """Start the uploads while an ingest holds the lock, let go once all of them are waiting
    for it, and return each one's result or error."""
    waiting = [threading.Event() for _ in uploads]
    results: list[object] = [None] * len(uploads)

    def run(i: int, upload: Upload, fields: Fields) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            if phase == WAITING:
                waiting[i].set()

        try:
            results[i] = add_document(settings, upload, fields, progress=progress, lock_timeout=120)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    with ingest_lock(settings.home):
        threads = [threading.Thread(target=run, args=(i, u, f)) for i, (u, f) in enumerate(uploads)]
        for thread in threads:
            thread.start()
        for event in waiting:
            assert event.wait(60), "an upload did not wait for the lock"
    for thread in threads:
        thread.join(120)
    return results


def test_two_uploads_at_once_both_arrive(settings: Settings) -> None:
    second = Upload("notitie.md", b"# Notitie\n\nDe wijkagent bezoekt elke woensdag de markt.\n")
    results = _in_threads(
        settings,
        [(haven_pdf(), Fields("Handreiking Veilige Haven")), (second, Fields("Notitie"))],
    )
    ids = {r.doc_id for r in results}  # type: ignore[union-attr]
    assert ids == {"handreiking-veilige-haven", "notitie"}
    rows = {r.id: r for r in list_documents(settings)}
    assert {rows[i].state for i in ids} == {INDEXED}
    assert set(chunk_doc_ids(settings)) == {"a", "b", *ids}
    manifest = (settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert manifest.startswith(COMMENT) and manifest.count("[[document]]") == 4


def test_the_same_upload_twice_at_once_arrives_once(settings: Settings) -> None:
    results = _in_threads(
        settings,
        [(haven_pdf(), Fields("Handreiking Veilige Haven")), (haven_pdf(), Fields("Kopie"))],
    )
    refused = [r for r in results if isinstance(r, DuplicateDocument)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(refused) == 1 and len(done) == 1
    assert refused[0].doc_id == done[0].doc_id  # type: ignore[attr-defined]
    assert sum(r.state == INDEXED for r in list_documents(settings)) == 3
