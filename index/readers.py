"""Turn a letter file (Markdown, text, PDF, HTML) into text plus the metadata the format carries.

PDF pages are joined with a form feed ("\\f") so the chunker can tell each passage's page.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

PAGE_BREAK = "\f"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TERMINAL = (".", "!", "?", ":", ";")
MIN_HTML_WORDS = 10


class BadLetter(Exception):
    """A file that cannot become a letter; the message says why and what to do."""


@dataclass
class Document:
    body: str
    meta: dict = field(default_factory=dict)  # title/date/lbr/kenmerk/url the file itself states
    warnings: list[str] = field(default_factory=list)


def decode_text(raw: bytes) -> tuple[str, list[str]]:
    if b"\x00" in raw[:8192]:
        raise BadLetter("binary file, not text; save the letter as .md, .txt, .pdf or .html")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), ["not UTF-8; read as Windows-1252, save it as UTF-8"]


def parse_yaml_fields(text: str, where: str, first_line: int = 1) -> dict:
    """`first_line`: the file line the YAML starts on, so errors name the file's line."""
    try:
        data = yaml.load(text, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + first_line})" if mark else ""
        raise BadLetter(f"malformed YAML in the {where}{line}; fix it") from None
    if not isinstance(data, dict):
        raise BadLetter(f"the {where} is not a list of 'key: value' fields; fix it")
    return data


def read_markdown(raw: bytes) -> Document:
    text, warnings = decode_text(raw)
    m = FRONT_MATTER.match(text)
    if not m:
        return Document(text, {}, warnings)
    meta = parse_yaml_fields(m.group(1), "front matter between the '---' lines", first_line=2)
    return Document(text[m.end() :], meta, warnings)


def read_text(raw: bytes) -> Document:
    text, warnings = decode_text(raw)
    return Document(text, {}, warnings)


def read_pdf(raw: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadLetter("encrypted PDF; save a copy without a password and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
    except BadLetter:
        raise
    except FileNotDecryptedError:
        raise BadLetter("encrypted PDF; save a copy without a password and add that") from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.debug("pypdf failed", exc_info=True)
        raise BadLetter(f"damaged or truncated PDF ({type(exc).__name__}); export it again") from None
    if not any(p.strip() for p in pages):
        raise BadLetter("PDF without a text layer (scanned?); run OCR on it or add a text version")
    meta = {}
    title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    if isinstance(title, str) and title.strip() and not title.lower().endswith((".doc", ".docx", ".pdf")):
        meta["pdf_title"] = title.strip()
    return Document(PAGE_BREAK.join(reflow(p) for p in pages), meta)


def reflow(page: str) -> str:
    """Undo a PDF's hard line wraps: long lines continue on the next; a short line ends a
    paragraph after sentence punctuation, and otherwise stands alone (labels, headings)."""
    lines = [line.rstrip() for line in page.splitlines()]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    buffer = ""
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append("")
            continue
        buffer = f"{buffer}{'' if buffer.endswith('-') or not buffer else ' '}{stripped}"
        if len(line) >= 0.6 * width and width > 40:
            continue  # a wrapped line: the paragraph goes on
        out.append(buffer)
        buffer = ""
        if stripped.endswith(_TERMINAL):
            out.append("")
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def read_html(raw: bytes) -> Document:
    import trafilatura
    from trafilatura.deduplication import LRU_TEST

    text, warnings = decode_text(raw)
    # trafilatura's deduplication remembers text across calls: a page read a second time in the
    # same process (a preview, then the reindex) would come back empty. Per document only.
    LRU_TEST.clear()
    body = trafilatura.extract(text, output_format="markdown", include_formatting=True, include_links=False,
                               include_tables=True, favor_recall=True, deduplicate=True)
    if not body or len(body.split()) < MIN_HTML_WORDS:  # a menu or a cookie banner is not a letter
        raise BadLetter("no letter text found in this HTML page; save the letter's own page or its text")
    meta: dict = {}
    # Only a date the page declares (meta tags, <time>): the extensive search guesses one from
    # the url or a year in the title ("… 2024" → 1 January 2024) and would pass it off as given.
    found = trafilatura.extract_metadata(text, extensive=False)
    if found is not None:
        if found.title:
            meta["title"] = found.title.strip()
        if found.url and found.url.startswith(("http://", "https://")):
            meta["url"] = found.url
        if found.date:
            meta["page_date"] = found.date
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.IGNORECASE | re.DOTALL)
    if h1:
        heading = re.sub(r"<[^>]+>", "", h1.group(1)).strip()
        if heading:
            meta["title"] = " ".join(heading.split())
    return Document(body, meta, warnings)


READERS = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_text,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
}


SIDECAR_SUFFIXES = (".yml", ".yaml")


def sidecar_path(path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None
