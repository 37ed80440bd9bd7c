"""Matplotlib charts for KPI frames: trends, comparisons, funnels, calendars.

Each function takes the data first and everything else by keyword, draws on ``ax=`` (or a new
figure sized for the data), passes ``**kwargs`` on to the matplotlib call that draws the data,
returns the Axes and never calls ``plt.show()``. The data is prepared by
:mod:`pinpoint_kpi_pandas.analysis` (a comparison table, one series per campaign, a grid of
days); the functions here only draw it. Titles, axis labels and units come from the KPI catalog;
rates are drawn on a percentage axis. Campaigns are named from ``names=`` (a mapping, or
:func:`~pinpoint_kpi_pandas.list_campaigns`' frame) or from a frame already relabelled with
``df.pinpoint.label()``. Colours are the Okabe-Ito colour-blind-safe palette; past seven series
the line style changes too, so a dozen campaigns stay distinguishable.

matplotlib is imported when a function is first called (``pip install
'pinpoint-kpi-pandas[plot]'``).
"""

from __future__ import annotations

from ..analysis import FUNNEL_STAGES as FUNNEL_STAGES  # importable from here, as before
from ..analysis import funnel_totals
from ._calendar import plot_calendar
from ._compare import plot_compare
from ._funnel import plot_funnel
from ._style import BASELINE_COLOR, LINESTYLES, OTHER_COLOR, PALETTE, style
from ._trend import plot_trend

__all__ = [
    "BASELINE_COLOR",
    "LINESTYLES",
    "OTHER_COLOR",
    "PALETTE",
    "funnel_totals",
    "plot_calendar",
    "plot_compare",
    "plot_funnel",
    "plot_trend",
    "style",
]
