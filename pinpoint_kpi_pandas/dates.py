"""Date arguments: parsing to UTC instants, and splitting a range into windows the API accepts.

Rules (from the API and this project's design):

- naive datetimes mean UTC; aware ones are converted to UTC;
- a date alone (``datetime.date`` or a ``"YYYY-MM-DD"`` string) means the whole UTC day: as a
  start it is 00:00:00, as an end it is 23:59:59;
- a window spans at most :data:`MAX_WINDOW_DAYS` calendar days, counted inclusively from the
  start's UTC date to the end's UTC date (AWS's own example is 08-01T00:00:00Z .. 08-31T23:59:59Z);
  longer ranges are split into the fewest 31-day windows counted from the start
  (:func:`fewest_windows`), or at calendar-month boundaries when a cache can reuse full months
  (:func:`split_windows`);
- a day's data is final once the service's clock, minus :data:`DATA_LATENCY`, has passed the
  end of that UTC day (:func:`provisional_days`).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Union

from .errors import ArgumentTypeError, InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DATA_LATENCY",
    "MAX_WINDOW_DAYS",
    "DateLike",
    "days_spanned",
    "fewest_windows",
    "format_instant",
    "parse_instant",
    "parse_response_time",
    "provisional_days",
    "split_windows",
]

DateLike = Union[str, date, datetime, "pd.Timestamp"]
"""What a date argument may be: an ISO string, a ``date``, a ``datetime`` or a ``Timestamp``."""

MAX_WINDOW_DAYS = 31
"""The service answers for at most 31 calendar days per request."""

DATA_LATENCY = timedelta(hours=2)
"""Pinpoint's documented data latency: a UTC day's numbers are final only once the service's
clock is this far past the day's end."""

_DATE_ONLY = re.compile(r"^\s*\d{4}-?\d{2}-?\d{2}\s*$")  # 2026-07-31 or 20260731
_YEARS = range(1970, 3000)  # beyond these a date is a typo (and window arithmetic overflows)
_END_OF_DAY = time(23, 59, 59)


def parse_instant(value: DateLike, *, argument: str, end: bool) -> datetime:
    """Turn a date argument into an aware UTC ``datetime`` with whole seconds.

    Parameters
    ----------
    value : str, date, datetime or pandas.Timestamp
        The user's value. A date alone means the whole UTC day.
    argument : str
        The argument's name, for error messages (``"start_time"``).
    end : bool
        True for the end of a range: a date alone then means 23:59:59 of that day.

    Returns
    -------
    datetime.datetime
        Timezone-aware, in UTC, microseconds dropped.

    Raises
    ------
    InvalidArgumentError
        The string is not a date or time.
    ArgumentTypeError
        The value is of another type.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.dates import parse_instant
    >>> parse_instant("2026-07-31", argument="end_time", end=True).isoformat()
    '2026-07-31T23:59:59+00:00'
    >>> parse_instant("2026-07-01T09:30:00+02:00", argument="start_time", end=False).isoformat()
    '2026-07-01T07:30:00+00:00'
    """
    moment = _parse(value, argument=argument, end=end)
    if moment.year not in _YEARS:
        raise InvalidArgumentError(
            f"{argument}={value!r} is in the year {moment.year}; Pinpoint keeps 90 days of "
            "data, so this is surely a typo."
        )
    return moment


def _parse(value: DateLike, *, argument: str, end: bool) -> datetime:
    if isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError as exc:
                raise InvalidArgumentError(
                    f"{argument}={value!r} is not a valid calendar date: {exc}."
                ) from None
            return _whole_day(day, end)
        try:
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            raise InvalidArgumentError(
                f"{argument}={value!r} is not an ISO 8601 date or time; "
                "use e.g. '2026-07-01' (a whole UTC day) or '2026-07-01T12:00:00Z'."
            ) from None
        return _to_utc(parsed, argument)
    if isinstance(value, datetime):  # includes pandas.Timestamp
        if value != value:  # NaT
            raise InvalidArgumentError(f"{argument} is NaT; pass a date or time, or None.")
        plain = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        return _to_utc(plain, argument)
    if isinstance(value, date):
        return _whole_day(value, end)
    raise ArgumentTypeError(
        f"{argument} must be a str, datetime.date, datetime.datetime or pandas.Timestamp, "
        f"not {type(value).__name__}."
    )


def _whole_day(day: date, end: bool) -> datetime:
    return datetime.combine(day, _END_OF_DAY if end else time(0), tzinfo=UTC)


def _to_utc(moment: datetime, argument: str = "time") -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise InvalidArgumentError(
            f"{argument}={moment.isoformat()!r} cannot be expressed in UTC; pass a recent date."
        ) from None


def days_spanned(start: datetime, end: datetime) -> int:
    """Calendar days from ``start``'s UTC date to ``end``'s, both included.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> days_spanned(datetime(2026, 8, 1, tzinfo=UTC),
    ...              datetime(2026, 8, 31, 23, 59, 59, tzinfo=UTC))
    31
    """
    return (end.date() - start.date()).days + 1


