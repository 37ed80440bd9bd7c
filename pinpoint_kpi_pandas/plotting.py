"""Matplotlib charts for KPI frames: trends, comparisons, funnels, calendars.

Each function takes the data first and everything else by keyword, draws on ``ax=`` (or a new
figure sized for the data), returns the Axes and never calls ``plt.show()``. Titles, axis labels
and units come from the KPI catalog; rates are drawn on a percentage axis. Campaigns are named
from ``names=`` (a mapping, or :func:`~pinpoint_kpi_pandas.list_campaigns`' frame) or from a
frame already relabelled with ``df.pinpoint.label()``. Colours are the Okabe-Ito colour-blind-safe
palette; past seven series the line style changes too, so a dozen campaigns stay distinguishable.

matplotlib is imported when a function is first called (``pip install
'pinpoint-kpi-pandas[plot]'``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import accessor, catalog
from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PALETTE",
    "funnel_totals",
    "plot_calendar",
    "plot_compare",
    "plot_funnel",
    "plot_trend",
]

PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
)
"""Okabe-Ito colours (without the yellow, too pale for thin lines on white)."""
LINESTYLES = ("-", "--", ":", "-.")
BASELINE_COLOR = "#E69F00"
OTHER_COLOR = "#0072B2"

FUNNEL_STAGES = (
    ("Sent", ("AttemptedDeliveries",)),
    ("Delivered", ("SuccessfulDeliveries",)),
    ("Opened", ("DirectEmailOpens", "DirectPushOpens")),
    ("Clicked", ("Clicks",)),
)
"""Funnel stages and the count columns that feed them (opens: email and push added up)."""
_STAGE_COLORS = ("#0072B2", "#56B4E9", "#009E73", "#E69F00")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'pinpoint-kpi-pandas[plot]'"
        ) from exc
    return plt


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    plt = _pyplot()
    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def style(i: int) -> dict[str, str]:
    """Colour and line style of the ``i``-th series: colours first, then line styles.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.plotting import style
    >>> style(0), style(7)
    ({'color': '#0072B2', 'linestyle': '-'}, {'color': '#0072B2', 'linestyle': '--'})
    """
    return {
        "color": PALETTE[i % len(PALETTE)],
        "linestyle": LINESTYLES[(i // len(PALETTE)) % len(LINESTYLES)],
    }


def _percent_axis(axis, span: float | None = None) -> None:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    # Whole percents unless the axis spans only a few points; ticks on 1-2-5 steps so a label
    # never rounds its tick (a 0.25-point step printed with one decimal shows 98.25% as 98.2%).
    decimals = None if span is None else (0 if span >= 0.05 else 1)
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def _format_value(value: float, kind: str | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if kind == "rate":
        return f"{value:.1%}"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def _metric(df: pd.DataFrame, metric: str | None) -> tuple[str, pd.Series, catalog.Kpi | None]:
    """The metric's values (computing a rate from its counts if needed) and its KPI."""
    kpis = accessor.column_kpis(df)
    if metric is None:
        metric = accessor._default_metric(df, kpis)
    columns = [str(c) for c in df.columns]
    if metric in columns:
        values = df[df.columns[columns.index(metric)]]
        return metric, pd.to_numeric(values, errors="coerce").astype("float64"), kpis[metric]
    parts = catalog.RATE_PARTS.get(metric)
    if parts and all(p in columns for p in parts):
        num = df[parts[0]].astype("float64")
        den = df[parts[1]].astype("float64")
        scope = accessor._meta(df).get("scope")
        return metric, (num / den).where(den > 0), accessor._rate_kpi(metric, scope)
    raise InvalidArgumentError(
        f"metric {metric!r} is not a column of this frame ({', '.join(columns)}) and cannot be "
        "computed from its columns."
    )


def _title(
    kpi: catalog.Kpi | None, metric: str, suffix: str = "", mean_of: str | None = None
) -> str:
    if metric.endswith(accessor.UNWEIGHTED_SUFFIX):
        base = (
            kpi.short_title if kpi is not None else metric.removesuffix(accessor.UNWEIGHTED_SUFFIX)
        )
        return f"{base} ({mean_of or 'unweighted mean'}){suffix}"
    return (kpi.short_title if kpi is not None else metric) + suffix


def _axis_label(kpi: catalog.Kpi | None, metric: str, mean_of: str | None = None) -> str:
    """The catalog's axis label; for an unweighted mean, e.g. "Delivery rate (%), unweighted
    mean of daily values", so it is never read as the rate itself."""
    if kpi is None:
        return metric
    if metric.endswith(accessor.UNWEIGHTED_SUFFIX):
        return f"{kpi.axis_label}, {mean_of or 'unweighted mean'}"
    return kpi.axis_label


