"""A read of KPIs from events, validated: what to compute, over which span, for whom.

Everything here happens before any file is listed, so bad arguments are refused naming the
argument and the fix. Unlike the API there is no 31-day or 90-day limit: an archive answers any
range exactly, and ``keep_windows=True`` only shapes the frame as the live reader would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .. import catalog
from ..checks import check_id_list
from ..dates import DateLike, format_instant, parse_instant, split_windows
from ..errors import ArgumentTypeError, InvalidArgumentError
from ..meta import FrameContract
from ..plan import ID_LEVEL, check_id
from .sources import DEFAULT_LATENESS, EARLY_MARGIN

__all__ = ["ALL", "EventQuery", "Window", "plan_event_query", "unavailable_reason"]

ALL = "all"
"""``campaign_id="all"`` / ``journey_id="all"``: every campaign / journey found in the events."""

# What the event stream cannot give, by the words a metric's name carries.
_UNAVAILABLE = (
    (
        ("execution", "entered", "participants", "journey-run", "endpoints-left"),
        "journey and campaign execution metrics (participants entered, filtered out, held out, "
        "...) are not in the event stream: Pinpoint computed them from its own state. Only rough "
        "_journey.send / _campaign.send status counts exist",
    ),
    (
        ("txn-push", "txn-voice", "voice-", "push-sent", "txn-custom"),
        "transactional push and voice messages were never streamed as events",
    ),
    (
        ("session", "active-endpoints", "revenue", "units-sold", "purchase"),
        "app analytics (sessions, active endpoints, revenue) come from the app's own "
        "_session.* and custom events, which these KPIs do not read",
    ),
    (
        ("campaign-name", "journey-name", "segment"),
        "names and segments are not in the events (ids only): take them from the API's "
        "listings, CloudTrail, or your own metadata",
    ),
)


def unavailable_reason(kpi_name: str) -> str | None:
    """Why events cannot give a (non-catalog) metric, or None if the name says nothing.

    Examples
    --------
    >>> unavailable_reason("journey-execution-metrics")[:30]
    'journey and campaign execution'
    >>> unavailable_reason("txn-emails-sent") is None
    True
    """
    for words, reason in _UNAVAILABLE:
        if any(word in kpi_name for word in words):
            return reason
    return None


_DAY_MS = 86_400_000


def _day_start(moment: datetime) -> int:
    """Epoch milliseconds of the start of ``moment``'s UTC day."""
    return int(moment.timestamp() * 1000) // _DAY_MS * _DAY_MS


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 1000, UTC)  # whole seconds


