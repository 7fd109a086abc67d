"""Staff adding and removing letters: from a url or uploaded bytes to a checked draft (the
preview), into the letter store, and out of it again.

A draft is read by the same reader and metadata extraction the reindex uses, so what the
preview shows is what the index will hold. The type is judged by the bytes, never the name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field

from index.chunking import chunk_letter
from index.errors import UserError
from index.excerpt import opening_lines
from index.fetch import FetchLimits, fetch, megabytes
from index.letter_store import LetterStore, sidecar_yaml, size_limit
from index.letters import body_hash, parse_letter, slugify
from index.metadata import find_lbr
from index.models import LetterRef
from index.readers import BadLetter
from index.store import LetterEntry

MIN_LETTER_WORDS = 40  # fewer words is a stub, an error page or a cookie wall, not a letter
_PASSWORD_FIELD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE | re.DOTALL)


class IntakeError(UserError):
    """A file or page that cannot be added; `code` picks the sentence shown in Slack."""

    def __init__(self, code: str, message: str, **values: object):
        super().__init__(message)
        self.code = code
        self.values = values


class LetterDraft(BaseModel):
    """A letter read but not stored yet: what the preview shows, and what confirm stores."""

    name: str = Field(description="proposed file name in the letter store")
    sidecar: dict[str, str]
    letter: LetterRef
    date_source: str | None = Field(None, description="where the date came from (header, title, number, …)")
    field_sources: dict[str, str] = Field(default_factory=dict)
    passages: int
    opening: str
    duplicate_of: LetterRef | None = None
    duplicate_reason: str | None = Field(None, description="'url' or 'text'")
    notes: list[str] = Field(default_factory=list)
    data: bytes = Field(exclude=True, repr=False)


def sniff_suffix(data: bytes) -> str:
    """'.pdf', '.html' or '.md' (text, Markdown) from the bytes themselves."""
    head = data[:4096]
    if head.lstrip()[:5] == b"%PDF-":
        return ".pdf"
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")) or re.search(rb"<html[\s>]", head, re.IGNORECASE):
        return ".html"
    if b"\x00" in head or head[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") or head[:3] == b"\xff\xd8\xff" \
            or head[:8] == b"\x89PNG\r\n\x1a\n":
        raise IntakeError("type", "This is not a PDF, HTML, Markdown or text file (a Word file or an image?); "
                          "save the letter as PDF or text and add that.")
    return ".md"


def normalize_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/") or "/", parts.query, ""))


def proposed_name(letter: LetterRef, suffix: str) -> str:
    if letter.lbr:
        m = re.match(r"Lbr\. (\d{2})/(\d{3})$", letter.lbr)
        if m:
            return f"lbr-{m.group(1)}-{m.group(2)}{suffix}"
    stem = slugify(letter.title)[:60].rstrip("-") or "letter"
    return stem + suffix


def draft(data: bytes, known: list[LetterEntry], *, url: str | None = None, original_name: str | None = None,
          max_bytes: int = 5 * 1024 * 1024, requested_url: str | None = None) -> LetterDraft:
    """Read `data` as a letter and compare it with the indexed letters; IntakeError if it
    cannot be a letter."""
    if not data.strip():
        raise IntakeError("empty", "The file or page is empty; nothing to add.")
    suffix = sniff_suffix(data)
    limit = size_limit(suffix, max_bytes)
    if len(data) > limit:
        raise IntakeError("too_large", f"{len(data) / 1e6:.1f} MB is over the {megabytes(limit)} MB limit for a letter.",
                          mb=megabytes(limit))
    if suffix == ".html" and _PASSWORD_FIELD.search(data):
        raise IntakeError("login", "This is a login page, not a letter; use the letter's public url or upload the file.")
    added_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    sidecar = {"url": url or "", "requested_url": requested_url if requested_url != url else "",
               "added_at": added_at, "original_name": original_name or ""}
    sidecar = {k: v for k, v in sidecar.items() if v}
    sidecar_raw = sidecar_yaml(sidecar)
    provisional = Path("draft" + suffix)
    warnings: list[str] = []
    try:
        letter = parse_letter(provisional, data, sidecar_raw, hashlib.sha256(data + sidecar_raw).hexdigest(), warnings)
    except BadLetter as exc:
        raise IntakeError("unreadable", f"This letter cannot be read: {exc}.", reason=str(exc)) from None
    words = len(letter.body.split())
    if words < MIN_LETTER_WORDS:
        raise IntakeError("not_letter", f"Only {words} words of text: this is not a letter (an error or cookie page?); "
                          "use the letter's own page or its PDF.", words=words)
    name = proposed_name(letter, suffix)
    letter = letter.model_copy(update={"id": slugify(Path(name).stem), "source": name})
    chunks = chunk_letter(letter)
    result = LetterDraft(
        name=name, sidecar=sidecar, letter=letter.ref(), passages=len(chunks),
        date_source=letter.field_sources.get("date") or letter.date_source, field_sources=letter.field_sources,
        opening=opening_lines("\n\n".join(c.text for c in chunks), 300), data=data,
    )
    result.notes = list(warnings)
    _mark_duplicate(result, letter.body, known)
    return result


def _mark_duplicate(result: LetterDraft, body: str, known: list[LetterEntry]) -> None:
    wanted = {normalize_url(result.sidecar.get(k)) for k in ("url", "requested_url")} - {None}
    text_key = body_hash(body)
    for entry in known:
        ref = LetterRef.model_validate(entry.model_dump(include=set(LetterRef.model_fields)))
        if entry.url and normalize_url(entry.url) in wanted:
            result.duplicate_of, result.duplicate_reason = ref, "url"
            return
        if entry.body_hash and entry.body_hash == text_key:
            result.duplicate_of, result.duplicate_reason = ref, "text"
            return
    if result.letter.lbr:
        same = next((e for e in known if e.lbr == result.letter.lbr), None)
        if same:
            result.notes.append(f"{result.letter.lbr} is also the number of '{same.title}' ({same.source})")


def from_url(url: str, known: list[LetterEntry], limits: FetchLimits) -> LetterDraft:
    url = url.strip().strip("<>").split("|", 1)[0]  # Slack wraps links as <url|label>
    fetched = fetch(url, limits)  # the final url (after redirects) is the one members get
    return draft(fetched.data, known, url=fetched.url, requested_url=url, max_bytes=limits.max_bytes)


def find(ref: str, known: list[LetterEntry]) -> LetterEntry | None:
    """The indexed letter `ref` names: its Lbr number, url, id or file name."""
    ref = ref.strip().strip("<>").split("|", 1)[0]
    if not ref:
        return None
    lbr = find_lbr(ref) or find_lbr(f"Lbr. {ref}")
    url = normalize_url(ref) if ref.startswith(("http://", "https://")) else None
    for entry in known:
        if (lbr and entry.lbr == lbr) or (url and normalize_url(entry.url) == url) \
                or ref in (entry.id, entry.source) or ref.lower() == entry.source.lower():
            return entry
    return None


def store_draft(store: LetterStore, letter: LetterDraft) -> str:
    """Store the draft's bytes with its sidecar; returns the stored file name."""
    return store.add(letter.name, letter.data, letter.sidecar)

