"""The dashboard's controller: controls in, a :class:`DashboardState` out, shown in widgets.

Callbacks work out *what* to show (a :class:`Selection`), load it from the data source, and
hand both to the pure render function; :meth:`CampaignComparison.refresh` computes the whole
state first, then writes it into the display widgets.
"""

from __future__ import annotations

import datetime as dt
import io
import traceback
import types
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import catalog
from ..analysis import rate_count_kpis, short_id, unique_names
from ..derived import find_metric, is_derived
from ..errors import InvalidArgumentError, PinpointKpiError
from ._html import CSS, caption_html, header_html, message_html, table_html
from ._messages import error_text
from ._render import render_comparison
from ._selection import CHARTS, Selection
from ._sources import DataSource, FrameSource

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["CampaignComparison", "DashboardState", "kpi_label"]

_AUTO_BASELINE = "first with data"

_DEFAULT_KPI = "successful-delivery-rate-grouped-by-date"
_NO_DATES = (
    "The data has no Date level (its KPI is not grouped by date), so its numbers cover the "
    "range it was read for; read a '-grouped-by-date' KPI to pick days."
)
_TOOLTIPS = [
    "Daily values, one line per {noun}",
    "One bar per {noun}, with a 95% interval",
    "Sent, delivered, opened, clicked",
    "Daily values as a heat map",
]


@dataclass(frozen=True)
class DashboardState:
    """Everything the dashboard shows for one selection, computed before anything is shown.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        The data shown.
    figure : matplotlib.figure.Figure or None
        The chart.
    table : pandas.DataFrame or None
        The summary table (see :func:`summary_table`).
    png : bytes
        The chart as PNG bytes (what the dashboard shows).
    error : str or None
        The message of the error box, if the view could not be drawn.
    warnings : tuple of str
        The notices shown (warnings raised while loading and drawing, once each).
    caption : str
        The caption's HTML (see :func:`caption_html`).
    table_html : str
        The summary table's HTML (see :func:`table_html`).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.widgets import DashboardState
    >>> DashboardState(error="pick a KPI").figure is None
    True
    """

    frame: pd.DataFrame | None = None
    figure: Figure | None = None
    table: pd.DataFrame | None = None
    png: bytes = b""
    error: str | None = None
    warnings: tuple[str, ...] = ()
    caption: str = ""
    table_html: str = ""


