"""The look every chart shares: colours, line styles, axes, titles, labels, legends.

matplotlib is imported when a chart is first drawn (``pip install 'pinpoint-kpi-pandas[plot]'``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .. import catalog
from ..analysis import UNWEIGHTED_SUFFIX, frame_meta

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

__all__ = [
    "BASELINE_COLOR",
    "LABEL_CHARS",
    "LINESTYLES",
    "OTHER_COLOR",
    "PALETTE",
    "STAGE_COLORS",
    "axes_for",
    "axis_label",
    "chart_title",
    "finish_axes",
    "legend_outside",
    "mean_of",
    "percent_axis",
    "pyplot",
    "range_text",
    "short_labels",
    "style",
    "with_range",
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
"""Line styles, cycled once every colour of :data:`PALETTE` has been used."""
BASELINE_COLOR = "#E69F00"
"""The baseline's bar or dot in a comparison."""
OTHER_COLOR = "#0072B2"
"""Every other bar or dot in a comparison."""
STAGE_COLORS = ("#0072B2", "#56B4E9", "#009E73", "#E69F00")
"""The funnel's stages, in order."""


LABEL_CHARS = 40
"""The longest name a chart shows whole as a tick label or legend entry (longer ones are
shortened, so long campaign names never squeeze the plot away; tables show them whole)."""


def short_labels(labels: Sequence[str], width: int = LABEL_CHARS) -> list[str]:
    """Labels of at most ``width`` characters, still distinct from each other.

    A longer label keeps its start and its end around an ellipsis, so labels that differ only
    at the end (a name two campaigns share, told apart by the id appended to it) stay apart;
    more of the end is kept where that is not enough, and a label is left whole rather than
    made to equal another.

    Examples
    --------
    >>> short_labels(["Welcome", "Black Friday teaser: forty per cent off everything (a3b4c606)"])
    ['Welcome', 'Black Friday teaser: forty…(a3b4c606)']
    """
    texts = [str(t) for t in labels]
    out = list(texts)
    for tail in range(10, width - 4):
        out = [_shortened(t, width, tail) for t in texts]
        if len(set(out)) == len(set(texts)):
            return out
    counts = Counter(out)  # still alike: those stay whole
    return [text if counts[short] > 1 else short for text, short in zip(texts, out, strict=True)]


def _shortened(text: str, width: int, tail: int) -> str:
    if len(text) <= width:
        return text
    end = text[-tail:]
    space = text.rfind(" ", 0, len(text) - tail)
    if space >= len(text) - tail - 8:  # the end from the start of its first word, when close
        end = text[space + 1 :]
    room = width - len(end) - 1
    head = text[:room]
    space = head.rfind(" ")
    if space >= room - 10:  # and the start up to the end of a word
        head = head[:space]
    return head.rstrip(" ,;:") + "\u2026" + end


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError naming the extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'pinpoint-kpi-pandas[plot]'"
        ) from exc
    return plt


def axes_for(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` inches (constrained layout)."""
    if ax is not None:
        return ax
    _, new = pyplot().subplots(figsize=figsize, layout="constrained")
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


def percent_axis(axis: Axis, span: float | None = None) -> None:
    """Format an axis of fractions as percentages, on 1-2-5 steps.

    Whole percents unless the axis spans only a few points (``span`` under 0.05), so a label
    never rounds its tick (a 0.25-point step printed with one decimal shows 98.25% as 98.2%).
    """
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    decimals = None if span is None else (0 if span >= 0.05 else 1)
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def chart_title(
    kpi: catalog.Kpi | None, metric: str, suffix: str = "", mean_of: str | None = None
) -> str:
    """The KPI's short title (with what an unweighted mean averaged), and ``suffix``."""
    if metric.endswith(UNWEIGHTED_SUFFIX):
        base = kpi.short_title if kpi is not None else metric.removesuffix(UNWEIGHTED_SUFFIX)
        return f"{base} ({mean_of or 'unweighted mean'}){suffix}"
    return (kpi.short_title if kpi is not None else metric) + suffix


def axis_label(kpi: catalog.Kpi | None, metric: str, mean_of: str | None = None) -> str:
    """The catalog's axis label; for an unweighted mean, e.g. "Delivery rate (%), unweighted
    mean of daily values", so it is never read as the rate itself.
    """
    if kpi is None:
        return metric
    if metric.endswith(UNWEIGHTED_SUFFIX):
        return f"{kpi.axis_label}, {mean_of or 'unweighted mean'}"
    return kpi.axis_label


def mean_of(df: pd.DataFrame) -> str | None:
    """What an unweighted mean in ``df`` averaged, from its contract (None: no mean)."""
    return frame_meta(df).get("unweighted_mean_of")


def range_text(df: pd.DataFrame) -> str:
    """The range a frame was read for, for a title: ``"01 Aug 2026 to 10 Aug 2026 (UTC)"``."""
    meta = frame_meta(df)
    start, end = meta.get("start_time"), meta.get("end_time")
    if not start or not end:
        return ""
    try:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
    except ValueError:
        return ""
    return f"{first:%d %b %Y} to {last:%d %b %Y} (UTC)"


def with_range(title: str, df: pd.DataFrame, extra: str = "") -> str:
    """``title``, and on a second line the range ``df`` was read for (and ``extra``), if known."""
    span = range_text(df)
    return f"{title}\n{span}{extra}" if span else title


def legend_outside(ax: Axes, n: int, *, title: str | None = None) -> None:
    """A legend right of the plot, for more than one series."""
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


def finish_axes(ax: Axes, title: str, *, grid_axis: Literal["both", "x", "y"] = "both") -> None:
    """The title on the left, a light grid, no top or right spine."""
    ax.set_title(title, loc="left", wrap=True)  # wrapped at the figure's edge, never cut off
    ax.grid(True, axis=grid_axis, alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
