"""Jupyter widgets: :func:`compare_campaigns`, a small dashboard to click through campaigns.

The dashboard is a controller (:class:`CampaignComparison`) around one pure function,
:func:`render_comparison`: the controls' callbacks work out *what* to show (a
:class:`Selection`), load the data (from the frame given, or from Pinpoint through
:func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`, cached per KPI and range), and hand both to the
render function, which returns a matplotlib figure and a summary table and touches no widget.

Only core ipywidgets and matplotlib are used, and the chart is shown as a PNG ``Image`` widget,
so the dashboard works the same in JupyterLab, Notebook 7, VS Code and Voila.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import traceback
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import catalog
from .errors import InvalidArgumentError, PinpointKpiError
from .plan import ID_LEVEL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "CHARTS",
    "FUNNEL_KPIS",
    "CampaignComparison",
    "Selection",
    "compare_campaigns",
    "render_comparison",
    "summary_table",
]

CHARTS = ("trend", "compare", "funnel", "calendar")
"""The chart types: daily lines, one bar per campaign, the delivery funnel, a daily heat map."""

FUNNEL_KPIS = (
    "attempted-deliveries-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "direct-push-opens-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
)
"""The campaign-scope count KPIs the funnel chart reads (events add up over campaign runs)."""

_DEFAULT_KPI = "successful-delivery-rate-grouped-by-date"


@dataclass(frozen=True)
class Selection:
    """What the controls ask for; the controller's state, in the user's words.

    Attributes
    ----------
    kpi : str
        The KPI name (ignored by the funnel chart, which reads :data:`FUNNEL_KPIS`).
    ids : tuple of str
        The campaign (or journey) ids, in the order shown.
    start, end : datetime.date
        The inclusive range of UTC days.
    chart : {"trend", "compare", "funnel", "calendar"}

    Examples
    --------
    >>> import datetime as dt
    >>> from pinpoint_kpi_pandas.widgets import Selection
    >>> pick = Selection("email-open-rate-grouped-by-campaign-activity", ("c1", "c2"),
    ...                  dt.date(2026, 10, 1), dt.date(2026, 10, 28), "funnel")
    >>> pick.kpi_names[0]
    'attempted-deliveries-grouped-by-campaign-activity'
    """

    kpi: str
    ids: tuple[str, ...]
    start: dt.date
    end: dt.date
    chart: str

    @property
    def kpi_names(self) -> tuple[str, ...]:
        """The KPIs to load for this selection."""
        return FUNNEL_KPIS if self.chart == "funnel" else (self.kpi,)


# --- the pure part: data in, figure and table out --------------------------------------------


def render_comparison(
    data: pd.DataFrame,
    *,
    kpi: catalog.Kpi | None,
    chart: str,
    labels: Mapping[str, str] | None = None,
    id_level: str = "CampaignId",
    ids: Sequence[str] | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Draw one chart of campaigns side by side, and the table that goes under it.

    A pure function: it reads ``data`` and returns new objects; no widget, no I/O, no pyplot
    figure manager (the figure is a bare :class:`matplotlib.figure.Figure`, so a notebook never
    shows it twice). The charts are those of :mod:`pinpoint_kpi_pandas.plotting`.

    Parameters
    ----------
    data : pandas.DataFrame
        A KPI frame whose first index level is ``id_level``, already cut to the campaigns and
        days to show.
    kpi : Kpi or None
        The KPI of the column to draw (None for the funnel).
    chart : {"trend", "compare", "funnel", "calendar"}
        ``trend``: :func:`~pinpoint_kpi_pandas.plotting.plot_trend` (needs a
        ``-grouped-by-date`` KPI); ``compare``:
        :func:`~pinpoint_kpi_pandas.plotting.plot_compare`, the first campaign as baseline;
        ``funnel``: :func:`~pinpoint_kpi_pandas.plotting.plot_funnel` (needs the
        :data:`FUNNEL_KPIS` columns); ``calendar``:
        :func:`~pinpoint_kpi_pandas.plotting.plot_calendar`.
    labels : mapping of id to name, optional
        Campaign names for legends and the table; ids are shown where missing.
    id_level : str, default "CampaignId"
        The index level holding the ids.
    ids : sequence of str, optional
        The campaigns selected, in order, including those without data in ``data`` (they get
        an empty row in the table). Default: the ids in ``data``.

    Returns
    -------
    (matplotlib.figure.Figure, pandas.DataFrame)
        The figure and :func:`summary_table` of ``data``.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.widgets import render_comparison
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     df = ppk.read_pinpoint_kpi(
    ...         app.id, "successful-delivery-rate-grouped-by-date", "2026-10-01", "2026-10-28",
    ...         campaign_id=[c.id for c in app.campaigns[1:4]], endpoint_url=emu.endpoint_url)
    >>> kpi = ppk.catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    >>> figure, table = render_comparison(df, kpi=kpi, chart="trend")
    >>> len(figure.axes[0].lines), len(table)
    (3, 3)

    Raises
    ------
    InvalidArgumentError
        The chart cannot be drawn from this data (e.g. ``trend`` of a KPI without dates); the
        message says which KPI or chart to pick instead.
    """
    from matplotlib.figure import Figure

    from . import plotting

    if chart not in CHARTS:
        raise InvalidArgumentError(f"chart must be one of {CHARTS}, not {chart!r}.")
    if chart != "funnel" and kpi is None:
        raise InvalidArgumentError("pick a KPI to chart.")
    if chart in ("trend", "calendar"):
        _require_dates(data, kpi, chart)
    labels = dict(labels or {})
    ids = list(ids) if ids is not None else _ids_in(data, id_level)
    table = summary_table(data, kpi=kpi, chart=chart, labels=labels, id_level=id_level, ids=ids)

    rows = max(len(ids), 1)
    height = {
        "trend": 4.4,
        "compare": max(2.8, 0.42 * rows + 1.9),
        "funnel": max(3.2, 0.62 * rows + 1.7),
        "calendar": max(2.8, 0.36 * rows + 1.9),
    }[chart]
    figure = Figure(figsize=(10, height), layout="constrained")
    ax = figure.subplots()
    present = _ids_in(data, id_level)
    column = None if kpi is None else kpi.value_key
    if chart != "funnel" and present and column in data.columns:
        # Only campaigns with a value get a line, bar or row.
        has_value = data[column].notna().groupby(level=id_level, sort=False).any()
        present = [i for i in present if has_value.get(i, False)]
    if not present:
        ax.text(
            0.5,
            0.5,
            "No data for this selection: pick other campaigns or days.",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.35",
        )
        ax.set_axis_off()
    elif chart == "trend":
        plotting.plot_trend(data, column, names=labels, ax=ax)
    elif chart == "compare":
        plotting.plot_compare(
            _comparison(data, kpi, id_level, baseline=present[0]), names=labels, ax=ax
        )
    elif chart == "funnel":
        plotting.plot_funnel(data, by=id_level, names=labels, ax=ax)
    else:
        plotting.plot_calendar(data, column, names=labels, ax=ax)
    return figure, table