class CampaignComparison:
    """A campaign- (or journey-) comparison dashboard; made by :func:`compare_campaigns`.

    Displaying the object in a notebook shows the dashboard. Set ``.value`` on the widgets in
    :attr:`controls` (from code or by clicking) and the chart and table follow.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``"campaigns"`` (SelectMultiple of ids, labelled by name), ``"kpi"`` (Dropdown of KPI
        names, labelled by title; first the rates read with their counts, which get intervals
        and tests), ``"start"`` and ``"end"`` (DatePicker), ``"chart"`` (ToggleButtons),
        ``"baseline"`` (Dropdown of the selected ids; ``""``: the first with data).
    widget : ipywidgets.VBox
        The whole dashboard, to place inside your own layout.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     dash = ppk.widgets.compare_campaigns(
    ...         app.id, start_time="2026-10-01", end_time="2026-10-28",
    ...         endpoint_url=emu.endpoint_url)
    ...     first = dash.figure
    ...     dash.controls["chart"].value = "calendar"
    >>> dash.figure is not first, dash.error is None
    (True, True)
    """

    def __init__(
        self,
        source: DataSource,
        *,
        kpi: str | None,
        start: dt.date,
        end: dt.date,
        chart: str,
        ids: Sequence[str],
    ):
        import ipywidgets as w

        self._source = source
        self._state = DashboardState()
        kpi = _initial_kpi(source, kpi)
        self.controls: dict[str, Any] = _controls(source, kpi, start, end, chart, ids)
        self._progress = w.IntProgress(
            value=0,
            min=0,
            max=1,
            description="Loading…",
            bar_style="info",
            style={"description_width": "70px"},
            layout=w.Layout(width="300px", visibility="hidden"),
        )
        self._views = {
            "message": w.HTML(layout=w.Layout(display="none", width="100%")),
            "caption": w.HTML(),
            "image": w.Image(format="png", layout=w.Layout(width="100%", max_width="900px")),
            "table": w.HTML(),
        }
        self._out = w.Output()  # catches anything printed or raised outside our own handler
        title = f"{source.noun.capitalize()} comparison"
        header = w.HTML(header_html(title, source.subtitle))
        c = self.controls
        if source.fixed_range() is not None:
            for picker in (c["start"], c["end"]):
                picker.disabled = True
                picker.tooltip = _NO_DATES
        right = w.VBox(
            [c["kpi"], w.HBox([c["start"], c["end"]]), c["chart"], c["baseline"], self._progress]
        )
        views = self._views
        self.widget = w.VBox(
            [
                header,
                w.HBox([c["campaigns"], right], layout=w.Layout(flex_flow="row wrap")),
                views["message"],
                views["caption"],
                views["image"],
                views["table"],
                self._out,
            ],
            layout=w.Layout(padding="4px"),
        )
        self.widget.add_class("ppk-dash")
        self._syncing = False
        for control in c.values():
            control.observe(self._on_change, names="value")
        self._sync_baseline()
        self.refresh()

    # What tests and users read.
    @property
    def state(self) -> DashboardState:
        """Everything shown now: data, chart, table, messages (a frozen :class:`DashboardState`)."""
        return self._state

    @property
    def views(self) -> Mapping[str, Any]:
        """The display widgets, read-only: ``"message"`` (error or notice box, hidden when
        empty), ``"caption"``, ``"image"`` (the chart) and ``"table"``."""
        return types.MappingProxyType(self._views)

    @property
    def frame(self) -> pd.DataFrame | None:
        """The data currently shown."""
        return self._state.frame

    @property
    def figure(self) -> Figure | None:
        """The chart currently shown."""
        return self._state.figure

    @property
    def table(self) -> pd.DataFrame | None:
        """The summary table currently shown (see :func:`summary_table`)."""
        return self._state.table

    @property
    def png(self) -> bytes:
        """The chart as PNG bytes (what the dashboard shows)."""
        return self._state.png

    @property
    def error(self) -> str | None:
        """The message shown in the error box, if any."""
        return self._state.error

    @property
    def selection(self) -> Selection:
        """The current state of the controls."""
        c = self.controls
        return Selection(
            kpi=c["kpi"].value,
            ids=tuple(c["campaigns"].value),
            start=c["start"].value,
            end=c["end"].value,
            chart=c["chart"].value,
            scope=self._source.scope,
            baseline=c["baseline"].value or None,
        )

    def _on_change(self, change: Any) -> None:
        # Errors must reach the user, not a log no one reads: refresh() shows them in the
        # widget, and the Output catches anything else.
        if self._syncing:
            return
        with self._out:
            if change.get("owner") is self.controls["campaigns"]:
                self._sync_baseline()
            self.refresh()

    def _sync_baseline(self) -> None:
        """The baseline offers the selected ids; a baseline no longer selected goes back to
        "first with data" (without a refresh per change: one follows)."""
        control, ids = self.controls["baseline"], self.controls["campaigns"].value
        shown = option_labels(self._source.ids, self._source.labels)  # as the selector shows
        options = [(_AUTO_BASELINE, ""), *((shown[i], i) for i in ids)]
        keep = control.value if control.value in ids else ""
        self._syncing = True
        try:
            control.options = options
            control.value = keep
        finally:
            self._syncing = False

    def refresh(self) -> None:
        """Load the data for the current selection and redraw the chart and table."""
        funnel = self.controls["chart"].value == "funnel"
        self.controls["kpi"].disabled = self.controls["baseline"].disabled = funnel
        self._state = self._compute(self.selection)
        self._show(self._state)

    def _compute(self, selection: Selection) -> DashboardState:
        source = self._source
        frame = None  # kept when drawing fails: what was loaded is still what was asked for
        try:
            _check_selection(selection, source.noun)
            # Warnings (failed requests, incomplete frames) go in the notice box, once each.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = source.load(selection, self._show_progress)
                kpi = None if selection.chart == "funnel" else self._kpi(selection)
                figure, table = render_comparison(
                    frame,
                    kpi=kpi,
                    chart=selection.chart,
                    labels=source.labels,
                    id_level=source.id_level,
                    ids=selection.ids,
                    baseline=selection.baseline,
                )
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=96, facecolor="white")
        except PinpointKpiError as exc:
            return DashboardState(frame=frame, error=error_text(exc))
        except Exception as exc:  # a bug or an unexpected failure: still show it, with a trace
            trace = "".join(traceback.format_exception(exc)[-6:])
            return DashboardState(frame=frame, error=f"{type(exc).__name__}: {exc}\n\n{trace}")
        fixed = source.fixed_range()
        caption = caption_html(
            selection,
            kpi=self._kpi(selection),
            rows=len(frame),
            table=table,
            noun=source.noun,
            days=fixed if fixed is not None else None,
            fixed=fixed is not None,
        )
        return DashboardState(
            frame=frame,
            figure=figure,
            table=table,
            png=buffer.getvalue(),
            warnings=tuple(dict.fromkeys(str(c.message) for c in caught)),
            caption=caption,
            table_html=CSS + table_html(table),
        )

    def _kpi(self, selection: Selection) -> catalog.Kpi | None:
        return find_metric(selection.kpi, self._source.scope)

    def _show_progress(self, busy: bool, text: str) -> None:
        self._progress.layout.visibility = "visible" if busy else "hidden"
        self._progress.value = 0
        self._progress.description = text[:40] or "Loading…"
        self._progress.bar_style = "info"

    def _show(self, state: DashboardState) -> None:
        views = self._views
        message = state.error or "\n".join(state.warnings)
        views["message"].value = message_html(message, error=bool(state.error)) if message else ""
        views["message"].layout.display = "block" if message else "none"
        views["caption"].value = state.caption
        views["table"].value = state.table_html
        if state.error:
            views["image"].layout.display = "none"
            return
        views["image"].value = state.png
        views["image"].layout.display = "block"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        selection = self.selection
        fixed = self._source.fixed_range()
        start, end = fixed if fixed is not None else (selection.start, selection.end)
        return (
            f"<CampaignComparison {selection.chart} of {selection.kpi} for "
            f"{len(selection.ids)} {self._source.noun}s, {start}..{end}>"
        )


