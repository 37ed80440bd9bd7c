"""Where the dashboard's data comes from: a frame the user has, or Pinpoint through the reader
(the event-archive source is in ``_archive``). One interface, :class:`DataSource`; each source
knows its scope: campaigns or journeys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .. import catalog
from ..analysis import (
    frame_meta,
    frame_names,
    ids_without_rows,
    name_map,
    rate_count_kpis,
    rate_from_counts,
    with_meta,
)
from ..client import ClientOptions
from ..derived import derived_metrics, find_metric
from ..errors import InvalidArgumentError
from ..plan import ID_LEVEL
from ..project import answer_date, describe_project
from ._html import project_title, with_channel
from ._messages import check_range
from ._selection import Selection, entity_noun

__all__ = [
    "DataSource",
    "FrameSource",
    "OnDemandSource",
    "Progress",
    "ReaderSource",
    "cut",
    "service_date",
]

Progress = Callable[[bool, str], None]
"""``progress(busy, text)``: called before and after a slow load."""


class DataSource(Protocol):
    """What the dashboard needs from its data, wherever it comes from.

    Attributes
    ----------
    scope : str
        The catalog scope of the KPIs offered: ``"campaign"`` or ``"journey"`` (or
        ``"application"``, for a frame of application KPIs grouped by campaign).
    id_level : str
        The index level holding the ids: ``CampaignId`` or ``JourneyId``.
    noun : str
        What the ids are, for the controls and messages: ``"campaign"``, ``"journey"``.
    has_dates : bool
        Whether days can be picked (False for a frame without a ``Date`` level).
    ids : list of str
        Every id that can be selected, in order.
    labels : dict of str to str
        The name shown for each id (ids without one are shown as ids).
    first_ids : list of str
        The ids selected when the dashboard opens.
    subtitle : str
        What the dashboard shows under its title.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.widgets import DataSource, FrameSource
    >>> frame = pd.DataFrame({"Clicks": [3, 4]}, index=pd.Index(["a", "b"], name="CampaignId"))
    >>> source: DataSource = FrameSource(frame)
    >>> source.ids, source.noun
    (['a', 'b'], 'campaign')
    """

    scope: str
    id_level: str
    noun: str
    has_dates: bool
    ids: list[str]
    labels: dict[str, str]
    first_ids: list[str]
    subtitle: str

    def kpi_options(self) -> list[catalog.Kpi]:
        """The KPIs that can be picked."""
        ...

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """The days shown when the dashboard opens (None: unknown)."""
        ...

    def fixed_range(self) -> tuple[dt.date | None, dt.date | None] | None:
        """The range the numbers cover when days cannot be picked, else None."""
        ...

    def load(self, selection: Selection, progress: Progress) -> pd.DataFrame:
        """The data for ``selection``: its ids in its order, its days, its KPIs' columns."""
        ...


