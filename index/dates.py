"""Dutch (and ISO) date parsing for letter metadata."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "maart": 3, "mrt": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# "19 maart 2024", "19 mrt. 2024"
WRITTEN_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.IGNORECASE)
# "19-03-2024", "19/3/2024", "19.03.2024"
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_full_date(text: str) -> dt.date | None:
    """The first complete date (day, month and year) written in `text`, or None."""
    candidates: list[tuple[int, dt.date]] = []
    for m in WRITTEN_DATE.finditer(text):
        d = _safe_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if d:
            candidates.append((m.start(), d))
    for m in NUMERIC_DATE.finditer(text):
        d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            candidates.append((m.start(), d))
    for m in ISO_DATE.finditer(text):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            candidates.append((m.start(), d))
    return min(candidates)[1] if candidates else None


def parse_date_value(value: object) -> dt.date | None:
    """A front-matter date value (YAML date, ISO or Dutch string) as a date; None if unparseable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    return find_full_date(value.strip())


DUTCH_MONTH_NAMES = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]


def format_dutch(date: dt.date) -> str:
    """19 maart 2024"""
    return f"{date.day} {DUTCH_MONTH_NAMES[date.month - 1]} {date.year}"


def format_english(date: dt.date) -> str:
    """19 March 2024"""
    return f"{date.day} {date.strftime('%B')} {date.year}"


def format_date(date: dt.date, lang: str = "nl") -> str:
    return format_english(date) if lang == "en" else format_dutch(date)


def format_month(date: dt.date, lang: str = "nl") -> str:
    """'mei 2024' / 'May 2024'"""
    return date.strftime("%B %Y") if lang == "en" else f"{DUTCH_MONTH_NAMES[date.month - 1]} {date.year}"


# --- dates a letter mentions, resolved against the letter's own date -----------------------

WEEKDAYS = {"maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
            "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_WEEKDAY_ALT = "|".join(WEEKDAYS)
_FULL_MONTHS = "|".join(sorted({m for m in MONTHS if len(m) > 3} | {"mei"}, key=len, reverse=True))

# "4 april", "13 juni a.s.", "1 december jl."
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\b\.?(\s+(?:a\.s\.|aanstaande|jl\.|jongstleden))?", re.IGNORECASE)
# "in januari", "eind juni 2025", "vanaf september"
MONTH_ONLY = re.compile(
    rf"\b(?:in|begin|eind|medio|half|vanaf|per|tot|voor|na|uiterlijk|sinds|from|until|by|before|after)\s+"
    rf"({_FULL_MONTHS})\b(?:\s+(\d{{4}}))?",
    re.IGNORECASE,
)
# "aanstaande woensdag", "woensdag a.s.", "afgelopen vrijdag", "vrijdag jl."
NEXT_WEEKDAY = re.compile(
    rf"\b(?:aanst[ae]{{1,3}}nde|komende|volgende|next|this coming)\s+({_WEEKDAY_ALT})\b|\b({_WEEKDAY_ALT})\s+a\.s\.", re.IGNORECASE)
LAST_WEEKDAY = re.compile(
    rf"\b(?:afgelopen|vorige|last)\s+({_WEEKDAY_ALT})\b|\b({_WEEKDAY_ALT})\s+(?:jl\.|jongstleden)", re.IGNORECASE)
RELATIVE_DAY = re.compile(r"\b(overmorgen|morgen|vandaag|gisteren|gisteravond|gistermiddag|eergisteren|tomorrow|today|yesterday)\b",
                          re.IGNORECASE)
_DAY_OFFSETS = {"overmorgen": 2, "morgen": 1, "tomorrow": 1, "vandaag": 0, "today": 0, "gisteren": -1,
                "gisteravond": -1, "gistermiddag": -1, "yesterday": -1, "eergisteren": -2}


def _nearest_year(month: int, day: int, anchor: dt.date, direction: int = 0) -> dt.date | None:
    """The date with this month and day closest to `anchor`; `direction` +1 = not before it
    ("a.s."), -1 = not after it ("jl.")."""
    options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _safe_date(y, month, day))]
    if direction > 0:
        options = [d for d in options if d >= anchor]
    elif direction < 0:
        options = [d for d in options if d <= anchor]
    return min(options, key=lambda d: (abs((d - anchor).days), d < anchor)) if options else None


def mentioned_dates(text: str, letter_date: dt.date | None, exact: bool = True) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every date the text mentions. Full dates stand as written;
    partial and relative ones ("4 april", "in januari", "aanstaande woensdag") are resolved
    against the letter date and skipped when the letter has none. `exact=False` (an
    estimated letter date): "a.s." and "jl." resolve to the nearest such date, since the
    estimate may lie on either side of the real one."""
    found: list[tuple[int, int, dt.date]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(start: int, end: int, date: dt.date | None) -> None:
        if date and free(start, end):
            found.append((start, end, date))
            taken.append((start, end))

    for m in WRITTEN_DATE.finditer(text):
        add(m.start(), m.end(), _safe_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in NUMERIC_DATE.finditer(text):
        add(m.start(), m.end(), _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
    for m in ISO_DATE.finditer(text):
        add(m.start(), m.end(), _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in MONTH_ONLY.finditer(text):
        month = MONTHS[m.group(1).lower()]
        if m.group(2):
            add(m.start(1), m.end(), _safe_date(int(m.group(2)), month, 1))
        elif letter_date:
            add(m.start(1), m.end(), _nearest_year(month, 1, letter_date))
    if letter_date is None:
        return sorted(found)
    for m in DAY_MONTH.finditer(text):
        hint = (m.group(3) or "").strip().lower()
        direction = 1 if hint in ("a.s.", "aanstaande") else -1 if hint in ("jl.", "jongstleden") else 0
        direction = direction if exact else 0
        add(m.start(), m.end(), _nearest_year(MONTHS[m.group(2).lower()], int(m.group(1)), letter_date, direction))
    for m in NEXT_WEEKDAY.finditer(text):
        target = WEEKDAYS[(m.group(1) or m.group(2)).lower()]
        add(m.start(), m.end(), letter_date + dt.timedelta(days=(target - letter_date.weekday() - 1) % 7 + 1))
    for m in LAST_WEEKDAY.finditer(text):
        target = WEEKDAYS[(m.group(1) or m.group(2)).lower()]
        add(m.start(), m.end(), letter_date - dt.timedelta(days=(letter_date.weekday() - target - 1) % 7 + 1))
    for m in RELATIVE_DAY.finditer(text):
        add(m.start(), m.end(), letter_date + dt.timedelta(days=_DAY_OFFSETS[m.group(1).lower()]))
    return sorted(found)


def dates_in(text: str, letter_date: dt.date | None, exact: bool = True) -> list[dt.date]:
    return sorted({d for _, _, d in mentioned_dates(text, letter_date, exact)})
