"""The comparison chart: one bar (or dot) per campaign, sorted, with the baseline highlighted."""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis import (
    column_kpis,
    comparison_table,
    display_names,
    dollars_per_unit,
    format_dollars,
    format_value,
    frame_meta,
    namer,
)
from ..errors import InvalidArgumentError
from ._style import (
    BASELINE_COLOR,
    OTHER_COLOR,
    axes_for,
    axis_label,
    chart_title,
    finish_axes,
    percent_axis,
    short_labels,
    with_range,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_compare"]

_STYLES = ("auto", "bar", "dot")


def plot_compare(
    data: pd.DataFrame,
    metric: str | None = None,
    *,
    baseline: Any = None,
    names: Any = None,
    ci: bool = True,
    alpha: float = 0.05,
    style: str = "auto",
    ax: Axes | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Horizontal bars (or dots), one per campaign, sorted, with the baseline highlighted.

    Parameters
    ----------
    data : pandas.DataFrame
        A KPI frame with campaigns (it is passed through
        :func:`pinpoint_kpi_pandas.accessor.compare`), or a table ``compare()`` returned.
    metric : str, optional
        As for ``compare()``.
    baseline : str, optional
        As for ``compare()``: the id (or name) to compare against; default the first.
    names : mapping, Series or DataFrame, optional
        Names for the bars.
    ci : bool, default True
        Draw the Wilson confidence intervals as error bars (when the rate's counts are in the
        frame) and mark significant differences with ``*``.
    alpha : float, default 0.05
        Significance level (the intervals have confidence ``1 - alpha``).
    style : {"auto", "bar", "dot"}, default "auto"
        Bars start at zero, so when all values are close (delivery rates of 96% to 98%) they
        look alike: ``"auto"`` then draws dots with their intervals on an axis zoomed to the
        data (the spread is under a quarter of the largest value), and bars otherwise.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure sized for the number of campaigns.
    title : str, optional
        Default: the KPI's title, the baseline and the date range.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh` (bars) or
        :meth:`matplotlib.axes.Axes.errorbar` (dots), over the chart's own choices.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> ids = pd.Index(["A", "B"], name="CampaignId")
    >>> df = pd.DataFrame({"DirectEmailOpens": [200, 260],
    ...                    "SuccessfulDeliveries": [1000, 1000]}, index=ids)
    >>> ax = df.pinpoint.plot_compare("EmailOpenRate", baseline="A", style="bar")
    >>> [round(float(p.get_width()), 2) for p in ax.patches]
    [0.2, 0.26]
    """
    table = comparison_table(data, metric, baseline, alpha)
    info = frame_meta(table)["compare"]
    metric = info["metric"]
    kpi = column_kpis(table).get(metric)
    kind = "rate" if kpi is not None and kpi.kind == "rate" else info.get("kind")
    name = namer(display_names(table, names, ids=list(table.index)))
    bars = _bars(table, metric, name, ci=ci, alpha=info.get("alpha", alpha))
    scale = dollars_per_unit(kpi) or 1.0  # money in dollars, not millicents
    if scale != 1.0:
        bars = dataclasses.replace(bars, values=bars.values * scale)
    style = _choose_style(bars.values, style)
    ax = axes_for(ax, (9, max(2.6, 0.42 * len(bars.values) + 1.6)))
    _draw(ax, bars, style, kwargs)
    base_value = float(table.loc[info["baseline"], metric]) * scale
    if not np.isnan(base_value):
        ax.axvline(base_value, color=BASELINE_COLOR, linestyle="--", linewidth=1, zorder=0)
    left, right = _limits(bars, style)
    _value_texts(ax, bars, left, right, "dollars" if scale != 1.0 else kind)
    ax.set_yticks(bars.positions, bars.labels)
    ax.set_ylim(-0.6, len(bars.values) - 0.4)
    ax.set_xlim(left, left + (right - left) * 1.18 if right > left else left + 1)
    if kind == "rate":
        percent_axis(ax.xaxis, ax.get_xlim()[1] - ax.get_xlim()[0])
    mean_of = info.get("unweighted_mean_of")
    ax.set_xlabel(axis_label(kpi, metric, mean_of))
    if scale != 1.0 and kpi is not None:
        from matplotlib.ticker import StrMethodFormatter

        ax.xaxis.set_major_formatter(StrMethodFormatter("${x:,.0f}"))
        ax.set_xlabel(f"{kpi.title} (USD)")
    ax.set_ylabel("")
    if title is None:
        versus = short_labels([name(info["baseline"])])[0]
        title = with_range(chart_title(kpi, metric, f" vs {versus}", mean_of), table)
    finish_axes(ax, title, grid_axis="x")
    _footnote(ax, _notes(bars, kind, info.get("alpha", alpha)))
    return ax


@dataclass(frozen=True)
class _Bars:
    """What the chart draws, bottom to top (largest value at the top)."""

    values: np.ndarray
    low: np.ndarray | None  # interval bounds, when drawn
    high: np.ndarray | None
    is_base: np.ndarray
    labels: list[str]
    significant: np.ndarray
    missing: list[str]  # names of the rows without a value, for a footnote
    shortened: bool = False  # some names were too long to show whole

    @property
    def positions(self) -> np.ndarray:
        return np.arange(len(self.values))

    @property
    def colors(self) -> list[str]:
        return [BASELINE_COLOR if b else OTHER_COLOR for b in self.is_base]

    @property
    def xerr(self) -> np.ndarray | None:
        if self.low is None or self.high is None:
            return None
        xerr = np.vstack([self.values - self.low, self.high - self.values])
        return np.where(np.isnan(xerr), 0.0, xerr)


def _bars(table: pd.DataFrame, metric: str, name: Any, *, ci: bool, alpha: float) -> _Bars:
    # Rows without a value (e.g. SMS campaigns for an email rate) are listed in a footnote.
    missing = [name(k) for k in table.index[table[metric].isna()]]
    # Largest at the top: barh draws from the bottom, so reverse the sorted table.
    rows = table[table[metric].notna()].iloc[::-1]
    if rows.empty:
        raise InvalidArgumentError(f"no campaign has a value of {metric!r} to plot.")
    # Long names shortened (the plot keeps its width); the table lists them whole.
    shown = short_labels([name(k) for k in rows.index])
    labels = [
        text + (" (baseline)" if b else "") for text, b in zip(shown, rows["baseline"], strict=True)
    ]
    has_ci = ci and "ci_low" in rows.columns
    low = rows["ci_low"].to_numpy(dtype=float) if has_ci else None
    high = rows["ci_high"].to_numpy(dtype=float) if has_ci else None
    significant = (
        rows["p_adjusted"].to_numpy(dtype=float) < alpha
        if has_ci and "p_adjusted" in rows.columns
        else np.zeros(len(rows), dtype=bool)
    )
    return _Bars(
        values=rows[metric].astype("float64").to_numpy(),
        low=low,
        high=high,
        is_base=rows["baseline"].to_numpy(dtype=bool),
        labels=labels,
        significant=significant,
        missing=missing,
        shortened=shown != [name(k) for k in rows.index],
    )


def _choose_style(values: np.ndarray, style: str) -> str:
    finite = values[np.isfinite(values)]
    spread = (finite.max() - finite.min()) / finite.max() if finite.size and finite.max() else 1
    if style == "auto":
        # Bars must start at zero; when every bar would look the same length, dots on a zoomed
        # axis show the differences honestly.
        style = "dot" if spread < 0.25 else "bar"
    if style not in _STYLES[1:]:
        raise InvalidArgumentError(f"style must be 'auto', 'bar' or 'dot', not {style!r}.")
    return style


def _draw(ax: Axes, bars: _Bars, style: str, kwargs: dict[str, Any]) -> None:
    error_kw: dict[str, Any] = {"ecolor": "#333333", "capsize": 3, "elinewidth": 1}
    xerr = bars.xerr
    if style == "bar":
        drawn = {"color": bars.colors, "height": 0.65, "error_kw": error_kw, **kwargs}
        ax.barh(bars.positions, np.nan_to_num(bars.values), xerr=xerr, **drawn)
        return
    for i, color in enumerate(bars.colors):
        drawn = {"fmt": "o", "color": color, "markersize": 7, **error_kw, **kwargs}
        ax.errorbar(
            bars.values[i],
            bars.positions[i],
            xerr=None if xerr is None else xerr[:, i : i + 1],
            **drawn,
        )


def _limits(bars: _Bars, style: str) -> tuple[float, float]:
    values = bars.values
    upper = bars.high if bars.high is not None else values
    right = float(np.nanmax(upper)) if np.isfinite(values).any() else 1.0
    left = 0.0
    if style == "dot":
        lowest = float(np.nanmin(bars.low if bars.low is not None else values))
        margin = (right - lowest) * 0.06 or abs(right) * 0.01 or 0.01
        left = max(0.0, lowest - margin) if lowest >= 0 else lowest - margin
    return left, right


def _value_texts(ax: Axes, bars: _Bars, left: float, right: float, kind: str | None) -> None:
    pad = (right - left) * 0.015
    for i, value in enumerate(bars.values):
        high = bars.high[i] if bars.high is not None else np.nan
        end = value if np.isnan(high) else high
        shown = format_dollars(value) if kind == "dollars" else format_value(value, kind)
        text = shown + (" *" if bars.significant[i] else "")
        x = left if np.isnan(end) else end
        ax.text(float(x + pad), i, text, va="center", ha="left", fontsize="small")


def _notes(bars: _Bars, kind: str | None, alpha: float) -> list[str]:
    notes = []
    if bars.low is not None:
        notes.append(
            f"Error bars: {1 - alpha:.0%} Wilson intervals. * differs from the baseline at "
            f"{alpha:.0%} (two-proportion z-test, Holm-adjusted)."
        )
    elif kind == "rate":
        notes.append("No counts in the data: no intervals or tests.")
    if bars.shortened:
        notes.append("Long names are shortened (…); compare() lists them whole.")
    if bars.missing:
        more = len(bars.missing) - 6
        shown = ", ".join(bars.missing[:6]) + (f" and {more} more" if more > 0 else "")
        notes.append(f"No data (not shown): {shown}.")
    return notes


def _footnote(ax: Axes, notes: list[str]) -> None:
    if not notes:
        return
    ax.annotate(
        "\n".join(textwrap.fill(note, 110) for note in notes),
        xy=(0, 0),
        # Left edge of the axes, just below the x label (kept inside the layout).
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -6),
        textcoords="offset points",
        va="top",
        fontsize="x-small",
        color="#444444",
    )
