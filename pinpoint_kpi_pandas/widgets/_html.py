"""The HTML the dashboard shows: its style sheet, the caption, messages and the summary table.

Numbers are worded in the vocabulary of :mod:`pinpoint_kpi_pandas.analysis`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import catalog
from ..analysis import (
    ENTITY_LEVELS,
    MISSING,
    NO_DATA,
    format_interval,
    format_number,
    format_percent,
    format_points,
    format_signed,
    is_missing,
    short_id,
)
from ._selection import Selection

__all__ = ["CSS", "caption_html", "header_html", "message_html", "project_title", "table_html"]

CSS = """
<style>
.ppk-dash { font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
.ppk-head { font-size: 18px; font-weight: 600; color: #1f2a37; margin: 0; }
.ppk-sub { font-size: 12px; color: #5b6675; margin-top: 2px; }
.ppk-caption { font-size: 13px; color: #334155; }
.ppk-caption b { color: #0f172a; }
.ppk-msg { border-radius: 6px; padding: 8px 12px; font-size: 13px; white-space: pre-wrap;
           line-height: 1.35; }
.ppk-error { background: #fdecec; border: 1px solid #f3b4b4; color: #8a1c1c; }
.ppk-notice { background: #fff7e0; border: 1px solid #f1d48a; color: #6b4e00; }
table.ppk-table { border-collapse: collapse; font-size: 13px; min-width: 60%; }
table.ppk-table th, table.ppk-table td { padding: 5px 12px; border-bottom: 1px solid #e5e7eb; }
table.ppk-table th { text-align: right; color: #475569; font-weight: 600; background: #f8fafc; }
table.ppk-table th:first-child, table.ppk-table td:first-child { text-align: left; }
table.ppk-table td { text-align: right; font-variant-numeric: tabular-nums; }
table.ppk-table tr:hover td { background: #f1f5f9; }
table.ppk-has-note td:last-child, table.ppk-has-note th:last-child { text-align: left; }
</style>
"""
"""The dashboard's style sheet (class names ``ppk-*``), included in each HTML widget."""


def project_title(application_id: str | None, name: str | None) -> str:
    """How the dashboard names a project: by its name, with the id's start beside it.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.widgets import project_title
    >>> project_title("bd683d52aa8061aec109df803c1e4cd2", "Acme Retail")
    'project Acme Retail (bd683d52…)'
    >>> project_title("bd683d52aa8061aec109df803c1e4cd2", None)
    'project bd683d52aa8061aec109df803c1e4cd2'
    """
    if name:
        return f"project {name} ({short_id(application_id)})" if application_id else name
    return f"project {application_id}" if application_id else "the frame's project"


def header_html(title: str, subtitle: str) -> str:
    """The dashboard's heading."""
    return (
        f"{CSS}<div class='ppk-dash'><p class='ppk-head'>{html.escape(title)}</p>"
        f"<div class='ppk-sub'>{html.escape(subtitle)}</div></div>"
    )


def message_html(text: str, *, error: bool) -> str:
    """An error box (the view could not be drawn) or a notice box (warnings while loading)."""
    if error:
        return (
            f"{CSS}<div class='ppk-msg ppk-error'><b>Could not draw this view.</b> "
            f"{html.escape(text)}</div>"
        )
    return f"{CSS}<div class='ppk-msg ppk-notice'>{html.escape(text)}</div>"


def caption_html(
    selection: Selection,
    *,
    kpi: catalog.Kpi | None,
    rows: int,
    table: pd.DataFrame | None = None,
    noun: str = "campaign",
    days: tuple[dt.date | None, dt.date | None] | None = None,
    fixed: bool = False,
) -> str:
    """The line above the chart: what is shown, for how many ids, over which days.

    Parameters
    ----------
    selection : Selection
        What the controls ask for.
    kpi : Kpi or None
        The selection's KPI in the catalog; None when it is not there (its name is shown).
    rows : int
        Rows of the data shown.
    table : pandas.DataFrame, optional
        The summary table; when it shows an unweighted mean, the caption says so.
    noun : str, default "campaign"
        What the ids are.
    days : (date, date), optional
        The days the numbers cover; default the selection's.
    fixed : bool, default False
        The days cannot be picked (the data has no Date level).

    Returns
    -------
    str

    Examples
    --------
    >>> import datetime as dt
    >>> from pinpoint_kpi_pandas.widgets import Selection, caption_html
    >>> pick = Selection("my-own-kpi", ("c1",), dt.date(2026, 10, 1), dt.date(2026, 10, 28),
    ...                  "trend")
    >>> print(caption_html(pick, kpi=None, rows=28))  # doctest: +ELLIPSIS
    <div class='ppk-caption'><b>my-own-kpi</b> · 1 campaign · 01 Oct 2026 – 28 Oct 2026 ...</div>
    """
    if selection.chart == "funnel":
        what = "Delivery funnel"
    else:
        what = kpi.title if kpi is not None else selection.kpi
    mean_of = table.attrs.get("unweighted_mean_of") if table is not None else None
    # A mean of daily rates is not the campaign's rate: say so wherever the table shows one.
    table_note = f" · table: {html.escape(mean_of)}" if mean_of else ""
    n = len(selection.ids)
    start, end = days if days is not None else (selection.start, selection.end)
    span = f"{start:%d %b %Y} – {end:%d %b %Y} (UTC)" if start and end else "range unknown"
    if fixed:
        span += " (the data has no days to pick)"
    return (
        "<div class='ppk-caption'>"
        f"<b>{html.escape(what)}</b> · {n} {noun}{'s' * (n != 1)} · {span} · "
        f"{rows} rows{table_note}</div>"
    )


# What a reader rarely needs: the statistic, the unadjusted p-value, the ratio, the flag, and
# the ids behind the rows' names (kept in the table's data, to join on).
_HIDDEN = ["z", "p_value", "ratio", "baseline", *ENTITY_LEVELS]
_RENAMED = {"p_adjusted": "p (Holm)", "difference": "vs baseline"}


def _rate(value: Any) -> str:
    return format_percent(value, 2)


def table_html(table: pd.DataFrame | None) -> str:
    """The summary table as HTML: rates as percentages, differences of rates in percentage
    points, counts with thousands separators; the test statistics a reader rarely needs
    (``z``, unadjusted ``p_value``, ``ratio``, ``baseline``) and the id column are left out
    (rows are named).

    Parameters
    ----------
    table : pandas.DataFrame or None
        What :func:`summary_table` returned (None gives an empty string).

    Returns
    -------
    str
        A ``<table class="ppk-table">`` (styled by the dashboard's style sheet); missing
        numbers are shown as an em dash, funnel stages without data as "no data".

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.widgets import summary_table, table_html
    >>> frame = pd.DataFrame({"SuccessfulDeliveries": [90, 70]},
    ...                      index=pd.Index(["a", "b"], name="CampaignId"))
    >>> kpi = catalog.get_kpi("successful-deliveries-grouped-by-campaign-activity", "campaign")
    >>> "<td>-20</td>" in table_html(summary_table(frame, kpi=kpi))
    True
    """
    if table is None:
        return ""
    kind = table.attrs.get("value_kind")
    shown = table.drop(columns=_HIDDEN, errors="ignore")
    if {"ci_low", "ci_high"} <= set(shown.columns):
        interval = [
            format_interval(low, high, decimals=2, sep=" – ")
            for low, high in zip(shown["ci_low"], shown["ci_high"], strict=True)
        ]
        position = list(shown.columns).index("ci_low")
        shown = shown.drop(columns=["ci_low", "ci_high"])
        shown.insert(position, "95% interval", interval)
    # Every cell formatted here, as text: to_html ignores formatters (and na_rep) for nullable
    # columns, which would show a count's gap as "<NA>".
    for number, column in enumerate(list(shown.columns)):
        formatter = _formatter(str(column), number, kind)
        funnel = formatter is format_number and table.attrs.get("chart") == "funnel"
        missing = NO_DATA if funnel else MISSING  # the funnel chart's words for an empty stage
        shown[column] = pd.Series(
            [missing if is_missing(v) else formatter(v) for v in shown[column]],
            index=shown.index,
            dtype=object,
        )
    classes = ["ppk-table", *(["ppk-has-note"] if "note" in shown.columns else [])]
    name = str(shown.index.name or "Campaign")
    shown = shown.reset_index(names=name)
    text = shown.to_html(classes=classes, border=0, escape=True, na_rep=MISSING, index=False)
    for old, new in _RENAMED.items():
        text = text.replace(f"<th>{old}</th>", f"<th>{new}</th>")
    for column in map(str, shown.columns):  # people read titles, not value keys
        title = column_title(column)
        if title != column:
            text = text.replace(f"<th>{html.escape(column)}</th>", f"<th>{html.escape(title)}</th>")
    return text


def column_title(column: str) -> str:
    """A KPI column's header for people: its KPI's title (``EmailOpenRate`` -> ``Email open
    rate``), any ``(unweighted mean)`` kept; other columns as they are.

    Examples
    --------
    >>> column_title("DirectEmailOpens"), column_title("SuccessfulDeliveryRate (unweighted mean)")
    ('Emails opened', 'Delivery rate (unweighted mean)')
    >>> column_title("note")
    'Note'
    """
    from ..derived import find_metric

    if column == "note":
        return "Note"
    key, suffix = column, ""
    if column.endswith(")") and " (" in column:
        key, suffix = column.split(" (", 1)
        suffix = " (" + suffix
    found = catalog.kpis_with_value_key(key, include_events_only=True) or [find_metric(key, None)]
    kpi = found[0]
    if kpi is None:
        return column
    words = kpi.title.split(", grouped by")[0]
    return words + suffix


def _formatter(column: str, number: int, kind: str | None) -> Callable[[Any], str]:
    if column in ("note", "95% interval"):
        return str
    if " / " in column:
        return _rate
    if column == "p_adjusted":
        return lambda v: MISSING if is_missing(v) else f"{v:.3g}"
    if column == "difference":
        return format_points if kind == "rate" else format_signed
    if number == 0 and kind == "rate":
        return _rate
    return format_number


def with_channel(name: str, channel: Any) -> str:
    """A campaign's name with its channel, unless the name says it ("Cart Reminder SMS").

    Examples
    --------
    >>> with_channel("Spring Sale", "EMAIL"), with_channel("Cart Reminder SMS", "SMS")
    ('Spring Sale (email)', 'Cart Reminder SMS')
    >>> with_channel("In-App Banner", "IN_APP"), with_channel("Weekly_Email", "EMAIL")
    ('In-App Banner', 'Weekly_Email')
    """
    if not isinstance(channel, str) or not channel:
        return name
    words = channel.lower().replace("_", " ")
    said = re.sub(r"[\W_]+", " ", name.lower())  # "In-App Banner", "Weekly_Email": words
    if re.search(rf"\b{re.escape(words)}\b", said):
        return name
    return f"{name} ({words})" if name.strip() else f"({words})"