class FrameSource:
    """The data is a frame the user already has: load means cut.

    Parameters
    ----------
    frame : pandas.DataFrame
        A KPI frame with a ``CampaignId`` (or ``JourneyId``) level, or of a single id named in
        its attrs.
    names : mapping, Series or DataFrame, optional
        Names of the ids, as for :func:`~pinpoint_kpi_pandas.accessor.label`.

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.widgets import FrameSource, Selection
    >>> idx = pd.MultiIndex.from_product(
    ...     [["a", "b"], pd.date_range("2026-10-01", periods=3)], names=["CampaignId", "Date"])
    >>> frame = pd.DataFrame({"SuccessfulDeliveryRate": [.9, .8, .7, .6, .5, .4]}, index=idx)
    >>> source = FrameSource(frame, names={"b": "Sale"})
    >>> pick = Selection("successful-delivery-rate-grouped-by-date", ("b",),
    ...                  dt.date(2026, 10, 2), dt.date(2026, 10, 3), "trend")
    >>> source.load(pick, lambda busy, text: None)["SuccessfulDeliveryRate"].tolist()
    [0.5, 0.4]
    >>> source.labels
    {'b': 'Sale'}
    """

    def __init__(self, frame: pd.DataFrame, names: Any = None):
        original = frame
        meta = dict(frame_meta(frame))
        scope = meta.get("scope") or "campaign"
        id_level = ID_LEVEL.get(scope, "CampaignId")
        if id_level not in frame.index.names:
            ids = meta.get(f"{scope}_ids") or []
            if len(ids) != 1:
                raise InvalidArgumentError(
                    f"the frame has no {id_level} index level; read it with a list of "
                    f"{scope} ids (campaign_id=[...]) so campaigns can be told apart."
                )
            frame = pd.concat([frame], keys=ids, names=[id_level])
            if isinstance(frame.index, pd.MultiIndex) and frame.index.names[-1] is None:
                frame = frame.droplevel(-1)
            frame = with_meta(frame, original)
        self.frame = frame
        self.meta = meta
        self.scope = scope
        self.id_level = id_level
        self.noun = entity_noun(id_level)
        self.application_id = meta.get("application_id")
        self.kpis = _frame_kpis(frame, meta, scope)
        # every id the frame was read for: those with rows, then those without (never dropped)
        with_rows = dict.fromkeys(frame.index.get_level_values(id_level))
        self.ids = [str(i) for i in [*with_rows, *ids_without_rows(frame, id_level)]]
        self.labels = frame_names(frame, names)  # those the frame carries, then names=
        self.first_ids = list(self.ids)
        project = project_title(self.application_id, self.labels.get(self.application_id or ""))
        self.subtitle = f"{self.noun.capitalize()}s of {project}"
        # Without a Date level the numbers are for the range the frame was read for, whatever
        # days are picked.
        self.has_dates = "Date" in frame.index.names

    def kpi_options(self) -> list[catalog.Kpi]:
        return self.kpis

    def fixed_range(self) -> tuple[dt.date | None, dt.date | None] | None:
        """The frame's own range when the days cannot be chosen (no Date level), else None."""
        return None if self.has_dates else self.date_bounds()

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        if "Date" in self.frame.index.names and len(self.frame):
            dates = pd.DatetimeIndex(self.frame.index.get_level_values("Date"))
            return dates.min().date(), dates.max().date()
        start, end = self.meta.get("start_time"), self.meta.get("end_time")
        return (
            pd.Timestamp(start).date() if start else None,
            pd.Timestamp(end).date() if end else None,
        )

    def load(self, selection: Selection, progress: Progress) -> pd.DataFrame:
        frame = self.frame
        if selection.chart != "funnel":
            kpi = find_metric(selection.kpi, self.scope)
            if kpi is not None:
                frame = _kpi_columns(frame, kpi)
        if self.has_dates:
            first, last = self.date_bounds()
            if first and last and (selection.start < first or selection.end > last):
                raise InvalidArgumentError(
                    f"the data covers {first:%d %b %Y} to {last:%d %b %Y}: choose days inside "
                    "that range (read the frame for other days to show them)."
                )
        frame = cut(frame, selection, self.id_level)
        updates: dict[str, Any] = {f"{self.scope}_ids": list(selection.ids)}
        if self.has_dates:
            updates["start_time"] = f"{selection.start.isoformat()}T00:00:00Z"
            updates["end_time"] = f"{selection.end.isoformat()}T23:59:59Z"
        return with_meta(frame, self.frame, **updates)


def _kpi_columns(frame: pd.DataFrame, kpi: catalog.Kpi) -> pd.DataFrame:
    """The columns behind ``kpi``: its own, with a rate's counts when the frame has them (the
    rate computed from them when the frame holds only the counts)."""
    parts = [p for p in catalog.RATE_PARTS.get(kpi.value_key, ()) if p in frame.columns]
    counted = kpi.kind == "rate" and len(parts) == 2
    if kpi.value_key not in frame.columns:
        if not counted:
            return frame
        frame = frame[parts].copy()
        frame[kpi.value_key] = rate_from_counts(frame[parts[0]], frame[parts[1]])
        return frame[[kpi.value_key, *parts]]
    return frame[[kpi.value_key, *(parts if counted else [])]]


def _rates_from_counts(frame: pd.DataFrame, scope: str) -> list[catalog.Kpi]:
    """The rates a frame's count columns give (opens and deliveries: the email open rate),
    grouped as the counts are."""
    found = []
    for rate, parts in catalog.RATE_PARTS.items():
        if rate in frame.columns or not set(parts) <= set(frame.columns):
            continue
        grouped = [g for g in frame.index.names if g in ("Date", "CampaignActivityId")]
        known = [*catalog.kpis_with_value_key(rate, scope), *derived_metrics(scope)]
        for kpi in (k for k in known if k.value_key == rate):
            if kpi.grouped_by == (grouped[0] if grouped else None):
                found.append(kpi)
                break
    return found