def summary_table(
    data: pd.DataFrame,
    *,
    kpi: catalog.Kpi | None,
    chart: str = "compare",
    labels: Mapping[str, str] | None = None,
    id_level: str = "CampaignId",
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per campaign: the comparison table, or the funnel's stage totals.

    For every chart but the funnel this is :meth:`df.pinpoint.compare()
    <pinpoint_kpi_pandas.accessor.PinpointAccessor.compare>` against the first campaign with
    data: counts are totalled; rates with their counts get Wilson intervals and tests; rates,
    unique counts and averages without them are averaged over the rows, unweighted, and the
    ``note`` column says so. The funnel gives each stage's total and the share of the stage
    before it that reached it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Campaign`` (the name, or the id where no name is known), one row per id of
        ``ids`` (default: the ids in ``data``), in the order of the comparison (largest first);
        campaigns without data come last with an empty row. ``attrs["value_kind"]`` is the
        KPI's kind; ``attrs["unweighted_mean_of"]`` says what an unweighted mean averaged (the
        value column is then headed ``"<key> (unweighted mean)"``), else None.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.widgets import summary_table
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     df = ppk.read_pinpoint_kpi(
    ...         app.id, "unique-deliveries-grouped-by-date", "2026-10-01", "2026-10-28",
    ...         campaign_id=[c.id for c in app.campaigns[1:3]], endpoint_url=emu.endpoint_url)
    >>> kpi = ppk.catalog.get_kpi("unique-deliveries-grouped-by-date", "campaign")
    >>> summary_table(df, kpi=kpi).index.name
    'Campaign'
    """
    from . import accessor

    labels = dict(labels or {})
    ids = list(ids) if ids is not None else _ids_in(data, id_level)
    mean_of = None
    if chart == "funnel":
        table = _funnel_table(data, ids, id_level)
        kind = "count"
    else:
        if kpi is None:
            raise InvalidArgumentError("pick a KPI to summarise.")
        if kpi.value_key not in data.columns:
            raise InvalidArgumentError(
                f"the data has no {kpi.value_key} column "
                f"(columns: {', '.join(map(str, data.columns))})."
            )
        values = data[kpi.value_key].notna().groupby(level=id_level, sort=False).any()
        with_data = [i for i in ids if values.get(i, False)]
        if with_data:
            table = _comparison(data, kpi, id_level, baseline=with_data[0])
            mean_of = table.attrs["pinpoint"]["compare"].get("unweighted_mean_of")
            table = table[table.index.isin(ids)]
        else:
            table = pd.DataFrame({kpi.value_key: [], "note": []}, index=pd.Index([], dtype="str"))
        kind = kpi.kind
        table = table.reindex([*table.index, *(i for i in ids if i not in table.index)])
        if "note" in table.columns:
            table["note"] = table["note"].astype(object).fillna("no data in this range")
        if "baseline" in table.columns:
            table["baseline"] = table["baseline"].fillna(False).astype(bool)
    names = accessor._unique_names([str(i) for i in table.index], labels)
    table.index = pd.Index([names.get(str(i), _short_id(str(i))) for i in table.index])
    table.index.name = "Campaign"
    table.attrs = {
        "chart": chart,
        "value_kind": kind,
        "value_unit": getattr(kpi, "unit", "events"),
        "unweighted_mean_of": mean_of,
    }
    return table


def _comparison(data, kpi, id_level, *, baseline) -> pd.DataFrame:
    from . import accessor

    return accessor.compare(
        data,
        baseline,
        kpi.value_key,
        by=id_level,
        # Rates without their counts, and distinct-endpoint counts, cannot be totalled: the
        # table shows their unweighted mean over days (or runs), and its note says so.
        unweighted_mean=not kpi.is_additive,
    )


def _funnel_table(data: pd.DataFrame, ids: list[str], id_level: str) -> pd.DataFrame:
    from .plotting import FUNNEL_STAGES, funnel_totals

    missing = [keys[0] for _, keys in FUNNEL_STAGES if not any(k in data.columns for k in keys)]
    if missing:
        raise InvalidArgumentError(
            f"the funnel needs the columns {', '.join(missing)}; read the KPIs "
            f"{', '.join(FUNNEL_KPIS)} for these campaigns (or pick another chart)."
        )
    # The chart's own totals: a stage without data is NaN ("no data"), never 0.
    totals = funnel_totals(data, id_level, FUNNEL_STAGES).reindex(ids)
    totals.index.name = id_level
    # Counts shown as integers, with <NA> where a stage has no data.
    table = totals.astype("Int64") if (totals.fillna(0) % 1 == 0).all().all() else totals.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for (before, _), (after, _) in itertools.pairwise(FUNNEL_STAGES):
            share = totals[after] / totals[before].where(totals[before] > 0)
            table[f"{after} / {before}"] = share
    return table


def _require_dates(data: pd.DataFrame, kpi: catalog.Kpi | None, chart: str) -> None:
    if "Date" in data.index.names:
        return
    name = kpi.name if kpi else "this KPI"
    better = catalog.date_variant(kpi.name, kpi.scope) if kpi else None
    fix = f"pick {better.title!r} ({better.name})" if better else "pick a KPI 'grouped by date'"
    raise InvalidArgumentError(
        f"a {chart} chart needs one value per day, and {name} has none; {fix}, or choose the "
        "compare chart."
    )


def _ids_in(data: pd.DataFrame, id_level: str) -> list[str]:
    if id_level not in data.index.names:
        return []
    return list(dict.fromkeys(data.index.get_level_values(id_level)))


def _short_id(value: str) -> str:
    return value if len(value) <= 10 else value[:8] + "…"


# --- data sources ------------------------------------------------------------------------------


class _FrameSource:
    """The data is a frame the user already has: load means cut."""

    def __init__(self, frame: pd.DataFrame):
        meta = dict(frame.attrs.get("pinpoint") or {})
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
        self.frame = frame
        self.meta = meta
        self.scope = scope
        self.id_level = id_level
        self.application_id = meta.get("application_id")
        columns = meta.get("columns") or {}
        names = list(dict.fromkeys(meta.get("kpi_names") or columns.values()))
        self.kpis = [k for k in (catalog.find_kpi(n, scope) for n in names) if k is not None]
        if not self.kpis:
            self.kpis = [
                k
                for k in catalog.kpis(scope)
                if k.value_key in frame.columns
                and (k.grouped_by in frame.index.names or k.grouped_by is None)
            ][:1]
        self.ids = list(dict.fromkeys(frame.index.get_level_values(id_level)))
        # Without a Date level the numbers are for the range the frame was read for, whatever
        # days are picked.
        self.has_dates = "Date" in frame.index.names

    def fixed_range(self) -> tuple[dt.date | None, dt.date | None] | None:
        """The frame's own range when the days cannot be chosen (no Date level), else None."""
        return None if self.has_dates else self.date_bounds()

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        if "Date" in self.frame.index.names and len(self.frame):
            dates = self.frame.index.get_level_values("Date")
            return dates.min().date(), dates.max().date()
        start, end = self.meta.get("start_time"), self.meta.get("end_time")
        return (
            pd.Timestamp(start).date() if start else None,
            pd.Timestamp(end).date() if end else None,
        )

    def kpi_options(self) -> list[catalog.Kpi]:
        return self.kpis

    def load(self, selection: Selection, progress) -> pd.DataFrame:
        frame = self.frame
        if selection.chart != "funnel":
            kpi = catalog.find_kpi(selection.kpi, self.scope)
            if kpi is not None and kpi.value_key in frame.columns:
                frame = frame[[kpi.value_key]]
        frame = _cut(frame, selection, self.id_level)
        meta = {**self.meta, f"{self.scope}_ids": list(selection.ids)}
        if self.has_dates:
            meta["start_time"] = f"{selection.start.isoformat()}T00:00:00Z"
            meta["end_time"] = f"{selection.end.isoformat()}T23:59:59Z"
        frame.attrs["pinpoint"] = meta
        return frame