def _day_end(moment: datetime) -> int:
    """Epoch milliseconds of the last millisecond of ``moment``'s UTC day."""
    return (int(moment.timestamp() * 1000) // _DAY_MS + 1) * _DAY_MS - 1


@dataclass(frozen=True)
class Window:
    """A labelled span of send times: one calendar month of a ``keep_windows=True`` read.

    Examples
    --------
    >>> Window("2026-10-01T00:00:00Z/2026-10-31T23:59:59Z", 0, 1).label[:10]
    '2026-10-01'
    """

    label: str
    first_ms: int
    last_ms: int


@dataclass(frozen=True)
class EventQuery:
    """A validated read of KPIs from an event archive.

    Attributes
    ----------
    application_id : str
        The project (``application.app_id`` of the records).
    kpis : tuple of Kpi
        In catalog order; one grouping.
    scope : {"application", "campaign", "journey"}
        Set by ``campaign_id`` / ``journey_id``.
    resource_ids : tuple of str or None
        The campaigns or journeys asked for; None at application scope and for ``"all"``.
    id_level : str or None
        ``"CampaignId"`` / ``"JourneyId"`` when a list (or ``"all"``) was asked for.
    start, end : datetime or None
        The inclusive range of send times (aware UTC); None: the archive's first / last.
    keep_windows : bool
        Split the range into calendar-month windows under a ``Window`` level.
    lateness : timedelta or None
        How long after ``end`` events may arrive (None: no limit).

    Examples
    --------
    >>> q = plan_event_query("a1", "clicks-grouped-by-date", "2026-01-01", "2026-06-30",
    ...                      campaign_id="all")
    >>> q.scope, q.id_level, q.every, [k.value_key for k in q.kpis]
    ('campaign', 'CampaignId', True, ['Clicks'])
    >>> [t.isoformat() for t in q.scan_span()]
    ['2025-12-28T23:00:00+00:00', '2026-07-03T23:59:59+00:00']
    """

    application_id: str
    kpis: tuple[catalog.Kpi, ...]
    scope: str
    resource_ids: tuple[str, ...] | None
    id_level: str | None
    start: datetime | None
    end: datetime | None
    keep_windows: bool = False
    lateness: timedelta | None = DEFAULT_LATENESS

    @property
    def every(self) -> bool:
        """True for ``"all"``: every campaign (journey) found in the events."""
        return self.scope != "application" and self.resource_ids is None

    @property
    def resource(self) -> str | None:
        """The message column of the scope's id (``campaign_id`` / ``journey_id``)."""
        return {"campaign": "campaign_id", "journey": "journey_id"}.get(self.scope)

    def scan_span(self) -> tuple[datetime | None, datetime | None]:
        """The arrival hours to scan: ``lateness`` (and an hour) around the range.

        After the range, for the records of its messages that arrive late (SMS receipts,
        opens); before it too, so that a late receipt of a message sent *before* the range is
        matched with the message's first record, and never taken for a message sent in it.
        """
        if self.lateness is None:
            return None, None
        days = self.send_range()  # whole UTC days
        first = None if self.start is None or days is None else _moment(days[0])
        last = None if self.end is None or days is None else _moment(days[1])
        scan_from = None if first is None else first - self.lateness - EARLY_MARGIN
        scan_to = None if last is None else last + self.lateness
        return scan_from, scan_to

    def send_range(self) -> tuple[int, int] | None:
        """The range as inclusive epoch milliseconds: **whole UTC days**, from the start of the
        start's day to the end of the end's day, as the KPI API counts them (its data is
        daily; the emulator answers so), so a range given as instants or in another time zone
        gives the frame a live read gives, never part of a day labelled as the whole day.

        Examples
        --------
        >>> q = plan_event_query("a1", "txn-emails-sent-grouped-by-date",
        ...                      "2026-10-05T12:00:00Z", "2026-10-07T06:00:00Z")
        >>> [format_instant(datetime.fromtimestamp(ms / 1000, UTC)) for ms in q.send_range()]
        ['2026-10-05T00:00:00Z', '2026-10-07T23:59:59Z']
        """
        if self.start is None and self.end is None:
            return None
        low, high = -(2**62), 2**62
        if self.start is not None:
            low = _day_start(self.start)
        if self.end is not None:
            high = _day_end(self.end)
        return low, high

    def windows(self) -> list[Window]:
        """``keep_windows``: one :class:`Window` per calendar month, as the live reader's."""
        if not self.keep_windows or self.start is None or self.end is None:
            return []
        return [
            Window(
                f"{format_instant(first)}/{format_instant(last)}", _day_start(first), _day_end(last)
            )
            for first, last in split_windows(self.start, self.end)
        ]

    def contract(self) -> FrameContract:
        """What was asked, as the frame contract the assembly completes (source ``events``).

        Examples
        --------
        >>> plan_event_query("a1", "txn-emails-sent", "2026-08-01").contract().start_time
        '2026-08-01T00:00:00Z'
        """
        ids = tuple(self.resource_ids or ())
        return FrameContract(
            application_id=self.application_id,
            kpi_names=tuple(k.name for k in self.kpis),
            scope=self.scope,
            campaign_ids=ids if self.scope == "campaign" else None,
            journey_ids=ids if self.scope == "journey" else None,
            id_level=self.id_level,
            start_time=format_instant(self.start) if self.start else None,
            end_time=format_instant(self.end) if self.end else None,
            columns={k.value_key: k.name for k in self.kpis},
            keep_windows=self.keep_windows,
            source="events",
            requests=1,
        )


def plan_event_query(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
    lateness: timedelta | str | None = DEFAULT_LATENESS,
) -> EventQuery:
    """Validate a read of KPIs from events (see :func:`~pinpoint_kpi_pandas.read_pinpoint_events`).

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError, UnknownKpiError, KpiScopeError
        Naming the argument and the fix; a metric events cannot give is refused saying why.

    Examples
    --------
    >>> q = plan_event_query("a1", ["successful-deliveries-grouped-by-date",
    ...                             "attempted-deliveries-grouped-by-date"],
    ...                      "2026-10-01", "2026-10-07", campaign_id="c1")
    >>> [k.name for k in q.kpis], q.id_level, q.send_range()[1] % 1000
    (['attempted-deliveries-grouped-by-date', 'successful-deliveries-grouped-by-date'], None, 999)
    """
    check_id(application_id, "application_id")
    if campaign_id is not None and journey_id is not None:
        raise InvalidArgumentError(
            "campaign_id and journey_id were both given; pass one of them (or neither, for "
            "application-level KPIs)."
        )
    scope, argument, value = "application", None, None
    if campaign_id is not None:
        scope, argument, value = "campaign", "campaign_id", campaign_id
    elif journey_id is not None:
        scope, argument, value = "journey", "journey_id", journey_id
    resource_ids, id_level = None, None
    if argument is not None:
        resource_ids, as_list = _ids(value, argument)
        id_level = ID_LEVEL[scope] if as_list else None
    kpis = _kpis(kpi_name, scope)
    if not isinstance(keep_windows, bool):
        raise ArgumentTypeError(f"keep_windows must be True or False, not {keep_windows!r}.")
    start = (
        None if start_time is None else parse_instant(start_time, argument="start_time", end=False)
    )
    end = None if end_time is None else parse_instant(end_time, argument="end_time", end=True)
    if start is not None and end is not None and end < start:
        raise InvalidArgumentError(
            f"end_time {format_instant(end)} is before start_time {format_instant(start)}; "
            "swap them."
        )
    if keep_windows and (start is None or end is None):
        raise InvalidArgumentError(
            "keep_windows=True needs both start_time and end_time (its windows are the calendar "
            "months of the range)."
        )
    return EventQuery(
        application_id=application_id,
        kpis=kpis,
        scope=scope,
        resource_ids=resource_ids,
        id_level=id_level,
        start=start,
        end=end,
        keep_windows=keep_windows,
        lateness=_lateness(lateness),
    )


def _ids(value: object, argument: str) -> tuple[tuple[str, ...] | None, bool]:
    """(ids or None for "all", given as a list). Duplicates dropped, first occurrence kept."""
    if isinstance(value, str) and value == ALL:
        return None, True
    hint = f"or {ALL!r} for every one found in the events."
    return check_id_list(value, argument, empty_hint=hint, also=f" ({ALL!r})")


def _kpis(kpi_name: object, scope: str) -> tuple[catalog.Kpi, ...]:
    if isinstance(kpi_name, str):
        names = [kpi_name]
    elif isinstance(kpi_name, Sequence) and not isinstance(kpi_name, bytes) and kpi_name:
        names = list(dict.fromkeys(kpi_name))
    else:
        raise ArgumentTypeError(
            f"kpi_name must be a KPI name or a non-empty list of them, not {kpi_name!r:.60}."
        )
    found = []
    for number, name in enumerate(names):
        if not isinstance(name, str):
            raise ArgumentTypeError(f"kpi_name[{number}] must be a str, not {name!r:.40}.")
        reason = unavailable_reason(name) if catalog.find_kpi(name, scope) is None else None
        if reason is not None and not catalog.scopes_of(name):
            raise InvalidArgumentError(
                f"kpi_name {name!r} cannot be rebuilt from events: {reason}."
            )
        found.append(catalog.get_kpi(name, scope))
    order = {k.name: i for i, k in enumerate(catalog.kpis(scope, include_events_only=True))}
    kpis = tuple(sorted(found, key=lambda k: order[k.name]))
    if len({k.grouped_by for k in kpis}) > 1:
        described = ", ".join(f"{k.name} ({k.grouped_by or 'ungrouped'})" for k in kpis)
        raise InvalidArgumentError(
            f"kpi_name: the KPIs asked for have different groupings: {described}. One frame "
            "holds KPIs of one grouping; read each grouping separately."
        )
    keys = [k.value_key for k in kpis]
    if len(set(keys)) != len(keys):
        raise InvalidArgumentError(
            f"kpi_name lists KPIs with the same value column ({keys}); read them separately."
        )
    return kpis


def _lateness(value: object) -> timedelta | None:
    if value is None:
        return None
    if isinstance(value, str):
        import pandas as pd

        try:
            value = pd.Timedelta(value).to_pytimedelta()
        except ValueError:
            raise InvalidArgumentError(
                f"lateness={value!r} is not a duration; pass e.g. '72h', '14D' or a timedelta."
            ) from None
    if not isinstance(value, timedelta):
        raise ArgumentTypeError(
            f"lateness must be a timedelta, a duration string ('72h') or None, not {value!r:.40}."
        )
    if value < timedelta(0):
        raise InvalidArgumentError(f"lateness={value} is negative; events never arrive early.")
    return value
