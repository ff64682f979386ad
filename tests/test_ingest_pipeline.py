"""Ingest behaviour on a small real corpus: chunks, incremental runs, model mismatch, lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foundation.errors import IndexMissing, IndexModelMismatch, IngestBusy
from foundation.settings import Settings
from ingest.chunking import chunk_document, clean_text_of
from ingest.index import IndexReader
from ingest.locking import ingest_lock
from ingest.models import Block
from ingest.pipeline import run_ingest
from tests.fake_embedder import FAKE_EMBEDDING


def _settings(home: Path, corpus: Path) -> Settings:
    """Ingest mechanics need vectors, not their meaning: the fake embedder."""
    return Settings(home=home, corpus_dir=corpus, embedding=FAKE_EMBEDDING)


def test_chunks_keep_sections_offsets_and_whole_sentences() -> None:
    sentence = "De gemeente werkt samen met partners in zorg en veiligheid. "
    blocks = [
        Block("1 Inleiding", None, "1 Inleiding", "heading"),
        Block(sentence * 30, 3, "1 Inleiding"),
        Block("2 Aanpak", None, "2 Aanpak", "heading"),
        Block("Het Zorg- en Veiligheidshuis coördineert. Daarna volgt nazorg.", 4, "2 Aanpak"),
    ]
    chunks = chunk_document("doc", "f" * 64, blocks, chunk_size=300, chunk_overlap=80)
    clean = clean_text_of(blocks)
    assert len(chunks) > 3
    assert {c.section for c in chunks} == {"1 Inleiding", "2 Aanpak"}
    for c in chunks:
        assert clean[c.start : c.end] == c.text  # offsets point into the clean text
        assert c.text.endswith(".")  # never cut inside a sentence
        assert c.text[0].isupper()
        assert len(c.text) <= 300
    assert chunks[-1].page == 4 and chunks[0].page == 3
    # overlap: consecutive chunks of one section share a sentence
    assert chunks[1].start < chunks[0].end
    assert len({c.id for c in chunks}) == len(chunks)


def test_short_sibling_sections_share_a_chunk_with_exact_section_spans() -> None:
    blocks = [
        Block("Bronnen", None, "Bronnen", "heading"),
        Block("Politieregistratie", None, "Bronnen > Politieregistratie", "heading"),
        Block("Geeft inzicht in overlast.", None, "Bronnen > Politieregistratie"),
        Block("Wijkscan", None, "Bronnen > Wijkscan", "heading"),
        Block("Toont de veiligheid per wijk.", None, "Bronnen > Wijkscan"),
        Block("Andere zaken", None, "Andere zaken", "heading"),
        Block("Dit hoort er niet bij.", None, "Andere zaken"),
    ]
    chunks = chunk_document("doc", "e" * 64, blocks)
    assert [c.section for c in chunks] == ["Bronnen", "Andere zaken"]
    first = chunks[0]
    assert "Wijkscan" in first.text and "Politieregistratie" not in first.text.split("\n")[0]
    offset = first.text.index("Toont")
    assert [s for o, s in first.section_spans if o <= offset][-1] == "Bronnen > Wijkscan"
    assert clean_text_of(blocks)[first.start : first.end] == first.text


def test_incremental_ingest_add_change_remove_unchanged(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    first = run_ingest(settings)
    assert (len(first.added), len(first.unchanged), first.failed) == (2, 0, {})
    n_chunks = first.chunks

    again = run_ingest(settings)
    assert again.to_json()["unchanged"] == 2 and again.to_json()["added"] == 0
    assert again.embedded == 0 and again.chunks == n_chunks

    (small_corpus / "b.txt").write_text(
        "Jonge aanwas\n\nJongeren worden via sociale media geronseld. Ouders en scholen "
        "herkennen signalen vaak te laat.\n",
        encoding="utf-8",
    )
    manifest = small_corpus / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n[[document]]\nid = "c"\nfile = "c.md"\ntitle = "Document C"\n',
        encoding="utf-8",
    )
    (small_corpus / "c.md").write_text(
        "# Cameratoezicht\n\nDe burgemeester kan cameratoezicht inzetten.\n", encoding="utf-8"
    )
    changed = run_ingest(settings)
    assert changed.added == ["c"] and changed.updated == ["b"] and changed.unchanged == ["a"]

    reader = IndexReader(settings)
    texts = [c.text for c in reader.chunks.values()]
    assert not any("drugskoerier" in t for t in texts)  # old version of b is gone
    assert any("sociale media" in t for t in texts)
    assert len(texts) == len(set(texts))  # re-ingesting never duplicates a chunk
    assert reader.status().documents == 3

    manifest.write_text(
        manifest.read_text(encoding="utf-8").split('[[document]]\nid = "c"')[0],
        encoding="utf-8",
    )
    (small_corpus / "c.md").unlink()
    removed = run_ingest(settings)
    assert removed.removed == ["c"]
    reader = IndexReader(settings)
    assert {c.doc_id for c in reader.chunks.values()} == {"a", "b"}
    # the store itself holds no stale versions either
    collection_count = reader._collection.count()
    assert collection_count == len(reader.chunks)


def test_json_summary_has_the_contract_keys(tmp_path: Path, small_corpus: Path) -> None:
    report = run_ingest(_settings(tmp_path / "home", small_corpus)).to_json()
    assert {"added", "updated", "removed", "unchanged", "chunks", "seconds"} <= set(report)
    json.dumps(report)


def test_chunk_metadata_carries_the_citation(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    reader = IndexReader(settings)
    chunk = next(c for c in reader.chunks.values() if "sluiten" in c.text)
    assert chunk.meta["doc_id"] == "a"
    assert chunk.meta["title"] == "Document A"
    assert chunk.meta["publisher"] == "VNG"
    # the short intro section and its sub-section share one chunk; the chunk records where
    # the sub-section starts, so a quote from it is cited with the exact section
    spans = json.loads(chunk.meta["section_spans"])
    start = chunk.text.index("De burgemeester")
    section = [sec for offset, sec in spans if offset <= start][-1]
    assert section == "Zorg en veiligheid > Rol van de burgemeester"
    assert chunk.meta["end"] > chunk.meta["start"] >= 0


def test_opening_with_another_model_is_a_clear_error(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    from ingest import store

    client = store.make_client(settings)
    from ingest.embedders import get_embeddings

    emb = get_embeddings(FAKE_EMBEDDING)
    with pytest.raises(IndexModelMismatch, match=FAKE_EMBEDDING):
        store.open_vectorstore(client, settings, emb, "other-model", emb.dim, create=False)
    with pytest.raises(IndexModelMismatch, match="dim"):
        store.open_vectorstore(client, settings, emb, FAKE_EMBEDDING, 768, create=False)


def test_search_before_any_ingest_says_what_to_do(tmp_path: Path, small_corpus: Path) -> None:
    with pytest.raises(IndexMissing, match="vraagbaak ingest"):
        IndexReader(_settings(tmp_path / "empty", small_corpus))


def test_a_second_ingest_is_refused_while_one_runs(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    with ingest_lock(settings.home), pytest.raises(IngestBusy, match="Another ingest"):
        run_ingest(settings, lock_timeout=0.3)
    assert run_ingest(settings).added == ["a", "b"]  # lock released


def test_missing_bm25_is_rebuilt_from_chroma(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    shutil.rmtree(settings.home / "bm25-vraagbaak")
    reader = IndexReader(settings)
    hits = reader.bm25.search("drugskoerier geronseld", 5)
    assert hits and reader.chunks[hits[0][0]].doc_id == "b"
    assert (settings.home / "bm25-vraagbaak" / "rows.json").exists()


def test_a_broken_document_keeps_the_rest(tmp_path: Path, small_corpus: Path) -> None:
    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    (small_corpus / "b.txt").write_bytes(b"Caf\xe9 in de wijk, \xe9\xe9n aanpak\n")
    report = run_ingest(settings)
    assert "b" in report.failed and "UTF-8" in report.failed["b"]
    reader = IndexReader(settings)  # previous version of b stays searchable
    assert {c.doc_id for c in reader.chunks.values()} == {"a", "b"}


def test_large_reads_are_paged(tmp_path: Path, small_corpus: Path, monkeypatch) -> None:
    """Embedded Chroma refuses single reads past ~32,000 rows; reads go in pages."""
    from ingest import store

    settings = _settings(tmp_path / "home", small_corpus)
    run_ingest(settings)
    expected = len(IndexReader(settings).chunks)
    monkeypatch.setattr(store, "GET_PAGE", 1)
    shutil.rmtree(settings.home / "bm25-vraagbaak")
    reader = IndexReader(settings)  # loads chunks and rebuilds BM25 one row per page
    assert len(reader.chunks) == expected > 1
    assert len(reader.bm25.ids) == expected


def test_a_corpus_where_every_document_fails_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"\xff\xfe kapot")
    (folder / "manifest.toml").write_text(
        '[[document]]\nid = "a"\nfile = "a.txt"\ntitle = "A"\n', encoding="utf-8"
    )
    report = run_ingest(_settings(tmp_path / "home", folder))
    assert list(report.failed) == ["a"] and report.chunks == 0