class _ReaderSource:
    """The data comes from Pinpoint on demand, through the reader, cached per KPI and range."""

    scope = "campaign"
    id_level = "CampaignId"
    has_dates = True  # every pick of days is read for those days

    def __init__(self, application_id: str, reader_kwargs: dict):
        self.application_id = application_id
        self.reader_kwargs = reader_kwargs
        # (kpi names, start, end) -> (frame of the ids fetched so far, those ids)
        self.cache: dict[tuple, tuple[pd.DataFrame, set[str]]] = {}
        self.calls = 0

    def kpi_options(self) -> list[catalog.Kpi]:
        return list(catalog.kpis(self.scope))

    def fixed_range(self) -> None:
        return None

    def load(self, selection: Selection, progress) -> pd.DataFrame:
        from .reader import read_pinpoint_kpi

        key = (selection.kpi_names, selection.start, selection.end)
        frame, fetched = self.cache.get(key, (None, set()))
        missing = [i for i in selection.ids if i not in fetched]
        if missing:
            progress(True, f"Loading {len(missing)} campaign{'s' * (len(missing) > 1)}…")
            try:
                new = read_pinpoint_kpi(
                    self.application_id,
                    list(selection.kpi_names),
                    selection.start,
                    selection.end,
                    campaign_id=missing,
                    progress=False,
                    **self.reader_kwargs,
                )
                self.calls += 1
            finally:
                progress(False, "")
            meta = new.attrs.get("pinpoint", {})
            frame = new if frame is None else pd.concat([frame, new])
            frame.attrs["pinpoint"] = meta
            self.cache[key] = (frame, fetched | set(missing))
        if frame is None:  # nothing selected and nothing fetched yet
            from .frame import empty_kpi_frame

            kpi = catalog.find_kpi(selection.kpi, self.scope)
            frame = empty_kpi_frame(kpi, self.id_level)
        meta = dict(frame.attrs.get("pinpoint") or {})
        result = _cut(frame, selection, self.id_level)
        result.attrs["pinpoint"] = {
            **meta,
            "application_id": self.application_id,
            "kpi_names": list(selection.kpi_names),
            "scope": self.scope,
            "campaign_ids": list(selection.ids),
        }
        return result


