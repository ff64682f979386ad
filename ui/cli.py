"""`vraagbaak` command line. The commands and JSON shapes are a contract scripts rely on
(docs/ARCHITECTURE.md, "Command-line contract")."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import foundation  # noqa: F401  (offline defaults before any library import)
from assistant.question_file import read_questions
from foundation.errors import QuestionError, UserError
from foundation.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(corpus_dir=getattr(args, "corpus", None))


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _fail(message: str, code: int = 2) -> int:
    print(f"vraagbaak: {message}", file=sys.stderr)
    return code


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.pipeline import run_ingest

    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.json or total == 0:
            return
        if bar is None:
            bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr)
        bar.n = done
        bar.refresh()

    report = run_ingest(
        _settings(args), rebuild=args.rebuild, progress=progress, lock_timeout=args.wait
    )
    if bar is not None:
        bar.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for doc_id, error in report.failed.items():
        print(f"error: {doc_id}: {error}", file=sys.stderr)
    if args.json:
        _print_json(report.to_json())
    else:
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, "
            f"removed {len(report.removed)}, unchanged {len(report.unchanged)}; "
            f"{report.chunks} chunks ({report.embedded} embedded) in {report.seconds:.1f} s"
        )
    return 1 if report.failed else 0


def _open_assistant(args: argparse.Namespace):
    from assistant.service import Assistant

    return Assistant.open(_settings(args))


def _docs(args: argparse.Namespace) -> list[str] | None:
    return [d for part in args.doc for d in part.split(",") if d] if args.doc else None


def _check_question(args: argparse.Namespace) -> None:
    """Refuse a bad question before paying for opening the index (seconds)."""
    from assistant.stages.understand import clean_question

    if args.questions:
        return
    if not args.question:
        raise UserError("give a QUESTION or --questions FILE.jsonl")
    clean_question(" ".join(args.question))


def cmd_search(args: argparse.Namespace) -> int:
    try:
        _check_question(args)
    except QuestionError as exc:
        return _fail(str(exc))
    assistant = _open_assistant(args)
    if args.questions:
        for item in read_questions(Path(args.questions)):
            try:
                results = [
                    p.to_search_json()
                    for p in assistant.search(item["question"], args.k, _docs(args))
                ]
                _print_json({"id": item["id"], "results": results})
            except QuestionError as exc:
                _print_json({"id": item["id"], "results": [], "error": str(exc)})
        return 0
    try:
        passages = assistant.search(" ".join(args.question), args.k, _docs(args))
    except QuestionError as exc:
        return _fail(str(exc))
    if args.json:
        _print_json([p.to_search_json() for p in passages])
        return 0
    from ui.terminal import print_passages

    print_passages(passages)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.conversation import Conversation

    try:
        _check_question(args)
    except QuestionError as exc:
        return _fail(str(exc))
    assistant = _open_assistant(args)
    mode = args.mode
    if args.questions:
        conversations: dict[str, Conversation] = {}
        for item in read_questions(Path(args.questions)):
            conv = None
            if item.get("conversation"):
                conv = conversations.setdefault(str(item["conversation"]), Conversation())
            try:
                answer = assistant.ask(item["question"], conv, _docs(args), mode=mode)
                _print_json({"id": item["id"], **answer.to_json()})
            except QuestionError as exc:
                _print_json({"id": item["id"], "error": str(exc)})
        return 0
    try:
        answer = assistant.ask(" ".join(args.question), None, _docs(args), mode=mode)
    except QuestionError as exc:
        return _fail(str(exc))
    if args.json:
        _print_json(answer.to_json())
        return 0
    from ui.terminal import print_answer

    print_answer(answer, memo=args.memo)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from ui.terminal import chat_loop

    return chat_loop(_open_assistant(args), _docs(args), mode=args.mode)


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.cli import main_dialogues, main_eval

    if args.dialogues:
        return main_dialogues(
            dialogues=Path(args.dialogues),
            json_out=args.json,
            report_dir=Path(args.report) if args.report else None,
            assistant=_open_assistant(args),
        )
    return main_eval(
        qa=Path(args.qa),
        json_out=args.json,
        report_dir=Path(args.report) if args.report else None,
        compare_to=Path(args.compare) if args.compare else None,
        assistant=_open_assistant(args),
        held_out=args.held_out,
    )


def cmd_train_reranker(args: argparse.Namespace) -> int:
    from assistant.service import Assistant
    from assistant.stages.rerank import FusedOrder
    from evals.reranker_data import DEFAULT_TRAINING_FILES
    from evals.train_reranker import train_and_save

    files = [Path(f) for f in args.qa] if args.qa else list(DEFAULT_TRAINING_FILES)
    assistant = Assistant.open(_settings(args), reranker=FusedOrder())
    out = Path(args.out)
    meta = train_and_save(assistant, files, out)
    if args.json:
        _print_json(meta)
        return 0
    print(
        f"trained on {meta['trained_on']['questions']} questions "
        f"({meta['trained_on']['candidates']} candidates) -> {out}"
    )
    for half, figures in meta["held_out"].items():
        print(
            f"{half}: hit@1 {figures['hit@1_of_candidates_reranked']:.3f} reranked vs "
            f"{figures['hit@1_of_candidates_fused']:.3f} fused "
            f"({figures['questions']} held-out questions); abstained on "
            f"{figures['abstention_accuracy']:.2f} of `none`, wrongly on "
            f"{figures['false_abstention_rate']:.3f} of answerable"
        )
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from ui.feedback import export_feedback, feedback_path

    db = feedback_path(_settings(args).home)
    if not db.exists():
        return _fail(f"no feedback stored yet ({db} does not exist)")
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            count = export_feedback(db, fh, fmt=args.format)
        print(f"{count} feedback rows written to {args.out}", file=sys.stderr)
    else:
        export_feedback(db, sys.stdout, fmt=args.format)
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    page = Path(__file__).with_name("app.py")
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(page),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        "true",
    ]
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vraagbaak",
        description="Dutch answers with exact citations over policy documents.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="incremental ingest of the corpus")
    p.add_argument("--corpus", help="corpus folder with manifest.toml (default ./corpus)")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another running ingest instead of refusing",
    )
    p.set_defaults(func=cmd_ingest)

    for name, func, helptext in (
        ("search", cmd_search, "ranked passages for a question"),
        ("ask", cmd_ask, "a cited answer to a question"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("question", nargs="*", help="the question (Dutch)")
        p.add_argument("--questions", metavar="FILE.jsonl", help="batch: JSONL with id, question")
        p.add_argument("--json", action="store_true", help="JSON output")
        p.add_argument(
            "--doc",
            action="append",
            metavar="DOC_ID",
            help="only these documents (repeat or comma-separate)",
        )
        if name == "search":
            p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
        else:
            p.add_argument(
                "--mode",
                choices=["extractive", "llm"],
                default=None,
                help="answer mode (default: llm when VRAAGBAAK_LLM_BASE_URL is set)",
            )
            p.add_argument("--memo", action="store_true", help="print memo-ready Markdown")
        p.set_defaults(func=func)

    p = sub.add_parser("chat", help="a conversation in the terminal (follow-up questions)")
    p.add_argument("--doc", action="append", metavar="DOC_ID")
    p.add_argument("--mode", choices=["extractive", "llm"], default=None)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("eval", help="run a Q&A set and report metrics")
    p.add_argument("--qa", default=str(Path("evals") / "qa.jsonl"), help="Q&A JSONL file")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--report", metavar="DIR", help="write JSON result + HTML report here")
    p.add_argument("--compare", metavar="BASELINE", help="compare with a baseline result file")
    p.add_argument(
        "--held-out",
        action="store_true",
        help="answer each half of the set with a reranker and abstention threshold learned on "
        "the other half (honest figures for what is trained on the set)",
    )
    p.add_argument(
        "--dialogues",
        metavar="FILE",
        help="instead of a Q&A set: follow-up figures of a dialogue file (last turn answered "
        "from gold in conversation vs asked alone, per half and per follow-up kind)",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train-reranker", help="learn the passage reranker from Q&A files")
    p.add_argument(
        "--qa",
        action="append",
        metavar="FILE",
        help="Q&A JSONL file (repeatable; default evals/qa.jsonl and evals/qa_paraphrases.jsonl)",
    )
    p.add_argument(
        "--out",
        default=str(Path("assistant") / "models" / "reranker.json"),
        help="model file to write (default: the bundled model)",
    )
    p.add_argument("--json", action="store_true", help="print the model's metadata as JSON")
    p.set_defaults(func=cmd_train_reranker)

    p = sub.add_parser("feedback", help="export the thumbs up/down staff gave on the page")
    p.add_argument("action", choices=["export"])
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_feedback)

    # `vraagbaak documents list|add|replace|remove` (ui/documents_cli.py)
    from ui.documents_cli import add_documents_parser

    add_documents_parser(sub)

    p = sub.add_parser("ui", help="start the chat page (http://localhost:8501)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost")
    p.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A UserError (bad input or setup, see foundation.errors) is printed
    as one line with exit code 2; anything else is a bug and keeps its traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `vraagbaak search … | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
