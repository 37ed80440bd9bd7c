"""The entry point: :func:`compare_campaigns` checks its arguments, picks a data source, and
builds the controller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client import client_options as resolve_client_options
from ..errors import InvalidArgumentError
from ._archive import EventsSource
from ._controller import CampaignComparison, option_labels
from ._selection import CHARTS
from ._sources import DataSource, FrameSource, ReaderSource

if TYPE_CHECKING:
    from ..client import ClientOptions

__all__ = ["compare_campaigns"]

_CHOSEN_IN_DASHBOARD = ("campaign_id", "journey_id", "kpi_name")


def compare_campaigns(
    source: pd.DataFrame | str,
    *,
    kpi: str | None = None,
    start_time: Any = None,
    end_time: Any = None,
    chart: str | None = None,
    campaigns: Sequence[str] | None = None,
    names: Mapping[str, str] | pd.DataFrame | pd.Series | None = None,
    scope: str = "campaign",
    events: Any = None,
    cache: Any = None,
    offline: bool = False,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
    **reader_kwargs: Any,
) -> CampaignComparison:
    """A dashboard to compare campaigns (or journeys): pick them, a KPI, days and a chart.

    Parameters
    ----------
    source : DataFrame or str
        A frame from :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` (or
        :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi_json`) read with a list of campaign (or
        journey) ids, or an application (project) id: then every KPI of the scope can be
        picked, and data is fetched when needed (each KPI and range once).
    kpi : str, optional
        The KPI shown first. Default: ``successful-delivery-rate-grouped-by-date`` when
        available, else the frame's first KPI.
    start_time, end_time : date-like, optional
        The first and last UTC day shown. Default: the frame's days; for an application id, the
        31 days ending the day before the service's own date (its ``Date`` header: the
        emulator's clock, never the machine's).
    chart : {"trend", "compare", "funnel", "calendar"}, optional
        The chart shown first. Default: ``"trend"``, or ``"compare"`` for a frame without a
        ``Date`` level (whose date pickers are then disabled: its numbers cover the range it
        was read for) and for journeys (no journey KPI is grouped by date).
    campaigns : list of str, optional
        The ids (or names) selected first: campaigns, or journeys with ``scope="journey"``.
        Default: every one of the frame, or the first three of the project.
    names : mapping of id to name, or DataFrame with a ``Name`` column, optional
        Names for the selector, legends and table (e.g. the result of
        :func:`~pinpoint_kpi_pandas.list_campaigns`). Default: fetched with ``list_campaigns``
        (``list_journeys``) for an application id; the ids for a frame.
    scope : {"campaign", "journey"}, default "campaign"
        For an application id: compare its campaigns, or its journeys (the journey-scope KPIs,
        and a funnel of the journeys' emails). A frame's scope is its own.
    events : str, path or list, optional
        For an application id: recompute the KPIs from this event archive (a folder, glob or
        ``s3://`` URI, as for :func:`~pinpoint_kpi_pandas.read_pinpoint_events`) instead of
        calling Pinpoint; the event-only KPIs can be picked too. ``**reader_kwargs`` then go to
        ``read_pinpoint_events`` (``storage_options=``, ``engine=``, ...).
    cache, offline
        As for :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`, for the KPIs and the listing.
    client_options, client, region_name, endpoint_url, boto3_session
        How to reach Pinpoint, as for :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`.
    **reader_kwargs
        Passed to :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` when fetching
        (``max_workers=``, ``max_rate=``, ``errors=``, ...).

    Returns
    -------
    CampaignComparison
        Shows the dashboard when displayed; ``.frame``, ``.figure`` and ``.table`` hold what it
        shows, ``.controls`` its widgets, ``.state`` all of it.

    Raises
    ------
    InvalidArgumentError
        An argument cannot be used (unknown chart, a frame without campaign ids, ...). Failures
        while the dashboard runs (a request refused, a chart that needs other data) are shown
        inside it instead.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     dash = ppk.widgets.compare_campaigns(
    ...         app.id, start_time="2026-10-01", end_time="2026-10-28",
    ...         endpoint_url=emu.endpoint_url)
    ...     dash.controls["chart"].value = "compare"
    >>> dash.table.index.name
    'Campaign'
    """
    if chart is not None and chart not in CHARTS:
        raise InvalidArgumentError(f"chart must be one of {CHARTS}, not {chart!r}.")
    connection = {
        "client": client,
        "region_name": region_name,
        "endpoint_url": endpoint_url,
        "boto3_session": boto3_session,
    }
    data_source: DataSource
    if isinstance(source, pd.DataFrame):
        given = {
            **reader_kwargs,
            **{k: v for k, v in connection.items() if v is not None},
            **({"cache": cache} if cache is not None else {}),
            **({"offline": offline} if offline else {}),
            **({"client_options": client_options} if client_options is not None else {}),
        }
        if given:
            raise InvalidArgumentError(
                f"reader options ({', '.join(sorted(given))}) only apply when source is "
                "an application id; a frame is shown as it is."
            )
        data_source = FrameSource(source, names)
    elif isinstance(source, str) and events is not None:
        data_source = EventsSource(
            events,
            source,
            scope=scope,
            names=names,
            start_time=_day(start_time, "start_time"),
            end_time=_day(end_time, "end_time"),
            events_kwargs=reader_kwargs,
        )
    elif isinstance(source, str):
        for taken in _CHOSEN_IN_DASHBOARD:
            if taken in reader_kwargs:
                raise InvalidArgumentError(
                    f"{taken}= is chosen in the dashboard; pass campaigns= for the first "
                    "selection instead."
                )
        reach = resolve_client_options(client_options, **connection)
        data_source = ReaderSource(
            source,
            scope=scope,
            names=names,
            client_options=reach,
            cache=cache,
            offline=offline,
            reader_kwargs=reader_kwargs,
        )
    else:
        raise InvalidArgumentError(
            f"source must be a KPI DataFrame or an application id (str), not "
            f"{type(source).__name__}."
        )
    return _dashboard(data_source, kpi, start_time, end_time, chart, campaigns)


def _dashboard(
    source: DataSource,
    kpi: str | None,
    start_time: Any,
    end_time: Any,
    chart: str | None,
    chosen: Sequence[str] | str | None,
) -> CampaignComparison:
    if not source.ids:
        raise InvalidArgumentError(f"there are no {source.noun}s to compare.")
    first, last = source.date_bounds()
    start = _day(start_time, "start_time") or first
    end = _day(end_time, "end_time") or last
    if start is None or end is None:
        raise InvalidArgumentError("pass start_time= and end_time=: the frame has no dates.")
    return CampaignComparison(
        source,
        kpi=kpi,
        start=start,
        end=end,
        chart=chart or _first_chart(source),
        ids=_first_selection(source, chosen),
    )


def _first_chart(source: DataSource) -> str:
    """Daily lines when days can be picked and some KPI has them, else one bar per id."""
    daily = any(k.is_date_grouped for k in source.kpi_options())
    return "trend" if source.has_dates and daily else "compare"


def _first_selection(source: DataSource, chosen: Sequence[str] | str | None) -> list[str]:
    """The ids selected first: those named (by id, name, or the label the selector shows),
    else the source's default. A name that several ids share is refused, naming them."""
    if chosen is None:
        return source.first_ids
    shown = option_labels(source.ids, source.labels)
    by_text: dict[str, list[str]] = {}
    for i in source.ids:
        for text in dict.fromkeys([source.labels.get(i) or i, shown[i]]):
            by_text.setdefault(text, []).append(i)
    ids: list[str] = []
    unknown: list[str] = []
    for asked in [chosen] if isinstance(chosen, str) else chosen:
        found = [asked] if asked in source.ids else by_text.get(asked, [])
        if len(found) > 1:
            raise InvalidArgumentError(
                f"campaigns: {asked!r} names {len(found)} {source.noun}s ("
                + ", ".join(shown[i] for i in found)
                + "); pass one of those as shown, or its id."
            )
        (ids if found else unknown).extend(found or [asked])
    if unknown:
        examples = ", ".join(repr(shown[i]) for i in source.ids[:3])
        raise InvalidArgumentError(
            f"campaigns: {unknown} are not among the {len(source.ids)} {source.noun}s "
            f"available; pass ids, or names as the selector shows them ({examples}, ...)."
        )
    return ids


def _day(value: Any, argument: str) -> dt.date | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InvalidArgumentError(f"{argument}={value!r} is not a date.") from None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.date()