def _cut(frame: pd.DataFrame, selection: Selection, id_level: str) -> pd.DataFrame:
    """The rows of ``frame`` for the selected ids (in selection order) and days."""
    if id_level in frame.index.names:
        ids = frame.index.get_level_values(id_level)
        frame = frame[ids.isin(selection.ids)]
        order = {i: n for n, i in enumerate(selection.ids)}
        position = frame.index.get_level_values(id_level).map(order)
        frame = frame.iloc[np.argsort(np.asarray(position), kind="stable")]
    if "Date" in frame.index.names:
        dates = frame.index.get_level_values("Date")
        if getattr(dates, "tz", None) is not None:
            dates = dates.tz_convert("UTC").tz_localize(None)
        first = pd.Timestamp(selection.start)
        after = pd.Timestamp(selection.end) + pd.Timedelta(days=1)
        frame = frame[(dates >= first) & (dates < after)]
    return frame.copy()


# --- the controller ----------------------------------------------------------------------------


_CSS = """
<style>
.ppk-dash { font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
.ppk-head { font-size: 18px; font-weight: 600; color: #1f2a37; margin: 0; }
.ppk-sub { font-size: 12px; color: #5b6675; margin-top: 2px; }
.ppk-caption { font-size: 13px; color: #334155; }
.ppk-caption b { color: #0f172a; }
.ppk-msg { border-radius: 6px; padding: 8px 12px; font-size: 13px; white-space: pre-wrap;
           line-height: 1.35; }
.ppk-error { background: #fdecec; border: 1px solid #f3b4b4; color: #8a1c1c; }
.ppk-notice { background: #fff7e0; border: 1px solid #f1d48a; color: #6b4e00; }
table.ppk-table { border-collapse: collapse; font-size: 13px; min-width: 60%; }
table.ppk-table th, table.ppk-table td { padding: 5px 12px; border-bottom: 1px solid #e5e7eb; }
table.ppk-table th { text-align: right; color: #475569; font-weight: 600; background: #f8fafc; }
table.ppk-table th:first-child, table.ppk-table td:first-child { text-align: left; }
table.ppk-table td { text-align: right; font-variant-numeric: tabular-nums; }
table.ppk-table tr:hover td { background: #f1f5f9; }
table.ppk-has-note td:last-child, table.ppk-has-note th:last-child { text-align: left; }
</style>
"""