def split_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Split ``[start, end]`` into calendar-month windows (each at most 31 days).

    Windows follow calendar months rather than counting 31 days from ``start``, so reads whose
    ranges differ still share their full months: with a ``cache=``, a notebook that moves its
    start date refetches only the edge months. That costs at most one request more than the
    fewest possible. Windows meet at midnight: each after the first starts at 00:00:00 of the
    day after the previous one ends (23:59:59), so no day is lost and none is counted twice.

    Parameters
    ----------
    start, end : datetime.datetime
        Aware UTC instants, ``start <= end``.

    Returns
    -------
    list of (datetime, datetime)
        Inclusive windows in time order; a single window when the range lies in one month, or
        already fits in :data:`MAX_WINDOW_DAYS` days and is not being split anyway.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> w = split_windows(datetime(2026, 7, 10, tzinfo=UTC),
    ...                   datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC))
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in w]
    [('2026-07-10', '2026-07-31'), ('2026-08-01', '2026-08-31'), ('2026-09-01', '2026-09-30')]
    """
    windows = []
    window_start = start
    while True:
        first_of_next = (window_start.date().replace(day=1) + timedelta(days=32)).replace(day=1)
        last_day = first_of_next - timedelta(days=1)
        if end.date() <= last_day:
            windows.append((window_start, end))
            return windows
        windows.append((window_start, datetime.combine(last_day, _END_OF_DAY, tzinfo=UTC)))
        window_start = datetime.combine(first_of_next, time(0), tzinfo=UTC)


def fewest_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Split ``[start, end]`` into the fewest windows the API accepts: ``ceil(days / 31)``.

    Windows are counted from ``start``: each holds :data:`MAX_WINDOW_DAYS` calendar days (the
    first starts at ``start``, the last ends at ``end``), and they meet at midnight like
    :func:`split_windows`' do. Reads without a ``cache=`` use these: nothing is reused between
    reads, so the fewest requests is all that counts (a 62-day read makes 2 requests per id and
    KPI, where calendar months would make 3).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> w = fewest_windows(datetime(2026, 7, 10, tzinfo=UTC),
    ...                    datetime(2026, 9, 9, 23, 59, 59, tzinfo=UTC))
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in w]
    [('2026-07-10', '2026-08-09'), ('2026-08-10', '2026-09-09')]
    """
    windows = []
    window_start = start
    while True:
        last_day = window_start.date() + timedelta(days=MAX_WINDOW_DAYS - 1)
        if end.date() <= last_day:
            windows.append((window_start, end))
            return windows
        windows.append((window_start, datetime.combine(last_day, _END_OF_DAY, tzinfo=UTC)))
        window_start = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC)


def provisional_days(
    start: datetime | None,
    end: datetime | None,
    as_of: datetime | None,
    latency: timedelta = DATA_LATENCY,
) -> list[date]:
    """The UTC days of a window whose numbers were not final when the service answered.

    A day is final once ``as_of`` (the service's clock: the answer's HTTP ``Date`` header)
    minus ``latency`` has passed its end; the day that instant falls in, and every later day of
    the window, may still grow. Judged on whole UTC days: a window that ends at 09:00 on the
    service's own day is provisional, whatever its end time.

    Parameters
    ----------
    start, end : datetime or None
        The window (aware, UTC). None (the service's default window, or unknown): nothing can
        be judged, so no day is reported.
    as_of : datetime or None
        The service's clock when it answered; None means unknown, and no day is reported.
    latency : timedelta, default DATA_LATENCY

    Returns
    -------
    list of datetime.date
        In time order; empty when the whole window was final.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> days = provisional_days(datetime(2026, 10, 1, tzinfo=UTC),
    ...                         datetime(2026, 10, 29, 9, tzinfo=UTC),
    ...                         as_of=datetime(2026, 10, 29, 12, tzinfo=UTC))
    >>> [d.isoformat() for d in days]
    ['2026-10-29']
    >>> provisional_days(datetime(2026, 10, 1, tzinfo=UTC),
    ...                  datetime(2026, 10, 28, 23, 59, 59, tzinfo=UTC),
    ...                  as_of=datetime(2026, 10, 29, 12, tzinfo=UTC))
    []
    """
    if start is None or end is None or as_of is None:
        return []
    first_unfinished = (as_of.astimezone(UTC) - latency).date()
    first = max(first_unfinished, start.astimezone(UTC).date())
    last = end.astimezone(UTC).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def format_instant(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the wire and the AWS CLI v1 write it.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> format_instant(datetime(2026, 7, 1, tzinfo=UTC))
    '2026-07-01T00:00:00Z'
    """
    return _format_utc(moment.astimezone(UTC))


@functools.lru_cache(maxsize=4096)  # a read formats the same few window bounds many times
def _format_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_response_time(value: object) -> datetime:
    """A StartTime/EndTime from a response, in any form a saved response uses, as aware UTC.

    Accepts ``datetime`` objects (boto3's parsed results) and the strings ``...T00:00:00Z``,
    ``...T00:00:00+00:00``, ``... 00:00:00+00:00`` (``json.dumps(default=str)``), with or without
    fractional seconds.

    Raises
    ------
    ValueError
        Not a recognisable time (callers turn this into ``ResponseFormatError``).

    Examples
    --------
    >>> parse_response_time("2019-07-19 00:00:00+00:00").isoformat()
    '2019-07-19T00:00:00+00:00'
    """
    if isinstance(value, datetime):
        return _to_utc(value)
    if isinstance(value, str):
        return _parse_text_time(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).replace(microsecond=0)
    raise ValueError(f"not a timestamp: {value!r}")


@functools.lru_cache(maxsize=4096)  # saved answers repeat the same few window bounds
def _parse_text_time(text: str) -> datetime:
    return _to_utc(datetime.fromisoformat(text.strip()))
