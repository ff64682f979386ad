"""Bad input gets a clear message and loses nothing: the existing index keeps working.

Documents: one `vraagbaak ingest` run (a real subprocess) over a corpus that gained a corrupt,
a truncated, an encrypted, an empty, an image-only and a non-UTF-8 file, an unsupported
type, a file the manifest does not list, a manifest entry without a file, one good new
document, and a broken new version of a document that was already indexed. Every problem
has its own line on stderr, nothing is a traceback, the good document is added, and search
still finds the earlier documents (the broken update keeps its previous version).
A manifest with a syntax error stops the run (exit 2) before anything is touched.

Questions: empty, only whitespace and control characters, 50,000 characters (a Dutch
message, refused at once), control characters inside a real question (still answered), and
English and German questions (answered or abstained, never a crash), through the Assistant
API and through `vraagbaak ask` / `vraagbaak search` as subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from foundation.settings import Settings
from ingest.index import IndexReader
from ingest.pipeline import run_ingest
from tests.pdf_factory import (
    make_encrypted_pdf,
    make_garbled_pdf,
    make_image_only_pdf,
    make_truncated_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120

pytestmark = pytest.mark.timeout(600)


def vraagbaak_cmd() -> list[str]:
    script = Path(sys.executable).with_name("vraagbaak")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRAAGBAAK_")}
    env.update(VRAAGBAAK_HOME=str(home), VRAAGBAAK_EMBEDDING="e5-small-q4")
    result = subprocess.run(
        [*vraagbaak_cmd(), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    return result


# --- documents ---------------------------------------------------------------------------

GOOD_A = (
    "# Zorg en veiligheid\n\nDe gemeente werkt samen met zorgpartners en politie. "
    "Het Zorg- en Veiligheidshuis brengt partners samen rond complexe casuïstiek.\n"
)
GOOD_B = (
    "Jonge aanwas\n\nJongeren worden geronseld als drugskoerier. Preventie op scholen en in "
    "de wijk helpt om te voorkomen dat zij in de criminaliteit belanden.\n"
)
GOOD_C = (
    "Cameratoezicht\n\nDe burgemeester kan cameratoezicht inzetten in een wijk waar "
    "ondermijnende criminaliteit de openbare orde verstoort.\n"
)


def entry(doc_id: str, file: str) -> str:
    return f'[[document]]\nid = "{doc_id}"\nfile = "{file}"\ntitle = "Document {doc_id}"\n'


@dataclass(frozen=True)
class BadRun:
    home: Path
    corpus: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> BadRun:
    tmp = tmp_path_factory.mktemp("bad")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(GOOD_A, encoding="utf-8")
    (corpus / "b.txt").write_text(GOOD_B, encoding="utf-8")
    (corpus / "manifest.toml").write_text(entry("a", "a.md") + entry("b", "b.txt"), "utf-8")
    settings = Settings(home=tmp / "home", corpus_dir=corpus, embedding="e5-small-q4")
    assert not run_ingest(settings).failed

    make_garbled_pdf(corpus / "garbled.pdf")
    make_truncated_pdf(corpus / "truncated.pdf")
    make_encrypted_pdf(corpus / "locked.pdf", user_password="geheim")
    make_image_only_pdf(corpus / "scan.pdf", page_count=2)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "cp1252.txt").write_bytes("Café in de wijk, één aanpak\n".encode("cp1252"))
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (corpus / "c.txt").write_text(GOOD_C, encoding="utf-8")
    (corpus / "stray.txt").write_text("Niet in het manifest.\n", encoding="utf-8")
    (corpus / "b.txt").write_bytes(b"Caf\xe9 \xe9\xe9n aanpak\n")  # a broken update of b
    listed = [
        ("a", "a.md"),
        ("b", "b.txt"),
        ("c", "c.txt"),
        ("garbled", "garbled.pdf"),
        ("truncated", "truncated.pdf"),
        ("locked", "locked.pdf"),
        ("scan", "scan.pdf"),
        ("empty", "empty.txt"),
        ("cp1252", "cp1252.txt"),
        ("notes", "notes.docx"),
        ("ghost", "ghost.pdf"),
    ]
    (corpus / "manifest.toml").write_text("\n".join(entry(*e) for e in listed), "utf-8")
    result = run_cli(settings.home, "ingest", "--corpus", str(corpus), "--json")
    return BadRun(settings.home, corpus, result)


def stderr_line(run: BadRun, start: str) -> str:
    lines = [line for line in run.result.stderr.splitlines() if line.startswith(start)]
    assert len(lines) == 1, f"no single line starting {start!r} in:\n{run.result.stderr}"
    return lines[0]


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [
        ("garbled", ["garbled.pdf", "damaged or truncated", "download or export it again"]),
        ("truncated", ["truncated.pdf", "damaged or truncated"]),
        ("locked", ["locked.pdf", "protected with a password", "qpdf --decrypt"]),
        ("scan", ["scan.pdf", "no text layer", "OCR"]),
        ("empty", ["empty.txt", "the file is empty"]),
        ("cp1252", ["cp1252.txt", "not valid UTF-8", "byte 0xe9", "iconv -f cp1252"]),
        ("b", ["b.txt", "not valid UTF-8"]),
    ],
)
def test_each_unreadable_document_gets_its_own_error(
    bad_run: BadRun, doc_id: str, expected: list[str]
) -> None:
    line = stderr_line(bad_run, f"error: {doc_id}: ")
    for part in expected:
        assert part in line, line


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("warning: notes.docx:", ["not supported", "skipped document 'notes'"]),
        ("warning: ghost.pdf:", ["listed in manifest.toml as 'ghost' but not found"]),
        ("warning: stray.txt:", ["not listed in manifest.toml", 'id = "stray"']),
    ],
)
def test_manifest_problems_are_warnings(bad_run: BadRun, start: str, expected: list[str]) -> None:
    line = stderr_line(bad_run, start)
    block = bad_run.result.stderr[bad_run.result.stderr.index(line) :]
    for part in expected:
        assert part in block, block[:800]


def test_bad_documents_cost_nothing_else(bad_run: BadRun) -> None:
    result = bad_run.result
    assert result.returncode == 1, result.stderr  # failures are reported in the exit code
    summary = json.loads(result.stdout)
    # a is unchanged (or updated, if the pipeline version moved under a running test)
    assert (summary["added"], summary["removed"]) == (1, 0), summary
    assert summary["unchanged"] + summary["updated"] == 1, summary
    assert set(summary["failed"]) == {"b", "garbled", "truncated", "locked", "scan"} | {
        "empty",
        "cp1252",
    }
    reader = IndexReader(Settings(home=bad_run.home, corpus_dir=bad_run.corpus))
    texts = " ".join(c.text for c in reader.chunks.values())
    assert {c.doc_id for c in reader.chunks.values()} == {"a", "b", "c"}
    assert "drugskoerier" in texts  # the previous version of b is still searchable
    assert "cameratoezicht" in texts

    found = run_cli(bad_run.home, "search", "drugskoerier jongeren", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["doc_id"] == "b"


def test_manifest_syntax_error_stops_before_touching_the_index(
    bad_run: BadRun, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(bad_run.corpus, corpus)
    (corpus / "manifest.toml").write_text('[[document]]\nid = "a\nfile = "a.md"\n', "utf-8")
    before = IndexReader(Settings(home=bad_run.home, corpus_dir=corpus)).live.docs
    result = run_cli(bad_run.home, "ingest", "--corpus", str(corpus))
    assert result.returncode == 2, result.stderr
    assert "manifest.toml:" in result.stderr and "invalid TOML" in result.stderr
    assert IndexReader(Settings(home=bad_run.home, corpus_dir=corpus)).live.docs == before


# --- questions ---------------------------------------------------------------------------

LONG = ("Wat doet het Zorg- en Veiligheidshuis precies voor de wijk? " * 900)[:50_000]
EMPTY_CASES = {
    "empty": "",
    "spaces": "   \n\t  ",
    "control": "\x00\x01\x07\x1b\u200b\u2028\x7f",
    "punctuation": " ?!  ...\t",
}
NORMAL = "Wat is het Zorg- en Veiligheidshuis?"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EMPTY_CASES))
def test_empty_questions_are_refused_in_dutch(assistant, name: str) -> None:
    from foundation.errors import QuestionError

    for call in (assistant.ask, assistant.search):
        with pytest.raises(QuestionError, match="Stel een vraag"):
            call(EMPTY_CASES[name])


@pytest.mark.slow
def test_a_50000_character_question_is_refused_at_once(assistant) -> None:
    from foundation.errors import QuestionError

    assert len(LONG) == 50_000
    for call in (assistant.ask, assistant.search):
        t0 = time.perf_counter()
        with pytest.raises(QuestionError, match="te lang") as info:
            call(LONG)
        assert time.perf_counter() - t0 < 0.5  # refused before any embedding or search
        assert str(info.value) == (
            "Deze vraag is te lang (50.000 tekens; maximaal 2.000). "
            "Stel een kortere vraag, of plak alleen de kern van de tekst."
        )


@pytest.mark.slow
def test_control_characters_inside_a_question_are_ignored(assistant) -> None:
    plain = assistant.ask(NORMAL)
    dirty = assistant.ask(
        "\x1b[31mWat is het\x00 Zorg-\x07 en\u200b Veiligheids\u200bhuis?\x7f\r\n\x1b[0m"
    )
    assert not plain.abstained and plain.citations
    assert dirty.question == NORMAL
    assert (dirty.text, [c.chunk_id for c in dirty.citations]) == (
        plain.text,
        [c.chunk_id for c in plain.citations],
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "What does the Care and Safety House do for municipalities?",
        "Was macht das Zorg- und Sicherheitshaus für die Gemeinden?",
        "¿Qué hace la casa de seguridad?",
    ],
)
def test_questions_in_other_languages_are_answered_or_abstained(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained or (answer.citations and answer.text.strip())
    for citation in answer.citations:
        assert citation.doc_id in assistant.index.live.docs
    assert assistant.search(question, k=3)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "question", "message"),
    [
        ("ask", "", "Stel een vraag"),
        ("search", " \x01\x07\x1b\t ", "Stel een vraag"),
        ("ask", LONG, "te lang (50.000 tekens"),
    ],
)
def test_command_line_refuses_bad_questions(
    corpus_index: Settings, command: str, question: str, message: str
) -> None:
    result = run_cli(corpus_index.home, command, question, "--json")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("vraagbaak: ") and message in result.stderr, result.stderr


@pytest.mark.slow
def test_command_line_answers_odd_but_real_questions(
    corpus_index: Settings, tmp_path: Path
) -> None:
    """One batch run (one process start) over every question case: a line per question,
    refusals as an `error`, the rest as answers, and the process exits 0."""
    questions = {
        "clean": NORMAL,
        "dirty": "\x1b[31mWat is het\x01 Zorg-\x07 en Veiligheidshuis?\x7f",
        "english": "What does the Care and Safety House do?",
        "german": "Was macht das Zorg- und Sicherheitshaus?",
        **EMPTY_CASES,
        "long": LONG,
    }
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": k, "question": q}) + "\n" for k, q in questions.items()),
        encoding="utf-8",
    )
    result = run_cli(corpus_index.home, "ask", "--questions", str(batch), "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == set(questions)
    assert not rows["dirty"]["abstained"] and rows["dirty"]["citations"]
    assert rows["dirty"]["answer"] == rows["clean"]["answer"]
    for lang in ("english", "german"):
        assert rows[lang]["abstained"] or rows[lang]["citations"], rows[lang]
    for name in [*EMPTY_CASES, "long"]:
        assert "Stel een" in rows[name]["error"], rows[name]

    single = run_cli(corpus_index.home, "ask", questions["dirty"], "--json")
    assert single.returncode == 0, single.stderr
    assert json.loads(single.stdout)["answer"] == rows["dirty"]["answer"]
