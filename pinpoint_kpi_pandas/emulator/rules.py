"""The service's rules, and the error answers that enforce them.

The status codes and error codes follow the botocore model of Pinpoint (every operation models
BadRequestException 400, ForbiddenException 403, NotFoundException 404,
MethodNotAllowedException 405, TooManyRequestsException 429, InternalServerErrorException 500).
**The exact message texts are assumptions**: the service's messages for these cases are not
public, so they are written in the service's style and, unlike the service, say what to do.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from .. import catalog
from .clock import parse_timestamp

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_RANGE_DAYS",
    "RETENTION_DAYS",
    "ApiError",
    "Window",
    "bad_request",
    "not_found",
    "page",
    "resolve_kpi",
    "resolve_window",
]

MAX_RANGE_DAYS = 31
"""A KPI request may cover at most this many calendar days, both ends included."""
RETENTION_DAYS = 90
"""StartTime must be fewer than this many days before the clock."""
DEFAULT_PAGE_SIZE = 10
"""Items per page of the listing operations when ``page-size`` is not given (an assumption: the
service does not document its default; small, so that clients exercise paging)."""
MAX_PAGE_SIZE = 1000

_SCOPE_WORDS = {"application": "applications", "campaign": "campaigns", "journey": "journeys"}
_SCOPE_PATHS = {
    "application": "/v1/apps/{application-id}/kpis/daterange/",
    "campaign": "/v1/apps/{application-id}/campaigns/{campaign-id}/kpis/daterange/",
    "journey": "/v1/apps/{application-id}/journeys/{journey-id}/kpis/daterange/",
}


class ApiError(Exception):
    """An error answer: HTTP status, the ``x-amzn-ErrorType`` code, and the message.

    Parameters
    ----------
    status : int
        The HTTP status.
    code : str
        The error code, e.g. ``"BadRequestException"``; botocore raises a ``ClientError`` with it.
    message : str
        The ``Message`` of the body.

    Examples
    --------
    >>> err = ApiError(404, "NotFoundException", "Resource not found")
    >>> err.status, err.code
    (404, 'NotFoundException')
    """

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> ApiError:
    """A 400 BadRequestException with this message.

    Examples
    --------
    >>> bad_request("EndTime must be later than StartTime.").status
    400
    """
    return ApiError(400, "BadRequestException", message)


def not_found(what: str, value: str) -> ApiError:
    """A 404 NotFoundException for an unknown application, campaign or journey id.

    Examples
    --------
    >>> not_found("campaign", "abc").message
    "Resource not found: campaign 'abc' does not exist."
    """
    return ApiError(
        404, "NotFoundException", f"Resource not found: {what} {value!r} does not exist."
    )


@dataclass(frozen=True)
class Window:
    """The effective range of a KPI request.

    Attributes
    ----------
    start, end : datetime
        The effective StartTime and EndTime (aware, UTC), echoed in the answer.
    first_day, last_day : date
        The UTC calendar days covered, both included.

    Examples
    --------
    >>> import datetime as dt
    >>> now = dt.datetime(2026, 10, 29, 12, tzinfo=dt.UTC)
    >>> w = resolve_window("2026-10-01T00:00:00Z", "2026-10-31T23:59:59Z", now)
    >>> w.first_day.isoformat(), w.days
    ('2026-10-01', 31)
    """

    start: dt.datetime
    end: dt.datetime

    @property
    def first_day(self) -> dt.date:
        """The first UTC day covered."""
        return self.start.date()

    @property
    def last_day(self) -> dt.date:
        """The last UTC day covered."""
        return self.end.date()

    @property
    def days(self) -> int:
        """The number of calendar days covered, both ends included."""
        return (self.last_day - self.first_day).days + 1


def resolve_window(start: str | None, end: str | None, now: dt.datetime) -> Window:
    """Apply the date rules to a request's ``start-time`` and ``end-time``.

    Without either, the answer covers the 31 days ending at the clock; a missing end means now,
    a missing start means 30 days before the end's day, at midnight.

    Parameters
    ----------
    start, end : str or None
        The raw query values.
    now : datetime
        The emulator's clock.

    Returns
    -------
    Window

    Raises
    ------
    ApiError
        400 BadRequestException: a time that does not parse, EndTime before StartTime, StartTime
        90 days or more before the clock, or a range over 31 calendar days.

    Examples
    --------
    >>> import datetime as dt
    >>> now = dt.datetime(2026, 10, 29, 12, tzinfo=dt.UTC)
    >>> resolve_window(None, None, now).start.isoformat()
    '2026-09-29T00:00:00+00:00'
    >>> resolve_window("2026-09-01", "2026-10-02", now)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.emulator.rules.ApiError: Time range between StartTime and EndTime ...
    """
    end_at = _parse("end-time", end) if end else now
    if start:
        start_at = _parse("start-time", start)
    else:
        start_day = end_at.date() - dt.timedelta(days=MAX_RANGE_DAYS - 1)
        start_at = dt.datetime(start_day.year, start_day.month, start_day.day, tzinfo=dt.UTC)
    if end_at < start_at:
        raise bad_request(
            f"EndTime ({_iso(end_at)}) must be later than StartTime ({_iso(start_at)})."
        )
    if now - start_at >= dt.timedelta(days=RETENTION_DAYS):
        oldest = (now - dt.timedelta(days=RETENTION_DAYS)).date() + dt.timedelta(days=1)
        raise bad_request(
            f"StartTime ({_iso(start_at)}) must be less than {RETENTION_DAYS} days before the "
            f"current time ({_iso(now)}): KPI data is kept for {RETENTION_DAYS} days. "
            f"The earliest day you can ask for is {oldest.isoformat()}."
        )
    window = Window(start_at, end_at)
    if window.days > MAX_RANGE_DAYS:
        raise bad_request(
            f"Time range between StartTime and EndTime can't be more than {MAX_RANGE_DAYS} days "
            f"(calendar days, both ends included). The request covers {window.days} days, "
            f"{window.first_day.isoformat()} to {window.last_day.isoformat()}: split it into "
            f"ranges of at most {MAX_RANGE_DAYS} days."
        )
    return window


def resolve_kpi(kpi_name: str, scope: str) -> catalog.Kpi:
    """The catalog entry for a KPI name at the scope of the operation called.

    Raises
    ------
    ApiError
        400 BadRequestException for an unknown name (with suggestions) or a name served at
        another scope (naming the operation that serves it).

    Examples
    --------
    >>> resolve_kpi("email-open-rate", "campaign").value_key
    'EmailOpenRate'
    >>> resolve_kpi("txn-emails-sent", "campaign")
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.emulator.rules.ApiError: KpiName 'txn-emails-sent' is not supported ...
    """
    found = catalog.find_kpi(kpi_name, scope)
    if found is not None and not found.events_only:  # event-only KPIs: the service has none
        return found
    elsewhere = [
        s for s in catalog.scopes_of(kpi_name) if not catalog.get_kpi(kpi_name, s).events_only
    ]
    if elsewhere:
        paths = " or ".join(_SCOPE_PATHS[s] + kpi_name for s in elsewhere)
        raise bad_request(
            f"KpiName {kpi_name!r} is not supported for {_SCOPE_WORDS[scope]}. "
            f"It is a metric of {', '.join(_SCOPE_WORDS[s] for s in elsewhere)}: use {paths}."
        )
    names = sorted({k.name for k in catalog.kpis(scope)})
    close = difflib.get_close_matches(kpi_name, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise bad_request(
        f"Invalid KpiName {kpi_name!r}: it is not a standard metric for {_SCOPE_WORDS[scope]}."
        f"{hint}"
    )


def page(items: list, token: str | None, page_size: str | None) -> tuple[list, str | None]:
    """One page of a listing, and the token of the next page (None on the last page).

    The token is the id of the first item of the next page.

    Examples
    --------
    >>> class Item:
    ...     def __init__(self, id):
    ...         self.id = id
    >>> items = [Item(str(i)) for i in range(3)]
    >>> chunk, token = page(items, None, "2")
    >>> [i.id for i in chunk], token
    (['0', '1'], '2')
    """
    size = DEFAULT_PAGE_SIZE
    if page_size not in (None, ""):
        try:
            size = int(page_size)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise bad_request(
                f"Invalid PageSize {page_size!r}: it must be an integer from 1 to {MAX_PAGE_SIZE}."
            )
    offset = 0
    if token:
        ids = [item.id for item in items]
        if token not in ids:
            raise bad_request(f"Invalid Token {token!r}: pass the NextToken of a previous page.")
        offset = ids.index(token)
    chunk = items[offset : offset + size]
    more = offset + size < len(items)
    return chunk, (items[offset + size].id if more else None)


def _parse(name: str, text: str) -> dt.datetime:
    try:
        return parse_timestamp(text)
    except ValueError:
        raise bad_request(
            f"Invalid {name} {text!r}: use an ISO 8601 timestamp such as 2026-08-01T00:00:00Z."
        ) from None


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")
