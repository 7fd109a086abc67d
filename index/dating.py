"""Give every letter a date, even one saved from the web without any: from its header, a
date in its title, its Lbr number, or the dates it mentions — and say which (`date_source`).

Recency ("laatste", "Nieuwer:", the App Home list) needs a date for every letter; a letter
without one would otherwise always count as the oldest.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import TypeVar

from index.models import LetterRef

T = TypeVar("T", bound=LetterRef)

from index.dates import MONTHS, WEEKDAYS, _MONTH_ALT, _safe_date, find_full_date, mentioned_dates

# VNG sends some 60–110 member letters a year; five days per number keeps the sequence's
# order (24/019 after 24/013) and lands in the right part of the year.
DAYS_PER_NUMBER = 5
_LBR = re.compile(r"Lbr\. (\d{2})/(\d{3})$")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# "Uitnodiging ALV juni 2023": a month and year without a day
_MONTH_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.IGNORECASE)
# A mentioned date this far beyond the others is a target ("vanaf 1 januari 2030"), not news.
FAR_AHEAD = dt.timedelta(days=366)


def date_in_title(title: str | None) -> dt.date | None:
    """A full date ("Uitnodiging ALV 14 juni 2023") or month and year ("… juni 2023") in a
    title. A bare year is weaker ("Rijksbegroting 2017" was written in 2016): see
    year_in_title."""
    if not title:
        return None
    full = find_full_date(title)
    if full:
        return full
    m = _MONTH_YEAR.search(title)
    return _safe_date(int(m.group(2)), MONTHS[m.group(1).lower()], 1) if m else None


def year_in_title(title: str | None) -> dt.date | None:
    """"Voorjaarsnota 2023" → mid 2023: the last resort before no date at all."""
    m = _YEAR.search(title or "")
    return dt.date(int(m.group(1)), 7, 1) if m else None


def date_from_number(lbr: str | None) -> dt.date | None:
    """Lbr. 22/033 → early 2022: the year, and the place in that year's sequence."""
    m = _LBR.match(lbr or "")
    if not m:
        return None
    start = dt.date(2000 + int(m.group(1)), 1, 1)
    return min(start + dt.timedelta(days=(int(m.group(2)) - 1) * DAYS_PER_NUMBER), dt.date(start.year, 12, 31))


def latest_mentioned_date(body: str) -> dt.date | None:
    """The latest full date (day, month and year written out) the text mentions, ignoring
    far-off targets: a letter is written around the dates it talks about."""
    dates = sorted({d for start, end, d in mentioned_dates(body, None) if find_full_date(body[start:end]) == d})
    if not dates:
        return None
    middle = statistics.median_low(dates)
    return max(d for d in dates if d - middle <= FAR_AHEAD)


_WEEKDAY_DATE = re.compile(rf"\b({'|'.join(WEEKDAYS)})\s+(\d{{1,2}})\s+({_MONTH_ALT})\b(?!\.?\s+\d{{4}})", re.IGNORECASE)
WEEKDAY_YEARS = 15  # how far back a "vrijdag 1 maart" may lie
AHEAD = dt.timedelta(days=120)  # …and how far ahead of today (invitations go out months ahead)


def weekday_dates(body: str, today: dt.date | None = None) -> dt.date | None:
    """"vrijdag 1 maart" without a year names the year too: the most recent one in which 1
    March is a Friday and that fits the most such mentions, up to a few weeks ahead (a letter
    announces what is coming, but it is not written in the future)."""
    today = today or dt.date.today()
    mentions = [(WEEKDAYS[m.group(1).lower()], int(m.group(2)), MONTHS[m.group(3).lower()])
                for m in _WEEKDAY_DATE.finditer(body)]
    votes: dict[int, list[dt.date]] = {}
    for weekday, day, month in mentions:
        for year in range(today.year + 1, today.year - WEEKDAY_YEARS, -1):
            date = _safe_date(year, month, day)
            if date and date.weekday() == weekday and date <= today + AHEAD:
                votes.setdefault(year, []).append(date)
    if not votes:
        return None
    year = max(votes, key=lambda y: (len(votes[y]), y))
    return max(votes[year])


def estimate_date(title: str | None, lbr: str | None, body: str) -> tuple[dt.date | None, str | None]:
    """For a letter whose metadata and header give no date: (date, source)."""
    for source, date in (("title", date_in_title(title)), ("number", date_from_number(lbr))):
        if date:
            return date, source
    mentioned = latest_mentioned_date(body) or weekday_dates(body)
    if mentioned:
        return mentioned, "mentioned"
    year = year_in_title(title)
    return (year, "title") if year else (None, None)


def typical_date(dates: list[dt.date]) -> dt.date | None:
    """The median of a collection's letter dates: what a letter without any date evidence is
    most likely to be near."""
    return statistics.median_low(dates) if dates else None


def _number(lbr: str | None) -> tuple[int, int] | None:
    m = _LBR.match(lbr or "")
    return (2000 + int(m.group(1)), int(m.group(2))) if m else None


def calibrate(letters: list[T]) -> list[T]:
    """Re-estimate number-dated letters against the letters of the same year whose date is
    known (metadata, header, title): 24/011 lies between 24/007 of 19 March and 24/019 of
    June, not in February. Returns the letters, changed ones as copies."""
    if not any(letter.date_source == "number" for letter in letters):
        return list(letters)  # no number-dated letter: nothing to re-estimate
    anchors: dict[int, list[tuple[int, dt.date]]] = {}
    for letter in letters:
        if letter.date and letter.date_source in ("metadata", "header", "title") and (number := _number(letter.lbr)):
            anchors.setdefault(number[0], []).append((number[1], letter.date))
    out = []
    for letter in letters:
        number = _number(letter.lbr) if letter.date_source == "number" else None
        if number and number[0] in anchors:
            date = _interpolate(number[1], sorted(anchors[number[0]]), number[0])
            letter = letter.model_copy(update={"date": date}) if date != letter.date else letter
        out.append(letter)
    return out


def _interpolate(seq: int, points: list[tuple[int, dt.date]], year: int) -> dt.date:
    before = [p for p in points if p[0] <= seq]
    after = [p for p in points if p[0] > seq]
    if before and after:
        (s0, d0), (s1, d1) = before[-1], after[0]
        return d0 + dt.timedelta(days=round((d1 - d0).days * (seq - s0) / (s1 - s0)))
    if before:
        s0, d0 = before[-1]
        return min(d0 + dt.timedelta(days=(seq - s0) * DAYS_PER_NUMBER), max(dt.date(year, 12, 31), d0))
    s1, d1 = after[0]
    return max(d1 - dt.timedelta(days=(s1 - seq) * DAYS_PER_NUMBER), min(dt.date(year, 1, 1), d1))
