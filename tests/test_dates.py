import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest

from pinpoint_kpi_pandas.dates import (
    days_spanned,
    format_instant,
    parse_instant,
    parse_response_time,
    split_windows,
)
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2026-07-01", False, utc(2026, 7, 1)),
        ("2026-07-01", True, utc(2026, 7, 1, 23, 59, 59)),
        (date(2026, 7, 1), True, utc(2026, 7, 1, 23, 59, 59)),
        (datetime(2026, 7, 1, 12, 30), True, utc(2026, 7, 1, 12, 30)),  # naive means UTC
        (
            datetime(2026, 7, 1, 2, 0, tzinfo=timezone(timedelta(hours=3))),
            False,
            utc(2026, 6, 30, 23),
        ),
        (pd.Timestamp("2026-07-01 05:00", tz="Europe/Paris"), False, utc(2026, 7, 1, 3)),
        (pd.Timestamp("2026-07-01"), True, utc(2026, 7, 1)),  # a Timestamp is an instant
        ("2026-07-01T09:30:00+02:00", False, utc(2026, 7, 1, 7, 30)),
        ("2026-07-01T09:30:00Z", False, utc(2026, 7, 1, 9, 30)),
        ("2026-07-01T09:30:00.999Z", False, utc(2026, 7, 1, 9, 30)),
        ("20260731", True, utc(2026, 7, 31, 23, 59, 59)),  # compact date: still a whole day
    ],
)
def test_parse_instant(value, end, expected):
    assert parse_instant(value, argument="start_time", end=end) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30", ""])
def test_parse_instant_rejects_bad_strings_naming_the_argument(value):
    with pytest.raises(InvalidArgumentError, match="end_time") as info:
        parse_instant(value, argument="end_time", end=True)
    assert isinstance(info.value, ValueError) and isinstance(info.value, PinpointKpiError)


@pytest.mark.parametrize("value", [20260701, 1.5, ["2026-07-01"]])
def test_parse_instant_rejects_other_types(value):
    with pytest.raises(ArgumentTypeError, match="start_time must be a str"):
        parse_instant(value, argument="start_time", end=False)


@pytest.mark.parametrize(
    "value", ["9999-12-31", datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), "1066-10-14"]
)
def test_parse_instant_rejects_dates_no_pinpoint_data_can_have(value):
    with pytest.raises(InvalidArgumentError, match="end_time"):
        parse_instant(value, argument="end_time", end=True)


def test_parse_instant_rejects_nat():
    with pytest.raises(InvalidArgumentError, match="NaT"):
        parse_instant(pd.NaT, argument="start_time", end=False)


def test_days_spanned_counts_calendar_days_inclusively():
    assert days_spanned(utc(2026, 8, 1), utc(2026, 8, 31, 23, 59, 59)) == 31
    assert days_spanned(utc(2026, 8, 1, 23), utc(2026, 8, 2, 1)) == 2


def test_split_windows_covers_every_day_once():
    start, end = utc(2026, 7, 1, 6), utc(2026, 9, 30, 18)
    windows = split_windows(start, end)
    assert windows[0][0] == start and windows[-1][1] == end
    days = []
    for a, b in windows:
        assert days_spanned(a, b) <= 31
        days += [a.date() + timedelta(days=i) for i in range(days_spanned(a, b))]
    assert days == [start.date() + timedelta(days=i) for i in range(92)]
    for (_, prev_end), (next_start, _) in itertools.pairwise(windows):
        assert next_start - prev_end == timedelta(seconds=1)


def test_split_windows_follow_calendar_months():
    windows = split_windows(utc(2026, 1, 20), utc(2026, 3, 5, 12))
    assert windows == [
        (utc(2026, 1, 20), utc(2026, 1, 31, 23, 59, 59)),
        (utc(2026, 2, 1), utc(2026, 2, 28, 23, 59, 59)),
        (utc(2026, 3, 1), utc(2026, 3, 5, 12)),
    ]
    # two ranges with different starts share their full months (so a cache is reused)
    later = split_windows(utc(2026, 1, 25), utc(2026, 3, 5, 12))
    assert later[1:] == windows[1:]


def test_split_windows_leaves_short_ranges_alone():
    assert split_windows(utc(2026, 8, 1), utc(2026, 8, 31, 23, 59, 59)) == [
        (utc(2026, 8, 1), utc(2026, 8, 31, 23, 59, 59))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2019-07-19T00:00:00Z",
        "2019-07-19T00:00:00+00:00",
        "2019-07-19 00:00:00+00:00",
        "2019-07-19T00:00:00.000Z",
        "2019-07-19T02:00:00+02:00",
    ],
)
def test_parse_response_time_accepts_every_saved_form(text):
    assert format_instant(parse_response_time(text)) == "2019-07-19T00:00:00Z"


def test_parse_response_time_rejects_garbage():
    with pytest.raises(ValueError):
        parse_response_time("last tuesday")
    with pytest.raises(ValueError):
        parse_response_time(None)