_NO_DATES = (
    "The data has no Date level (its KPI is not grouped by date), so its numbers cover the "
    "range it was read for; read a '-grouped-by-date' KPI to pick days."
)


@dataclass
class _State:
    frame: pd.DataFrame | None = None
    figure: Any = None
    table: pd.DataFrame | None = None
    png: bytes = b""
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


class CampaignComparison:
    """A campaign-comparison dashboard; made by :func:`compare_campaigns`.

    Displaying the object in a notebook shows the dashboard. Set ``.value`` on the widgets in
    :attr:`controls` (from code or by clicking) and the chart and table follow.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``"campaigns"`` (SelectMultiple of ids, labelled by name), ``"kpi"`` (Dropdown of KPI
        names, labelled by title), ``"start"`` and ``"end"`` (DatePicker), ``"chart"``
        (ToggleButtons).
    widget : ipywidgets.VBox
        The whole dashboard, to place inside your own layout.
    frame : pandas.DataFrame or None
        The data currently shown.
    figure : matplotlib.figure.Figure or None
        The chart currently shown.
    table : pandas.DataFrame or None
        The summary table currently shown (see :func:`summary_table`).
    error : str or None
        The message shown in the error box, if any.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     dash = ppk.widgets.compare_campaigns(
    ...         app.id, start_time="2026-10-01", end_time="2026-10-28",
    ...         endpoint_url=emu.endpoint_url)
    ...     first = dash.figure
    ...     dash.controls["chart"].value = "calendar"
    >>> dash.figure is not first, dash.error is None
    (True, True)
    """

    def __init__(
        self,
        source: _FrameSource | _ReaderSource,
        *,
        kpi: str | None,
        start: dt.date,
        end: dt.date,
        chart: str,
        ids: Sequence[str],
        options: Sequence[tuple[str, str]],
        labels: Mapping[str, str],
        subtitle: str,
    ):
        import ipywidgets as w

        self._source = source
        self._labels = dict(labels)
        self._state = _State()
        kpis = source.kpi_options()
        kpi_names = [k.name for k in kpis]
        if kpi is None:
            kpi = _DEFAULT_KPI if _DEFAULT_KPI in kpi_names else kpi_names[0]
        if kpi not in kpi_names:
            catalog.get_kpi(kpi, source.scope)  # raises the catalog's own message
            raise InvalidArgumentError(
                f"kpi={kpi!r} is not in the frame; it holds {', '.join(kpi_names)}."
            )
        label_style = {"description_width": "80px"}
        self.controls: dict[str, Any] = {
            "campaigns": w.SelectMultiple(
                options=list(options),
                value=tuple(ids),
                rows=min(max(len(options), 4), 10),
                description="Campaigns",
                style=label_style,
                layout=w.Layout(width="360px", margin="0 16px 0 0"),
            ),
            "kpi": w.Dropdown(
                options=[(k.title, k.name) for k in kpis],
                value=kpi,
                description="KPI",
                style=label_style,
                layout=w.Layout(width="420px"),
            ),
            "start": w.DatePicker(
                value=start, description="From", style=label_style, layout=w.Layout(width="240px")
            ),
            "end": w.DatePicker(
                value=end, description="To", style=label_style, layout=w.Layout(width="240px")
            ),
            "chart": w.ToggleButtons(
                options=[(c.capitalize(), c) for c in CHARTS],
                value=chart,
                description="Chart",
                style={**label_style, "button_width": "82px"},
                tooltips=[
                    "Daily values, one line per campaign",
                    "One bar per campaign, with a 95% interval",
                    "Sent, delivered, opened, clicked",
                    "Daily values as a heat map",
                ],
            ),
        }
        self._progress = w.IntProgress(
            value=0,
            min=0,
            max=1,
            description="Loading…",
            bar_style="info",
            style={"description_width": "70px"},
            layout=w.Layout(width="300px", visibility="hidden"),
        )
        self._message = w.HTML(layout=w.Layout(display="none", width="100%"))
        self._caption = w.HTML()
        self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="900px"))
        self._table_html = w.HTML()
        self._out = w.Output()  # catches anything printed or raised outside our own handler
        header = w.HTML(
            f"{_CSS}<div class='ppk-dash'><p class='ppk-head'>Campaign comparison</p>"
            f"<div class='ppk-sub'>{html.escape(subtitle)}</div></div>"
        )
        c = self.controls
        if source.fixed_range() is not None:
            for picker in (c["start"], c["end"]):
                picker.disabled = True
                picker.tooltip = _NO_DATES
        right = w.VBox([c["kpi"], w.HBox([c["start"], c["end"]]), c["chart"], self._progress])
        self.widget = w.VBox(
            [
                header,
                w.HBox([c["campaigns"], right], layout=w.Layout(flex_flow="row wrap")),
                self._message,
                self._caption,
                self._image,
                self._table_html,
                self._out,
            ],
            layout=w.Layout(padding="4px"),
        )
        self.widget.add_class("ppk-dash")
        for control in c.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    # What tests and users read.
    @property
    def frame(self) -> pd.DataFrame | None:
        return self._state.frame

    @property
    def figure(self) -> Figure | None:
        return self._state.figure

    @property
    def table(self) -> pd.DataFrame | None:
        return self._state.table

    @property
    def png(self) -> bytes:
        """The chart as PNG bytes (what the dashboard shows)."""
        return self._state.png

    @property
    def error(self) -> str | None:
        return self._state.error

    @property
    def selection(self) -> Selection:
        """The current state of the controls."""
        c = self.controls
        return Selection(
            kpi=c["kpi"].value,
            ids=tuple(c["campaigns"].value),
            start=c["start"].value,
            end=c["end"].value,
            chart=c["chart"].value,
        )

    def _on_change(self, change) -> None:
        # Errors must reach the user, not a log no one reads: refresh() shows them in the
        # widget, and the Output catches anything else.
        with self._out:
            self.refresh()

    def refresh(self) -> None:
        """Load the data for the current selection and redraw the chart and table."""
        self.controls["kpi"].disabled = self.controls["chart"].value == "funnel"
        state = _State()
        try:
            selection = self.selection
            _check_selection(selection)
            # Warnings (failed requests, incomplete frames) go in the notice box, once each.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                state.frame = self._source.load(selection, self._show_progress)
                kpi = (
                    None
                    if selection.chart == "funnel"
                    else catalog.find_kpi(selection.kpi, self._source.scope)
                )
                state.figure, state.table = render_comparison(
                    state.frame,
                    kpi=kpi,
                    chart=selection.chart,
                    labels=self._labels,
                    id_level=self._source.id_level,
                    ids=selection.ids,
                )
            state.warnings = list(dict.fromkeys(str(c.message) for c in caught))
            buffer = io.BytesIO()
            state.figure.savefig(buffer, format="png", dpi=96, facecolor="white")
            state.png = buffer.getvalue()
        except PinpointKpiError as exc:
            state.error = str(exc)
        except Exception as exc:  # a bug or an unexpected failure: still show it, with a trace
            state.error = f"{type(exc).__name__}: {exc}\n\n" + "".join(
                traceback.format_exception(exc)[-6:]
            )
        self._state = state
        self._show(state)

    def _show_progress(self, busy: bool, text: str) -> None:
        self._progress.layout.visibility = "visible" if busy else "hidden"
        self._progress.value = 0
        self._progress.description = text[:40] or "Loading…"
        self._progress.bar_style = "info"

    def _show(self, state: _State) -> None:
        if state.error:
            self._message.value = (
                f"{_CSS}<div class='ppk-msg ppk-error'><b>Could not draw this view.</b> "
                f"{html.escape(state.error)}</div>"
            )
            self._message.layout.display = "block"
            self._caption.value = ""
            self._image.layout.display = "none"
            self._table_html.value = ""
            return
        if state.warnings:
            text = "\n".join(state.warnings)
            self._message.value = f"{_CSS}<div class='ppk-msg ppk-notice'>{html.escape(text)}</div>"
            self._message.layout.display = "block"
        else:
            self._message.value = ""
            self._message.layout.display = "none"
        self._caption.value = _caption(self.selection, state, self._source)
        self._image.value = state.png
        self._image.layout.display = "block"
        self._table_html.value = _CSS + table_html(state.table)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        selection = self.selection
        start, end = _shown_range(selection, self._source)
        return (
            f"<CampaignComparison {selection.chart} of {selection.kpi} for "
            f"{len(selection.ids)} campaigns, {start}..{end}>"
        )


