"""Read and check corpus/manifest.toml, the list of documents Vraagbaak may cite.

Mistakes that would make citations wrong or ambiguous (no title, duplicate ids, an id that
is not a safe slug) stop ingestion with a ManifestError. Mistakes that only affect one file
(it is missing, or a file is not listed) become warnings, so one stray file does not block
updating the index for all the others.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from foundation.errors import ManifestError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.models import SourceDocument

MANIFEST_NAME = "manifest.toml"
REQUIRED_KEYS = ("id", "file", "title")
OPTIONAL_KEYS = ("publisher", "date", "kind", "note")
KNOWN_KEYS = frozenset(REQUIRED_KEYS + OPTIONAL_KEYS)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
KIND_BY_SUFFIX = {".md": "markdown", ".pdf": "pdf", ".txt": "text"}

EXAMPLE = """\
[[document]]
id = "wegwijzer"                      # short slug: a-z, 0-9, - and _
file = "wegwijzer.pdf"                # file name in the corpus folder
title = "Wegwijzer voor domeinoverstijgend samenwerken"
publisher = "VNG"                     # optional
date = "2025-01"                      # optional, ISO date or year-month
"""


@dataclass(frozen=True)
class Manifest:
    """The documents to ingest, plus the problems that were skipped rather than fatal."""

    path: Path
    documents: list[SourceDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Every entry in file order, those skipped too (their path is unset): the documents list
    # shows a document whose file is missing rather than hiding it.
    entries: list[SourceDocument] = field(default_factory=list)


def load_manifest(corpus_dir: Path) -> Manifest:
    """Read corpus_dir/manifest.toml; ManifestError when it cannot be trusted."""
    corpus_dir = Path(corpus_dir).resolve()
    manifest_path = corpus_dir / MANIFEST_NAME
    tables = _document_tables(manifest_path, _read_toml(corpus_dir, manifest_path))
    warnings: list[str] = []
    entries = [_parse_entry(manifest_path, i, table, warnings) for i, table in enumerate(tables)]
    _check_unique(manifest_path, entries)
    present = _corpus_files(corpus_dir)
    located = [_locate(corpus_dir, entry, present, warnings) for entry in entries]
    documents = [doc for doc in located if doc]
    listed = {PurePosixPath(entry.file) for entry in entries}
    warnings.extend(_unlisted_warning(name) for name in present if name not in listed)
    return Manifest(
        path=manifest_path,
        documents=documents,
        warnings=warnings,
        entries=[doc or entry for doc, entry in zip(located, entries, strict=True)],
    )


# --- reading ----------------------------------------------------------------------------


def _read_toml(corpus_dir: Path, manifest_path: Path) -> dict[str, Any]:
    if not corpus_dir.is_dir():
        raise ManifestError(corpus_dir, "the corpus folder does not exist; check --corpus")
    try:
        text = manifest_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ManifestError(manifest_path, _missing_reason(corpus_dir)) from None
    except UnicodeDecodeError as exc:
        raise ManifestError(
            manifest_path, f"the manifest is not UTF-8 (byte offset {exc.start}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(manifest_path, text, exc) from None


def _missing_reason(corpus_dir: Path) -> str:
    names = [n for n in _corpus_files(corpus_dir) if n.suffix.lower() in SUPPORTED_SUFFIXES]
    blocks = "\n".join(_suggested_block(name) for name in names)
    return (
        "there is no manifest; create it with one [[document]] table per file, for example:\n\n"
        + (blocks or EXAMPLE)
    )


def _toml_error(manifest_path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ManifestError:
    """Point at the offending line, since tomllib only gives its number inside the message."""
    match = re.search(r"at line (\d+)", str(exc))
    line = int(match.group(1)) if match else None
    reason = f"invalid TOML: {exc}"
    lines = text.splitlines()
    if line is not None and 0 < line <= len(lines):
        reason += f"\n    {lines[line - 1]}"
    return ManifestError(manifest_path, reason + "\nfix the syntax and ingest again", line=line)


def _document_tables(manifest_path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    tables = data.get("document")
    if tables is None:
        raise ManifestError(
            manifest_path,
            "the manifest lists no documents; add one [[document]] table per file, e.g.:\n\n"
            + EXAMPLE,
        )
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ManifestError(
            manifest_path, "'document' must be written as [[document]] tables (double brackets)"
        )
    return tables


# --- entries ----------------------------------------------------------------------------


def _parse_entry(
    manifest_path: Path, index: int, table: dict[str, Any], warnings: list[str]
) -> SourceDocument:
    label = _entry_label(index, table)
    values = {key: _as_text(manifest_path, label, key, table.get(key)) for key in KNOWN_KEYS}
    for key in REQUIRED_KEYS:
        if not values[key]:
            raise ManifestError(
                manifest_path, f"{label} has no {key!r}; every document needs id, file and title"
            )
    _check_id(manifest_path, label, values["id"])
    values["file"] = _check_file_name(manifest_path, label, values["file"])
    warnings.extend(_unknown_keys_warning(manifest_path, label, table))
    suffix = PurePosixPath(values["file"]).suffix.lower()
    return SourceDocument(
        id=values["id"],
        file=values["file"],
        title=values["title"],
        publisher=values["publisher"],
        date=values["date"],
        kind=values["kind"] or KIND_BY_SUFFIX.get(suffix, ""),
        note=values["note"],
    )


def _unknown_keys_warning(manifest_path: Path, label: str, table: dict[str, Any]) -> list[str]:
    """A misspelt key ("titel", "uitgever") would silently lose metadata in citations."""
    unknown = sorted(set(table) - KNOWN_KEYS)
    if not unknown:
        return []
    return [
        f"{manifest_path.name}: {label} has unknown keys {', '.join(unknown)} (ignored); "
        f"known keys: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
    ]


def _entry_label(index: int, table: dict[str, Any]) -> str:
    """Name an entry so the user can find it: by position, plus id or file when present."""
    label = f"[[document]] #{index + 1}"
    for key in ("id", "file"):
        if isinstance(table.get(key), str) and table[key].strip():
            return f"{label} ({key} = {table[key].strip()!r})"
    return label


def _as_text(manifest_path: Path, label: str, key: str, value: object) -> str:
    """Accept what people naturally write for a date (2018, 2025-01-15 unquoted) as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if key == "date" and isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise ManifestError(manifest_path, f"{label}: {key} must be a string in quotes, not {value!r}")


