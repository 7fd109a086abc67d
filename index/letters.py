"""Load the letters directory into `Letter` objects, reporting (not raising on) bad files."""

from __future__ import annotations

import hashlib
import logging
import re
import stat
import time
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
class Known:
    """What the previous build knows of a file: enough to skip parsing it when unchanged."""

    id: str
    content_hash: str
    body_hash: str
    lbr: str | None
    warnings: list[str]
    stamp: str = ""  # file_stamp() when it was read; "" = always read and hash again


@dataclass
class LoadResult:
    letters: list[Letter] = field(default_factory=list)  # parsed: new or changed
    reused: list[str] = field(default_factory=list)  # ids of unchanged files, not parsed again
    order: list[str] = field(default_factory=list)  # every loaded letter id, in file order
    body_hashes: dict[str, str] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)  # letter id -> file_stamp()
    file_warnings: dict[str, list[str]] = field(default_factory=dict)
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
    for path in sorted(letters_dir.iterdir(), key=lambda p: p.name):  # by name: Path comparison is slow
        if path.name.startswith(".") or path.stem.lower() == "readme":
            continue
        if path.suffix.lower() in READERS:
            files.append(path)
    return files


def body_hash(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


def load_letters(letters_dir: Path, max_bytes: int = 5 * 1024 * 1024, known: dict[str, Known] | None = None) -> LoadResult:
    """Load every letter file; bad files are skipped with a reason, the rest goes on.

    `known` (file name -> what the previous build knows): a file whose size and mtime (and
    its sidecar's) are as then, or whose bytes hash the same, is not parsed again but listed
    in `reused`."""
    result = LoadResult()
    trusted_before_ns = time.time_ns() - _CLOCK_TICK_NS
    by_body: dict[str, str] = {}
    by_lbr: dict[str, str] = {}
    used_ids: set[str] = set()
    root = letters_dir.resolve()
    for path in letter_files(letters_dir):
        try:
            prior = (known or {}).get(path.name)
            stamp = file_stamp(path, trusted_before_ns)
            if prior and unchanged_by_stat(prior.stamp, stamp):
                _check_size(path, stamp_size(stamp), max_bytes)  # the limit is a setting: it may have changed
                content_hash = prior.content_hash
            else:
                raw, sidecar_raw = read_letter_bytes(path, root, max_bytes)
                content_hash = hashlib.sha256(raw + sidecar_raw).hexdigest()
            if prior and prior.content_hash == content_hash:
                letter, letter_id, body_key, lbr, notes = None, prior.id, prior.body_hash, prior.lbr, prior.warnings
            else:
                notes = []
                letter = parse_letter(path, raw, sidecar_raw, content_hash, notes)
                letter_id, body_key, lbr = letter.id, body_hash(letter.body), letter.lbr
        except BadLetter as exc:
            result.skipped.append(FileProblem(file=path.name, reason=str(exc)))
            log.warning("Skipped %s: %s", path.name, exc)
            continue
        if body_key in by_body:
            reason = f"same text as {by_body[body_key]}; remove one of the two files"
            result.skipped.append(FileProblem(file=path.name, reason=reason))
            log.warning("Skipped %s: %s", path.name, reason)
            continue
        by_body[body_key] = path.name
        if letter is not None and letter_id in used_ids:
            letter_id = slugify(path.name)
            letter = letter.model_copy(update={"id": letter_id})
        used_ids.add(letter_id)
        if lbr:
            if lbr in by_lbr:
                notes = notes + [f"{lbr} is also claimed by {by_lbr[lbr]}"]
            else:
                by_lbr[lbr] = path.name
        result.warnings.extend(FileProblem(file=path.name, reason=n) for n in notes)
        result.file_warnings[letter_id] = [n for n in notes if "is also claimed by" not in n]
        result.body_hashes[letter_id] = body_key
        result.stamps[letter_id] = stamp
        result.order.append(letter_id)
        if letter is None:
            result.reused.append(letter_id)
        else:
            result.letters.append(letter)
    return result


# A file changed within the same tick of the file system's clock as it was last read keeps
# its size and mtime; files modified this recently are always hashed (as git does).
_CLOCK_TICK_NS = 2_000_000_000


def file_stamp(path: Path, trusted_before_ns: int) -> str:
    """Size, mtime, ctime and inode of a letter file and of its sidecar, or "" when one was
    changed too recently (after `trusted_before_ns`) for an equal stamp to prove anything,
    or the letter is not a plain file (a symlink is checked and read every time)."""
    parts = []
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return ""
        for file in (path, sidecar_path(path)):
            if file is None:
                parts.append("-")
                continue
            st = file.stat()
            if max(st.st_mtime_ns, st.st_ctime_ns) >= trusted_before_ns:
                return ""
            parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
    except OSError:
        return ""
    return ";".join(parts)


def stamp_size(stamp: str) -> int:
    return int(stamp.split(":", 1)[0])


def unchanged_by_stat(previous: str, current: str) -> bool:
    """Equal non-empty stamps: the file was not touched since the previous build read it."""
    return bool(previous) and previous == current


def read_letter_bytes(path: Path, root: Path, max_bytes: int) -> tuple[bytes, bytes]:
    """The file's bytes and its sidecar's (b"" if none), after the safety checks."""
    resolved = checked_letter_file(path, root, max_bytes)
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise BadLetter(f"cannot be read ({exc.strerror}); check the file's permissions") from None
    sidecar_file = sidecar_path(path)
    return raw, sidecar_file.read_bytes() if sidecar_file else b""


def checked_letter_file(path: Path, root: Path, max_bytes: int) -> Path:
    """The resolved file, after the safety checks (symlinks, regular file, size limit)."""
    resolved = path.resolve()
    if path.is_symlink() and not resolved.exists():
        raise BadLetter("broken symlink: the file it points to does not exist")
    if not resolved.is_relative_to(root):
        raise BadLetter("symlink to a file outside the letters directory; copy the file in instead")
    if not resolved.is_file():
        raise BadLetter("not a regular file (a folder?); only letter files belong here")
    _check_size(path, resolved.stat().st_size, max_bytes)
    return resolved


def _check_size(path: Path, size: int, max_bytes: int) -> None:
    limit = max_bytes * PDF_SIZE_FACTOR if path.suffix.lower() == ".pdf" else max_bytes
    if size > limit:
        raise BadLetter(f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for a letter")


def _date_field(value: object, label: str, warnings: list[str]):
    if value in (None, ""):
        return None
    date = parse_date_value(value)
    if date is None:
        warnings.append(f"{label} date {value!r} is not a date; use YYYY-MM-DD")
    return date


def parse_letter(path: Path, raw: bytes, sidecar_raw: bytes, content_hash: str, warnings: list[str]) -> Letter:
    suffix = path.suffix.lower()
    document = READERS[suffix](raw)
    warnings.extend(document.warnings)
    body = document.body.strip()
    if not body.replace(PAGE_BREAK, "").strip():
        raise BadLetter("empty letter: the file has no text")

    sidecar = {}
    if sidecar_raw:
        sidecar = parse_yaml_fields(sidecar_raw.decode("utf-8", "replace"), f"sidecar {sidecar_path(path).name}")
    given = {**document.meta, **{k: v for k, v in sidecar.items() if k in FRONT_MATTER_FIELDS}}

    found = extract_metadata(body)
    date = (_date_field(given.get("date"), "sidecar/front matter", warnings)
            or found.date
            or _date_field(given.get("page_date"), "page", warnings))
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
        content_hash=content_hash,
        body=body,
    )


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
