"""Split a letter into passages of ~120–250 words along its own structure.

Sections (Markdown headings) and paragraphs are the preferred break points; a paragraph is
only cut between sentences, and then the next piece repeats the last sentence for context.
Short sections are packed together (each keeps its heading line) so no passage is a stub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.boilerplate import letterhead_size, signature_start
from index.models import Chunk, Letter
from index.readers import PAGE_BREAK
from index.sentences import split_sentences

# Bump it when reading, dating or cutting letters changes: a reindex re-reads only files whose
# stamp changed, unless the build was made by another version (then it re-reads and re-embeds
# every letter once). 2: letterhead and signature are passages of their own kind;
# 3: web pages dated only by a date they declare, weekday dates never in the future, web cruft
# (breadcrumbs, share links, related-pages lists) dropped.
CHUNKER_VERSION = "3"
MIN_WORDS = 120
MAX_WORDS = 250
TAIL_WORDS = 60  # a last piece shorter than this joins the previous chunk when it fits

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.*?)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# Letterhead and footer lines: postal address, phone, e-mail, bare web address.
_CONTACT = re.compile(
    r"[Pp]ostbus|\b\d{4}\s?[A-Z]{2}\b|\b0\d{2,3}[\s-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}\b"
    r"|^[\w.+-]+@[\w-]+\.[\w.]+$|^(?:https?://)?(?:www\.)?[\w-]+\.(?:nl|com|org|eu)/?$"
)


def clean_markdown(text: str) -> str:
    """Markdown to readable plain text: links to their text, no emphasis or escapes."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    text = text.replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.splitlines())


@dataclass
class _Paragraph:
    heading: str | None
    text: str
    is_heading_line: bool = False
    page: int | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class _Draft:
    heading: str | None = None
    parts: list[str] = field(default_factory=list)
    pages: list[int | None] = field(default_factory=list)
    words: int = 0

    def add(self, text: str, page: int | None) -> None:
        self.parts.append(text)
        self.pages.append(page)
        self.words += len(text.split())

    def chunk(self, letter_id: str, position: int, kind: str = "content") -> Chunk:
        """The chunk, with where each page starts in its text (for #page=N links)."""
        spans: list[tuple[int, int]] = []
        offset = 0
        for part, page in zip(self.parts, self.pages):
            if page is not None and (not spans or spans[-1][1] != page):
                spans.append((offset, page))
            offset += len(part) + 2
        return Chunk(letter_id=letter_id, position=position, kind=kind, heading=self.heading, text="\n\n".join(self.parts),
                     page=spans[0][1] if spans else None, page_starts=spans if len(spans) > 1 else None)


def _paragraphs(body: str) -> list[_Paragraph]:
    """Blocks between blank lines, each tagged with the heading it falls under and, for a
    paged document (PDF pages joined by a form feed), its page number."""
    paragraphs: list[_Paragraph] = []
    heading: str | None = None
    block: list[str] = []
    pages = body.split(PAGE_BREAK)
    page: int | None = None

    def flush() -> None:
        if block:
            text = "\n".join(block).strip()
            if text and not _is_contact_block(block):
                paragraphs.append(_Paragraph(heading, text, page=page, lines=list(block)))
            block.clear()

    for number, page_text in enumerate(pages, 1):
        page = number if len(pages) > 1 else None
        for line in clean_markdown(page_text).splitlines():
            m = _HEADING.match(line)
            if m:
                flush()
                heading = m.group(2).strip() or heading
                paragraphs.append(_Paragraph(heading, heading, is_heading_line=True, page=page, lines=[line]))
            elif not line.strip():
                flush()
            else:
                block.append(line.strip())
        flush()
    return paragraphs


def _split_boilerplate(paragraphs: list[_Paragraph], title: str) -> tuple[list[_Paragraph], list[_Paragraph], list[_Paragraph]]:
    """(letterhead, content, signature). A letter that would have no content keeps all of it
    as content: better a passage with a label in it than none."""
    blocks = [p.lines for p in paragraphs]
    head = letterhead_size(blocks, title)
    tail = max(head, signature_start(blocks))
    if not any(not p.is_heading_line for p in paragraphs[head:tail]):
        return [], paragraphs, []
    return paragraphs[:head], paragraphs[head:tail], paragraphs[tail:]


