"""`vraagbaak documents list|add|replace|remove`: the Documents page's operations for scripts.

The work is done by ingest/documents.py; this module parses arguments, shows progress on
stderr and prints the result (a table, or JSON with --json: docs/ARCHITECTURE.md). The
command line is for maintainers with access to the data dir, so it needs no
VRAAGBAAK_DOCUMENT_ADMIN (that setting guards the page).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from foundation.errors import UserError
from foundation.settings import Settings


def add_documents_parser(sub: Any) -> None:
    """Register `documents` and its actions on the main parser's subparsers."""
    p = sub.add_parser("documents", help="list, add, replace or remove corpus documents")
    actions = p.add_subparsers(dest="action", required=True)

    a = actions.add_parser("list", help="the documents, with their state in the index")
    _common(a)

    a = actions.add_parser("add", help="add a file (PDF, Markdown, text) and ingest it")
    a.add_argument("file", help="the file to add")
    a.add_argument("--title", required=True, help="title as cited")
    a.add_argument("--publisher", default="", help="publisher as cited")
    a.add_argument("--date", default="", help="2025, 2025-01 or 2025-01-15")
    a.add_argument("--id", dest="doc_id", default="", help="id (default: made from the title)")
    _common(a, wait=True)

    a = actions.add_parser("replace", help="a new version of a document (same id)")
    a.add_argument("doc_id", metavar="DOC_ID")
    a.add_argument("file", help="the new version")
    a.add_argument("--title", default="", help="new title (default: keep)")
    a.add_argument("--publisher", default="", help="new publisher (default: keep)")
    a.add_argument("--date", default="", help="new date (default: keep)")
    _common(a, wait=True)

    a = actions.add_parser("remove", help="remove a document: file, manifest block, passages")
    a.add_argument("doc_id", metavar="DOC_ID")
    _common(a, wait=True)

    p.set_defaults(func=cmd_documents)


def _common(parser: argparse.ArgumentParser, wait: bool = False) -> None:
    parser.add_argument("--corpus", help="corpus folder with manifest.toml (default ./corpus)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    if wait:
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="wait this long for a running ingest instead of refusing",
        )


def cmd_documents(args: argparse.Namespace) -> int:
    from ingest.document_check import Fields, Upload
    from ingest.document_list import list_documents
    from ingest.documents import add_document, remove_document, replace_document

    settings = Settings.from_env(corpus_dir=args.corpus)
    if args.action == "list":
        rows = list_documents(settings)
        if args.json:
            _print_json([row.to_json() for row in rows])
        else:
            _print_table(rows)
        return 0

    progress = _Progress(enabled=not args.json)
    try:
        if args.action == "remove":
            result = remove_document(
                settings, args.doc_id, progress=progress, lock_timeout=args.wait
            )
        else:
            upload = Upload(Path(args.file).name, _read(Path(args.file)))
            fields = Fields(args.title, args.publisher, args.date)
            if args.action == "add":
                result = add_document(
                    settings,
                    upload,
                    fields,
                    doc_id=args.doc_id,
                    progress=progress,
                    lock_timeout=args.wait,
                )
            else:
                result = replace_document(
                    settings,
                    args.doc_id,
                    upload,
                    fields,
                    progress=progress,
                    lock_timeout=args.wait,
                )
    finally:
        progress.close()
    for warning in result.report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        _print_json(result.to_json())
    else:
        done = {"add": "added", "replace": "replaced", "remove": "removed"}[result.action]
        passages = f", {result.passages} passages" if result.action != "remove" else ""
        print(f"{done} {result.doc_id} ({result.file}){passages}")
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None


class _Progress:
    """Embedding progress as a bar on stderr (as `vraagbaak ingest` shows it)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase == "waiting":
            print("waiting for another ingest to finish…", file=sys.stderr)
        if phase != "embedding" or total == 0:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="embedding", unit="passage", file=sys.stderr)
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _print_table(rows: list[Any]) -> None:
    """id, state, passages, pages and title, one document a line."""
    if not rows:
        print("no documents")
        return
    width = max(len(row.id) for row in rows)
    states = max(len(row.state) for row in rows)
    for row in rows:
        passages = "-" if row.passages is None else str(row.passages)
        pages = "-" if row.pages is None else str(row.pages)
        print(
            f"{row.id:<{width}}  {row.state:<{states}}  {passages:>5} passages  "
            f"{pages:>4} pages  {row.title}"
        )