def _check_selection(selection: Selection) -> None:
    if selection.start is None or selection.end is None:
        raise InvalidArgumentError("pick both a first and a last day.")
    if selection.start > selection.end:
        raise InvalidArgumentError(
            f"the first day ({selection.start}) is after the last ({selection.end}); swap them."
        )
    if not selection.ids:
        raise InvalidArgumentError("select at least one campaign (Ctrl/Cmd-click for several).")


def _caption(selection: Selection, state: _State, source) -> str:
    what = (
        "Delivery funnel"
        if selection.chart == "funnel"
        else (catalog.find_kpi(selection.kpi, source.scope) or selection).title
    )
    mean_of = state.table.attrs.get("unweighted_mean_of") if state.table is not None else None
    # A mean of daily rates is not the campaign's rate: say so wherever the table shows one.
    table_note = f" · table: {html.escape(mean_of)}" if mean_of else ""
    n = len(selection.ids)
    start, end = _shown_range(selection, source)
    span = f"{start:%d %b %Y} – {end:%d %b %Y} (UTC)" if start and end else "range unknown"
    if source.fixed_range() is not None:
        span += " (the data has no days to pick)"
    return (
        "<div class='ppk-caption'>"
        f"<b>{html.escape(what)}</b> · {n} campaign{'s' * (n != 1)} · {span} · "
        f"{len(state.frame) if state.frame is not None else 0} rows{table_note}</div>"
    )


