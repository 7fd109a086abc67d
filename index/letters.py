"""Load the letters directory into `Letter` objects, reporting (not raising on) bad files."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.dates import parse_date_value
from index.errors import UserError
from index.metadata import extract_metadata, find_lbr
from index.models import FileProblem, Letter

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
LETTER_SUFFIXES = TEXT_SUFFIXES
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
FRONT_MATTER_FIELDS = {"title", "date", "lbr", "kenmerk", "url"}


@dataclass
class LoadResult:
    letters: list[Letter] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)


class BadLetter(Exception):
    """A file that cannot become a letter; the message says why and what to do."""


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "letter"


def letter_files(letters_dir: Path) -> list[Path]:
    if not letters_dir.is_dir():
        raise UserError(
            f"The letters directory {letters_dir} does not exist: create it and put the letters "
            "(.md, .txt) in it, or pass --letters DIR."
        )
    files = []
    for path in sorted(letters_dir.iterdir()):
        if path.name.startswith(".") or path.stem.lower() == "readme":
            continue
        if path.suffix.lower() in LETTER_SUFFIXES:
            files.append(path)
    return files


def load_letters(letters_dir: Path, max_bytes: int = 5 * 1024 * 1024) -> LoadResult:
    """Load every letter file; bad files are skipped with a reason, the rest goes on."""
    result = LoadResult()
    by_body: dict[str, str] = {}
    by_lbr: dict[str, str] = {}
    used_ids: set[str] = set()
    root = letters_dir.resolve()
    for path in letter_files(letters_dir):
        try:
            letter = load_letter(path, root=root, max_bytes=max_bytes, warnings=result.warnings)
        except BadLetter as exc:
            result.skipped.append(FileProblem(file=path.name, reason=str(exc)))
            log.warning("Skipped %s: %s", path.name, exc)
            continue
        body_key = hashlib.sha256(" ".join(letter.body.split()).encode()).hexdigest()
        if body_key in by_body:
            reason = f"same text as {by_body[body_key]}; remove one of the two files"
            result.skipped.append(FileProblem(file=path.name, reason=reason))
            log.warning("Skipped %s: %s", path.name, reason)
            continue
        by_body[body_key] = path.name
        if letter.id in used_ids:
            letter = letter.model_copy(update={"id": slugify(path.name)})
        used_ids.add(letter.id)
        if letter.lbr:
            if letter.lbr in by_lbr:
                result.warnings.append(
                    FileProblem(file=path.name, reason=f"{letter.lbr} is also claimed by {by_lbr[letter.lbr]}")
                )
            else:
                by_lbr[letter.lbr] = path.name
        result.letters.append(letter)
    return result


def _read_text(path: Path, raw: bytes, warnings: list[FileProblem]) -> str:
    if b"\x00" in raw[:8192]:
        raise BadLetter("binary file, not text; save the letter as .md, .txt (or a supported format)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append(FileProblem(file=path.name, reason="not UTF-8; read as Windows-1252, save it as UTF-8"))
        return raw.decode("cp1252", errors="replace")


def _front_matter(path: Path, text: str) -> tuple[dict, str]:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise BadLetter(f"malformed YAML front matter{where}; fix the block between the '---' lines") from None
    if not isinstance(data, dict):
        raise BadLetter("front matter is not a list of 'key: value' fields; fix the block between the '---' lines")
    return data, text[m.end() :]


def load_letter(path: Path, root: Path, max_bytes: int, warnings: list[FileProblem]) -> Letter:
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise BadLetter("symlink to a file outside the letters directory; copy the file in instead")
    if not resolved.is_file():
        raise BadLetter("not a regular file")
    size = resolved.stat().st_size
    if size > max_bytes:
        raise BadLetter(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for a letter")
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise BadLetter(f"cannot be read ({exc.strerror}); check the file's permissions") from None

    text = _read_text(path, raw, warnings)
    meta, body = _front_matter(path, text) if path.suffix.lower() != ".txt" else ({}, text)
    body = body.strip()
    if not body:
        raise BadLetter("empty letter: the file has no text")

    found = extract_metadata(body)
    date = found.date
    if meta.get("date") not in (None, ""):
        date = parse_date_value(meta["date"])
        if date is None:
            warnings.append(
                FileProblem(file=path.name, reason=f"front matter date {meta['date']!r} is not a date; use YYYY-MM-DD")
            )
            date = found.date
    title = _str(meta.get("title")) or found.title or path.stem.replace("-", " ").capitalize()
    lbr = find_lbr(_str(meta.get("lbr")) or "") or _str(meta.get("lbr")) or found.lbr
    return Letter(
        id=slugify(path.stem),
        title=title,
        date=date,
        lbr=lbr,
        kenmerk=_str(meta.get("kenmerk")) or found.kenmerk,
        url=_str(meta.get("url")),
        source=path.name,
        content_hash=hashlib.sha256(raw).hexdigest(),
        body=body,
    )


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