def _mean_of(df: pd.DataFrame) -> str | None:
    return accessor._meta(df).get("unweighted_mean_of")


def _range_text(df: pd.DataFrame) -> str:
    meta = accessor._meta(df)
    start, end = meta.get("start_time"), meta.get("end_time")
    if not start or not end:
        return ""
    try:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
    except ValueError:
        return ""
    return f"{first:%d %b %Y} to {last:%d %b %Y} (UTC)"


def _namer(names: Any):
    mapping = accessor.name_map(names)

    def name(key: Any) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return " / ".join(mapping.get(str(p), str(p)) for p in parts)

    return name


def _legend(ax: Axes, n: int, *, title: str | None = None) -> None:
    if n <= 1:
        return
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize="small",
        title=title,
        title_fontsize="small",
        alignment="left",
    )


def _entity_level(df: pd.DataFrame, by: str | None) -> str:
    return accessor._entity_level(df, by)


# --------------------------------------------------------------------------- trend


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
        stay visible; lines break where a campaign has no data.

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
    >>> ax = df.pinpoint.plot(names={"c1": "Welcome", "c2": "Sale"})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Welcome', 'Sale']
    """
    df = data
    if resample is not None:
        df = accessor.resample(df, resample, unweighted_mean=unweighted_mean)
        renamed = f"{metric}{accessor.UNWEIGHTED_SUFFIX}"
        if metric is not None and metric not in df.columns and renamed in df.columns:
            metric = renamed
    if "Date" not in df.index.names:
        raise InvalidArgumentError(
            f"plot_trend needs a 'Date' index level; this frame has {list(df.index.names)}. "
            "Read a '-grouped-by-date' KPI, or use plot_compare for one value per campaign."
        )
    metric, values, kpi = _metric(df, metric)
    ax = _axes(ax, (10, 4.8))
    others = [n for n in df.index.names if n != "Date"]
    dates = pd.DatetimeIndex(df.index.get_level_values("Date")).unique().sort_values()
    name = _namer(names)
    if others:
        groups = [(key, series) for key, series in values.groupby(level=others, sort=False)]
        # Legend order follows the lines' vertical order: highest average first.
        groups.sort(key=lambda item: -np.nan_to_num(item[1].mean(), nan=-np.inf))
    else:
        groups = [(None, values)]
    for i, (key, series) in enumerate(groups):
        line = series.droplevel(others) if others else series
        line = line.groupby(level="Date").first().reindex(dates)
        label = name(key) if key is not None else _title(kpi, metric)
        ax.plot(
            line.index,
            line.to_numpy(),
            label=label,
            marker=marker,
            markersize=3,
            linewidth=1.4,
            **style(i),
        )
    if kpi is not None and kpi.kind == "rate":
        low, high = ax.get_ylim()
        _percent_axis(ax.yaxis, high - low)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    # The range is in the title, so no offset text ("2026-Nov") in the corner.
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    period = {"W": "weekly", "MS": "monthly", "ME": "monthly", "D": "daily"}.get(
        resample or "D", f"per {resample}"
    )
    if title is None:
        title = _title(kpi, metric, f", {period}", _mean_of(df))
        span = _range_text(data)
        if span:
            title += f"\n{span}"
    ax.set_title(title, loc="left")
    ax.set_ylabel(_axis_label(kpi, metric, _mean_of(df)))
    ax.set_xlabel("Date (UTC)")
    ax.grid(True, alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    heading = accessor.LEVEL_TITLES.get(others[0], others[0]) if len(others) == 1 else None
    _legend(ax, len(groups), title=heading)
    return ax


# --------------------------------------------------------------------------- compare


def _compare_table(data: pd.DataFrame, metric, baseline, alpha) -> pd.DataFrame:
    info = accessor._meta(data).get("compare")
    if info and {"difference", "baseline"} <= set(map(str, data.columns)):
        if metric is not None and metric not in (info["metric"], info.get("value_key")):
            raise InvalidArgumentError(
                f"this comparison table is of {info['metric']!r}, not {metric!r}; "
                "compare the original frame instead."
            )
        return data
    return accessor.compare(data, baseline, metric, alpha=alpha)


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
    table = _compare_table(data, metric, baseline, alpha)
    info = accessor._meta(table)["compare"]
    metric = info["metric"]
    kpi = accessor.column_kpis(table).get(metric)
    kind = "rate" if kpi is not None and kpi.kind == "rate" else info.get("kind")
    name = _namer(names)
    # Rows without a value (e.g. SMS campaigns for an email rate) are listed in a footnote.
    missing = [name(k) for k in table.index[table[metric].isna()]]
    # Largest at the top: barh draws from the bottom, so reverse the sorted table.
    rows = table[table[metric].notna()].iloc[::-1]
    if rows.empty:
        raise InvalidArgumentError(f"no campaign has a value of {metric!r} to plot.")
    labels = [
        name(k) + (" (baseline)" if b else "")
        for k, b in zip(rows.index, rows["baseline"], strict=True)
    ]
    values = rows[metric].astype("float64").to_numpy()
    is_base = rows["baseline"].to_numpy(dtype=bool)
    ax = _axes(ax, (9, max(2.6, 0.42 * len(rows) + 1.6)))
    colors = [BASELINE_COLOR if b else OTHER_COLOR for b in is_base]
    positions = np.arange(len(rows))
    has_ci = ci and "ci_low" in rows.columns
    xerr = None
    if has_ci:
        low = rows["ci_low"].to_numpy(dtype=float)
        high = rows["ci_high"].to_numpy(dtype=float)
        xerr = np.vstack([values - low, high - values])
        xerr = np.where(np.isnan(xerr), 0.0, xerr)
    finite = values[np.isfinite(values)]
    spread = (finite.max() - finite.min()) / finite.max() if finite.size and finite.max() else 1
    if style == "auto":
        # Bars must start at zero; when every bar would look the same length, dots on a zoomed
        # axis show the differences honestly.
        style = "dot" if spread < 0.25 else "bar"
    if style not in ("bar", "dot"):
        raise InvalidArgumentError(f"style must be 'auto', 'bar' or 'dot', not {style!r}.")
    error_kw = {"ecolor": "#333333", "capsize": 3, "elinewidth": 1}
    if style == "bar":
        ax.barh(
            positions,
            np.nan_to_num(values),
            color=colors,
            height=0.65,
            xerr=xerr,
            **{"error_kw": error_kw},
        )
    else:
        for i in range(len(rows)):
            ax.errorbar(
                values[i],
                positions[i],
                xerr=None if xerr is None else xerr[:, i : i + 1],
                fmt="o",
                color=colors[i],
                markersize=7,
                **error_kw,
            )
    base_value = float(table.loc[info["baseline"], metric])
    if not np.isnan(base_value):
        ax.axvline(base_value, color=BASELINE_COLOR, linestyle="--", linewidth=1, zorder=0)
    right = np.nanmax(high if has_ci else values) if np.isfinite(values).any() else 1.0
    left = 0.0
    if style == "dot":
        lowest = np.nanmin(low if has_ci else values)
        margin = (right - lowest) * 0.06 or abs(right) * 0.01 or 0.01
        left = max(0.0, lowest - margin) if lowest >= 0 else lowest - margin
    pad = (right - left) * 0.015
    significant = (
        rows["p_adjusted"].to_numpy(dtype=float) < info.get("alpha", alpha)
        if has_ci and "p_adjusted" in rows.columns
        else np.zeros(len(rows), dtype=bool)
    )
    for i, value in enumerate(values):
        end = high[i] if has_ci and not np.isnan(high[i]) else value
        text = _format_value(value, kind)
        if significant[i]:
            text += " *"
        x = left if np.isnan(end) else end
        ax.text(x + pad, i, text, va="center", ha="left", fontsize="small")
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(left, left + (right - left) * 1.18 if right > left else left + 1)
    if kind == "rate":
        _percent_axis(ax.xaxis, ax.get_xlim()[1] - ax.get_xlim()[0])
    mean_of = info.get("unweighted_mean_of")
    ax.set_xlabel(_axis_label(kpi, metric, mean_of))
    ax.set_ylabel("")
    if title is None:
        title = _title(kpi, metric, f" vs {name(info['baseline'])}", mean_of)
        span = _range_text(table)
        if span:
            title += f"\n{span}"
    ax.set_title(title, loc="left")
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    notes = []
    if has_ci:
        confidence = 1 - info.get("alpha", alpha)
        notes.append(
            f"Error bars: {confidence:.0%} Wilson intervals. * differs from the baseline at "
            f"{info.get('alpha', alpha):.0%} (two-proportion z-test, Holm-adjusted)."
        )
    elif kind == "rate":
        notes.append("No counts in the data: no intervals or tests.")
    if missing:
        shown = ", ".join(missing[:6]) + (
            f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        )
        notes.append(f"No data (not shown): {shown}.")
    if notes:
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
    return ax


# --------------------------------------------------------------------------- funnel


def funnel_totals(
    data: pd.DataFrame, level: str, stages: Sequence[tuple[str, Sequence[str]]]
) -> pd.DataFrame:
    """Each stage's total per value of ``level``: the one rule the chart and the dashboard share.

    The stage columns are totalled per id as :func:`pinpoint_kpi_pandas.accessor.total` does
    (so only additive counts are accepted), and a stage is the sum of its columns. A stage
    with no value for an id (e.g. email opens of an SMS campaign) is NaN, "no data", never 0.

    Parameters
    ----------
    data : pandas.DataFrame
        A frame with the stages' count columns and the ``level`` index level.
    level : str
        The index level whose values get one row each (in frame order).
    stages : list of (label, columns)
        The stages; columns absent from ``data`` are ignored.

    Returns
    -------
    pandas.DataFrame
        One float column per stage, indexed by ``level``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.plotting import funnel_totals
    >>> runs = pd.DataFrame(
    ...     {"SuccessfulDeliveries": [9, 18, 5], "DirectEmailOpens": [3, 6, None]},
    ...     index=pd.MultiIndex.from_tuples([("a", "r1"), ("a", "r2"), ("b", "r3")],
    ...                                     names=["CampaignId", "CampaignActivityId"]))
    >>> funnel_totals(runs, "CampaignId", [("Delivered", ["SuccessfulDeliveries"]),
    ...                                    ("Opened", ["DirectEmailOpens"])])
                Delivered  Opened
    CampaignId
    a                27.0     9.0
    b                 5.0     NaN
    """
    columns = [str(c) for c in data.columns]
    present = [(label, [c for c in cols if c in columns]) for label, cols in stages]
    needed = list(dict.fromkeys(c for _, cols in present for c in cols))
    per = accessor.total(data[needed], by=[level]).astype("float64")
    return pd.DataFrame(
        {label: per[cols].sum(axis=1, min_count=1) for label, cols in present if cols}
    )


def plot_funnel(
    data: pd.DataFrame,
    *,
    by: str | None = None,
    names: Any = None,
    stages: Sequence[tuple[str, Sequence[str]]] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Sent -> delivered -> opened -> clicked per campaign, as % of messages sent.

    Parameters
    ----------
    data : pandas.DataFrame
        A frame holding count columns (``AttemptedDeliveries``, ``SuccessfulDeliveries``,
        ``DirectEmailOpens`` / ``DirectPushOpens``, ``Clicks``; e.g. the
        ``-grouped-by-campaign-activity`` KPIs of several campaigns), with a campaign level.
        Rows of a campaign are summed.
    by : str, optional
        The level whose values get a group of bars; default as for ``compare()``.
    names : mapping, Series or DataFrame, optional
        Campaign names.
    stages : list of (label, columns), optional
        Default :data:`FUNNEL_STAGES`; the first stage is the 100% reference. Stages whose
        columns are all absent are skipped. The columns must be count KPIs: they are totalled
        per campaign by :func:`funnel_totals`, and a stage without data is labelled "no data".
    ax : matplotlib Axes, optional
        Where to draw; default a new figure sized for the number of campaigns.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per campaign and stage (stage colours in the legend); the first
        stage is labelled with its count, the others with their share of it.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> ids = pd.Index(["A", "B"], name="CampaignId")
    >>> df = pd.DataFrame({"AttemptedDeliveries": [1000, 500],
    ...                    "SuccessfulDeliveries": [950, 490],
    ...                    "DirectEmailOpens": [190, 120], "Clicks": [40, 30]}, index=ids)
    >>> ax = df.pinpoint.plot_funnel()
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Sent', 'Delivered', 'Opened', 'Clicked']
    """
    stages = list(stages or FUNNEL_STAGES)
    columns = [str(c) for c in data.columns]
    present = [(label, [c for c in cols if c in columns]) for label, cols in stages]
    present = [(label, cols) for label, cols in present if cols]
    if len(present) < 2 or present[0][0] != stages[0][0]:
        raise InvalidArgumentError(
            "plot_funnel needs the first stage's count and at least one more: "
            + ", ".join(f"{label} ({' or '.join(cols)})" for label, cols in stages)
            + f"; the frame has {', '.join(columns)}. At campaign scope read e.g. "
            "kpi_name=['attempted-deliveries-grouped-by-campaign-activity', "
            "'successful-deliveries-grouped-by-campaign-activity', "
            "'direct-email-opens-grouped-by-campaign-activity', "
            "'clicks-grouped-by-campaign-activity']."
        )
    level = _entity_level(data, by)
    stage_values = funnel_totals(data, level, present)
    reference = stage_values.iloc[:, 0]
    stage_values = stage_values.loc[reference.sort_values(ascending=False).index]
    reference = stage_values.iloc[:, 0]
    shares = stage_values.div(reference.where(reference > 0), axis=0)

    n, k = len(stage_values), len(present)
    ax = _axes(ax, (9.5, max(3.0, 0.17 * n * k + 1.6)))
    height = 0.8 / k
    name = _namer(names)
    for j, (label, _) in enumerate(present):
        # Top campaign first: y decreases with the row number; stages top-down within a group.
        y = -np.arange(n) - j * height
        widths = shares[label].to_numpy(dtype=float)
        ax.barh(
            y,
            np.nan_to_num(widths),
            height=height * 0.92,
            color=_STAGE_COLORS[j % len(_STAGE_COLORS)],
            label=label,
        )
        for i, width in enumerate(widths):
            if j == 0:
                text = (
                    f"{stage_values.iloc[i, 0]:,.0f} sent"
                    if label == "Sent"
                    else (f"{stage_values.iloc[i, 0]:,.0f}")
                )
            else:
                text = "no data" if np.isnan(width) else f"{width:.1%}"
            x = 0.0 if np.isnan(width) else width
            ax.text(
                x + 0.01,
                y[i],
                text,
                va="center",
                ha="left",
                fontsize="x-small",
                color="#777777" if np.isnan(width) else "black",
            )
    centers = -np.arange(n) - (k - 1) * height / 2
    ax.set_yticks(centers, [name(i) for i in stage_values.index])
    ax.set_xlim(0, 1.22)
    _percent_axis(ax.xaxis)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel(f"Share of messages {present[0][0].lower()} (%)")
    if title is None:
        title = "Funnel: " + " \u2192 ".join(label.lower() for label, _ in present)
        span = _range_text(data)
        if span:
            title += f"\n{span}"
    ax.set_title(title, loc="left")
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    return ax