def _shown_range(selection: Selection, source) -> tuple[dt.date | None, dt.date | None]:
    """The days the numbers cover: the pickers', or the frame's own when it has no days."""
    fixed = source.fixed_range()
    return fixed if fixed is not None else (selection.start, selection.end)


def table_html(table: pd.DataFrame | None) -> str:
    """The summary table as HTML: rates as percentages, differences of rates in percentage
    points, counts with thousands separators; the test statistics a reader rarely needs
    (``z``, unadjusted ``p_value``, ``ratio``, ``baseline``) are left out."""
    if table is None:
        return ""
    kind = table.attrs.get("value_kind")
    shown = table.drop(columns=["z", "p_value", "ratio", "baseline"], errors="ignore")
    if {"ci_low", "ci_high"} <= set(shown.columns):
        interval = [
            "–" if pd.isna(low) else f"{_rate(low)} – {_rate(high)}"
            for low, high in zip(shown["ci_low"], shown["ci_high"], strict=True)
        ]
        position = shown.columns.get_loc("ci_low")
        shown = shown.drop(columns=["ci_low", "ci_high"])
        shown.insert(position, "95% interval", interval)
    formatters: dict[str, Any] = {}
    for number, column in enumerate(shown.columns):
        if column in ("note", "95% interval"):
            formatters[column] = str
        elif " / " in column:
            formatters[column] = _rate
        elif column == "p_adjusted":
            formatters[column] = lambda v: "–" if pd.isna(v) else f"{v:.3g}"
        elif column == "difference":
            formatters[column] = _points if kind == "rate" else _signed
        elif number == 0 and kind == "rate":
            formatters[column] = _rate
        elif table.attrs.get("chart") == "funnel":
            # The chart's words for a stage without data (to_html would put na_rep there).
            shown[column] = [_number(v) if pd.notna(v) else "no data" for v in shown[column]]
            formatters[column] = str
        else:
            formatters[column] = _number
    renamed = {"p_adjusted": "p (Holm)", "difference": "vs baseline"}
    classes = ["ppk-table", *(["ppk-has-note"] if "note" in shown.columns else [])]
    name = shown.index.name or "Campaign"
    shown = shown.reset_index(names=name)
    formatters[name] = str
    html_text = shown.to_html(
        classes=classes, border=0, formatters=formatters, escape=True, na_rep="–", index=False
    )
    for old, new in renamed.items():
        html_text = html_text.replace(f"<th>{old}</th>", f"<th>{new}</th>")
    return html_text


def _rate(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.2%}"


def _points(value: float) -> str:
    return "–" if pd.isna(value) else f"{value * 100:+.2f} pp"


def _signed(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:+,.0f}" if abs(value) >= 100 else f"{value:+,.3g}"


def _number(value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.3g}"


# --- the entry point ---------------------------------------------------------------------------


