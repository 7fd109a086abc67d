"""Read a letter's metadata (number, kenmerk, date, subject) from its own text.

Used when front matter is missing or incomplete; front matter always wins.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel

from index.dates import ISO_DATE, NUMERIC_DATE, WRITTEN_DATE, find_full_date

# "Lbr. 24/007", "Lbr 24/7", "lbr. 24-007", "ledenbrief 24/007", "Ledenbriefnummer: 24/007"
LBR_PATTERN = re.compile(
    r"\b(?:lbr|ledenbrief(?:\s*nummer|nummer)?)\s*\.?\s*:?\s*(\d{2})\s*[/-]\s*(\d{1,3})\b",
    re.IGNORECASE,
)
KENMERK_LABELLED = re.compile(r"\b(?:ons\s+)?kenmerk\s*:?\s*([A-Za-z0-9][\w/.-]*\d[\w/.-]*)", re.IGNORECASE)
KENMERK_BARE = re.compile(r"\b(U\d{8,10})\b")

_LABELS = ("aan", "datum", "ons kenmerk", "kenmerk", "telefoon", "onderwerp", "bijlage", "bijlagen",
           "uw kenmerk", "lbr", "ledenbrief nummer", "ledenbriefnummer")
_MARKUP = re.compile(r"[*_#>`]+")


class TextMetadata(BaseModel):
    title: str | None = None
    date: dt.date | None = None
    lbr: str | None = None
    kenmerk: str | None = None


def normalize_lbr(year: str, number: str) -> str:
    return f"Lbr. {int(year):02d}/{int(number):03d}"


def find_lbr(text: str) -> str | None:
    m = LBR_PATTERN.search(text)
    return normalize_lbr(m.group(1), m.group(2)) if m else None


def find_kenmerk(text: str) -> str | None:
    m = KENMERK_LABELLED.search(text) or KENMERK_BARE.search(text)
    return m.group(1).rstrip(".") if m else None


def find_references(text: str) -> list[str]:
    """Letter numbers and kenmerken a question names, normalized ("Lbr. 24/007", "U202400145")."""
    refs = [normalize_lbr(m.group(1), m.group(2)) for m in LBR_PATTERN.finditer(text)]
    refs += [m.group(1).upper() for m in KENMERK_BARE.finditer(text.upper())]
    return list(dict.fromkeys(refs))


def strip_references(text: str) -> str:
    return KENMERK_BARE.sub(" ", LBR_PATTERN.sub(" ", text))


def _plain_lines(text: str) -> list[str]:
    return [_MARKUP.sub("", line).strip().rstrip(":").strip() for line in text.splitlines()]


def _labelled_value(lines: list[str], label: str) -> str | None:
    """The value after a header label: on the same line ("Datum: 19 maart 2024") or on the
    next non-empty line (the label alone on its line, as in VNG letter headers)."""
    for i, line in enumerate(lines):
        low = line.lower()
        if low == label:
            for nxt in lines[i + 1 : i + 4]:
                if nxt and nxt.lower() not in _LABELS:
                    return nxt
            return None
        if low.startswith(label + ":") or low.startswith(label + " "):
            value = line[len(label) :].lstrip(" :").strip()
            if value:
                return value
    return None


def extract_metadata(text: str, header_lines: int = 40) -> TextMetadata:
    lines = _plain_lines(text)
    head = lines[:header_lines]
    head_text = "\n".join(head)

    date = None
    dated = _labelled_value(head, "datum")
    if dated:
        date = find_full_date(dated)
    if date is None:
        date = _date_line(head[:15])

    title = _labelled_value(head, "onderwerp")
    if not title:
        title = _first_heading(text) or _first_title_line(head)

    return TextMetadata(title=title, date=date, lbr=find_lbr(head_text), kenmerk=find_kenmerk(head_text))


_WEEKDAYS = re.compile(r"\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|den haag)\b,?", re.I)
# A page saved from the web says when it was published: "Gepubliceerd op 12 maart 2024",
# "Ledenbrief | 12-03-2024". (Not "laatst gewijzigd": a later edit is not the letter's date.)
_PUBLISHED = re.compile(r"\b((?:gepubliceerd|verzonden|verschenen|geplaatst|published|posted)(?:\s+(?:op|on))?|"
                        r"publicatiedatum|ledenbrief|nieuwsbericht|nieuws|bericht)\b|[|·•–—:]", re.I)


def _date_line(lines: list[str]) -> dt.date | None:
    """A header line that is only a date ("woensdag 22 november 2017", "Den Haag, 19-03-2024",
    "Gepubliceerd op 12 maart 2024").

    Dates inside sentences are events the letter mentions, not the letter's own date."""
    for line in lines:
        date = find_full_date(line)
        if date is None:
            continue
        rest = _PUBLISHED.sub("", _WEEKDAYS.sub("", WRITTEN_DATE.sub("", NUMERIC_DATE.sub("", ISO_DATE.sub("", line)))))
        if not rest.strip(" ,.-"):
            return date
    return None


def _first_heading(text: str) -> str | None:
    m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return _MARKUP.sub("", m.group(1)).strip() if m else None


def _first_title_line(lines: list[str]) -> str | None:
    for line in lines:
        if not line or line.lower() in _LABELS or find_full_date(line) or LBR_PATTERN.search(line):
            continue
        if line.lower().startswith(("geachte", "beste", "aan de")):
            continue
        if len(line) <= 150:
            return line
        return None
    return None
