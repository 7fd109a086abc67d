"""Give every letter a date, even one saved from the web without any: from its header, a
date in its title, its Lbr number, or the dates it mentions — and say which (`date_source`).

Recency ("laatste", "Nieuwer:", the App Home list) needs a date for every letter; a letter
without one would otherwise always count as the oldest.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics

from index.dates import MONTHS, _MONTH_ALT, _safe_date, find_full_date, mentioned_dates

# VNG sends some 60–110 member letters a year; five days per number keeps the sequence's
# order (24/019 after 24/013) and lands in the right part of the year.
DAYS_PER_NUMBER = 5
_LBR = re.compile(r"Lbr\. (\d{2})/(\d{3})$")
# "Uitnodiging ALV juni 2023": a month and year without a day
_MONTH_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.IGNORECASE)
# A mentioned date this far beyond the others is a target ("vanaf 1 januari 2030"), not news.
FAR_AHEAD = dt.timedelta(days=366)


def date_in_title(title: str | None) -> dt.date | None:
    """A full date ("Uitnodiging ALV 14 juni 2023") or month and year ("… juni 2023") in a
    title. A bare year is not a date: "Rijksbegroting 2017" was written in 2016."""
    if not title:
        return None
    full = find_full_date(title)
    if full:
        return full
    m = _MONTH_YEAR.search(title)
    return _safe_date(int(m.group(2)), MONTHS[m.group(1).lower()], 1) if m else None


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


def estimate_date(title: str | None, lbr: str | None, body: str) -> tuple[dt.date | None, str | None]:
    """For a letter whose metadata and header give no date: (date, source)."""
    for source, date in (("title", date_in_title(title)), ("number", date_from_number(lbr))):
        if date:
            return date, source
    mentioned = latest_mentioned_date(body)
    return (mentioned, "mentioned") if mentioned else (None, None)