def compare_campaigns(
    source: pd.DataFrame | str,
    *,
    kpi: str | None = None,
    start_time: Any = None,
    end_time: Any = None,
    chart: str | None = None,
    campaigns: Sequence[str] | None = None,
    names: Mapping[str, str] | pd.DataFrame | pd.Series | None = None,
    **reader_kwargs: Any,
) -> CampaignComparison:
    """A dashboard to compare campaigns: pick campaigns, a KPI, days and a chart.

    Parameters
    ----------
    source : DataFrame or str
        A frame from :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` (or
        :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi_json`) read with a list of campaign ids,
        or an application (project) id: then every KPI of the campaign scope can be picked, and
        data is fetched when needed (each KPI and range once).
    kpi : str, optional
        The KPI shown first. Default: ``successful-delivery-rate-grouped-by-date`` when
        available, else the frame's first KPI.
    start_time, end_time : date-like, optional
        The first and last UTC day shown. Default: the frame's days; for an application id, the
        31 days ending yesterday.
    chart : {"trend", "compare", "funnel", "calendar"}, optional
        The chart shown first. Default: ``"trend"``, or ``"compare"`` for a frame without a
        ``Date`` level (whose date pickers are then disabled: its numbers cover the range it
        was read for).
    campaigns : list of str, optional
        The campaign ids (or names) selected first. Default: every campaign of the frame, or
        the first three of the project.
    names : mapping of id to name, or DataFrame with a ``Name`` column, optional
        Campaign names for the selector, legends and table (e.g. the result of
        :func:`~pinpoint_kpi_pandas.list_campaigns`). Default: fetched with ``list_campaigns``
        for an application id; the ids for a frame.
    **reader_kwargs
        Passed to :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` when fetching (``cache=``,
        ``offline=``, ``endpoint_url=``, ``boto3_session=``, ...).

    Returns
    -------
    CampaignComparison
        Shows the dashboard when displayed; ``.frame``, ``.figure`` and ``.table`` hold what it
        shows, ``.controls`` its widgets.

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
    if isinstance(source, pd.DataFrame):
        if reader_kwargs:
            raise InvalidArgumentError(
                f"reader options ({', '.join(sorted(reader_kwargs))}) only apply when source is "
                "an application id; a frame is shown as it is."
            )
        data_source: _FrameSource | _ReaderSource = _FrameSource(source)
        all_ids = data_source.ids
        labels = _names_mapping(names)
        first, last = data_source.date_bounds()
        subtitle = f"{data_source.scope.capitalize()}s of project {data_source.application_id}"
    elif isinstance(source, str):
        for taken in ("campaign_id", "journey_id", "kpi_name"):
            if taken in reader_kwargs:
                raise InvalidArgumentError(
                    f"{taken}= is chosen in the dashboard; pass campaigns= for the first "
                    "selection instead."
                )
        data_source = _ReaderSource(source, reader_kwargs)
        listing = None
        if names is None:
            from .listing import list_campaigns

            client_kwargs = {  # offline with a cache: the names come from the saved listing
                k: reader_kwargs[k]
                for k in (
                    "cache", "offline", "client", "region_name", "endpoint_url", "boto3_session"
                )
                if k in reader_kwargs
            }  # fmt: skip
            listing = list_campaigns(source, **client_kwargs)
            names = listing
        labels = _names_mapping(names)
        all_ids = list(listing.index) if listing is not None else list(labels)
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        first, last = yesterday - dt.timedelta(days=30), yesterday
        subtitle = f"Project {source}"
        if listing is not None and "Channel" in listing.columns:
            channels = listing["Channel"].to_dict()
            labels = {
                i: f"{labels.get(i, i)} ({channels[i].lower()})" if channels.get(i) else labels[i]
                for i in all_ids
            }
    else:
        raise InvalidArgumentError(
            f"source must be a KPI DataFrame or an application id (str), not "
            f"{type(source).__name__}."
        )
    if not all_ids:
        raise InvalidArgumentError("there are no campaigns to compare.")

    start = _day(start_time, "start_time") or first
    end = _day(end_time, "end_time") or last
    if start is None or end is None:
        raise InvalidArgumentError("pass start_time= and end_time=: the frame has no dates.")

    by_name = {v: k for k, v in labels.items()}
    if campaigns is None:
        chosen = all_ids if isinstance(source, pd.DataFrame) else all_ids[:3]
    else:
        chosen = [
            by_name.get(c, c) for c in ([campaigns] if isinstance(campaigns, str) else campaigns)
        ]
        unknown = [c for c in chosen if c not in all_ids]
        if unknown:
            raise InvalidArgumentError(
                f"campaigns {unknown} are not among the {len(all_ids)} campaigns available."
            )
    options = [(labels.get(i) or _short_id(i), i) for i in all_ids]
    if chart is None:
        chart = "trend" if data_source.has_dates else "compare"
    return CampaignComparison(
        data_source,
        kpi=kpi,
        start=start,
        end=end,
        chart=chart,
        ids=chosen,
        options=options,
        labels=labels,
        subtitle=subtitle,
    )


def _names_mapping(names) -> dict[str, str]:
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        if "Name" not in names.columns:
            raise InvalidArgumentError("names: a DataFrame needs a 'Name' column, indexed by id.")
        names = names["Name"]
    if isinstance(names, pd.Series):
        names = names.to_dict()
    if not isinstance(names, Mapping):
        raise InvalidArgumentError("names must map ids to names (a dict, Series or DataFrame).")
    return {str(k): str(v) for k, v in names.items() if v is not None}


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
