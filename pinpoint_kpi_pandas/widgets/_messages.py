"""What the dashboard says when a selection cannot be read, in words of its controls (From, To,
KPI, chart), never of Python arguments: the ranges Pinpoint can answer (31 days at once for
numbers that do not add up, 90 days back), and the library's errors retold for people clicking.
"""

from __future__ import annotations

import datetime as dt

from .. import catalog
from ..errors import EndpointUnreachableError, FetchError, InvalidArgumentError
from ._selection import Selection

__all__ = ["RETENTION_DAYS", "check_range", "error_text"]

RETENTION_DAYS = 90
"""How far back Pinpoint kept KPI data: a start more than 90 days before the service's clock
is refused by the service (the emulator's rule too)."""


def check_range(selection: Selection, scope: str, today: dt.date | None = None) -> None:
    """Refuse, in words of the controls, a range the service cannot answer for the selection:
    a KPI whose numbers do not add up over more than 31 days, or a start before the 90 days
    Pinpoint keeps (``today``: the service's date, when known).

    Examples
    --------
    >>> import datetime as dt
    >>> from pinpoint_kpi_pandas.widgets._selection import Selection
    >>> old = Selection(ids=("a",), kpi="successful-deliveries-grouped-by-campaign-activity",
    ...                 start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 20), chart="compare")
    >>> try:
    ...     check_range(old, "campaign", today=dt.date(2026, 10, 29))
    ... except ValueError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    Pinpoint keeps 90 days: the earliest day it can answer is 01 Aug 2026.
    Choose a From date on or after it.
    """
    if today is not None:
        earliest = today - dt.timedelta(days=RETENTION_DAYS - 1)
        if selection.start < earliest:
            raise InvalidArgumentError(
                f"Pinpoint keeps {RETENTION_DAYS} days: the earliest day it can answer is "
                f"{earliest:%d %b %Y}. Choose a From date on or after it."
            )
    from ..plan import resolve_range, unstitchable

    kpis = [k for k in (catalog.find_kpi(n, scope) for n in selection.kpi_names) if k]
    blocked = unstitchable(kpis, resolve_range(selection.start, selection.end))
    if not blocked:
        return
    days = (selection.end - selection.start).days + 1
    shown = catalog.find_kpi(selection.kpi, scope) or blocked[0]
    daily = catalog.date_variant(shown.name, scope)
    other = f", or the KPI {daily.title!r} (one value per day)" if daily else ""
    what = "the funnel" if selection.chart == "funnel" else repr(shown.title)
    raise InvalidArgumentError(  # 31 days: Pinpoint's window, the rule is unstitchable's
        f"{what} cannot cover these {days} days: Pinpoint answers at most 31 days at once, "
        f"and these numbers do not add up across its windows. Choose a range of at most 31 "
        f"days{other}."
    )


def error_text(exc: Exception) -> str:
    """The library's error ``exc`` as the dashboard shows it: an endpoint that stopped
    answering said once, with what to do in a notebook; a read whose requests failed by its
    first failure and a count, never by Python attributes.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.retries import unreachable_error
    >>> print(error_text(unreachable_error("http://127.0.0.1:9", "connection refused"))[:66])
    Cannot reach Pinpoint at http://127.0.0.1:9 (connection refused).
    """
    failures = list(exc.failures) if isinstance(exc, FetchError) else [exc]
    if failures and all(isinstance(f, EndpointUnreachableError) for f in failures):
        first = failures[0]
        assert isinstance(first, EndpointUnreachableError)
        return (
            f"Cannot reach Pinpoint at {first.endpoint} ({first.reason}). If it is the bundled "
            "emulator, it has stopped (its notebook cell or kernel ended): start it again, then "
            "change any control to try again."
        )
    if isinstance(exc, FetchError) and exc.failures:
        more = len(exc.failures) - 1
        others = f" ({more} more request{'s' * (more > 1)} failed too)" if more else ""
        return f"{len(exc.failures)} Pinpoint requests failed. The first: {exc.failures[0]}{others}"
    return str(exc)
