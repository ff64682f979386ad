"""Manifest tests: what stops ingestion (ManifestError) and what only warns and skips."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from foundation.errors import ManifestError
from ingest.manifest import Manifest, load_manifest

REPO = Path(__file__).resolve().parents[1]

WEGWIJZER = """
[[document]]
id = "wegwijzer"
file = "wegwijzer.md"
title = "Wegwijzer voor domeinoverstijgend samenwerken binnen gemeenten"
publisher = "VNG"
date = "2025-01"
kind = "markdown"
note = "Tips voor een integrale aanpak."
"""

LEDENBRIEF = """
[[document]]
id = "ledenbrief"
file = "ledenbrief.txt"
title = "Ledenbrief Zorg en Veiligheid"
"""


def _corpus(tmp_path: Path, manifest: str | None, files: tuple[str, ...] = ()) -> Path:
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Ondermijnende criminaliteit in de wijk.\n", encoding="utf-8")
    if manifest is not None:
        (tmp_path / "manifest.toml").write_text(manifest, encoding="utf-8")
    return tmp_path


def _load(tmp_path: Path, manifest: str | None, files: tuple[str, ...] = ()) -> Manifest:
    return load_manifest(_corpus(tmp_path, manifest, files))


def _error(tmp_path: Path, manifest: str | None, files: tuple[str, ...] = ()) -> ManifestError:
    with pytest.raises(ManifestError) as info:
        _load(tmp_path, manifest, files)
    return info.value


# --- the real corpus --------------------------------------------------------------------


def test_real_corpus_manifest_loads_five_documents_without_warnings() -> None:
    manifest = load_manifest(REPO / "corpus")

    assert manifest.warnings == []
    assert len(manifest.documents) == 5
    assert len({doc.id for doc in manifest.documents}) == 5
    for doc in manifest.documents:
        assert doc.path.is_absolute() and doc.path.is_file()
        assert doc.title and doc.kind


# --- valid manifests --------------------------------------------------------------------


def test_fields_and_absolute_path_are_filled_in(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER + LEDENBRIEF, ("wegwijzer.md", "ledenbrief.txt"))

    assert manifest.warnings == []
    wegwijzer, ledenbrief = manifest.documents
    assert wegwijzer.id == "wegwijzer"
    assert wegwijzer.publisher == "VNG"
    assert wegwijzer.date == "2025-01"
    assert wegwijzer.note == "Tips voor een integrale aanpak."
    assert wegwijzer.path == (tmp_path / "wegwijzer.md").resolve()
    assert ledenbrief.publisher == ledenbrief.date == ledenbrief.note == ""


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.md", "markdown"), ("b.PDF", "pdf"), ("c.txt", "text")],
)
def test_kind_defaults_from_suffix(tmp_path: Path, name: str, kind: str) -> None:
    manifest = _load(tmp_path, f'[[document]]\nid = "x"\nfile = "{name}"\ntitle = "T"\n', (name,))

    assert manifest.documents[0].kind == kind


def test_explicit_kind_is_kept(tmp_path: Path) -> None:
    text = '[[document]]\nid = "x"\nfile = "x.txt"\ntitle = "T"\nkind = "pdf-text"\n'

    assert _load(tmp_path, text, ("x.txt",)).documents[0].kind == "pdf-text"


@pytest.mark.parametrize(("written", "expected"), [("2018", "2018"), ("2025-01-15", "2025-01-15")])
def test_unquoted_dates_are_accepted_as_text(tmp_path: Path, written: str, expected: str) -> None:
    text = f'[[document]]\nid = "x"\nfile = "x.txt"\ntitle = "T"\ndate = {written}\n'

    assert _load(tmp_path, text, ("x.txt",)).documents[0].date == expected


def test_file_in_a_subfolder_is_allowed(tmp_path: Path) -> None:
    text = '[[document]]\nid = "x"\nfile = "vng/brief.txt"\ntitle = "T"\n'

    manifest = _load(tmp_path, text, ("vng/brief.txt",))

    assert manifest.warnings == []
    assert manifest.documents[0].path == (tmp_path / "vng" / "brief.txt").resolve()


def test_readme_hidden_files_and_manifest_are_not_reported(tmp_path: Path) -> None:
    files = ("wegwijzer.md", "README.md", "readme.txt", ".DS_Store", ".cache/x.txt")

    assert _load(tmp_path, WEGWIJZER, files).warnings == []


# --- warnings: skip one document, keep the rest -----------------------------------------


def test_missing_listed_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER + LEDENBRIEF, ("wegwijzer.md",))

    assert [doc.id for doc in manifest.documents] == ["wegwijzer"]
    assert len(manifest.warnings) == 1
    assert "ledenbrief.txt" in manifest.warnings[0]
    assert "not found" in manifest.warnings[0]


def test_missing_file_warning_suggests_a_close_name(tmp_path: Path) -> None:
    manifest = _load(tmp_path, LEDENBRIEF, ("ledenbrief.TXT",))

    assert any("did you mean 'ledenbrief.TXT'" in warning for warning in manifest.warnings)


def test_unlisted_file_gets_a_ready_to_paste_block(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER, ("wegwijzer.md", "Nieuwe Nota-2024.pdf"))

    assert manifest.warnings[0].startswith("Nieuwe Nota-2024.pdf: not listed")
    block = manifest.warnings[0].split("add:\n", 1)[1]
    entry = tomllib.loads(block)["document"][0]
    assert entry == {
        "id": "nieuwe-nota-2024",
        "file": "Nieuwe Nota-2024.pdf",
        "title": "Nieuwe Nota 2024",
        "publisher": "",
        "date": "",
        "kind": "pdf",
    }


def test_unlisted_unsupported_file_is_reported_as_unsupported(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER, ("wegwijzer.md", "notulen.docx"))

    assert len(manifest.warnings) == 1
    assert "notulen.docx" in manifest.warnings[0]
    assert "not supported" in manifest.warnings[0]


def test_listed_unsupported_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    text = WEGWIJZER + '[[document]]\nid = "notulen"\nfile = "notulen.docx"\ntitle = "N"\n'

    manifest = _load(tmp_path, text, ("wegwijzer.md", "notulen.docx"))

    assert [doc.id for doc in manifest.documents] == ["wegwijzer"]
    assert "notulen.docx" in manifest.warnings[0]
    assert ".pdf" in manifest.warnings[0]


def test_unknown_key_is_a_warning(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER.replace("publisher", "uitgever"), ("wegwijzer.md",))

    assert len(manifest.documents) == 1
    assert "uitgever" in manifest.warnings[0]


# --- errors: the manifest cannot be trusted ---------------------------------------------


def test_missing_manifest_shows_how_to_write_one(tmp_path: Path) -> None:
    error = _error(tmp_path, None, ("wegwijzer.md",))

    assert error.path == tmp_path.resolve() / "manifest.toml"
    assert "manifest.toml" in str(error)
    assert "[[document]]" in str(error)
    assert 'file = "wegwijzer.md"' in str(error)


def test_missing_manifest_in_empty_folder_shows_the_generic_example(tmp_path: Path) -> None:
    error = _error(tmp_path, None)

    assert "[[document]]" in str(error)
    assert "title = " in str(error)


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="does not exist"):
        load_manifest(tmp_path / "nergens")


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    text = '[[document]]\nid = "x"\ntitle = "Zonder aanhalingsteken\nfile = "x.txt"\n'

    error = _error(tmp_path, text, ("x.txt",))

    assert error.line == 3
    assert "manifest.toml:3" in str(error)
    assert 'title = "Zonder aanhalingsteken' in str(error)


def test_manifest_without_documents(tmp_path: Path) -> None:
    error = _error(tmp_path, "# leeg\n")

    assert "no documents" in str(error)
    assert "[[document]]" in str(error)


def test_single_brackets_are_explained(tmp_path: Path) -> None:
    error = _error(tmp_path, '[document]\nid = "x"\nfile = "x.txt"\ntitle = "T"\n', ("x.txt",))

    assert "[[document]]" in str(error)


@pytest.mark.parametrize("key", ["id", "file", "title"])
def test_required_key_missing(tmp_path: Path, key: str) -> None:
    lines = [line for line in LEDENBRIEF.splitlines() if not line.startswith(f"{key} =")]

    error = _error(tmp_path, "\n".join(lines), ("ledenbrief.txt",))

    assert f"no '{key}'" in str(error)
    assert "#1" in str(error)


def test_blank_title_counts_as_missing(tmp_path: Path) -> None:
    error = _error(tmp_path, '[[document]]\nid = "x"\nfile = "x.txt"\ntitle = "  "\n', ("x.txt",))

    assert "no 'title'" in str(error)
    assert "id = 'x'" in str(error)


def test_non_string_value(tmp_path: Path) -> None:
    error = _error(tmp_path, '[[document]]\nid = "x"\nfile = "x.txt"\ntitle = 12\n', ("x.txt",))

    assert "title must be a string" in str(error)


def test_duplicate_id(tmp_path: Path) -> None:
    text = WEGWIJZER + LEDENBRIEF.replace('id = "ledenbrief"', 'id = "wegwijzer"')

    error = _error(tmp_path, text, ("wegwijzer.md", "ledenbrief.txt"))

    assert "'wegwijzer' is listed twice" in str(error)


def test_duplicate_file(tmp_path: Path) -> None:
    text = WEGWIJZER + LEDENBRIEF.replace("ledenbrief.txt", "./wegwijzer.md")

    error = _error(tmp_path, text, ("wegwijzer.md",))

    assert "'wegwijzer.md' is listed twice" in str(error)


@pytest.mark.parametrize("bad_id", ["Wegwijzer", "-start", "met spatie", "a/b", "é"])
def test_id_must_be_a_safe_slug(tmp_path: Path, bad_id: str) -> None:
    text = f'[[document]]\nid = "{bad_id}"\nfile = "x.txt"\ntitle = "T"\n'

    error = _error(tmp_path, text, ("x.txt",))

    assert "not a safe slug" in str(error)
    assert repr(bad_id) in str(error)


@pytest.mark.parametrize("file", ["../geheim.txt", "/etc/passwd", "sub/../../x.txt"])
def test_file_must_stay_inside_the_corpus(tmp_path: Path, file: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()

    with pytest.raises(ManifestError, match="inside the corpus folder"):
        _load(corpus, f'[[document]]\nid = "x"\nfile = "{file}"\ntitle = "T"\n')


def test_suggested_block_stays_valid_toml_for_odd_names(tmp_path: Path) -> None:
    manifest = _load(tmp_path, WEGWIJZER, ("wegwijzer.md", 'rapport "definitief" v2.txt'))

    entry = tomllib.loads(manifest.warnings[0].split("add:\n", 1)[1])["document"][0]
    assert entry["file"] == 'rapport "definitief" v2.txt'
    assert entry["id"] == "rapport-definitief-v2"