# --------------------------------------------------------------------------- calendar


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
    if "Date" not in data.index.names or data.index.nlevels < 2:
        raise InvalidArgumentError(
            "plot_calendar needs a campaign (or journey) level and a 'Date' level; this frame "
            f"has {list(data.index.names)}. Read a '-grouped-by-date' KPI with "
            "campaign_id=[...] (a list)."
        )
    metric, values, kpi = _metric(data, metric)
    others = [n for n in data.index.names if n != "Date"]
    grid = values.groupby(level=[*others, "Date"], sort=False).first().unstack("Date")
    first, last = grid.columns.min(), grid.columns.max()
    days = pd.date_range(first, last, freq="D")
    grid = grid.reindex(columns=days)
    name = _namer(names)
    n_rows, n_days = grid.shape
    ax = _axes(ax, (11, max(2.8, 0.36 * n_rows + 1.8)))
    plt = _pyplot()
    colormap = plt.get_cmap(cmap).with_extremes(bad="#e6e6e6")
    array = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    finite = array.compressed()
    if finite.size:
        vmin = float(np.percentile(finite, 2)) if vmin is None else vmin
        vmax = float(np.percentile(finite, 98)) if vmax is None else vmax
    image = ax.imshow(
        array, aspect="auto", interpolation="nearest", cmap=colormap, vmin=vmin, vmax=vmax
    )
    # Ticks on Mondays (or every ~10 days for short ranges), labelled by date.
    mondays = [i for i, d in enumerate(days) if d.day_of_week == 0]
    ticks = mondays if len(mondays) >= 3 else list(range(0, n_days, max(1, n_days // 8)))
    step = max(1, int(np.ceil(len(ticks) / 14)))
    ticks = ticks[::step]
    ax.set_xticks(ticks, [f"{days[i]:%d %b}" for i in ticks], rotation=0, fontsize="small")
    ax.set_yticks(range(n_rows), [name(k) for k in grid.index], fontsize="small")
    ax.set_xticks(np.arange(-0.5, n_days, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("Date (UTC, ticks on Mondays)" if ticks and mondays else "Date (UTC)")
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    colorbar.set_label(_axis_label(kpi, metric, _mean_of(data)))
    if kpi is not None and kpi.kind == "rate":
        _percent_axis(colorbar.ax.yaxis)
    if title is None:
        title = _title(kpi, metric, " by day", _mean_of(data))
        span = _range_text(data)
        if span:
            title += f"\n{span}; grey: no data"
    ax.set_title(title, loc="left")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return ax
