"""Jupyter widgets: :func:`compare_campaigns`, a small dashboard to click through campaigns.

The dashboard is a controller (:class:`CampaignComparison`) around one pure function,
:func:`render_comparison`: the controls' callbacks work out *what* to show (a
:class:`Selection`), load the data from a data source (the frame given, Pinpoint through
:func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`, or an event archive through
:func:`~pinpoint_kpi_pandas.read_pinpoint_events`, cached per KPI and range, for the campaigns
or the journeys of a project), and hand both to the render function, which returns a matplotlib
figure and a summary table and touches no widget. What the dashboard shows is one frozen
:class:`DashboardState`.

Only core ipywidgets and matplotlib are used, and the chart is shown as a PNG ``Image`` widget,
so the dashboard works the same in JupyterLab, Notebook 7, VS Code and Voila.

Modules (private): ``_selection`` (what the controls ask for), ``_sources`` (where the data
comes from: one interface, :class:`DataSource`), ``_render`` (data in, figure and table out),
``_html`` (the style sheet, caption, messages, the table as HTML), ``_controller`` (the widgets
and their callbacks), ``_dashboard`` (the entry point).
"""

from __future__ import annotations

from ..analysis import FUNNEL_KPIS
from ._archive import EventsSource
from ._controller import CampaignComparison, DashboardState, kpi_label
from ._dashboard import compare_campaigns
from ._html import caption_html, project_title, table_html
from ._render import render_comparison, summary_table
from ._selection import CHARTS, Selection
from ._sources import DataSource, FrameSource, ReaderSource, service_date

__all__ = [
    "CHARTS",
    "FUNNEL_KPIS",
    "CampaignComparison",
    "DashboardState",
    "DataSource",
    "EventsSource",
    "FrameSource",
    "ReaderSource",
    "Selection",
    "caption_html",
    "compare_campaigns",
    "kpi_label",
    "project_title",
    "render_comparison",
    "service_date",
    "summary_table",
    "table_html",
]
