"""Load the letters directory into `Letter` objects, reporting (not raising on) bad files."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from index.dates import parse_date_value
from index.errors import UserError
from index.metadata import extract_metadata, find_lbr
from index.models import FileProblem, Letter
from index.readers import PAGE_BREAK, READERS, BadLetter, parse_yaml_fields, sidecar_path

log = logging.getLogger(__name__)

FRONT_MATTER_FIELDS = {"title", "date", "lbr", "kenmerk", "url"}
PDF_SIZE_FACTOR = 10  # scans and images make PDFs far larger than their text


@dataclass
class LoadResult:
    letters: list[Letter] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "letter"


def letter_files(letters_dir: Path) -> list[Path]:
    if not letters_dir.is_dir():
        raise UserError(
            f"The letters directory {letters_dir} does not exist: create it and put the letters "
            "(.md, .txt, .pdf, .html) in it, or pass --letters DIR."
        )
    files = []
    for path in sorted(letters_dir.iterdir()):
        if path.name.startswith(".") or path.stem.lower() == "readme":
            continue
        if path.suffix.lower() in READERS:
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


def _date_field(value: object, file: str, label: str, warnings: list[FileProblem]):
    if value in (None, ""):
        return None
    date = parse_date_value(value)
    if date is None:
        warnings.append(FileProblem(file=file, reason=f"{label} date {value!r} is not a date; use YYYY-MM-DD"))
    return date


def load_letter(path: Path, root: Path, max_bytes: int, warnings: list[FileProblem]) -> Letter:
    resolved = path.resolve()
    if path.is_symlink() and not resolved.exists():
        raise BadLetter("broken symlink: the file it points to does not exist")
    if not resolved.is_relative_to(root):
        raise BadLetter("symlink to a file outside the letters directory; copy the file in instead")
    if not resolved.is_file():
        raise BadLetter("not a regular file (a folder?); only letter files belong here")
    suffix = path.suffix.lower()
    limit = max_bytes * PDF_SIZE_FACTOR if suffix == ".pdf" else max_bytes
    size = resolved.stat().st_size
    if size > limit:
        raise BadLetter(f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for a letter")
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise BadLetter(f"cannot be read ({exc.strerror}); check the file's permissions") from None

    document = READERS[suffix](raw)
    warnings.extend(FileProblem(file=path.name, reason=w) for w in document.warnings)
    body = document.body.strip()
    if not body.replace(PAGE_BREAK, "").strip():
        raise BadLetter("empty letter: the file has no text")

    sidecar_file = sidecar_path(path)
    sidecar_raw = sidecar_file.read_bytes() if sidecar_file else b""
    sidecar = parse_yaml_fields(sidecar_raw.decode("utf-8", "replace"), f"sidecar {sidecar_file.name}") if sidecar_file else {}
    given = {**document.meta, **{k: v for k, v in sidecar.items() if k in FRONT_MATTER_FIELDS}}

    found = extract_metadata(body)
    date = (_date_field(given.get("date"), path.name, "sidecar/front matter", warnings)
            or found.date
            or _date_field(given.get("page_date"), path.name, "page", warnings))
    title = _str(given.get("title")) or found.title or _str(given.get("pdf_title")) or path.stem.replace("-", " ").capitalize()
    lbr = find_lbr(_str(given.get("lbr")) or "") or _str(given.get("lbr")) or found.lbr
    return Letter(
        id=slugify(path.stem),
        title=title,
        date=date,
        lbr=lbr,
        kenmerk=_str(given.get("kenmerk")) or found.kenmerk,
        url=_str(given.get("url")),
        source=path.name,
        content_hash=hashlib.sha256(raw + sidecar_raw).hexdigest(),
        body=body,
    )


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
