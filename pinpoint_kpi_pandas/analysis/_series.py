"""Data shaped for the charts over days: one series per id (trend), an id x day grid (calendar).

The plots draw what these return; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError
from ._columns import Metric, metric_values
from ._meta import ids_without_rows

__all__ = ["DailyGrid", "TrendLines", "daily_grid", "trend_lines"]


@dataclass(frozen=True)
class TrendLines:
    """One series per id over the same days, highest average first.

    Attributes
    ----------
    metric : Metric
        The metric drawn.
    levels : list
        The index levels other than ``Date`` (one line per combination of their values).
    lines : list of (key, Series)
        The key (None for a frame without other levels) and its values on every day of the
        frame, missing where the id has none.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import trend_lines
    >>> idx = pd.MultiIndex.from_product(
    ...     [["a", "b"], pd.date_range("2026-08-01", periods=2)], names=["CampaignId", "Date"])
    >>> df = pd.DataFrame({"Clicks": [1, 2, 5, 6]}, index=idx)
    >>> [(key, line.tolist()) for key, line in trend_lines(df, None).lines]
    [(('b',), [5.0, 6.0]), (('a',), [1.0, 2.0])]
    """

    metric: Metric
    levels: list[Hashable]
    lines: list[tuple[Hashable | None, pd.Series]]


def trend_lines(df: pd.DataFrame, metric: str | None) -> TrendLines:
    """The metric of a frame with a ``Date`` level as one series per id; see :class:`TrendLines`.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import trend_lines
    >>> trend_lines(pd.DataFrame({"Clicks": [1]}), None)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: plot_trend needs a 'Date' index level; ...
    """
    if "Date" not in df.index.names:
        raise InvalidArgumentError(
            f"plot_trend needs a 'Date' index level; this frame has {list(df.index.names)}. "
            "Read a '-grouped-by-date' KPI, or use plot_compare for one value per campaign."
        )
    resolved, values = metric_values(df, metric)
    others = [n for n in df.index.names if n != "Date"]
    dates = _every_period(pd.DatetimeIndex(df.index.get_level_values("Date")))
    groups: list[tuple[Hashable | None, pd.Series]]
    if others:
        groups = list(values.groupby(level=others, sort=False))
        # Legend order follows the lines' vertical order: highest average first.
        groups.sort(key=lambda item: -np.nan_to_num(item[1].mean(), nan=-np.inf))
    else:
        groups = [(None, values)]
    lines = []
    for key, series in groups:
        line = series.droplevel(others) if others else series
        lines.append((key, line.groupby(level="Date").first().reindex(dates)))
    return TrendLines(resolved, others, lines)


def _every_period(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Every day (or week) from the first date to the last, so a line breaks where an id has
    no data: the dates the frame has, at their smallest spacing (days, or a resample's weeks;
    months, which are not evenly spaced, as they are)."""
    dates = dates.unique().sort_values()
    if len(dates) < 2:
        return dates
    step = pd.Series(dates[1:] - dates[:-1]).min()
    if step > pd.Timedelta(days=7) or step <= pd.Timedelta(0):
        return dates
    every = pd.date_range(dates[0], dates[-1], freq=step)
    return every if dates.isin(every).all() else dates


@dataclass(frozen=True)
class DailyGrid:
    """A metric as an id x day grid: every day of the range a column, missing days NaN.

    Attributes
    ----------
    metric : Metric
        The metric in the cells.
    grid : pandas.DataFrame
        Rows: the ids (in frame order), then those asked for that had no rows (all NaN, named
        in ``empty``); columns: every day from the first to the last.
    empty : tuple of str
        The ids asked for (the frame's contract) that had no data in the range.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import daily_grid
    >>> idx = pd.MultiIndex.from_tuples(
    ...     [("a", pd.Timestamp("2026-08-01")), ("a", pd.Timestamp("2026-08-03"))],
    ...     names=["CampaignId", "Date"])
    >>> daily_grid(pd.DataFrame({"Clicks": [1, 3]}, index=idx), None).grid.to_numpy().tolist()
    [[1.0, nan, 3.0]]
    """

    metric: Metric
    grid: pd.DataFrame
    empty: tuple[str, ...] = ()


def daily_grid(df: pd.DataFrame, metric: str | None) -> DailyGrid:
    """The metric of a frame with an id level and a ``Date`` level; see :class:`DailyGrid`.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import daily_grid
    >>> daily_grid(pd.DataFrame({"Clicks": [1]}), None)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: plot_calendar needs a campaign ...
    """
    if "Date" not in df.index.names or df.index.nlevels < 2:
        raise InvalidArgumentError(
            "plot_calendar needs a campaign (or journey) level and a 'Date' level; this frame "
            f"has {list(df.index.names)}. Read a '-grouped-by-date' KPI with "
            "campaign_id=[...] (a list)."
        )
    resolved, values = metric_values(df, metric)
    others = [n for n in df.index.names if n != "Date"]
    grid = values.groupby(level=[*others, "Date"], sort=False).first().unstack("Date")
    days = pd.date_range(grid.columns.min(), grid.columns.max(), freq="D")
    empty = tuple(ids_without_rows(df, str(others[0]))) if len(others) == 1 else ()
    if empty:  # asked for, no data in the range: a row of its own, never silently absent
        grid = grid.reindex([*grid.index, *empty])
    return DailyGrid(resolved, grid.reindex(columns=days), empty)
