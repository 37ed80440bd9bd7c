"""The funnel chart: sent -> delivered -> opened -> clicked per campaign, as % of the first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis import (
    NO_DATA,
    display_names,
    format_number,
    format_percent,
    funnel_shares,
    namer,
)
from ._style import STAGE_COLORS, axes_for, finish_axes, percent_axis, short_labels, with_range

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_funnel"]


def plot_funnel(
    data: pd.DataFrame,
    *,
    by: str | None = None,
    names: Any = None,
    stages: Sequence[tuple[str, Sequence[str]]] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    **kwargs: Any,
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
        Default :data:`FUNNEL_STAGES` (for a journey frame, the journeys' email funnel:
        ``EmailsSent``, ``EmailsDelivered``, ``EmailsOpened``, ``EmailsClicked``); the first
        stage is the 100% reference. Stages whose
        columns are all absent are skipped. The columns must be count KPIs: they are totalled
        per campaign by :func:`funnel_totals`, and a stage without data is labelled "no data".
    ax : matplotlib Axes, optional
        Where to draw; default a new figure sized for the number of campaigns.
    title : str, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh` for every stage, over the chart's own
        choices.

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
    funnel = funnel_shares(data, by, stages)
    totals, shares, present = funnel.totals, funnel.shares, funnel.stages
    n, k = len(totals), len(present)
    ax = axes_for(ax, (9.5, max(3.0, 0.17 * n * k + 1.6)))
    height = 0.8 / k
    first = totals.iloc[:, 0].to_numpy(dtype=float)
    for j, (label, _) in enumerate(present):
        # Top campaign first: y decreases with the row number; stages top-down within a group.
        y = -np.arange(n) - j * height
        widths = shares[label].to_numpy(dtype=float)
        color = STAGE_COLORS[j % len(STAGE_COLORS)]
        drawn = {"height": height * 0.92, "color": color, "label": label, **kwargs}
        ax.barh(y, np.nan_to_num(widths), **drawn)
        for i, width in enumerate(widths):
            ax.text(
                0.01 if np.isnan(width) else width + 0.01,
                y[i],
                _stage_text(j, label, first[i], width),
                va="center",
                ha="left",
                fontsize="x-small",
                color="#777777" if np.isnan(width) else "black",
            )
    name = namer(display_names(data, names))
    centers = -np.arange(n) - (k - 1) * height / 2
    ax.set_yticks(centers, short_labels([name(i) for i in totals.index]))
    ax.set_xlim(0, 1.22)
    percent_axis(ax.xaxis)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel(f"Share of messages {present[0][0].lower()} (%)")
    if title is None:
        shown = " \u2192 ".join(label.lower() for label, _ in present)
        title = with_range(f"Funnel: {shown}", data)
    finish_axes(ax, title, grid_axis="x")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    return ax


def _stage_text(stage: int, label: str, first_total: float, width: float) -> str:
    """The first stage's bar is labelled with its count, the others with their share."""
    if stage == 0:
        count = format_number(first_total)
        return f"{count} sent" if label == "Sent" else count
    return NO_DATA if np.isnan(width) else format_percent(width)
