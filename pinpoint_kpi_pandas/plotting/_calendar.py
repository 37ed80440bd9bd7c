"""The calendar chart: a campaign x day heatmap of one metric, with a colour bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis import daily_grid, display_names, namer
from ._style import (
    axes_for,
    axis_label,
    chart_title,
    mean_of,
    percent_axis,
    pyplot,
    short_labels,
    with_range,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_calendar"]


def plot_calendar(
    data: pd.DataFrame,
    metric: str | None = None,
    *,
    names: Any = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Axes:
    """A campaign x day heatmap of one metric, with a colour bar.

    Parameters
    ----------
    data : pandas.DataFrame
        A KPI frame with a ``Date`` level and a campaign (or journey) level.
    metric : str, optional
        As for :func:`plot_trend`.
    names : mapping, Series or DataFrame, optional
        Row names.
    cmap : str, default "viridis"
        A perceptually uniform, colour-blind-safe colour map. Days without data are light
        grey.
    vmin, vmax : float, optional
        Colour scale limits; default the 2nd and 98th percentiles, so one outlier day does not
        wash out the rest.
    ax : matplotlib Axes, optional
    title : str, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.imshow`, over the chart's own choices.

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap's Axes (``ax.images[0]`` holds the campaign x day array; the colour bar is
        a separate Axes of the same figure).

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> idx = pd.MultiIndex.from_product(
    ...     [["c1", "c2"], pd.date_range("2026-08-01", periods=3)], names=["CampaignId", "Date"])
    >>> df = pd.DataFrame({"UniqueDeliveries": [5, 6, 7, 1, 2, 3]}, index=idx)
    >>> ax = df.pinpoint.plot_calendar()
    >>> ax.images[0].get_array().shape
    (2, 3)
    """
    prepared = daily_grid(data, metric)
    kpi, metric, grid = prepared.metric.kpi, prepared.metric.name, prepared.grid
    days = pd.DatetimeIndex(grid.columns)
    name = namer(display_names(data, names))
    n_rows, n_days = grid.shape
    ax = axes_for(ax, (11, max(2.8, 0.36 * n_rows + 1.8)))
    colormap = pyplot().get_cmap(cmap).with_extremes(bad="#e6e6e6")
    array = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    finite = array.compressed()
    if finite.size:
        vmin = float(np.percentile(finite, 2)) if vmin is None else vmin
        vmax = float(np.percentile(finite, 98)) if vmax is None else vmax
    drawn = {"aspect": "auto", "interpolation": "nearest", "cmap": colormap, **kwargs}
    image = ax.imshow(array, vmin=vmin, vmax=vmax, **drawn)
    ticks, on_mondays = _day_ticks(days)
    ax.set_xticks(ticks, [f"{days[i]:%d %b}" for i in ticks], rotation=0, fontsize="small")
    rows = [f"{name(k)} (no data)" if k in prepared.empty else name(k) for k in grid.index]
    ax.set_yticks(range(n_rows), short_labels(rows), fontsize="small")
    ax.set_xticks(np.arange(-0.5, n_days, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("Date (UTC, ticks on Mondays)" if on_mondays else "Date (UTC)")
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    colorbar.set_label(axis_label(kpi, metric, mean_of(data)))
    if kpi is not None and kpi.kind == "rate":
        percent_axis(colorbar.ax.yaxis)
    if title is None:
        title = with_range(
            chart_title(kpi, metric, " by day", mean_of(data)), data, "; grey: no data"
        )
    ax.set_title(title, loc="left")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return ax


def _day_ticks(days: pd.DatetimeIndex) -> tuple[list[int], bool]:
    """Ticks on Mondays (or every ~10 days for short ranges), at most 14 of them."""
    mondays = [i for i, d in enumerate(days) if d.day_of_week == 0]
    ticks = mondays if len(mondays) >= 3 else list(range(0, len(days), max(1, len(days) // 8)))
    step = max(1, int(np.ceil(len(ticks) / 14)))
    ticks = ticks[::step]
    return ticks, bool(ticks and mondays)
