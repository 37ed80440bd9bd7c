"""The trend chart: one line per campaign (or journey) over dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..analysis import (
    LEVEL_TITLES,
    UNWEIGHTED_SUFFIX,
    frame_contract,
    ids_without_rows,
    namer,
    trend_lines,
)
from ..analysis import resample as resample_frame
from ._style import (
    axes_for,
    axis_label,
    chart_title,
    finish_axes,
    legend_outside,
    mean_of,
    percent_axis,
    style,
    with_range,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_trend"]

_PERIODS = {"W": "weekly", "MS": "monthly", "ME": "monthly", "D": "daily"}


def plot_trend(
    data: pd.DataFrame,
    metric: str | None = None,
    *,
    names: Any = None,
    resample: str | None = None,
    unweighted_mean: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
    marker: str | None = "o",
    **kwargs: Any,
) -> Axes:
    """One line per campaign (or journey) over dates.

    Parameters
    ----------
    data : pandas.DataFrame
        A KPI frame with a ``Date`` level; every other level (e.g. ``CampaignId``) gives one
        line per value.
    metric : str, optional
        The column to draw (a rate may also be computed from its counts). Default: the first
        rate, else the first KPI column.
    names : mapping, Series or DataFrame, optional
        Names for the legend (``{id: name}`` or :func:`~pinpoint_kpi_pandas.list_campaigns`'
        frame). A frame relabelled with ``df.pinpoint.label()`` needs none.
    resample : str, optional
        Aggregate first with :func:`pinpoint_kpi_pandas.accessor.resample` (e.g. ``"W"``):
        counts summed, rates recomputed from their counts (or refused).
    unweighted_mean : bool, default False
        Passed to the resampling: allow a clearly labelled mean of daily rates or unique counts.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    title : str, optional
        Default: the KPI's title from the catalog and the date range.
    marker : str or None, default "o"
        Marker of each point, so days standing alone (campaigns that send on some days only)
        stay visible; lines break where a campaign has no data. Days that were not final when
        Pinpoint answered (``attrs["pinpoint"]["provisional_days"]``) are drawn hollow, and
        ids asked for that had no data are listed in the legend as ``"<name> (no data)"``.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for every line (e.g. ``linewidth=2``),
        over the chart's own choices.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> idx = pd.MultiIndex.from_product(
    ...     [["c1", "c2"], pd.date_range("2026-08-01", periods=3)], names=["CampaignId", "Date"])
    >>> df = pd.DataFrame({"SuccessfulDeliveryRate": [.9, .92, .91, .8, .82, .85]}, index=idx)
    >>> ax = df.pinpoint.plot(names={"c1": "Welcome", "c2": "Sale"}, linewidth=2)
    >>> [t.get_text() for t in ax.get_legend().get_texts()], ax.lines[0].get_linewidth()
    (['Welcome', 'Sale'], 2.0)
    """
    df = data
    if resample is not None:
        df = resample_frame(df, resample, unweighted_mean=unweighted_mean)
        renamed = f"{metric}{UNWEIGHTED_SUFFIX}"
        if metric is not None and metric not in df.columns and renamed in df.columns:
            metric = renamed
    prepared = trend_lines(df, metric)
    kpi, metric = prepared.metric.kpi, prepared.metric.name
    ax = axes_for(ax, (10, 4.8))
    name = namer(names)
    provisional = pd.DatetimeIndex([] if resample else frame_contract(data).provisional_days)
    hollow = False
    for i, (key, line) in enumerate(prepared.lines):
        label = name(key) if key is not None else chart_title(kpi, metric)
        drawn = {"marker": marker, "markersize": 3, "linewidth": 1.4, **style(i), **kwargs}
        (drawn_line,) = ax.plot(line.index, line.to_numpy(), label=label, **drawn)
        hollow = _hollow_provisional(ax, line, provisional, drawn_line.get_color()) or hollow
    others = prepared.levels
    missing = ids_without_rows(data, str(others[0])) if len(others) == 1 else []
    for j, resource_id in enumerate(missing, start=len(prepared.lines)):
        # an id asked for with no data in the range: in the legend, never silently absent
        empty: dict[str, Any] = {**style(j), "label": f"{name(resource_id)} (no data)"}
        ax.plot([], [], **empty)
    if kpi is not None and kpi.kind == "rate":
        low, high = ax.get_ylim()
        percent_axis(ax.yaxis, high - low)
    _date_axis(ax)
    if title is None:
        period = _PERIODS.get(resample or "D", f"per {resample}")
        title = with_range(chart_title(kpi, metric, f", {period}", mean_of(df)), data)
    ax.set_ylabel(axis_label(kpi, metric, mean_of(df)))
    ax.set_xlabel("Date (UTC); hollow points: not final when read" if hollow else "Date (UTC)")
    finish_axes(ax, title)
    heading = LEVEL_TITLES.get(str(others[0]), str(others[0])) if len(others) == 1 else None
    legend_outside(ax, len(prepared.lines) + len(missing), title=heading)
    return ax


def _hollow_provisional(ax: Axes, line: pd.Series, days: pd.DatetimeIndex, color: Any) -> bool:
    """Days not final when Pinpoint answered, drawn as hollow markers over the line."""
    shown = line[line.index.isin(days) & line.notna()]
    if shown.empty:
        return False
    ax.plot(
        shown.index,
        shown.to_numpy(),
        linestyle="none",
        marker="o",
        markersize=6,
        markerfacecolor="white",
        markeredgecolor=color,
        label="_provisional",  # not in the legend; the axis label says what hollow means
        zorder=3,
    )
    return True


def _date_axis(ax: Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    # The range is in the title, so no offset text ("2026-Nov") in the corner.
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
