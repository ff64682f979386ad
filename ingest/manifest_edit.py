"""Edit corpus/manifest.toml the way a careful person would: one [[document]] block added,
changed or removed, and every other byte of the file (comments, order, quoting, blank lines)
left as it was.

tomlkit keeps the file's layout; its one surprise is that a comment written just above a
`[[document]]` header belongs, in its model, to the end of the block before. So a removed
block hands such trailing comments on instead of taking them along, a new key goes after a
block's last key rather than after those comments, and a new block is set off by a blank
line. Each edit is checked by parsing the result again with tomllib: the documents must be
exactly the old ones with the one change, or the edit is refused and nothing is written.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Comment, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from foundation.errors import ManifestError

UTF8_BOM = b"\xef\xbb\xbf"


class ManifestText:
    """The manifest's text as read, with what writing it back must restore (a BOM, CRLF)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw = path.read_bytes()
        self.bom = self.raw.startswith(UTF8_BOM)
        try:
            self.text = self.raw.removeprefix(UTF8_BOM).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(
                path, f"the manifest is not UTF-8 ({exc}); save it as UTF-8"
            ) from None
        self.crlf = "\r\n" in self.text

    def encode(self, text: str) -> bytes:
        """Back to bytes in the file's own conventions."""
        if self.crlf:
            text = re.sub(r"(?<!\r)\n", "\r\n", text)
        return (UTF8_BOM if self.bom else b"") + text.encode("utf-8")


def add_entry(path: Path, text: str, entry: dict[str, str]) -> str:
    """The text with a new [[document]] block after the last one."""
    doc = _parse(path, text)
    tables = _aot(path, doc)
    table = tomlkit.table()
    for key, value in entry.items():
        table.add(key, value)
    if tables is None:  # a manifest of comments only: the list starts here
        if doc.body and not tomlkit.dumps(doc).endswith("\n\n"):
            doc.add(tomlkit.nl())
        doc.append("document", tomlkit.aot())
        tables = _aot(path, doc)
        assert tables is not None
    elif len(tables) and not tables[-1].as_string().endswith("\n\n"):
        tables[-1].add(tomlkit.nl())
    tables.append(table)
    out = _tidy_end(tomlkit.dumps(doc))
    _verify(path, text, out, lambda docs: [*docs, dict(entry)])
    return out


