"""Edits of manifest.toml keep everything else of the file: comments, order, quoting and
blank lines; what tomllib reads back is the old list with exactly one change."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from foundation.errors import ManifestError
from ingest.manifest_edit import (
    ManifestText,
    add_entry,
    remove_entry,
    update_entry,
    write_atomic,
)

ROOT = Path(__file__).resolve().parent.parent
P = Path("manifest.toml")

COMMENTED = """\
# Header comment: what this file is.

[[document]]
id = "a"  # inline comment on a
file = 'a.md'
title = "A"

# about b, just above its header
[[document]]
id = "b"
file = "b.md"
title = "B"
# inside b, below its last key

[[document]]
id = "c"
file = "c.md"
title = "C"
"""


def ids(text: str) -> list[str]:
    return [d["id"] for d in tomllib.loads(text)["document"]]


def test_add_appends_one_block_and_keeps_every_byte_before_it() -> None:
    entry = {"id": "d", "file": "d.pdf", "title": 'Titel met "aanhalingstekens" en één'}
    out = add_entry(P, COMMENTED, entry)
    assert out.startswith(COMMENTED)  # nothing above changed, not even 'a.md' quoting
    assert out[len(COMMENTED) :].startswith("\n[[document]]\n")  # set off by a blank line
    assert ids(out) == ["a", "b", "c", "d"]
    assert tomllib.loads(out)["document"][-1] == entry


def test_add_to_the_bundled_manifest_keeps_its_header_comments() -> None:
    text = (ROOT / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    out = add_entry(P, text, {"id": "nieuw", "file": "nieuw.pdf", "title": "Nieuw"})
    assert out.startswith(text.rstrip("\n") + "\n")
    assert out.splitlines()[:4] == text.splitlines()[:4]


def test_add_to_a_manifest_without_documents() -> None:
    out = add_entry(P, "# nothing listed yet\n", {"id": "a", "file": "a.md", "title": "A"})
    assert out.startswith("# nothing listed yet\n\n[[document]]\n")
    assert ids(out) == ["a"]


def test_update_sets_values_in_place_and_new_keys_after_the_last_key() -> None:
    out = update_entry(P, COMMENTED, "b", {"title": "B, tweede versie", "publisher": "VNG"})
    lines = out.splitlines()
    title = lines.index('title = "B, tweede versie"')
    assert lines[title + 1] == 'publisher = "VNG"'  # not below the comment after it
    assert lines[title + 2] == "# inside b, below its last key"
    assert "# about b, just above its header" in lines
    out_a = update_entry(P, COMMENTED, "a", {"id": "a", "title": "A2"})
    assert 'id = "a"  # inline comment on a' in out_a
    assert out_a.replace('title = "A2"', 'title = "A"') == COMMENTED


@pytest.mark.parametrize("doc_id", ["a", "b", "c"])
def test_remove_takes_the_block_and_keeps_every_comment(doc_id: str) -> None:
    out = remove_entry(P, COMMENTED, doc_id)
    assert ids(out) == [i for i in "abc" if i != doc_id]
    for comment in (
        "# Header comment: what this file is.",
        "# about b, just above its header",
        "# inside b, below its last key",
    ):
        assert comment in out
    if doc_id != "a":
        assert "# inline comment on a" in out
    assert "\n\n\n" not in out  # no doubled blank line where the block was
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_remove_from_the_bundled_manifest_is_exactly_the_block() -> None:
    text = (ROOT / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    out = remove_entry(P, text, "ondermijning-in-de-wijk")
    removed = set(text.splitlines()) - set(out.splitlines())
    assert all(
        line.startswith(("id =", "file =", "title =", "publisher =", "note =", "kind =", "date"))
        for line in removed
    )
    assert 'id = "ondermijning-in-de-wijk"' in removed
    assert len(tomllib.loads(out)["document"]) == len(tomllib.loads(text)["document"]) - 1


def test_an_unknown_id_or_broken_toml_is_refused() -> None:
    with pytest.raises(ManifestError, match="no \\[\\[document\\]\\] with id 'x'"):
        remove_entry(P, COMMENTED, "x")
    with pytest.raises(ManifestError, match="invalid TOML"):
        add_entry(P, "[[document]\nid =", {"id": "a", "file": "a.md", "title": "A"})


def test_bom_and_crlf_survive_a_write(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    text = ManifestText(path)
    out = text.encode(add_entry(path, text.text, {"id": "d", "file": "d.md", "title": "D"}))
    write_atomic(path, out)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Header")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line break is still CRLF
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.toml"]  # no temp file left
