"""`ledenbot add / remove / letters / report`: the staff tasks of the Slack bot, in a shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli import _engine, _note, _Progress
from index.errors import UserError
from index.letter_store import size_limit
from index.models import LetterRef


def _ref(entry) -> LetterRef:
    return LetterRef.model_validate(entry.model_dump(include=set(LetterRef.model_fields)))


def _letter_json(letter: LetterRef | None) -> dict | None:
    if letter is None:
        return None
    return letter.model_dump(mode="json", include={"id", "title", "date", "lbr", "url"})


def _line(letter: LetterRef) -> str:
    return " · ".join(p for p in (letter.citation(), letter.title) if p)


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise UserError("Not asking on a pipe: pass --yes to go ahead without confirming.")
    if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
        raise UserError("Cancelled; nothing changed.")


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise UserError(f"{path} is not a file; give a letter's url or the path of a PDF, HTML, Markdown or text file.")
    limit = size_limit(".pdf", max_bytes)  # the content decides the real limit; this is the largest
    if path.stat().st_size > limit:
        raise UserError(f"{path} is over the {limit / 1e6:.0f} MB limit for a letter.")
    return path.read_bytes()


def cmd_add(args) -> int:
    engine = _engine(args)
    target = args.target
    if target.startswith(("http://", "https://")):
        _note(f"Fetching {target} …")
        draft = engine.draft_from_url(target)
    else:
        draft = engine.draft_from_bytes(_read_file(Path(target), engine.max_letter_bytes), original_name=Path(target).name)
    letter = draft.letter
    if not args.json:
        date = f"{letter.date_label()} (from the {draft.date_source})" if letter.date else "–"
        print(f"Title:    {letter.title}\nDate:     {date}\nLbr:      {letter.lbr or '–'}\nUrl:      {letter.url or '–'}\n"
              f"File:     {draft.name}\nPassages: {draft.passages}\nOpening:  {draft.opening}")
        for note in draft.notes:
            _note(f"Warning: {note}.")
    if draft.duplicate_of:
        same = "url" if draft.duplicate_reason == "url" else "text"
        if args.json:
            print(json.dumps({"letter": _letter_json(draft.duplicate_of), "added": False,
                              "duplicate_of": draft.duplicate_of.id, "reindex": None}, ensure_ascii=False))
        else:
            print(f"Already there (same {same}): {_line(draft.duplicate_of)} [{draft.duplicate_of.id}]; nothing added.")
        return 0
    _confirm("Add this letter?", args.yes)
    stored = engine.add_letter(draft)
    _note(f"Stored as {stored}; reindexing …")
    report = engine.reindex(progress=_Progress("Embedding passages"))
    entry = next((e for e in engine.entries() if e.source == stored), None)
    problem = next((p for p in report.skipped if p.file == stored), None)
    if args.json:
        print(json.dumps({"letter": _letter_json(_ref(entry) if entry else letter), "added": entry is not None,
                          "duplicate_of": None, "reindex": report.model_dump(mode="json")}, ensure_ascii=False))
    elif entry:
        print(f"Added {_line(_ref(entry))} [{entry.id}]; {report.letters} letters, {report.chunks} passages indexed. "
              "The running bot announces it once when it notices the new index.")
    if problem:
        _note(f"Stored {stored} but not indexed: {problem.reason}.")
        return 1
    return 0


def cmd_remove(args) -> int:
    engine = _engine(args)
    entry = engine.find_letter(args.ref)
    if entry is None:
        raise UserError(f"No indexed letter matches {args.ref!r}; give its Lbr number, url, id or file name "
                        "(see `ledenbot letters`).")
    if not args.json:
        print(f"{_line(_ref(entry))} [{entry.id}, file {entry.source}]")
    _confirm("Remove this letter?", args.yes)
    engine.remove_letter(entry.source)
    report = engine.reindex(progress=_Progress("Embedding passages"))
    if args.json:
        print(json.dumps({"letter": _letter_json(_ref(entry)), "removed": True, "reindex": report.model_dump(mode="json")},
                         ensure_ascii=False))
    else:
        print(f"Removed {entry.source}; {report.letters} letters, {report.chunks} passages indexed.")
    return 0


def cmd_letters(args) -> int:
    engine = _engine(args)
    if engine.build_id() is None:
        raise UserError(f"There is no index in {engine.index_dir} yet: run `ledenbot reindex` first.")
    entries = sorted(engine.entries(), key=lambda e: (e.date is not None, e.date, e.id), reverse=True)
    if args.json:
        print(json.dumps([{**e.model_dump(mode="json", exclude={"chunk_start", "chunk_count", "content_hash", "body_hash"}),
                           "passages": e.chunk_count} for e in entries], ensure_ascii=False))
        return 0
    for e in entries:
        print(_line(_ref(e)) or e.id)
        print(f"    {e.source} · id {e.id} · {e.chunk_count} passage{'s' if e.chunk_count != 1 else ''}"
              + (f" · kenmerk {e.kenmerk}" if e.kenmerk else "") + (f" · {e.url}" if e.url else ""))
        sources = getattr(e, "field_sources", None) or {}
        date_source = getattr(e, "date_source", None)
        if date_source and "date" not in sources:
            sources = {**sources, "date": date_source}
        if sources:
            print("    from: " + ", ".join(f"{field} ← {where}" for field, where in sources.items()))
        for warning in e.warnings:
            print(f"    warning: {warning}")
    print(f"{len(entries)} letters.", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from bot.report import build_report, format_report
    from bot.settings import BotSettings
    from bot.state import State

    if not 1 <= args.days <= 365:
        raise UserError("--days must be between 1 and 365.")
    settings = BotSettings()
    if settings.database_url:  # the replicas' shared state
        from index.database import connect, migrate

        database = connect(settings.database_url)
        migrate(database)
        report = build_report(State(database), args.days)
    else:
        report = build_report(State(settings.state_dir), args.days)
    print(report.model_dump_json() if args.json else format_report(report))
    return 0


def add_parsers(sub) -> None:
    def where(p):
        p.add_argument("--letters", metavar="DIR", help="letters directory (default: $LETTERS_DIR or letters/)")
        p.add_argument("--index", metavar="DIR", help="index directory (default: $INDEX_DIR or .ledenbot/index)")

    p = sub.add_parser("add", help="add a letter from a url or a file (preview, confirm, reindex)")
    p.add_argument("target", metavar="URL|FILE")
    p.add_argument("--yes", action="store_true", help="add without asking")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    where(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="remove a letter (by Lbr number, url, id or file name) and reindex")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--yes", action="store_true", help="remove without asking")
    p.add_argument("--json", action="store_true")
    where(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("letters", help="list every indexed letter, its metadata and where each field came from")
    p.add_argument("--json", action="store_true")
    where(p)
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("report", help="what members asked that the letters do not answer")
    p.add_argument("--days", type=int, default=30, help="look back this many days (default 30)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)
