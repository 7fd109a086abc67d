"""`ledenbot`: reindex, ask, eval (and serve) — a thin shell over `index.api.Engine`.
The staff tasks (add, remove, letters, report) are in `bot.cli_letters`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from pathlib import Path

from index.errors import UserError

log = logging.getLogger("ledenbot")


def _engine(args):
    from index.api import Engine
    from index.settings import EngineSettings

    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    if getattr(args, "letters", None):
        overrides["letters_dir"] = Path(args.letters)
    return Engine(EngineSettings(**overrides))


class _Progress:
    """Progress on stderr: one updating line on a terminal, a line per step in logs."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if self.tty:
            end = "\n" if done >= total else ""
            print(f"\r{self.label}: {done}/{total} ({pct}%)", end=end, file=sys.stderr, flush=True)
        elif pct // 10 != self.last // 10 or done >= total:
            print(f"{self.label}: {done}/{total} ({pct}%)", file=sys.stderr, flush=True)
        self.last = pct


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_reindex(args) -> int:
    engine = _engine(args)
    _note(f"Loading the embedding model and letters from {engine.letter_store()} …")
    report = engine.reindex(progress=_Progress("Embedding passages"))
    if args.json:
        print(report.model_dump_json())
    else:
        print(
            f"Indexed {report.letters} letters ({report.chunks} passages) into {engine.index_dir}: "
            f"{report.added} added, {report.changed} changed, {report.removed} removed, "
            f"{report.unchanged} unchanged; {report.chunks_embedded} passages embedded."
        )
    for problem in report.skipped:
        _note(f"Skipped {problem.file}: {problem.reason}.")
    for problem in report.warnings:
        _note(f"Warning, {problem.file}: {problem.reason}.")
    return 0


def render_card(answer) -> str:
    """The answer as text: best passage (matching sentence in **bold**) and its sources."""
    from index.excerpt import excerpt
    from index.language import language
    from index.phrasing import event_sentence, newer_note

    lang = language(answer.question)
    if answer.unknown_reference:
        lines = [f"{answer.unknown_reference} is not in the index."]
    elif answer.missing:
        lines = textwrap.wrap(" ".join(p for p in (answer.missing.sentence, answer.missing.offer) if p), 100)
    elif not answer.found:
        lines = ["No letter answers this question."]
    else:
        best = answer.passages[0]
        lines = textwrap.wrap(event_sentence(answer.event, answer.question, lang), 100) + [""] if answer.event else []
        quote = " ".join(f"**{s.text}**" if s.highlight else s.text for s in excerpt(best.text, best.highlight))
        lines += textwrap.wrap(quote, 100, initial_indent="> ", subsequent_indent="> ")
        lines += ["", _source(best)]
        if answer.newer:
            lines.append(newer_note(answer.newer, lang) + (f" · {answer.newer.url}" if answer.newer.url else ""))
    others = answer.passages[1:] if answer.found else answer.passages
    if others:
        lines += ["", "More sources:" if answer.found else "Nearest letters:"]
        lines += [f"  {_source(p)}" for p in others[:3 if not answer.found else 2]]
    return "\n".join(lines)


def _source(passage, lang: str = "nl") -> str:
    parts = [passage.letter.citation(lang), passage.letter.title, passage.link]
    return " · ".join(p for p in parts if p)


def _answer_json(answer) -> str:
    data = answer.model_dump(mode="json", exclude_none=False)
    return json.dumps(data, ensure_ascii=False)


def cmd_ask(args) -> int:
    engine = _engine(args)
    if args.question != "-":
        answer = engine.ask(args.question, k=args.k)
        print(_answer_json(answer) if args.json else render_card(answer))
        return 0
    failures = 0
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        try:
            print(_answer_json(engine.ask(question, k=args.k)), flush=True)
        except UserError as exc:
            failures += 1
            print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def cmd_eval(args) -> int:
    from index.evaluate import ask_all, combine, format_file, format_multi, read_questions

    paths = [Path(f) for f in args.files]
    question_sets = [read_questions(path) for path in paths]  # every file checked before any work
    engine = _engine(args)
    engine.searcher()  # fail early (no index, model mismatch) before the progress starts
    results = []
    for path, questions in zip(paths, question_sets):
        label = "Evaluating" if len(paths) == 1 else f"Evaluating {path.name}"
        results.append((path, ask_all(questions, lambda q: engine.ask(q, k=10), progress=_Progress(label))))
    multi = combine(results)
    if len(results) == 1:  # one file: the original report and JSON shape
        item = multi.files[0]
        print(item.report.model_dump_json() if args.json else format_file(item))
    else:
        print(multi.model_dump_json() if args.json else format_multi(multi))
    return 0


def cmd_migrate(args) -> int:
    from index.database import connect, migrate
    from index.settings import EngineSettings

    url = EngineSettings().database_url
    if not url:
        _note("DATABASE_URL is not set: nothing to migrate (the embedded SQLite state migrates itself).")
        return 0
    database = connect(url)
    try:
        applied = migrate(database)
    finally:
        database.close()
    print(f"Applied migrations: {', '.join(applied)}." if applied else "The database is up to date.")
    return 0


def cmd_serve(args) -> int:
    from bot.server import serve

    return serve(port=args.port, socket_mode=args.socket, announce_backfill=args.announce_backfill)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ledenbot", description="Answers questions from VNG member letters.")
    parser.add_argument("--debug", action="store_true", help="log details (and tracebacks) to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("reindex", help="build or update the index over the letters directory")
    p.add_argument("--letters", metavar="DIR", help="letters directory (default: $LETTERS_DIR or letters/)")
    p.add_argument("--index", metavar="DIR", help="index directory (default: $INDEX_DIR or .ledenbot/index)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("ask", help="answer a question ('-' reads one question per line from stdin)")
    p.add_argument("question", metavar="QUESTION")
    p.add_argument("--index", metavar="DIR")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("-k", type=int, default=3, help="number of passages (default 3)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="measure hit@k, MRR and refusals on JSON-lines question files "
                       "(*-heldout.jsonl are reported as held-out)")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--index", metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("migrate", help="create or update the DATABASE_URL schema (safe to run from several hosts)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="run the Slack bot (HTTP mode; --socket for Socket Mode)")
    p.add_argument("--port", type=int, default=None, help="HTTP port (default: $PORT or 3000)")
    p.add_argument("--socket", action="store_true", help="use Socket Mode (needs SLACK_APP_TOKEN)")
    p.add_argument("--announce-backfill", action="store_true",
                   help="on the first run, announce the letters already in the index too")
    p.set_defaults(func=cmd_serve)

    from bot.cli_letters import add_parsers  # add, remove, letters, report: the staff tasks

    add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("LEDENBOT_DEBUG") == "1"
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not debug:
        for noisy in ("faiss", "bm25s", "sentence_transformers", "transformers"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    if getattr(args, "k", 1) < 1:
        _note("error: -k must be at least 1.")
        return 2
    try:
        return args.func(args)
    except UserError as exc:
        _note(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _note("Interrupted.")
        return 130
    except Exception as exc:  # the user gets one sentence; the details go to the debug log
        log.debug("Unexpected failure", exc_info=True)
        _note(f"error: unexpected {type(exc).__name__}: {exc}. Run again with --debug for details.")
        return 1


if __name__ == "__main__":
    sys.exit(main())
