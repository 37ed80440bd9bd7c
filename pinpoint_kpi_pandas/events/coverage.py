"""What an archive's arrival hours say about a read's range: the days it holds no object for,
and whether it reaches far enough back for the range's first messages to be told from late
receipts of earlier ones. Said as warnings, so a number an archive cannot support is never
given without a word (the counts themselves are the engine's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from .query import EventQuery
from .sources import Archive

__all__ = ["coverage_problems"]

_SHOWN = 6
_QUIET = timedelta(hours=3)
"""An active stream writes an object every hour (Firehose buffers minutes): no object for this
long at the start of the lateness before a range is taken for an archive that begins later."""


def coverage_problems(archive: Archive, query: EventQuery) -> list[str]:
    """The warnings a read of ``query`` from ``archive`` needs (none when its objects cover
    the range's days and the lateness before them). Only for archives under ``YYYY/MM/DD/HH/``
    prefixes; without them an object's hour is unknown.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> from pinpoint_kpi_pandas.events.sources import ArchiveObject
    >>> hours = [datetime(2026, 10, d, 9, tzinfo=UTC) for d in (1, 2, 4)]
    >>> archive = Archive(tuple(ArchiveObject(f"a/{h:%Y/%m/%d/%H}/x.gz", "json", "gzip", h)
    ...                         for h in hours), None, 3, "a/")
    >>> query = plan_event_query("a1", "txn-emails-sent-grouped-by-date", "2026-10-01",
    ...                          "2026-10-04")
    >>> for text in coverage_problems(archive, query):
    ...     print(text[:72])
    the archive holds no object for 1 of the range's 4 days (2026-10-03): th
    the archive's first object in the 72 hours before the range (from 2026-0
    """
    hours = sorted(o.hour for o in archive.objects if o.hour is not None)
    days = query.send_range()
    if not hours or days is None or query.start is None or query.end is None:
        return []
    first_day = _day(days[0])
    last_day = min(_day(days[1]), (hours[-1]).date())
    problems = []
    held = {h.date() for h in hours}
    wanted = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    missing = [d for d in wanted if d not in held]
    if missing:
        before = " (the archive's first object is later)" if missing[0] < hours[0].date() else ""
        problems.append(
            f"the archive holds no object for {len(missing)} of the range's {len(wanted)} days "
            f"({_listed(missing)}){before}: those days count only late records of messages "
            "from other days, if any, so their numbers are partial or missing. If messages were "
            "sent then, their objects are missing from the source (moved, not yet copied, "
            "another prefix)."
        )
    if query.lateness is not None:
        problems += _lateness_problems(hours, held, first_day, days[0], query.lateness)
    return problems


def _lateness_problems(
    hours: list[datetime], held: set[date], first_day: date, first_ms: int, lateness: timedelta
) -> list[str]:
    """What the objects in the ``lateness`` before the range say: the archive begins in it, or
    a day of it is missing (late receipts of those messages would count as sends)."""
    problems: list[str] = []
    range_start = datetime.fromtimestamp(first_ms / 1000, UTC)
    scan_from = range_start - lateness
    margin = [
        scan_from.date() + timedelta(days=n)
        for n in range((first_day - scan_from.date()).days)
        if scan_from.date() + timedelta(days=n) >= hours[0].date()
    ]
    gaps = [d for d in margin if d not in held]
    if hours[0] > scan_from + _QUIET:
        after = hours[0] + lateness
        earliest = after.date() + timedelta(days=1 if after.time() != time() else 0)
        problems.append(
            f"the archive's first object in the {_hours(lateness)} before the range "
            f"(from {scan_from:%Y-%m-%d %H:00} UTC) is at {hours[0]:%Y-%m-%d %H:00}: if the "
            "archive begins there, a late receipt (an SMS delivery) of a message sent "
            "before it counts as a message sent in the range. For exact numbers, start the "
            f"range on or after {earliest.isoformat()}, or read the archive from earlier "
            "objects."
        )
    if gaps:
        problems.append(
            f"the archive holds no object for {_listed(gaps)}, within the "
            f"{_hours(lateness)} before the range: a late receipt (an SMS delivery) of "
            "a message sent then counts as a message sent in the range. Restore those "
            "days' objects for exact numbers."
        )
    return problems


def _listed(days: list[date]) -> str:
    shown = ", ".join(d.isoformat() for d in days[:_SHOWN])
    return shown + (f" and {len(days) - _SHOWN} more" if len(days) > _SHOWN else "")


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).date()


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} hours"
