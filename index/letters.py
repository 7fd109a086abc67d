"""Load the letters directory into `Letter` objects, reporting (not raising on) bad files."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from index.boilerplate import without_web_cruft
from index.dates import parse_date_value
from index.dating import estimate_date
from index.letter_store import DirectoryLetterStore, LetterStore, check_size
from index.metadata import extract_metadata, find_lbr
from index.models import FileProblem, Letter
from index.readers import PAGE_BREAK, READERS, BadLetter, parse_yaml_fields

log = logging.getLogger(__name__)

FRONT_MATTER_FIELDS = {"title", "date", "lbr", "kenmerk", "url"}


class Known(Protocol):
    """What the previous build knows of a file: enough to skip parsing it when unchanged
    (the build's LetterEntry, index/store.py)."""

    id: str
    content_hash: str
    body_hash: str
    lbr: str | None
    warnings: Sequence[str]
    stamp: str  # the store's stamp when it was read; "" = always read and hash again


@dataclass(frozen=True)
class Duplicate:
    """A file skipped because an earlier file has its text. The serving build remembers it (in
    memory), so while its stamp stays the same the next reindex neither reads nor parses it."""

    content_hash: str
    body_hash: str
    stamp: str
    id: str = ""  # no letter of its own (a Known with an id is a letter of the build)
    lbr: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class LoadResult:
    letters: list[Letter] = field(default_factory=list)  # parsed: new or changed
    reused: list[str] = field(default_factory=list)  # ids of unchanged files, not parsed again
    order: list[str] = field(default_factory=list)  # every loaded letter id, in file order
    body_hashes: dict[str, str] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)  # letter id -> StoredFile.stamp
    file_warnings: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    duplicates: dict[str, Duplicate] = field(default_factory=dict)  # file name -> skipped as a duplicate


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "letter"


