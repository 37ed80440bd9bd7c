"""From a reader's arguments to a plan: validated, and split into :class:`KpiRequest` values.

Everything here happens before any request is made, so every bad argument is refused with a
message that names the argument and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import catalog
from .checks import check_bool, check_id, check_id_list
from .combinable import uncombinable
from .dates import (
    MAX_WINDOW_DAYS,
    DateLike,
    days_spanned,
    fewest_windows,
    format_instant,
    parse_instant,
    split_windows,
)
from .errors import ArgumentTypeError, InvalidArgumentError, UnservedRangeWarning, warn_user
from .meta import FrameContract

__all__ = [
    "ID_LEVEL",
    "KpiPlan",
    "KpiRequest",
    "check_id",
    "plan_kpi_requests",
    "resolve_range",
    "uncombinable",
    "unstitchable",
]

ID_LEVEL = {"campaign": "CampaignId", "journey": "JourneyId"}
"""The index level added when a list of campaigns / journeys is asked for."""

_OPERATIONS = {
    "application": ("get_application_date_range_kpi", "ApplicationDateRangeKpiResponse"),
    "campaign": ("get_campaign_date_range_kpi", "CampaignDateRangeKpiResponse"),
    "journey": ("get_journey_date_range_kpi", "JourneyDateRangeKpiResponse"),
}


@dataclass(frozen=True)
class KpiRequest:
    """One call to a Pinpoint KPI operation: the unit of fetching, caching, progress and errors.

    Attributes
    ----------
    application_id : str
        The project.
    kpi_name : str
        The standard kpi-name.
    scope : {"application", "campaign", "journey"}
        Which operation serves it.
    resource_id : str or None
        The campaign or journey id for those scopes.
    start_time, end_time : datetime or None
        The inclusive window in UTC; both None asks for the service's default (the preceding 31
        days), which is never cached because it moves with the clock.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> r = KpiRequest("a1", "email-open-rate", "campaign", "c1",
    ...                datetime(2026, 8, 1, tzinfo=UTC),
    ...                datetime(2026, 8, 31, 23, 59, 59, tzinfo=UTC))
    >>> r.operation
    'get_campaign_date_range_kpi'
    >>> r.describe()
    'email-open-rate for campaign c1 from 2026-08-01T00:00:00Z to 2026-08-31T23:59:59Z'
    """

    application_id: str
    kpi_name: str
    scope: str
    resource_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def operation(self) -> str:
        """The boto3 client method that serves this request."""
        return _OPERATIONS[self.scope][0]

    @property
    def response_key(self) -> str:
        """The payload member boto3 and the AWS CLI wrap the answer in."""
        return _OPERATIONS[self.scope][1]

    @property
    def campaign_id(self) -> str | None:
        """The campaign id, for campaign-scope requests."""
        return self.resource_id if self.scope == "campaign" else None

    @property
    def journey_id(self) -> str | None:
        """The journey id, for journey-scope requests."""
        return self.resource_id if self.scope == "journey" else None

    def call_parameters(self) -> dict:
        """Keyword arguments for :attr:`operation` on a boto3 Pinpoint client."""
        params: dict = {"ApplicationId": self.application_id, "KpiName": self.kpi_name}
        if self.scope == "campaign":
            params["CampaignId"] = self.resource_id
        elif self.scope == "journey":
            params["JourneyId"] = self.resource_id
        if self.start_time is not None:
            params["StartTime"] = self.start_time
        if self.end_time is not None:
            params["EndTime"] = self.end_time
        return params

    def describe(self) -> str:
        """A one-line description naming the KPI, the ids and the window."""
        where = f"application {self.application_id}"
        if self.resource_id is not None:
            where = f"{self.scope} {self.resource_id}"
        if self.start_time is None or self.end_time is None:
            window = "for the service's default window"
        else:
            window = f"from {format_instant(self.start_time)} to {format_instant(self.end_time)}"
        return f"{self.kpi_name} for {where} {window}"


@dataclass(frozen=True)
class KpiPlan:
    """A validated read: its requests, in the order their frames are assembled.

    Requests are ordered KPI by KPI (in catalog order, whatever the order given), then id by id
    (as given), then window by window.

    Examples
    --------
    >>> plan = plan_kpi_requests("a1", ["unique-deliveries-grouped-by-date",
    ...                                 "successful-delivery-rate-grouped-by-date"],
    ...                          "2026-08-20", "2026-09-30", campaign_id="c1")
    >>> [(r.kpi_name[:6], r.start_time.day, r.end_time.day) for r in plan.requests]
    [('succes', 20, 19), ('succes', 20, 30), ('unique', 20, 19), ('unique', 20, 30)]
    >>> plan.contract().scope, plan.id_level
    ('campaign', None)
    """

    application_id: str
    kpis: tuple[catalog.Kpi, ...]
    scope: str
    resource_ids: tuple[str, ...] | None
    id_level: str | None
    start_time: datetime | None
    end_time: datetime | None
    requests: tuple[KpiRequest, ...] = field(repr=False)
    keep_windows: bool = False

    @property
    def windows_summed(self) -> bool:
        """True when each id's windows are summed per group (counts over more than 31 days).

        Examples
        --------
        >>> plan_kpi_requests("a1", "clicks-grouped-by-campaign-activity", "2026-08-01",
        ...                   "2026-09-30", campaign_id="c1").windows_summed
        True
        """
        if self.keep_windows or all(k.is_date_grouped for k in self.kpis):
            return False
        return len({(r.start_time, r.end_time) for r in self.requests}) > 1

    def contract(self) -> FrameContract:
        """What was asked, as the frame contract the assembly completes.

        Examples
        --------
        >>> plan = plan_kpi_requests("a1", "txn-emails-sent", "2026-08-01", "2026-08-31")
        >>> plan.contract().start_time, plan.contract().requests
        ('2026-08-01T00:00:00Z', 1)
        """
        ids = tuple(self.resource_ids or ())
        return FrameContract(
            application_id=self.application_id,
            kpi_names=tuple(k.name for k in self.kpis),
            scope=self.scope,
            campaign_ids=ids if self.scope == "campaign" else None,
            journey_ids=ids if self.scope == "journey" else None,
            id_level=self.id_level,
            start_time=format_instant(self.start_time) if self.start_time else None,
            end_time=format_instant(self.end_time) if self.end_time else None,
            columns={k.value_key: k.name for k in self.kpis},
            keep_windows=self.keep_windows,
            requests=len(self.requests),
        )

    def query(self) -> dict:
        """What was asked, as plain JSON-friendly values (:meth:`contract`'s serialised form)."""
        return self.contract().to_attrs()


def _id_list(value: object, argument: str) -> tuple[tuple[str, ...], bool]:
    """(ids, given_as_list). Duplicates are dropped, first occurrence kept."""
    scope = "the application scope." if argument != "journey_id" else "no journey."
    return check_id_list(value, argument, empty_hint=f"or None for {scope}")


def _kpi_names(kpi_name: object) -> tuple[list[str], bool]:
    if isinstance(kpi_name, str):
        return [kpi_name], False
    if isinstance(kpi_name, Sequence) and not isinstance(kpi_name, bytes):
        names = list(kpi_name)
        if not names:
            raise InvalidArgumentError("kpi_name is an empty list; pass at least one KPI name.")
        for i, name in enumerate(names):
            if not isinstance(name, str):
                raise ArgumentTypeError(f"kpi_name[{i}] must be a str, not {type(name).__name__}.")
        return list(dict.fromkeys(names)), True
    raise ArgumentTypeError(
        f"kpi_name must be a str or a list of str, not {type(kpi_name).__name__}."
    )


def plan_kpi_requests(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
    calendar_months: bool = False,
    now: datetime | None = None,
) -> KpiPlan:
    """Validate a read's arguments and plan its requests.

    What a read plans, per KPI and id:

    - a range of at most 31 days: one request for the range as given (with ``keep_windows``,
      one per calendar month it touches);
    - a longer range: windows of at most 31 days, meeting at midnight. Without a cache they are
      the fewest possible, ``ceil(days / 31)`` counted from the start
      (:func:`~pinpoint_kpi_pandas.dates.fewest_windows`: 62 days are 2 requests); with
      ``calendar_months`` (the reader sets it when ``cache=`` is given) or ``keep_windows``
      they follow calendar months (:func:`~pinpoint_kpi_pandas.dates.split_windows`), so reads
      whose start moves share their full months in the cache.

    Only KPIs whose windows combine exactly may span more than 31 days: ``-grouped-by-date``
    KPIs (days stitched), counts and amounts of any grouping (summed per group), and rates
    whose numerator and denominator count KPIs are in the same read (recomputed from the
    summed counts). Unique counts, averages and rates without their counts are refused with the
    reason for each, unless ``keep_windows=True`` keeps every window apart.

    Parameters
    ----------
    application_id : str
        The project id.
    kpi_name : str or list of str
        Standard KPI names; several must share one grouping. They are planned in catalog order,
        whatever the order given (``plan.kpis``, the requests and so the frame's columns).
    start_time, end_time : date-like, optional
        The inclusive range; see :func:`pinpoint_kpi_pandas.dates.parse_instant`. Both None asks
        for the service's default window. Only ``start_time``: up to ``now``. Only ``end_time``:
        the 31 days ending then.
    campaign_id, journey_id : str or list of str, optional
        At most one of them; it sets the scope. A list adds an id level to the frame.
    keep_windows : bool, default False
        Split the range into calendar-month windows for any KPI and keep each window apart
        (the reader adds a ``Window`` level), instead of refusing KPIs that cannot be combined.
    calendar_months : bool, default False
        Split long ranges at calendar months rather than into the fewest windows.
    now : datetime, optional
        The clock used when only ``start_time`` is given (default: the system clock).

    Returns
    -------
    KpiPlan

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError, UnknownKpiError, KpiScopeError
        Before any request, naming the argument and the fix.

    Warns
    -----
    UnservedRangeWarning
        The range begins after ``now``: Pinpoint has no data for it yet.

    Examples
    --------
    >>> p = plan_kpi_requests("a1", "successful-delivery-rate-grouped-by-date",
    ...                       "2026-07-01", "2026-08-31", campaign_id=["c1", "c2"])
    >>> len(p.requests), p.id_level  # 62 days: 2 windows per campaign
    (4, 'CampaignId')
    >>> len(plan_kpi_requests("a1", "txn-emails-sent", "2026-07-01", "2026-08-31",
    ...                       calendar_months=True).requests)
    2
    """
    check_id(application_id, "application_id")
    names, _ = _kpi_names(kpi_name)
    scope, resource_ids, id_level = _scope(campaign_id, journey_id)
    kpis = _catalog_kpis(names, scope)
    check_bool(keep_windows, "keep_windows")
    check_bool(calendar_months, "calendar_months")
    span = resolve_range(start_time, end_time, now)
    if span is not None:
        _warn_if_unserved(span[0], now)
    windows = _windows(span, kpis, scope, keep_windows=keep_windows, months=calendar_months)
    ids: tuple[str | None, ...] = resource_ids if resource_ids else (None,)
    requests = tuple(
        KpiRequest(application_id, k.name, scope, rid, w_start, w_end)
        for k in kpis
        for rid in ids
        for (w_start, w_end) in windows
    )
    return KpiPlan(
        application_id=application_id,
        kpis=kpis,
        scope=scope,
        resource_ids=resource_ids,
        id_level=id_level,
        start_time=span[0] if span else None,
        end_time=span[1] if span else None,
        requests=requests,
        keep_windows=keep_windows,
    )


def _warn_if_unserved(start: datetime, now: datetime | None) -> None:
    """A range that begins after now has no data yet: say so, rather than give an empty frame
    without a word."""
    clock = (now or datetime.now(UTC)).astimezone(UTC)
    if start > clock:
        warn_user(
            f"start_time {format_instant(start)} is after now ({format_instant(clock)}): "
            "Pinpoint has no data for a range that has not begun, so the frame is empty. "
            "Check the year, or pass an earlier start_time.",
            UnservedRangeWarning,
        )


def _scope(
    campaign_id: object, journey_id: object
) -> tuple[str, tuple[str, ...] | None, str | None]:
    if campaign_id is not None and journey_id is not None:
        raise InvalidArgumentError(
            "campaign_id and journey_id were both given; a KPI is read for campaigns or for "
            "journeys, not both. Pass one of them (or neither, for application-level KPIs)."
        )
    for scope, value in (("campaign", campaign_id), ("journey", journey_id)):
        if value is not None:
            resource_ids, as_list = _id_list(value, f"{scope}_id")
            return scope, resource_ids, ID_LEVEL[scope] if as_list else None
    return "application", None, None


def _catalog_kpis(names: list[str], scope: str) -> tuple[catalog.Kpi, ...]:
    # Catalog order, whatever the order given (as read_csv's usecols): requests, columns and
    # attrs then agree with a read of the saved answers, which carry no request order.
    order = {k.name: i for i, k in enumerate(catalog.kpis(scope, include_events_only=True))}
    kpis = tuple(
        sorted((catalog.get_kpi(name, scope) for name in names), key=lambda k: order[k.name])
    )
    if any(k.events_only for k in kpis):
        raise InvalidArgumentError(catalog.events_only_refusal(kpis))
    groupings = {k.grouped_by for k in kpis}
    if len(groupings) > 1:
        described = ", ".join(f"{k.name} ({k.grouped_by or 'ungrouped'})" for k in kpis)
        raise InvalidArgumentError(
            f"kpi_name: the KPIs asked for have different groupings: {described}. One frame "
            "holds KPIs of one grouping; read each grouping separately, or pick the variants "
            "that share one (e.g. all '-grouped-by-date')."
        )
    value_keys = [k.value_key for k in kpis]
    if len(set(value_keys)) != len(value_keys):
        raise InvalidArgumentError(
            f"kpi_name lists KPIs with the same value column ({value_keys}); read them separately."
        )
    return kpis


def _windows(
    span: tuple[datetime, datetime] | None,
    kpis: Sequence[catalog.Kpi],
    scope: str,
    *,
    keep_windows: bool,
    months: bool,
) -> list[tuple[datetime | None, datetime | None]]:
    if span is None:
        if keep_windows:
            raise InvalidArgumentError(
                "keep_windows=True needs a range: pass start_time (and end_time)."
            )
        return [(None, None)]
    start, end = span
    spanned = days_spanned(start, end)
    if keep_windows:
        return list(split_windows(start, end))
    if spanned <= MAX_WINDOW_DAYS:
        return [(start, end)]
    refused = uncombinable(kpis)
    if refused:
        raise InvalidArgumentError(_too_long_message(refused, spanned, scope))
    return list(split_windows(start, end) if months else fewest_windows(start, end))


def unstitchable(
    kpis: Sequence[catalog.Kpi], span: tuple[datetime, datetime] | None
) -> list[catalog.Kpi]:
    """The KPIs that cannot be read over ``span`` unless their windows are kept apart.

    Over more than the API's 31 days a read is split into windows, and only KPIs whose windows
    combine exactly may be: ``-grouped-by-date`` KPIs, counts and amounts, and rates read with
    their counts (:func:`~pinpoint_kpi_pandas.combinable.uncombinable` says why the others
    cannot). ``span`` is a range as :func:`resolve_range` gives it (None: the service's default
    window, which never needs splitting).

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> rate = catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign")
    >>> [k.name for k in unstitchable([rate], resolve_range("2026-08-01", "2026-10-28"))]
    ['email-open-rate-grouped-by-campaign-activity']
    >>> unstitchable([rate], resolve_range("2026-10-01", "2026-10-28"))
    []
    """
    if span is None or days_spanned(*span) <= MAX_WINDOW_DAYS:
        return []
    return [k for k, _ in uncombinable(kpis)]


def resolve_range(
    start_time: DateLike | None, end_time: DateLike | None, now: datetime | None = None
) -> tuple[datetime, datetime] | None:
    """The inclusive UTC range a read asks for, exactly as :func:`plan_kpi_requests` resolves it.

    Both None: None (the service's default window). Only ``start_time``: up to ``now`` (default:
    the system clock). Only ``end_time``: the 31 days ending then.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> start, end = resolve_range("2026-09-30", None, now=datetime(2026, 10, 27, 9, tzinfo=UTC))
    >>> format_instant(start), format_instant(end)
    ('2026-09-30T00:00:00Z', '2026-10-27T09:00:00Z')
    >>> resolve_range(None, None) is None
    True
    """
    if start_time is None and end_time is None:
        return None
    if end_time is None:
        end = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    else:
        end = parse_instant(end_time, argument="end_time", end=True)
    if start_time is None:
        start = (end - timedelta(days=MAX_WINDOW_DAYS - 1)).replace(hour=0, minute=0, second=0)
    else:
        start = parse_instant(start_time, argument="start_time", end=False)
    if end < start:
        if end_time is None:
            raise InvalidArgumentError(
                f"start_time {format_instant(start)} is in the future (now is "
                f"{format_instant(end)}); pass an earlier start_time, or an end_time too."
            )
        raise InvalidArgumentError(
            f"end_time {format_instant(end)} is before start_time {format_instant(start)}; "
            "swap them."
        )
    return start, end


def _too_long_message(refused: Sequence[tuple[catalog.Kpi, str]], spanned: int, scope: str) -> str:
    reasons = "; ".join(f"{k.name!r}: {why}" for k, why in refused)
    return (
        f"The range spans {spanned} days; Pinpoint answers at most {MAX_WINDOW_DAYS} per "
        "request, so the read is split into windows, and only KPIs whose windows combine "
        "exactly can be split (daily KPIs, counts and amounts, rates read with their counts). "
        f"Not these: {reasons}. Fix: pass a range of at most {MAX_WINDOW_DAYS} days; or pass "
        "keep_windows=True to get one answer per calendar month under a 'Window' level."
    )