def _is_contact_block(lines: list[str]) -> bool:
    """An address or contact block (letterhead, footer): no content for a member."""
    if any(len(line.split()) > 12 for line in lines):
        return False
    contact = sum(1 for line in lines if _CONTACT.search(line))
    return contact > 0 and all(_CONTACT.search(line) or len(line.split()) <= 5 for line in lines)


def _attach_short_lines(paragraphs: list[_Paragraph]) -> list[_Paragraph]:
    """Glue heading lines and short label-like lines ("Datum", "19 maart 2024") to the
    paragraph that follows, so a heading never ends a chunk and headers stay together."""
    merged: list[_Paragraph] = []
    carry: list[str] = []
    carry_heading: str | None = None
    carry_page: int | None = None
    for p in paragraphs:
        short = p.is_heading_line or (p.words <= 8 and "\n" not in p.text and not p.text.endswith((".", "?", "!", ":")))
        if short:
            if not carry:
                carry_heading, carry_page = p.heading, p.page
            carry.append(p.text)
            continue
        if carry:
            p = _Paragraph(carry_heading if carry_heading is not None else p.heading, "\n".join(carry + [p.text]),
                           page=carry_page)
            carry = []
        merged.append(p)
    if carry:
        merged.append(_Paragraph(carry_heading, "\n".join(carry), page=carry_page))
    return merged


def _pieces(text: str, max_words: int) -> list[str]:
    """Cut an over-long paragraph between sentences; each next piece repeats one sentence."""
    sentences = split_sentences(text)
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and count + n > max_words:
            pieces.append(" ".join(current))
            overlap = current[-1] if len(current[-1].split()) < max_words // 3 else None
            current = [overlap] if overlap else []
            count = len(overlap.split()) if overlap else 0
        current.append(sentence)
        count += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_letter(letter: Letter, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Chunk]:
    """The letterhead passage (if any), the content passages, the signature passage (if any)."""
    head, content, tail = _split_boilerplate(_paragraphs(letter.body), letter.title)
    drafts = [("letterhead", d) for d in _boilerplate_draft(head)]
    drafts += [("content", d) for d in _content_drafts(_attach_short_lines(content), min_words, max_words)]
    drafts += [("signature", d) for d in _boilerplate_draft(tail)]
    return [d.chunk(letter.id, i, kind) for i, (kind, d) in enumerate(drafts)]


def _boilerplate_draft(paragraphs: list[_Paragraph]) -> list[_Draft]:
    if not paragraphs:
        return []
    draft = _Draft()  # no section heading: a signature does not belong to the last section
    draft.add("\n".join(p.text for p in paragraphs), paragraphs[0].page)
    return [draft]


def _content_drafts(paragraphs: list[_Paragraph], min_words: int, max_words: int) -> list[_Draft]:
    drafts: list[_Draft] = []
    draft = _Draft()
    for paragraph in paragraphs:
        if draft.parts and draft.words >= min_words and draft.words + paragraph.words > max_words:
            drafts.append(draft)
            draft = _Draft()
        pieces = [paragraph.text] if paragraph.words <= max_words else _pieces(paragraph.text, max_words)
        for piece in pieces:
            n = len(piece.split())
            if draft.parts and draft.words + n > max_words:
                drafts.append(draft)
                draft = _Draft()
            if not draft.parts:
                draft.heading = paragraph.heading
            draft.add(piece, paragraph.page)
    if draft.parts:
        drafts.append(draft)
    if len(drafts) > 1 and drafts[-1].words < TAIL_WORDS and drafts[-2].words + drafts[-1].words <= max_words:
        tail = drafts.pop()
        for part, page in zip(tail.parts, tail.pages):
            drafts[-1].add(part, page)
    return drafts


def index_text(letter_title: str, chunk: Chunk) -> str:
    """What is embedded and BM25-indexed for a chunk: the letter title and section heading
    give a short passage the context it lacks on its own."""
    lines = [letter_title]
    if chunk.heading and not chunk.text.startswith(chunk.heading):
        lines.append(chunk.heading)
    lines.append(chunk.text)
    return "\n".join(lines)