def _check_id(manifest_path: Path, label: str, doc_id: str) -> None:
    if not ID_PATTERN.fullmatch(doc_id):
        raise ManifestError(
            manifest_path,
            f"{label}: id {doc_id!r} is not a safe slug (lowercase a-z, 0-9, '-' and '_', "
            f"starting with a letter or digit); e.g. id = {_slugify(doc_id)!r}",
        )


def _check_file_name(manifest_path: Path, label: str, file: str) -> str:
    """Keep files inside the corpus folder, so a manifest cannot make us read /etc/passwd;
    return the name in one spelling (forward slashes, no ./) so duplicates are caught."""
    rel = PurePosixPath(file.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or re.match(r"[A-Za-z]:", file):
        raise ManifestError(
            manifest_path,
            f"{label}: file {file!r} must name a file inside the corpus folder, not outside it",
        )
    return rel.as_posix()


def _check_unique(manifest_path: Path, entries: list[SourceDocument]) -> None:
    for key in ("id", "file"):
        seen: set[str] = set()
        for entry in entries:
            value = getattr(entry, key)
            if value in seen:
                raise ManifestError(
                    manifest_path,
                    f"{key} {value!r} is listed twice; each document needs its own {key}",
                )
            seen.add(value)


# --- files on disk ----------------------------------------------------------------------


def _locate(
    corpus_dir: Path, entry: SourceDocument, present: list[PurePosixPath], warnings: list[str]
) -> SourceDocument | None:
    """Fill in the absolute path, or warn and skip the entry so the others still ingest."""
    path = corpus_dir / PurePosixPath(entry.file)
    if not path.is_file():
        warnings.append(_missing_file_warning(entry, present))
        return None
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        warnings.append(
            f"{entry.file}: '{path.suffix}' files are not supported "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)}); skipped document {entry.id!r}; "
            "export it to PDF or UTF-8 text"
        )
        return None
    return replace(entry, path=path)


def _missing_file_warning(entry: SourceDocument, present: Iterable[PurePosixPath]) -> str:
    names = [str(name) for name in present]
    close = difflib.get_close_matches(entry.file, names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"{entry.file}: listed in manifest.toml as {entry.id!r} but not found in the corpus "
        f"folder{hint}; skipped; add the file or fix the name"
    )


def _corpus_files(corpus_dir: Path) -> list[PurePosixPath]:
    """Files a person put in the corpus, relative to it; not the manifest, READMEs or
    hidden files (editor backups, .DS_Store, an index folder that ended up inside)."""
    found = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = PurePosixPath(path.relative_to(corpus_dir).as_posix())
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if rel == PurePosixPath(MANIFEST_NAME) or rel.name.upper().startswith("README"):
            continue
        found.append(rel)
    return found


def _unlisted_warning(name: PurePosixPath) -> str:
    if name.suffix.lower() not in SUPPORTED_SUFFIXES:
        return (
            f"{name}: not listed in manifest.toml and '{name.suffix}' files are not supported "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)}); ignored"
        )
    return (
        f"{name}: not listed in manifest.toml, so it is not ingested; to include it, add:\n"
        + _suggested_block(name)
    )


def _suggested_block(name: PurePosixPath) -> str:
    title = re.sub(r"[-_]+", " ", name.stem).strip()
    fields = {
        "id": _slugify(name.stem),
        "file": str(name),
        "title": title[:1].upper() + title[1:],
        "publisher": "",
        "date": "",
        "kind": KIND_BY_SUFFIX.get(name.suffix.lower(), ""),
    }
    # JSON string syntax is valid TOML basic-string syntax, so odd file names stay valid.
    return "[[document]]\n" + "".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()
    )


def _slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return slug or "document"