def body_hash(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


def load_letters(letters: Path | LetterStore, max_bytes: int = 5 * 1024 * 1024,
                 known: dict[str, Known] | None = None) -> LoadResult:
    """Load every letter of a letter store (a directory: LETTERS_DIR); bad files are skipped
    with a reason, the rest goes on.

    `known` (file name -> what the previous build knows): a file whose stamp (size, times and
    inode, and its sidecar's) is as then, or whose bytes hash the same, is not read or parsed
    again but listed in `reused`."""
    store = DirectoryLetterStore(letters, max_bytes) if isinstance(letters, Path) else letters
    result = LoadResult()
    by_body: dict[str, str] = {}
    by_lbr: dict[str, str] = {}
    used_ids: set[str] = set()
    known = known or {}
    listed = list(store.files())
    # An id a still-listed letter already has stays its own: a new "a.md" beside "a.txt" gets another
    names = {stored.name for stored in listed}
    owner_of = {k.id: n for n, k in known.items() if k.id and n in names}
    for stored in listed:
        name = stored.name  # a Path only for files that are read: most are not
        try:
            prior, raw = known.get(name), None
            if prior and unchanged_by_stat(prior.stamp, stored.stamp):
                if stored.size > max_bytes:  # the limit is a setting: it may have changed (PDFs get more)
                    check_size(name, stored.size, max_bytes)
                content_hash = prior.content_hash
            else:
                raw, sidecar_raw = store.read(name)
                content_hash = hashlib.sha256(raw + sidecar_raw).hexdigest()
            if prior and prior.content_hash == content_hash and (prior.id or prior.body_hash in by_body):
                letter, letter_id, body_key, lbr, notes = None, prior.id, prior.body_hash, prior.lbr, prior.warnings
            else:
                if raw is None:  # a remembered duplicate whose twin changed or went: a letter now
                    raw, sidecar_raw = store.read(name)
                notes = []
                letter = parse_letter(Path(name), raw, sidecar_raw, content_hash, notes)
                letter_id, body_key, lbr = letter.id, body_hash(letter.body), letter.lbr
        except BadLetter as exc:
            result.skipped.append(FileProblem(file=name, reason=str(exc)))
            log.warning("Skipped %s: %s", name, exc)
            continue
        if body_key in by_body:
            reason = f"same text as {by_body[body_key]}; remove one of the two files"
            result.skipped.append(FileProblem(file=name, reason=reason))
            result.duplicates[name] = Duplicate(content_hash, body_key, stored.stamp)
            log.warning("Skipped %s: %s", name, reason)
            continue
        by_body[body_key] = name
        if letter is not None and (letter_id in used_ids or owner_of.get(letter_id, name) != name):
            letter_id = slugify(name)
            letter = letter.model_copy(update={"id": letter_id})
        used_ids.add(letter_id)
        if lbr:
            if lbr in by_lbr:
                notes = [*notes, f"{lbr} is also claimed by {by_lbr[lbr]}"]
            else:
                by_lbr[lbr] = name
        if notes:
            result.warnings.extend(FileProblem(file=name, reason=n) for n in notes)
        result.file_warnings[letter_id] = [n for n in notes if "is also claimed by" not in n] if notes else []
        result.body_hashes[letter_id] = body_key
        result.stamps[letter_id] = stored.stamp
        result.order.append(letter_id)
        if letter is None:
            result.reused.append(letter_id)
        else:
            result.letters.append(letter)
    return result


def unchanged_by_stat(previous: str, current: str) -> bool:
    """Equal non-empty stamps: the file was not touched since the previous build read it."""
    return bool(previous) and previous == current


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
    body = without_web_cruft(document.body).strip()
    if not body.replace(PAGE_BREAK, "").strip():
        raise BadLetter("empty letter: the file has no text")

    sidecar = {}
    if sidecar_raw:
        sidecar = parse_yaml_fields(sidecar_raw.decode("utf-8", "replace"), f"sidecar {path.stem}.yml")
    given = _given_fields(document.meta, sidecar, suffix)
    found = extract_metadata(body)
    sources: dict[str, str] = {}

    def pick(field: str, *candidates: tuple[str, object]) -> str | None:
        for source, value in candidates:
            if value := _str(value):
                sources[field] = source
                return value
        return None

    title = pick("title", *given.get("title", []), ("header", found.title), *given.get("pdf_title", []),
                 ("file name", path.stem.replace("-", " ").capitalize()))
    given_lbr = pick("lbr", *given.get("lbr", []))
    lbr = find_lbr(given_lbr or "") or given_lbr
    if lbr is None and (lbr := found.lbr):
        sources["lbr"] = "header"
    kenmerk = pick("kenmerk", *given.get("kenmerk", []), ("header", found.kenmerk))
    url = pick("url", *given.get("url", []))

    date, date_source = None, None
    for source, value in given.get("date", []):
        if date := _date_field(value, source, warnings):
            sources["date"], date_source = source, "metadata"
            break
    if date is None and found.date:
        date, sources["date"], date_source = found.date, "header", "header"
    if date is None:
        for source, value in given.get("page_date", []):
            if date := _date_field(value, source, warnings):
                sources["date"], date_source = source, "metadata"
                break
    if date is None:
        date, date_source = estimate_date(title, lbr, body)
        if date_source:
            sources["date"] = date_source
    return Letter(
        id=slugify(path.stem),
        title=title,
        date=date,
        date_source=date_source,
        lbr=lbr,
        kenmerk=kenmerk,
        url=url,
        source=path.name,
        content_hash=content_hash,
        body=body,
        field_sources=sources,
    )


def _given_fields(meta: dict, sidecar: dict, suffix: str) -> dict[str, list[tuple[str, object]]]:
    """Each metadata field the files state, as (where, value) candidates, sidecar first."""
    own = "front matter" if suffix in (".md", ".markdown") else "page" if suffix in (".html", ".htm") else "pdf"
    given: dict[str, list[tuple[str, object]]] = {}
    for where, fields in (("sidecar", sidecar), (own, meta)):
        for key, value in fields.items():
            if where != "sidecar" or key in FRONT_MATTER_FIELDS:
                given.setdefault(key, []).append((where, value))
    return given


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
