"""The trend chart: one line per campaign (or journey) over dates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..analysis import (
    LEVEL_TITLES,
    UNWEIGHTED_SUFFIX,
    TrendLines,
    display_names,
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
    short_labels,
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
    name = namer(display_names(data, names))
    provisional = pd.DatetimeIndex([] if resample else frame_contract(data).provisional_days)
    partial = _partial_periods(prepared.lines, resample, data)
    hollow = False
    others = prepared.levels
    missing = ids_without_rows(data, str(others[0])) if len(others) == 1 else []
    labels = _legend_labels(prepared, name, missing, chart_title(kpi, metric))
    for i, (_, line) in enumerate(prepared.lines):
        label = labels[i]
        drawn = {"marker": marker, "markersize": 3, "linewidth": 1.4, **style(i), **kwargs}
        where = _shown_at(line.index, data)
        (drawn_line,) = ax.plot(where, line.to_numpy(), label=label, **drawn)
        hollow = _hollow_provisional(ax, line, provisional, drawn_line.get_color()) or hollow
        if partial and marker:
            # partial periods (resampled only): hollow points, so a short week is not read as
            # a full one; the footnote says which days each covers
            cut = line.index.isin(list(partial))
            ax.plot(where[cut], line.to_numpy()[cut], marker=marker, markersize=5,
                    markerfacecolor="white", linestyle="none", label="_partial",
                    color=drawn_line.get_color())  # fmt: skip
    for j, _ in enumerate(missing, start=len(prepared.lines)):
        # an id asked for with no data in the range: in the legend, never silently absent
        empty: dict[str, Any] = {**style(j), "label": f"{labels[j]} (no data)"}
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
    if partial:
        shown = "; ".join(partial.values())
        ax.annotate(
            f"Hollow points: partial periods ({shown}).",
            xy=(0, 0),
            xycoords=("axes fraction", ax.xaxis.label),
            xytext=(0, -6),
            textcoords="offset points",
            va="top",
            fontsize="x-small",
            color="#444444",
        )
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


_SPANS = {"W": pd.Timedelta(days=6)}  # a weekly label is the week's last day (Sunday)


def _data_days(data: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if "Date" not in data.index.names or not len(data):
        return None
    dates = pd.DatetimeIndex(data.index.get_level_values("Date"))
    return dates.min().normalize(), dates.max().normalize()


def _period(label: pd.Timestamp, resample: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last day of the period a resampled label stands for."""
    if resample.upper().startswith("W"):
        return label - _SPANS["W"], label
    if resample in ("MS", "M", "ME"):
        start = label.to_period("M").start_time
        return start, label.to_period("M").end_time.normalize()
    return None


def _partial_periods(lines: list, resample: str | None, data: pd.DataFrame) -> dict:
    """{label: "26 Oct – 28 Oct: 3 of 7 days"} for periods the data covers only in part."""
    days = _data_days(data)
    if not resample or days is None or not lines:
        return {}
    first, last = days
    out = {}
    for label in lines[0][1].index:
        period = _period(pd.Timestamp(label), resample)
        if period is None:
            return {}
        start, end = period
        if start < first or end > last:
            lo, hi = max(start, first), min(end, last)
            out[label] = (
                f"{lo:%d %b} – {hi:%d %b}: {(hi - lo).days + 1} of {(end - start).days + 1} days"
            )
    return out


def _shown_at(labels: pd.Index, data: pd.DataFrame) -> pd.DatetimeIndex:
    """Where each point goes: at its label, but never past the data's last day (a week
    ending 1 Nov of data ending 28 Oct is drawn on 28 Oct)."""
    where = pd.DatetimeIndex(labels)
    days = _data_days(data)
    if days is None:
        return where
    return where.where(where <= days[1], days[1])


def _legend_labels(
    prepared: TrendLines, name: Callable[[Any], str], missing: list[str], alone: str
) -> list[str]:
    """The lines' names, then those of the ids without data; long ones shortened (the legend
    must not squeeze the plot away)."""
    lines = [name(key) if key is not None else alone for key, _ in prepared.lines]
    return short_labels([*lines, *(name(resource_id) for resource_id in missing)])


def _date_axis(ax: Axes) -> None:
    import matplotlib.dates as mdates

    days = {float(x) for line in ax.lines for x in mdates.date2num(line.get_xdata())}
    if len(days) == 1:  # one day: a day either side, not matplotlib's years around a point
        (day,) = days
        ax.set_xlim(day - 1, day + 1)
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        return
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    # The range is in the title, so no offset text ("2026-Nov") in the corner.
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