def _initial_kpi(source: DataSource, kpi: str | None) -> str:
    names = [k.name for k in source.kpi_options()]
    if not names:
        raise InvalidArgumentError(
            "the data has no standard KPI column to show; read it with read_pinpoint_kpi, "
            "read_pinpoint_kpi_json or kpi_frame."
        )
    if kpi is None:
        return _DEFAULT_KPI if _DEFAULT_KPI in names else names[0]
    if kpi not in names:
        catalog.get_kpi(kpi, source.scope)  # raises the catalog's own message
        raise InvalidArgumentError(f"kpi={kpi!r} is not in the frame; it holds {', '.join(names)}.")
    return kpi


def option_labels(ids: Sequence[str], labels: Mapping[str, str]) -> dict[str, str]:
    """What a selector shows for each id: its label (or short id), told apart by the id's start
    when two share a name (two "Sale" campaigns are "Sale (a3b4c606)" and "Sale (f00dfeed)").

    Examples
    --------
    >>> option_labels(["a3b4c6061", "f00dfeed2", "0123456789"], {"a3b4c6061": "Sale",
    ...               "f00dfeed2": "Sale"})
    {'a3b4c6061': 'Sale (a3b4c606)', 'f00dfeed2': 'Sale (f00dfeed)', '0123456789': '0123456789'}
    """
    return unique_names(list(ids), {i: labels.get(i) or short_id(i) for i in ids})


def _controls(
    source: DataSource, kpi: str, start: dt.date, end: dt.date, chart: str, ids: Sequence[str]
) -> dict[str, Any]:
    import ipywidgets as w

    shown = option_labels(source.ids, source.labels)
    options = [(shown[i], i) for i in source.ids]
    label_style = {"description_width": "80px"}
    # A frame's days bound the pickers: days outside it have no data to show.
    first, last = source.date_bounds() if isinstance(source, FrameSource) else (None, None)
    return {
        "campaigns": w.SelectMultiple(
            options=options,
            value=tuple(ids),
            rows=min(max(len(options), 4), 10),
            description=f"{source.noun.capitalize()}s",
            style=label_style,
            layout=w.Layout(width="360px", margin="0 16px 0 0"),
        ),
        "kpi": w.Dropdown(
            options=[(kpi_label(k, source.scope), k.name) for k in source.kpi_options()],
            value=kpi,
            description="KPI",
            style=label_style,
            layout=w.Layout(width="420px"),
        ),
        "start": w.DatePicker(
            value=start,
            min=first,
            max=last,
            description="From",
            style=label_style,
            layout=w.Layout(width="240px"),
        ),
        "end": w.DatePicker(
            value=end,
            min=first,
            max=last,
            description="To",
            style=label_style,
            layout=w.Layout(width="240px"),
        ),
        "chart": w.ToggleButtons(
            options=[(c.capitalize(), c) for c in CHARTS],
            value=chart,
            description="Chart",
            style={**label_style, "button_width": "82px"},
            tooltips=[t.format(noun=source.noun) for t in _TOOLTIPS],
        ),
        "baseline": w.Dropdown(
            options=[(_AUTO_BASELINE, "")],
            value="",
            description="Baseline",
            description_allow_html=False,
            tooltip=f"The {source.noun} the others are compared against",
            style=label_style,
            layout=w.Layout(width="420px"),
        ),
    }


def kpi_label(kpi: catalog.Kpi, scope: str) -> str:
    """How a KPI is offered: a rate read with its counts is named as the metric it is.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.widgets import kpi_label
    >>> kpi_label(catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign"),
    ...           "campaign")
    'Email open rate (from counts: intervals, tests)'
    >>> from pinpoint_kpi_pandas.derived import CLICK_RATE
    >>> kpi_label(CLICK_RATE, "campaign")
    'Click rate (derived: clicks / deliveries; intervals, tests)'
    """
    if is_derived(kpi):  # "Click rate (derived: clicks / deliveries; intervals, tests)"
        return f"{kpi.short_title.removesuffix(')')}; intervals, tests)"
    if rate_count_kpis(kpi, scope):
        return f"{kpi.title.split(',')[0]} (from counts: intervals, tests)"
    return kpi.title


def _check_selection(selection: Selection, noun: str) -> None:
    if selection.start is None or selection.end is None:
        raise InvalidArgumentError("pick both a first and a last day.")
    if selection.start > selection.end:
        raise InvalidArgumentError(
            f"the first day ({selection.start}) is after the last ({selection.end}); swap them."
        )
    if not selection.ids:
        raise InvalidArgumentError(f"select at least one {noun} (Ctrl/Cmd-click for several).")
