"""`vraagbaak documents` as scripts use it: the JSON shapes of list, add, replace and remove
(docs/ARCHITECTURE.md), and a refusal as one line with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from foundation.settings import Settings
from ingest.pipeline import run_ingest
from tests.fake_embedder import FAKE_EMBEDDING
from tests.pdf_factory import make_text_pdf, make_truncated_pdf
from ui.cli import main

ROW_KEYS = {
    "id",
    "title",
    "publisher",
    "date",
    "kind",
    "file",
    "pages",
    "passages",
    "ingested",
    "state",
}
CHANGE_KEYS = {"action", "id", "title", "file", "pages", "passages", "ingest"}


@pytest.fixture
def home(small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small corpus ingested; the command line, in this process, uses the fake embedder."""
    settings = Settings(home=tmp_path / "home", corpus_dir=small_corpus, embedding=FAKE_EMBEDDING)
    assert not run_ingest(settings).failed
    monkeypatch.setenv("VRAAGBAAK_HOME", str(settings.home))
    monkeypatch.setenv("VRAAGBAAK_CORPUS", str(small_corpus))  # never the repo's corpus/
    monkeypatch.setenv("VRAAGBAAK_EMBEDDING", FAKE_EMBEDDING)
    monkeypatch.delenv("VRAAGBAAK_CHROMA_URL", raising=False)
    monkeypatch.delenv("VRAAGBAAK_DOCUMENT_ADMIN", raising=False)  # not needed by the CLI
    return settings.home


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_replace_remove_print_their_json(
    home: Path, small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [
        ["Nota jeugd en veiligheid in de wijk"],
        ["De jongerenwerker helpt jongeren die geronseld worden."],
    ]
    pdf = make_text_pdf(tmp_path / "nota.pdf", pages)
    corpus = ["--corpus", str(small_corpus)]
    code, out, _ = cli(
        capsys, "documents", "add", str(pdf), "--title", "Nota jeugd", "--date", "2024", "--json"
    )
    added = json.loads(out)
    assert code == 0 and set(added) == CHANGE_KEYS
    assert (added["action"], added["id"], added["pages"]) == ("add", "nota-jeugd", 2)
    assert added["ingest"]["added"] == 1 and added["passages"] >= 1

    code, out, _ = cli(capsys, "documents", "list", "--json", *corpus)
    rows = json.loads(out)
    assert code == 0 and all(set(r) == ROW_KEYS for r in rows)
    assert [(r["id"], r["state"]) for r in rows][-1] == ("nota-jeugd", "indexed")

    new = tmp_path / "nota-v2.md"
    new.write_text("# Nota jeugd\n\nTweede versie: de jongerenwerker en de school.\n", "utf-8")
    code, out, _ = cli(capsys, "documents", "replace", "nota-jeugd", str(new), "--json")
    replaced = json.loads(out)
    assert (replaced["action"], replaced["file"], replaced["ingest"]["updated"]) == (
        "replace",
        "nota-v2.md",
        1,
    )

    code, out, _ = cli(capsys, "documents", "remove", "nota-jeugd", "--json")
    removed = json.loads(out)
    assert code == 0 and removed["action"] == "remove" and removed["ingest"]["removed"] == 1
    assert sorted(p.name for p in small_corpus.iterdir()) == ["a.md", "b.txt", "manifest.toml"]


def test_plain_output_is_one_line_per_document(
    home: Path, small_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "documents", "list", "--corpus", str(small_corpus))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("a ") and "indexed" in lines[0] and "Document A" in lines[0]


def test_a_refusal_is_one_line_with_exit_code_2(home: Path, small_corpus: Path, tmp_path: Path):
    """In a real process: scripts see the exit code and one line on stderr, no traceback."""
    bad = make_truncated_pdf(tmp_path / "kapot.pdf")
    env = {**os.environ, "VRAAGBAAK_HOME": str(home), "VRAAGBAAK_CORPUS": str(small_corpus)}
    env.pop("VRAAGBAAK_EMBEDDING", None)
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "documents", "add", str(bad), "--title", "Kapot"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("vraagbaak: kapot.pdf: the PDF is damaged")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in small_corpus.iterdir()) == ["a.md", "b.txt", "manifest.toml"]
