"""The Documents page, run in-process by Streamlit's AppTest over a small real index: what a
colleague sees with changes off (the list, and how to turn them on) and on (the forms, a
refusal in Dutch that changes nothing, a change in the background, two uploads at once)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from foundation.settings import Settings
from ingest.locking import ingest_lock
from ingest.pipeline import run_ingest
from tests.fake_embedder import FAKE_EMBEDDING
from tests.pdf_factory import make_image_only_pdf
from ui.document_jobs import BOARD

PAGE = "from ui.documents_page import render_documents\nrender_documents()\n"
TIMEOUT = 60
NOTE = b"# Notitie wijkteam\n\nDe wijkagent houdt elke woensdag spreekuur in het buurthuis.\n"


@pytest.fixture
def home(small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(home=tmp_path / "home", corpus_dir=small_corpus, embedding=FAKE_EMBEDDING)
    assert not run_ingest(settings).failed
    monkeypatch.setenv("VRAAGBAAK_HOME", str(settings.home))
    monkeypatch.setenv("VRAAGBAAK_CORPUS", str(small_corpus))
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", FAKE_EMBEDDING)
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    monkeypatch.delenv("VRAAGBAAK_MAX_DOCUMENT_MB", raising=False)
    monkeypatch.setenv("VRAAGBAAK_DOCUMENT_ADMIN", "1")
    return settings


def page() -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def texts(at: AppTest) -> str:
    """The page's messages as a person reads them (the Markdown escapes taken out)."""
    parts = [e.value for kind in ("success", "warning", "error", "info") for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def add(at: AppTest, name: str, data: bytes, title: str, **fields: str) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    at.text_input[0].set_value(title)
    if "publisher" in fields:
        at.text_input[1].set_value(fields["publisher"])
    if "date" in fields:
        at.text_input[2].set_value(fields["date"])
    submit = next(b for b in at.button if b.label == "Toevoegen")
    submit.click().run()
    assert not at.exception, at.exception
    return at


def wait_for_jobs(at: AppTest) -> AppTest:
    """Until the background changes this session started are done (a deadline, not a
    timing assertion), then a rerun like the page's own."""
    deadline = time.monotonic() + TIMEOUT
    for job_id in at.session_state["document_jobs"]:
        while not BOARD.get(job_id).finished:  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "a document change did not finish"
            time.sleep(0.1)
    at.run()
    assert not at.exception, at.exception
    return at


def test_with_changes_off_the_page_lists_and_says_how_to_enable(
    home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VRAAGBAAK_DOCUMENT_ADMIN")
    at = page()
    assert at.title[0].value == "Documenten"
    rows = table(at)
    assert [(r["Titel"], r["Status"], r["Id"]) for r in rows] == [
        ("Document A", "In de index", "a"),
        ("Document B", "In de index", "b"),
    ]
    assert rows[0]["Uitgever"] == "VNG" and rows[0]["Soort"] == "Markdown"
    assert "VRAAGBAAK_DOCUMENT_ADMIN=1" in at.info[0].value
    assert not at.file_uploader and not [b for b in at.button if b.label == "Toevoegen"]


def test_with_changes_on_the_page_has_the_forms(home: Settings) -> None:
    at = page()
    assert [t.label for t in at.text_input][:3] == ["Titel", "Uitgever", "Datum"]
    assert at.file_uploader[0].label == "Bestand"
    assert {"Toevoegen", "Vervangen…", "Verwijderen…"} <= {b.label for b in at.button}
    assert not at.info


@pytest.mark.parametrize(
    ("name", "data", "title", "expected"),
    [
        ("notitie.md", NOTE, "  ", "Vul een titel in"),
        ("scan.pdf", None, "Scan", "OCR"),
        ("leeg.txt", b"", "Leeg", "is leeg"),
        ("kopie.md", "a.md", "Kopie", "als 'Document A' (a)"),
    ],
)
def test_a_refused_upload_says_why_in_dutch_and_changes_nothing(
    home: Settings, tmp_path: Path, name: str, data, title: str, expected: str
) -> None:
    if data is None:
        data = make_image_only_pdf(tmp_path / name).read_bytes()
    elif isinstance(data, str):
        data = (home.corpus_dir / data).read_bytes()
    before = {p.name: p.read_bytes() for p in home.corpus_dir.iterdir()}
    at = add(page(), name, data, title)
    assert expected in texts(at)
    assert "document_jobs" not in at.session_state  # no change was started
    assert {p.name: p.read_bytes() for p in home.corpus_dir.iterdir()} == before
    assert at.text_input[0].value == title  # the form keeps what was typed


def test_a_file_over_the_limit_names_the_limit(
    home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VRAAGBAAK_MAX_DOCUMENT_MB", "0.00002")
    at = add(page(), "notitie.md", NOTE, "Notitie")
    assert f"'notitie.md' is {len(NOTE)} bytes; de grens is 20 bytes" in texts(at)
    assert "VRAAGBAAK_MAX_DOCUMENT_MB" in texts(at)


def test_an_upload_runs_in_the_background_and_lands_in_the_list(home: Settings) -> None:
    at = add(page(), "Notitie wijkteam.md", NOTE, "Notitie wijkteam", publisher="Wijkteam")
    at = wait_for_jobs(at)
    assert "‘Notitie wijkteam’ is toegevoegd" in texts(at)
    rows = {r["Id"]: r for r in table(at)}
    assert rows["notitie-wijkteam"]["Status"] == "In de index"
    assert rows["notitie-wijkteam"]["Uitgever"] == "Wijkteam"
    assert (home.corpus_dir / "notitie-wijkteam.md").read_bytes() == NOTE
    assert at.text_input[0].value == ""  # the form is empty again for the next document


def test_two_uploads_at_once_wait_their_turn_and_both_arrive(home: Settings) -> None:
    at = page()
    with ingest_lock(home.home):  # a colleague's ingest is running
        add(at, "notitie.md", NOTE, "Notitie wijkteam")
        add(at, "brief.txt", b"Brief\n\nDe gemeente sluit de woning voor drie maanden.\n", "Brief")
        jobs = [BOARD.get(i) for i in at.session_state["document_jobs"]]
        assert len(jobs) == 2
        deadline = time.monotonic() + TIMEOUT
        while not all(BOARD.get(j.id).phase == "waiting" for j in jobs):  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the uploads did not wait for the lock"
            time.sleep(0.1)
        at.run()
        waiting = [p for p in at.get("progress") if "Wacht tot" in str(p.proto.text)]
        assert len(waiting) == 2
    at = wait_for_jobs(at)
    shown = texts(at)
    assert "‘Notitie wijkteam’ is toegevoegd" in shown and "‘Brief’ is toegevoegd" in shown
    assert {r["Id"] for r in table(at)} == {"a", "b", "notitie-wijkteam", "brief"}