def _frame_kpis(frame: pd.DataFrame, meta: Mapping[str, Any], scope: str) -> list[catalog.Kpi]:
    """The KPIs a frame holds (those its contract names, else the first its columns match),
    after the rates its counts give, which come first: they can be compared with intervals."""
    columns = meta.get("columns") or {}
    names = list(dict.fromkeys(meta.get("kpi_names") or columns.values()))
    kpis = [k for k in (catalog.find_kpi(n, scope) for n in names) if k is not None]
    if kpis:
        return [*_rates_from_counts(frame, scope), *kpis]
    found = [
        k
        for k in catalog.kpis(scope)
        if k.value_key in frame.columns
        and (k.grouped_by in frame.index.names or k.grouped_by is None)
    ]
    return found[:1]


class OnDemandSource:
    """Loads what a selection needs by calling ``_read`` for the ids not read yet, cached per
    KPI and range: the half :class:`ReaderSource` and the event-archive source share.

    Examples
    --------
    >>> issubclass(ReaderSource, OnDemandSource)
    True
    """

    application_id: str
    scope: str
    id_level: str
    cache: dict[tuple, tuple[pd.DataFrame, set[str]]]

    def _read(self, selection: Selection, ids: list[str], progress: Progress) -> pd.DataFrame:
        raise NotImplementedError

    def load(self, selection: Selection, progress: Progress) -> pd.DataFrame:
        key = (selection.kpi_names, selection.start, selection.end)
        frame, fetched = self.cache.get(key, (None, set()))
        missing = [i for i in selection.ids if i not in fetched]
        if missing:
            new = self._read(selection, missing, progress)
            frame = new if frame is None else with_meta(pd.concat([frame, new]), new)
            self.cache[key] = (frame, fetched | set(missing))
        if frame is None:  # nothing selected and nothing fetched yet
            from ..frame import empty_kpi_frame

            kpi = catalog.find_kpi(selection.kpi, self.scope)
            frame = empty_kpi_frame(kpi, self.id_level)
        return with_meta(
            cut(frame, selection, self.id_level),
            frame,
            application_id=self.application_id,
            kpi_names=list(selection.kpi_names),
            scope=self.scope,
            **{f"{self.scope}_ids": list(selection.ids)},
        )


class ReaderSource(OnDemandSource):
    """The data comes from Pinpoint on demand, through the reader, cached per KPI and range.

    Campaigns or journeys (``scope``) of one project; their names come from ``names`` or from
    the project's listing (read with the same cache and connection as the KPIs).

    Parameters
    ----------
    application_id : str
        The project.
    scope : {"campaign", "journey"}, default "campaign"
        What is compared.
    names : mapping, Series or DataFrame, optional
        Names of the ids; default: the project's listing.
    client_options : ClientOptions
        How to reach Pinpoint.
    cache, offline
        As for :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`.
    reader_kwargs : mapping, optional
        Other arguments of ``read_pinpoint_kpi``.
    today : datetime.date, optional
        The day the default range (31 days) ends before. Default: the service's own date (the
        ``Date`` header of its answer to the ``GetApp`` call that also gives the project's name
        for the header: the emulator's clock, or AWS's), never the machine's clock, which after
        the shutdown (or beside a frozen emulator) has no data; offline, the machine's UTC
        date.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.client import ClientOptions
    >>> from pinpoint_kpi_pandas.widgets import ReaderSource
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     source = ReaderSource(app.id, scope="journey",
    ...                           client_options=ClientOptions(endpoint_url=emu.endpoint_url))
    >>> source.id_level, len(source.ids) == len(app.journeys)
    ('JourneyId', True)
    """

    has_dates = True  # every pick of days is read for those days

    def __init__(
        self,
        application_id: str,
        *,
        scope: str = "campaign",
        names: Any = None,
        client_options: ClientOptions,
        cache: Any = None,
        offline: bool = False,
        reader_kwargs: Mapping[str, Any] | None = None,
        today: dt.date | None = None,
    ):
        if scope not in ID_LEVEL:
            raise InvalidArgumentError(
                f"scope must be 'campaign' or 'journey' (what the dashboard compares), not "
                f"{scope!r}."
            )
        self.application_id = application_id
        self.scope = scope
        self.id_level = ID_LEVEL[scope]
        self.noun = scope
        self.client_options = client_options
        self.store = {"cache": cache, "offline": offline}
        self.reader_kwargs = dict(reader_kwargs or {})
        # (kpi names, start, end) -> (frame of the ids fetched so far, those ids)
        self.cache: dict[tuple, tuple[pd.DataFrame, set[str]]] = {}
        self.calls = 0
        # One GetApp call: the project's name for the header, and the service's date (never
        # the machine's) for the default range; it also says at once when the service is down.
        info = None if offline else describe_project(application_id, client_options=client_options)
        self.ids, self.labels = self._names(names)
        self.first_ids = self.ids[:3]
        title = project_title(application_id, info.name if info else None)
        self.subtitle = title[:1].upper() + title[1:]
        if today is None and info is not None and info.now is not None:
            today = info.now.date()
        self._today = today  # the service's date: Pinpoint answers 90 days back from it
        yesterday = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=1)
        self._bounds = (yesterday - dt.timedelta(days=30), yesterday)

    def _names(self, names: Any) -> tuple[list[str], dict[str, str]]:
        if names is not None:
            labels = name_map(names)
            self.names = dict(labels)
            return list(labels), labels
        from ..listing import list_campaigns, list_journeys

        lister = list_journeys if self.scope == "journey" else list_campaigns
        # offline with a cache: the names come from the saved listing
        listing = lister(self.application_id, client_options=self.client_options, **self.store)
        labels = name_map(listing)
        self.names = dict(labels)  # carried by the frames read (the labels add the channel)
        ids = [str(i) for i in listing.index]
        if "Channel" in listing.columns:
            channels = listing["Channel"].to_dict()
            labels = {i: with_channel(labels.get(i, i), channels.get(i)) for i in ids}
        return ids, labels

    def kpi_options(self) -> list[catalog.Kpi]:
        """Every KPI of the scope; first the rates read with their counts (intervals, tests),
        then the rates derived from counts (the click rate)."""
        every = list(catalog.kpis(self.scope))
        metrics = [k for k in every if rate_count_kpis(k, self.scope)]
        derived = list(derived_metrics(self.scope))  # the click rate, from its counts
        return [*metrics, *derived, *(k for k in every if k not in metrics)]

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """The 31 days ending the day before the service's date."""
        return self._bounds

    def fixed_range(self) -> None:
        return None

    def load(self, selection: Selection, progress: Progress) -> pd.DataFrame:
        check_range(selection, self.scope, self._today)
        return super().load(selection, progress)

    def _read(self, selection: Selection, ids: list[str], progress: Progress) -> pd.DataFrame:
        from ..reader import read_pinpoint_kpi

        plural = "s" * (len(ids) > 1)
        progress(True, f"Loading {len(ids)} {self.noun}{plural}…")
        try:
            new = read_pinpoint_kpi(
                self.application_id,
                list(selection.kpi_names),
                selection.start,
                selection.end,
                campaign_id=ids if self.scope == "campaign" else None,
                journey_id=ids if self.scope == "journey" else None,
                names=self.names,
                progress=False,
                client_options=self.client_options,
                **self.store,
                **self.reader_kwargs,
            )
            self.calls += 1
        finally:
            progress(False, "")
        return new


