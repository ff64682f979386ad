"""A Q&A file uploaded on the maintainers' page: checked by the rule of evals/qa_set.py before
anything is asked, its problems worded in Dutch (the command line words the same problems in
English), and kept in the data dir so the run can read it and its report can name it.

A file that fails the check is not kept; nothing that was there before is touched.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from evals.qa_set import QUESTION_TYPES, QAFormatError, QAProblem, load_qa

UPLOAD_DIR = "eval-uploads"
MAX_BYTES = 5_000_000
SHOWN_PROBLEMS = 15

_DUTCH = {
    "unreadable": "het bestand is niet te lezen als UTF-8-tekst",
    "no_questions": "er staan geen vragen in",
    "json": "geen geldige JSON ({value}, kolom {number})",
    "not_object": "verwacht een JSON-object {{…}} per regel",
    "not_string": "'{key}' ontbreekt of is geen tekst",
    "quotes_not_list": "'quotes' moet een lijst met teksten zijn",
    "unknown_type": "'type' is '{value}'; toegestaan zijn {types}",
    "none_with_quotes": "een vraag van type 'none' hoort lege 'quotes' te hebben",
    "needs_quote": "een vraag van type '{value}' heeft minstens één citaat in 'quotes' nodig",
    "empty_quote": "citaat {number} bevat geen letters of cijfers en kan nooit gevonden worden",
    "empty_question": "'question' is leeg",
    "conversation_not_string": "'conversation' moet tekst zijn (of weggelaten worden)",
    "duplicate_id": "id '{value}' staat al op regel {number}",
}


def worded_kinds() -> set[str]:
    """The problem kinds this module has Dutch words for (a test holds it to qa_set's)."""
    return set(_DUTCH)


class UploadRejected(ValueError):
    """The upload cannot be evaluated; str() is the Dutch message for the page."""


@dataclass(frozen=True)
class CheckedUpload:
    path: Path
    name: str
    questions: int


def dutch(problem: QAProblem) -> str:
    """One problem as the page says it: "regel 3: 'type' is 'feit'; …"."""
    text = _DUTCH[problem.kind].format(
        key=problem.key,
        value=problem.value,
        number=problem.number,
        types=", ".join(QUESTION_TYPES),
    )
    return f"regel {problem.line}: {text}" if problem.line is not None else text


def problems_message(name: str, problems: list[QAProblem]) -> str:
    """Markdown for st.error: which lines are wrong, then what is wrong with each."""
    lines = sorted({p.line for p in problems if p.line is not None})
    head = f"`{name}` is geen geldige vragenset"
    if lines:
        noun = "regel" if len(lines) == 1 else "regels"
        head += f": fout op {noun} {', '.join(map(str, lines))}"
    out = [
        head + ". Er is niets gestart. Het formaat staat in docs/ARCHITECTURE.md (Q&A set format).",
        "",
    ]
    out += [f"- {dutch(p)}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        out.append(f"- … en nog {len(problems) - SHOWN_PROBLEMS} andere fouten")
    return "\n".join(out)


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(name).name).strip("._") or "vragenset"
    return stem[:80]


def check_upload(home: Path, name: str, data: bytes) -> CheckedUpload:
    """Keep a valid upload as <home>/eval-uploads/<content hash>/<its name> (the same file
    uploaded again is reused, and the report names the file as the maintainer knows it) and
    count its questions; UploadRejected otherwise."""
    if not data.strip():
        raise UploadRejected(f"`{name}` is leeg: er staan geen vragen in.")
    if len(data) > MAX_BYTES:
        raise UploadRejected(
            f"`{name}` is te groot ({len(data) // 1_000_000} MB); een vragenset is hooguit "
            f"{MAX_BYTES // 1_000_000} MB."
        )
    folder = home / UPLOAD_DIR / hashlib.sha256(data).hexdigest()[:16]
    path = folder / _safe_name(name)
    if path.suffix != ".jsonl":
        path = path.with_name(path.name + ".jsonl")
    fresh = not path.exists()
    if fresh:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    try:
        items = load_qa(path)
    except QAFormatError as exc:
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
        raise UploadRejected(problems_message(name, exc.problems)) from exc
    return CheckedUpload(path=path, name=name, questions=len(items))
