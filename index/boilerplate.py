"""Tell a letter's letterhead and signature apart from its content.

The letterhead (labels such as "Datum" and "Ons kenmerk", the number, the phone line, the
salutation) and the signature block (the closing formula, names and titles) match names and
numbers in a question but never answer one: they become passages of their own kind, kept for
number and kenmerk look-ups and never quoted as an answer.
"""

from __future__ import annotations

import re

from index.dates import find_full_date
from index.metadata import KENMERK_BARE, LBR_PATTERN

_MARKUP = re.compile(r"[*_#>`|]+")
_LABEL = re.compile(
    r"^(aan(\s+de\s+leden.*)?|datum|ons\s+kenmerk|uw\s+kenmerk|kenmerk|telefoon|tel\.?|e-?mail|onderwerp|"
    r"bijlagen?|bijlage\(n\)|ledenbrief\s*nummer|ledenbriefnummer|lbr\.?|nummer|contactpersoon|afdeling|"
    r"vereniging\s+van\s+nederlandse\s+gemeenten|volledige\s+brief|lees\s+de\s+(volledige\s+)?brief.*)\s*:?$",
    re.IGNORECASE,
)
_SALUTATION = re.compile(r"^(geachte?|beste|dear)\b", re.IGNORECASE)
_CLOSING = re.compile(r"^(met\s+vriendelijke\s+groet(en)?|hoogachtend|namens\s+(het\s+bestuur|de\s+vng)|"
                      r"kind\s+regards|yours\s+sincerely),?$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\s()-]{9,}$")
_CONTACT = re.compile(r"[Pp]ostbus|\b\d{4}\s?[A-Z]{2}\b|^[\w.+-]+@[\w-]+\.[\w.]+$|^(?:https?://)?(?:www\.)?[\w-]+\.(?:nl|com|org|eu)/?$")
_TRAILER = re.compile(r"^(volledige\s+brief|bijlagen?|bijlage\(n\)|lees\s+de\s+(volledige\s+)?brief.*)$", re.IGNORECASE)
SIGNATURE_LINE_WORDS = 8


def plain(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def _letterhead_line(line: str, after_subject_label: bool, title: str) -> bool:
    text = plain(line).rstrip(",")
    if not text:
        return True
    if after_subject_label or text.lower() == title or _LABEL.match(text) or _SALUTATION.match(text) or _PHONE.match(text) or _CONTACT.search(text):
        return True
    if KENMERK_BARE.fullmatch(text) or (LBR_PATTERN.search(text) and len(text.split()) <= 4):
        return True
    date = find_full_date(text)
    return date is not None and len(text.split()) <= 6


def letterhead_size(blocks: list[list[str]], title: str = "") -> int:
    """How many leading blocks (lists of lines) are letterhead; the salutation ends it."""
    subject_label = False
    title = plain(title).lower()
    for i, block in enumerate(blocks):
        for line in block:
            if not _letterhead_line(line, subject_label, title) or len(line.split()) > 14:
                return i
            subject_label = plain(line).lower().rstrip(":") == "onderwerp"
        if any(_SALUTATION.match(plain(line)) for line in block):
            return i + 1
    return len(blocks)


def signature_start(blocks: list[list[str]]) -> int:
    """Index of the first block of the closing (formula, names, titles, "Volledige brief"
    trailers); len(blocks) if there is none."""
    start = len(blocks)
    while start > 0 and all(_TRAILER.match(plain(line)) or _CONTACT.search(plain(line)) for line in blocks[start - 1]):
        start -= 1
    for i in range(start - 1, -1, -1):
        lines = blocks[i]
        if _CLOSING.match(plain(lines[0])):
            tail = [plain(line) for block in blocks[i:start] for line in block][1:]
            if all(len(line.split()) <= SIGNATURE_LINE_WORDS and not line.endswith((".", "?", "!")) or _CONTACT.search(line)
                   for line in tail):
                return i
            break
        if any(len(plain(line).split()) > SIGNATURE_LINE_WORDS for line in lines):
            break
    return start


# What a page saved from the web carries around the letter: a breadcrumb trail, share, print
# and download links, and a list of related pages whose titles (other letters, other years)
# must not count as this letter's words or dates.
_CRUFT_LINE = re.compile(r"^(?:(?:home|start|vng)(?:\s*[>›»]\s*[^:>›»]+){2,}|deel\s+(?:deze\s+)?(?:pagina|bericht|artikel)|"
                         r"delen|share|print(?:\s+deze\s+pagina)?|download(?:\s+als)?\s+pdf|naar\s+boven|"
                         r"terug\s+naar\s+(?:boven|home|het\s+overzicht|overzicht|nieuws))$", re.IGNORECASE)
_RELATED = re.compile(r"^(?:gerelateerde?\s+(?:berichten|artikelen|brieven|ledenbrieven|nieuws)|lees\s+ook|"
                      r"meer\s+(?:nieuws|berichten|over\s+dit\s+onderwerp)|related(?:\s+\w+)?)\s*:?$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")


def without_web_cruft(text: str) -> str:
    """The text without breadcrumbs, share/print/download lines and "related pages" lists."""
    out: list[str] = []
    in_related = False
    for line in text.split("\n"):  # not splitlines(): a PDF's page break ("\f") must stay
        bare = plain(line)
        if _RELATED.match(bare):
            in_related = True
            continue
        heading = line.lstrip().startswith("#")
        if in_related and not heading and not bare.endswith((".", "?", "!", ":")) and len(bare.split()) <= 12:
            if bare:
                continue  # a related page's title
            if out and out[-1] is not None:
                continue  # the blank lines of the list
        in_related = False
        if not _CRUFT_LINE.match(re.sub(r"[*_#`]+", "", line).strip()):  # (">" is the breadcrumb's)
            out.append(line)
    return "\n".join(out)

