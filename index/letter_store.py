"""The letter store: where each letter's original bytes and its sidecar metadata live.

`DirectoryLetterStore` is the embedded default over `LETTERS_DIR`: files dropped in by hand
count exactly like letters added from Slack or the CLI. A production twin (PostgreSQL) keeps
the same contract: names are unique file names whose suffix says how to read the letter.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import yaml

from index.errors import UserError
from index.readers import READERS, SIDECAR_SUFFIXES, BadLetter, sidecar_path

PDF_SIZE_FACTOR = 10  # scans and images make PDFs far larger than their text
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One letter in a store's listing (a dataclass: a thousand are made per reindex)."""

    name: str  # unique file name, e.g. "lbr-24-019.pdf"
    size: int
    mtime: float | None = None
    # Equal stamps promise unchanged bytes (letter and sidecar), so a reindex need not read
    # them; "" promises nothing. Directory: size, times and inode; a database: a version.
    stamp: str = ""


@runtime_checkable
class LetterStore(Protocol):
    def files(self) -> list[StoredFile]:
        """Every letter file (sidecars and README excluded), sorted by name."""

    def read(self, name: str) -> tuple[bytes, bytes]:
        """(the letter's bytes, its sidecar YAML bytes or b""); BadLetter when unreadable."""

    def add(self, name: str, data: bytes, sidecar: dict[str, str]) -> str:
        """Store bytes + sidecar; returns the final unique name (a suffix on a clash)."""

    def remove(self, name: str) -> None:
        """Remove the letter and its sidecar."""


def size_limit(name: str, max_bytes: int) -> int:
    """The byte limit for a letter: PDFs get ten times the limit of text formats."""
    return max_bytes * PDF_SIZE_FACTOR if name.lower().endswith(".pdf") else max_bytes


def check_size(name: str, size: int, max_bytes: int) -> None:
    limit = size_limit(name, max_bytes)
    if size > limit:
        raise BadLetter(f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for a letter")


# A file changed within the same tick of the file system's clock as it was last read keeps
# its size and mtime; files modified this recently are always read again (as git does).
_CLOCK_TICK_NS = 2_000_000_000


def file_stamp(lstat: os.stat_result, trusted_before_ns: int, sidecar: Path | None) -> str:
    """Size, mtime, ctime and inode of a letter file (`lstat`: its lstat) and of its sidecar,
    or "" when one was changed too recently (after `trusted_before_ns`) for an equal stamp to
    prove anything, or the letter is not a plain file (a symlink is checked and read every time)."""
    if not stat.S_ISREG(lstat.st_mode):
        return ""
    parts = []
    try:
        for st in (lstat, sidecar.stat() if sidecar else None):
            if st is None:
                parts.append("-")
                continue
            if max(st.st_mtime_ns, st.st_ctime_ns) >= trusted_before_ns:
                return ""
            parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
    except OSError:
        return ""
    return ";".join(parts)


def sidecar_yaml(sidecar: dict[str, str]) -> bytes:
    fields = {k: str(v) for k, v in sidecar.items() if v not in (None, "")}
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False).encode() if fields else b""


def unique_name(name: str, taken_stems: set[str]) -> str:
    """`name`, or `stem-2.ext`, `stem-3.ext` … when the stem is taken (case-insensitively).
    Stems, not names: `x.md` and `x.pdf` would share the sidecar `x.yml` and the letter id."""
    lowered = {t.lower() for t in taken_stems}
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = stem, 1
    while candidate.lower() in lowered:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate + suffix


def check_name(name: str) -> None:
    if not _SAFE_NAME.match(name) or Path(name).suffix.lower() not in READERS:
        raise UserError(f"{name!r} is not a letter file name (letters, digits, '-', '_', '.', "
                        f"ending in one of {', '.join(sorted(READERS))}).")


class DirectoryLetterStore:
    """Letters as files in one directory, each with an optional `.yml` sidecar beside it."""

    def __init__(self, directory: Path, max_bytes: int = 5 * 1024 * 1024):
        self.directory = Path(directory)
        self.max_bytes = max_bytes

    def __str__(self) -> str:
        return str(self.directory)

    def check(self) -> None:
        if not self.directory.is_dir():
            raise UserError(
                f"The letters directory {self.directory} does not exist: create it and put the letters "
                "(.md, .txt, .pdf, .html) in it, or pass --letters DIR."
            )

    def files(self) -> list[StoredFile]:
        """One directory listing and one lstat per letter file (a reindex of a thousand
        unchanged letters is mostly this): sidecars are found in the listing, not by a stat
        per candidate, and no Path object is made per file."""
        self.check()
        trusted_before_ns = time.time_ns() - _CLOCK_TICK_NS
        with os.scandir(self.directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        sidecar_stems = {e.name.rpartition(".")[0] for e in entries if e.name.endswith(SIDECAR_SUFFIXES)}
        found = []
        for entry in entries:
            name = entry.name
            stem, dot, suffix = name.rpartition(".")
            if not dot or not stem or name[0] == "." or stem.lower() == "readme" or "." + suffix.lower() not in READERS:
                continue
            has_sidecar = stem in sidecar_stems
            try:
                link = entry.stat(follow_symlinks=False)
                info = link if stat.S_ISREG(link.st_mode) else os.stat(entry.path)  # a plain file: one stat
                sidecar = sidecar_path(self.directory / name) if has_sidecar else None
                found.append(StoredFile(name=name, size=info.st_size, mtime=info.st_mtime,
                                        stamp=file_stamp(link, trusted_before_ns, sidecar)))
            except OSError:  # a broken symlink: listed, so reading it names the problem
                found.append(StoredFile(name=name, size=0, mtime=None))
        return found

    def read(self, name: str) -> tuple[bytes, bytes]:
        """The file's bytes and its sidecar's, after the directory's safety checks."""
        path = self.directory / name
        root = self.directory.resolve()
        resolved = path.resolve()
        if path.is_symlink() and not resolved.exists():
            raise BadLetter("broken symlink: the file it points to does not exist")
        if not resolved.is_relative_to(root):
            raise BadLetter("symlink to a file outside the letters directory; copy the file in instead")
        if not resolved.is_file():
            raise BadLetter("not a regular file (a folder?); only letter files belong here")
        check_size(name, resolved.stat().st_size, self.max_bytes)
        try:
            raw = resolved.read_bytes()
        except OSError as exc:
            raise BadLetter(f"cannot be read ({exc.strerror}); check the file's permissions") from None
        sidecar = sidecar_path(path)
        return raw, sidecar.read_bytes() if sidecar else b""

    def add(self, name: str, data: bytes, sidecar: dict[str, str]) -> str:
        check_name(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        final = unique_name(name, {p.stem for p in self.directory.iterdir()})
        path = self.directory / final
        yaml_bytes = sidecar_yaml(sidecar)
        if yaml_bytes:  # sidecar first: a reindex never sees the letter without its url
            _write_atomic(path.with_suffix(".yml"), yaml_bytes)
        _write_atomic(path, data)
        return final

    def remove(self, name: str) -> None:
        path = self.directory / name
        if Path(name).name != name or not path.is_file():
            raise UserError(f"There is no letter file {name!r} in {self.directory}.")
        path.unlink()
        for suffix in (".yml", ".yaml"):
            path.with_suffix(suffix).unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside, then rename: a reindex never reads half a letter."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".adding-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