def update_entry(path: Path, text: str, doc_id: str, changes: dict[str, str]) -> str:
    """The text with some keys of one block set; an existing key keeps its place and its
    inline comment, a new one goes after the block's last key."""
    doc = _parse(path, text)
    index, table = _find(path, doc, doc_id)
    tables = _aot(path, doc)
    assert tables is not None
    for key, value in changes.items():
        if key in table:
            table[key] = value
        else:
            _insert_key(tables, index, key, value)
            table = tables[index]
    out = _tidy_end(tomlkit.dumps(doc))

    def changed(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        docs[index] = {**docs[index], **changes}
        return docs

    _verify(path, text, out, changed)
    return out


def remove_entry(path: Path, text: str, doc_id: str) -> str:
    """The text without one block; comments that sat below its last key (above the next
    block's header) stay, at the end of the block before or above the list."""
    doc = _parse(path, text)
    index, table = _find(path, doc, doc_id)
    tables = _aot(path, doc)
    assert tables is not None
    if index > 0:
        previous = tables[index - 1]
        for item in _tail(table, after_blank=previous.as_string().endswith("\n\n")):
            previous.add(item)
        del tables[index]
        out = tomlkit.dumps(doc)
    else:
        before = "".join(item.as_string() for key, item in doc.body if key is None)
        tail = _tail(table, after_blank=not before or before.endswith("\n\n"))
        del tables[index]
        out = _with_items_before_list(doc, tail)
    out = _tidy_end(out)
    _verify(path, text, out, lambda docs: docs[:index] + docs[index + 1 :])
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a hidden temporary file in the same folder and rename it into place, so
    a reader (or a crash) sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- helpers ----------------------------------------------------------------------------


def _parse(path: Path, text: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ManifestError(path, f"invalid TOML ({exc}); fix the manifest first") from None


def _aot(path: Path, doc: TOMLDocument) -> AoT | None:
    found = doc.get("document")
    if found is None:
        return None
    if not isinstance(found, AoT):
        raise ManifestError(path, "'document' must be written as [[document]] tables")
    return found


def _find(path: Path, doc: TOMLDocument, doc_id: str) -> tuple[int, Table]:
    tables: list[Table] = list(_aot(path, doc) or [])
    for index, table in enumerate(tables):
        if str(table.get("id", "")).strip() == doc_id:
            return index, table
    raise ManifestError(path, f"no [[document]] with id {doc_id!r}")


def _last_key_index(body: list[tuple[Any, Any]]) -> int:
    """Position of a block's last key in its body (-1 when it has none); what follows it are
    the comments and blank lines that visually lead the next block."""
    return max((i for i, (key, _) in enumerate(body) if key is not None), default=-1)


def _tail(table: Table, after_blank: bool) -> list[Comment | Whitespace]:
    """The comments and blank lines after a block's last key: visually, they lead the next
    block (or end the file). Its leading blank lines are dropped where they would land after
    a blank line already (two blank lines where the file had one)."""
    body = table.value.body
    last_key = _last_key_index(body)
    items = [item for _, item in body[last_key + 1 :] if isinstance(item, (Comment, Whitespace))]
    while after_blank and items and isinstance(items[0], Whitespace):
        items.pop(0)
    return items


def _insert_key(tables: AoT, index: int, key: str, value: str) -> None:
    """After the block's last key, so it does not land below a comment about the next block.
    tomlkit's public API only appends, so the block is rebuilt: its keys and the comments
    between them, the new key, then the comments that trailed its last key."""
    table = tables[index]
    body = table.value.body
    last_key = _last_key_index(body)
    rebuilt = tomlkit.table()
    rebuilt.trivia.indent = table.trivia.indent
    rebuilt.trivia.comment_ws = table.trivia.comment_ws
    rebuilt.trivia.comment = table.trivia.comment
    rebuilt.trivia.trail = table.trivia.trail
    for k, item in body[: last_key + 1]:
        if k is not None:
            rebuilt.append(k, item)
        elif isinstance(item, (Comment, Whitespace)):
            rebuilt.add(item)
    rebuilt.add(key, value)
    for _, item in body[last_key + 1 :]:
        if isinstance(item, (Comment, Whitespace)):
            rebuilt.add(item)
    tables[index] = rebuilt


def _with_items_before_list(doc: TOMLDocument, items: list[Comment | Whitespace]) -> str:
    """Rebuild the document with items placed just before the [[document]] list (the first
    block's trailing comments, when the first block is removed)."""
    if not items:
        return tomlkit.dumps(doc)
    rebuilt = tomlkit.document()
    for key, item in doc.body:
        if key is None:
            rebuilt.add(item)
            continue
        if key.key == "document" and isinstance(item, AoT):
            for extra in items:
                rebuilt.add(extra)
            # appending a table after a comment gives it a blank line before its header;
            # the file did not have one there
            indents = [table.trivia.indent for table in item.body]
            rebuilt.append(key, item)
            for table, indent in zip(item.body, indents, strict=True):
                table.trivia.indent = indent
        else:
            rebuilt.append(key, item)
    return tomlkit.dumps(rebuilt)


def _tidy_end(text: str) -> str:
    """One newline at the end, as editors write it (a removed last block leaves its blank
    separator line behind)."""
    return text.rstrip("\r\n") + "\n" if text.strip() else text


def _load(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, f"invalid TOML ({exc}); fix the manifest first") from None


def _verify(
    path: Path,
    before: str,
    after: str,
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> None:
    """The edit did exactly what was asked (the documents changed as `change` says, nothing
    else in the file changed meaning); otherwise refuse rather than write."""
    old, new = _load(path, before), _load(path, after)
    expected = {**old, "document": change(list(old.get("document", [])))}
    if new != expected:
        raise ManifestError(
            path,
            "the manifest could not be changed automatically without changing other entries; "
            "edit it by hand and run `vraagbaak ingest`",
        )