def service_date(client_options: ClientOptions) -> dt.date | None:
    """The service's UTC date, from the ``Date`` header of one small ``GetApps`` call.

    None when the answer has no usable date (the caller falls back to the machine's clock).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.client import ClientOptions
    >>> from pinpoint_kpi_pandas.widgets import service_date
    >>> with ppk.emulator.running() as emu:  # its clock is frozen at 2026-10-29T12:00Z
    ...     service_date(ClientOptions(endpoint_url=emu.endpoint_url))
    datetime.date(2026, 10, 29)
    """
    from ..fetch import service_error

    try:
        answer = client_options.make_client().get_apps(PageSize="1")
    except Exception as exc:  # the listing that follows would fail the same way: say it once
        raise service_error(None, exc, what="asking the service for its date") from exc
    now = answer_date(answer)
    return now.date() if now is not None else None


def cut(frame: pd.DataFrame, selection: Selection, id_level: str) -> pd.DataFrame:
    """The rows of ``frame`` for the selected ids (in selection order) and days; its contract
    asks for the selected ids only (charts mark those without rows, not the others)."""
    meta = frame_meta(frame)
    key = f"{meta.get('scope')}_ids"
    if isinstance(meta.get(key), list):
        frame = with_meta(frame, frame, **{key: [i for i in meta[key] if i in selection.ids]})
    if id_level in frame.index.names:
        ids = frame.index.get_level_values(id_level)
        frame = frame[ids.isin(selection.ids)]
        order = {i: n for n, i in enumerate(selection.ids)}
        position = frame.index.get_level_values(id_level).map(order)
        frame = frame.iloc[np.argsort(np.asarray(position), kind="stable")]
    if "Date" in frame.index.names:
        dates = pd.DatetimeIndex(frame.index.get_level_values("Date"))
        if dates.tz is not None:
            dates = dates.tz_convert("UTC").tz_localize(None)
        first = pd.Timestamp(selection.start)
        after = pd.Timestamp(selection.end) + pd.Timedelta(days=1)
        frame = frame[(dates >= first) & (dates < after)]
    return frame.copy()
