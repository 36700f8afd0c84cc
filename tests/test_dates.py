"""Tests of date reading: ISO 8601 as given, the common other forms rewritten as ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from dateutil.parser import parse as dateutil_parse
from hypothesis import given
from hypothesis import strategies as st

from dedupe import dates
from dedupe.dates import iso_date, parse_date


@pytest.mark.parametrize(
    "value",
    ["2024-01-05", "2024-01-05T10:00:00Z", "2024-01-05 10:00", "2024-01-05T10:00:00.123+02:00"],
)
def test_iso_8601_is_kept_as_given(value: str) -> None:
    assert iso_date(f"  {value} ") == value
    assert parse_date(value) == parse_date(f" {value}\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jul 15, 2018 07:54", "2018-07-15T07:54:00"),
        ("July 15, 2018", "2018-07-15"),
        ("15 July 2018", "2018-07-15"),
        ("15 Jul 2018 07:54", "2018-07-15T07:54:00"),
        ("Sun, 15 Jul 2018 07:54:00 +0000", "2018-07-15T07:54:00+00:00"),
        ("Sun, 15 Jul 2018 07:54:00 GMT", "2018-07-15T07:54:00+00:00"),
        ("2018/07/15 07:54", "2018-07-15T07:54:00"),
        ("July 15, 2018, 7:54 p.m. EDT", "2018-07-15T19:54:00-04:00"),
        ("July 15, 2018 at 7:54 PM", "2018-07-15T19:54:00"),
        ("15.07.2018", "2018-07-15"),
        # Month first when both numbers could be a month (US usage); a day over 12 is a day.
        ("03/04/2018", "2018-03-04"),
        ("07/15/2018 7:54 PM", "2018-07-15T19:54:00"),
        ("25/12/2018", "2018-12-25"),
        # Unix times in seconds and milliseconds, as text or numbers.
        ("1531641240", "2018-07-15T07:54:00+00:00"),
        ("1531641240500", "2018-07-15T07:54:00.500000+00:00"),
        (1531641240, "2018-07-15T07:54:00+00:00"),
        (1531641240.0, "2018-07-15T07:54:00+00:00"),
    ],
)
def test_common_forms_are_rewritten_as_iso_8601(value: object, expected: str) -> None:
    assert iso_date(value) == expected
    assert parse_date(expected) == parse_date(value if isinstance(value, str) else expected)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        "yesterday",
        "4 hours ago",
        "Jul 2018",  # no day
        "12:30",  # no date
        "Monday",
        "2024-13-01",
        "2024-01-05T25:00",
        "15 Jul 2018 banana",
        "20240105x",
        20240105,  # a number, but no Unix time of this century
        True,
        None,
        ["2024-01-05"],
        float("nan"),
    ],
)
def test_what_is_not_a_full_date_is_none(value: object) -> None:
    assert iso_date(value) is None
    if isinstance(value, str):
        assert parse_date(value) is None


def test_a_time_without_zone_is_utc_and_known_zones_are_applied() -> None:
    assert parse_date("Jul 15, 2018 07:54") == datetime(2018, 7, 15, 7, 54, tzinfo=UTC)
    eastern = timezone(timedelta(hours=-5))
    assert parse_date("Jan 15, 2018 07:54 EST") == datetime(2018, 1, 15, 7, 54, tzinfo=eastern)
    # An abbreviation dedupe does not know is left out (UTC), never the machine's own zone.
    assert parse_date("15 Jul 2018 07:54 XYZ") == datetime(2018, 7, 15, 7, 54, tzinfo=UTC)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
    st.sampled_from(dates._FORMATS),
)
def test_the_strptime_forms_read_as_dateutil_does(moment: datetime, form: str) -> None:
    """The quick forms are a shortcut: what they read is what dateutil reads."""
    if "%z" in form:
        moment = moment.replace(tzinfo=UTC)
    text = moment.strftime(form)
    assert dates._other_form(text) == dateutil_parse(text)
