"""Dates as news data gives them: ISO 8601 at full speed, the other common forms as well.

`parse_date` reads ISO 8601 first (`datetime.fromisoformat`: a million dates a second), then
a few common forms with a month name by `datetime.strptime`, then anything else python-dateutil
reads, provided the text gives a year, a month and a day: "Jul 15, 2018 07:54", "15 July
2018", "Sun, 15 Jul 2018 07:54:00 +0000" (RFC 2822), "2018/07/15 07:54", "07/15/2018 7:54 PM".
Numbers written with slashes or dots are read month first, as in US sources, unless the first
number cannot be a month: "03/04/2018" is March 4, 2018, "25/12/2018" December 25. A Unix
time (a number, or a text of 10 or 13 digits, from 2001 to 2286) is read in seconds or
milliseconds. A date alone is midnight; a time without a zone is UTC; the zone abbreviations
of North America and Europe (EST, PDT, CET, BST, ...) are known, others are ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

# Forms read by strptime before dateutil is tried (dateutil takes 90 µs a date, strptime 13):
# each has a month name or the year first, so none can be read two ways, and each gives what
# dateutil gives.
_FORMATS = (
    "%b %d, %Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y",
    "%B %d, %Y %H:%M",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %Y %H:%M",
    "%a, %d %b %Y %H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_ZONE_HOURS = {
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
}
_UNIX_DIGITS = re.compile(r"\d{10}|\d{13}")
# Unix times from 2001-09-09 (10 digits) up to 2286-11-20, in seconds or milliseconds.
_UNIX_SECONDS = (1_000_000_000, 10_000_000_000)
_UNIX_MILLISECONDS = (1_000_000_000_000, 10_000_000_000_000)
# Two defaults that differ in every part: a part the text does not give shows as a difference.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def parse_date(value: str | None) -> datetime | None:
    """Return the date or date-time `value` as an aware datetime, or None if it is not one
    (see the module docstring for the forms read)."""
    if not value:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        found = _other_form(text)
        if found is None:
            return None
        moment = found
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso_date(value: object) -> str | None:
    """Return `value` as an ISO 8601 date or date-time, or None if it is not a date.

    An ISO 8601 text is returned as given, stripped; another form is rewritten: a date
    alone (no time of day, no zone) as "YYYY-MM-DD", else in full, with its zone if it has
    one. Numbers are Unix times (see the module docstring).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        moment = _unix_time(value)
        return None if moment is None else moment.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return text
    found = _other_form(text)
    if found is None:
        return None
    if found.tzinfo is None and found.hour == found.minute == found.second == 0:
        return found.date().isoformat()
    return found.isoformat()


def _other_form(text: str) -> datetime | None:
    """Return the moment a non-ISO text gives (naive when it has no zone), or None."""
    if _UNIX_DIGITS.fullmatch(text):
        return _unix_time(int(text))
    for form in _FORMATS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return _dateutil_form(text)


@lru_cache(maxsize=1 << 16)
def _dateutil_form(text: str) -> datetime | None:
    # Imported on first use: most corpora never need it.
    from dateutil.parser import ParserError, parser

    reader = parser()
    try:
        first, second = (reader.parse(text, default=d, tzinfos=_zone) for d in _DEFAULTS)
    except (ParserError, ValueError, OverflowError, TypeError):
        return None
    if first != second:  # the text lacks a year, a month or a day (or a time is partial)
        return None
    moment: datetime = first
    return moment


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """Return the zone of a parsed date: its offset, or the offset of a known abbreviation
    (None: unknown, taken as UTC). Never the machine's own zone."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    hours = _ZONE_HOURS.get((name or "").upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def _unix_time(number: float) -> datetime | None:
    """Return the moment a Unix time in seconds or milliseconds gives, or None when the
    number is neither (out of range, or not finite)."""
    if _UNIX_SECONDS[0] <= number < _UNIX_SECONDS[1]:
        return datetime.fromtimestamp(number, UTC)
    if _UNIX_MILLISECONDS[0] <= number < _UNIX_MILLISECONDS[1]:
        return datetime.fromtimestamp(number / 1000, UTC)
    return None
