"""The pure part of the dashboard: data in, figure and table out; no widget, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .. import catalog
from ..analysis import (
    LEVEL_TITLES,
    compare,
    frame_meta,
    frame_names,
    funnel_shares,
    funnel_stages,
    metric_values,
    missing_stages_message,
    replace_attrs,
    short_id,
    unique_names,
    with_rows,
)
from ..errors import InvalidArgumentError
from ._selection import CHARTS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["render_comparison", "summary_table"]


def render_comparison(
    data: pd.DataFrame,
    *,
    kpi: catalog.Kpi | None,
    chart: str,
    labels: Mapping[str, str] | None = None,
    id_level: str = "CampaignId",
    ids: Sequence[str] | None = None,
    baseline: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Draw one chart of campaigns side by side, and the table that goes under it.

    A pure function: it reads ``data`` and returns new objects; no widget, no I/O, no pyplot
    figure manager (the figure is a bare :class:`matplotlib.figure.Figure`, so a notebook never
    shows it twice). The charts are those of :mod:`pinpoint_kpi_pandas.plotting`.

    Parameters
    ----------
    data : pandas.DataFrame
        A KPI frame whose first index level is ``id_level``, already cut to the campaigns and
        days to show.
    kpi : Kpi or None
        The KPI of the column to draw (None for the funnel).
    chart : {"trend", "compare", "funnel", "calendar"}
        ``trend``: :func:`~pinpoint_kpi_pandas.plotting.plot_trend` (needs a
        ``-grouped-by-date`` KPI); ``compare``:
        :func:`~pinpoint_kpi_pandas.plotting.plot_compare`, the first campaign as baseline;
        ``funnel``: :func:`~pinpoint_kpi_pandas.plotting.plot_funnel` (needs the
        :data:`FUNNEL_KPIS` columns); ``calendar``:
        :func:`~pinpoint_kpi_pandas.plotting.plot_calendar`.
    labels : mapping of id to name, optional
        Campaign names for legends and the table; ids are shown where missing.
    id_level : str, default "CampaignId"
        The index level holding the ids.
    ids : sequence of str, optional
        The campaigns selected, in order, including those without data in ``data`` (they get
        an empty row in the table). Default: the ids in ``data``.
    baseline : str, optional
        The id the others are compared against (compare chart and table). Default: the first
        of ``ids`` with data.

    Returns
    -------
    (matplotlib.figure.Figure, pandas.DataFrame)
        The figure and :func:`summary_table` of ``data``.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.widgets import render_comparison
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     df = ppk.read_pinpoint_kpi(
    ...         app.id, "successful-delivery-rate-grouped-by-date", "2026-10-01", "2026-10-28",
    ...         campaign_id=[c.id for c in app.campaigns[1:4]], endpoint_url=emu.endpoint_url)
    >>> kpi = ppk.catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    >>> figure, table = render_comparison(df, kpi=kpi, chart="trend")
    >>> len(figure.axes[0].lines), len(table)
    (3, 3)

    Raises
    ------
    InvalidArgumentError
        The chart cannot be drawn from this data (e.g. ``trend`` of a KPI without dates); the
        message says which KPI or chart to pick instead.
    """
    from matplotlib.figure import Figure

    from .. import plotting

    if chart not in CHARTS:
        raise InvalidArgumentError(f"chart must be one of {CHARTS}, not {chart!r}.")
    if chart != "funnel" and kpi is None:
        raise InvalidArgumentError("pick a KPI to chart.")
    if chart in ("trend", "calendar"):
        _require_dates(data, kpi, chart)
    labels = {**frame_names(data), **(labels or {})}
    ids = list(ids) if ids is not None else _ids_in(data, id_level)
    table = summary_table(
        data, kpi=kpi, chart=chart, labels=labels, id_level=id_level, ids=ids, baseline=baseline
    )
    figure = Figure(figsize=(10, _HEIGHTS[chart](max(len(ids), 1))), layout="constrained")
    ax = figure.subplots()
    present = _ids_with_values(data, kpi, chart, id_level)
    column = None if kpi is None else kpi.value_key
    if not present:
        ax.text(
            0.5,
            0.5,
            "No data for this selection: pick other campaigns or days.",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.35",
        )
        ax.set_axis_off()
    elif chart == "trend":
        plotting.plot_trend(data, column, names=labels, ax=ax)
    elif chart == "compare":
        assert kpi is not None  # checked above: only the funnel draws without a KPI
        chosen = _baseline(present, baseline, labels)
        plotting.plot_compare(
            _comparison(data, kpi, id_level, baseline=chosen), names=labels, ax=ax
        )
    elif chart == "funnel":
        plotting.plot_funnel(data, by=id_level, names=labels, ax=ax)
    else:
        plotting.plot_calendar(data, column, names=labels, ax=ax)
    return figure, table


_NAME_COLUMNS = ("CampaignName", "JourneyName")  # compare()'s: the rows are named here

_HEIGHTS = {
    "trend": lambda rows: 4.4,
    "compare": lambda rows: max(2.8, 0.42 * rows + 1.9),
    "funnel": lambda rows: max(3.2, 0.62 * rows + 1.7),
    "calendar": lambda rows: max(2.8, 0.36 * rows + 1.9),
}
"""The figure's height in inches for a number of rows, per chart."""


def _ids_with_values(
    data: pd.DataFrame, kpi: catalog.Kpi | None, chart: str, id_level: str
) -> list[str]:
    """The ids that get a line, bar or row: those with a value (every id for the funnel)."""
    present = _ids_in(data, id_level)
    values = _values(data, kpi) if chart != "funnel" and present else None
    if values is not None:
        has_value = values.notna().groupby(level=id_level, sort=False).any()
        present = [i for i in present if has_value.get(i, False)]
    return present


def _values(data: pd.DataFrame, kpi: catalog.Kpi | None) -> pd.Series | None:
    """The KPI's values per row: its column, or a rate computed from its counts (a derived
    rate's only source); None when the data has neither."""
    if kpi is None:
        return None
    try:
        return metric_values(data, kpi.value_key)[1]
    except InvalidArgumentError:
        return None


def summary_table(
    data: pd.DataFrame,
    *,
    kpi: catalog.Kpi | None,
    chart: str = "compare",
    labels: Mapping[str, str] | None = None,
    id_level: str = "CampaignId",
    ids: Sequence[str] | None = None,
    baseline: str | None = None,
) -> pd.DataFrame:
    """One row per campaign: the comparison table, or the funnel's stage totals.

    For every chart but the funnel this is :meth:`df.pinpoint.compare()
    <pinpoint_kpi_pandas.accessor.PinpointAccessor.compare>` against the first campaign with
    data: counts are totalled; rates with their counts get Wilson intervals and tests; rates,
    unique counts and averages without them are averaged over the rows, unweighted, and the
    ``note`` column says so. The funnel gives each stage's total and the share of the stage
    before it that reached it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Campaign`` (the name, unique, or the id's start where no name is known:
        from ``labels``, else those ``data`` carries), one row per id of ``ids`` (default: the
        ids in ``data``), in the order of the comparison (largest first); campaigns without
        data come last with an empty row. The last column, ``CampaignId`` (``JourneyId``),
        keeps each row's id. ``attrs["value_kind"]`` is the
        KPI's kind; ``attrs["unweighted_mean_of"]`` says what an unweighted mean averaged (the
        value column is then headed ``"<key> (unweighted mean)"``), else None.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.widgets import summary_table
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     df = ppk.read_pinpoint_kpi(
    ...         app.id, "unique-deliveries-grouped-by-date", "2026-10-01", "2026-10-28",
    ...         campaign_id=[c.id for c in app.campaigns[1:3]], endpoint_url=emu.endpoint_url)
    >>> kpi = ppk.catalog.get_kpi("unique-deliveries-grouped-by-date", "campaign")
    >>> summary_table(df, kpi=kpi).index.name
    'Campaign'
    """
    labels = {**frame_names(data), **(labels or {})}
    ids = list(ids) if ids is not None else _ids_in(data, id_level)
    mean_of = None
    if chart == "funnel":
        table = _funnel_table(data, ids, id_level)
        kind = "count"
    else:
        if kpi is None:
            raise InvalidArgumentError("pick a KPI to summarise.")
        table, mean_of = _kpi_table(data, kpi, ids, id_level, baseline, labels)
        kind = kpi.kind
    # Rows by name (unique; a short id where none is known), the ids kept in a last column.
    keys = [str(i) for i in table.index]
    names = unique_names(keys, labels)
    table = table.drop(columns=[c for c in _NAME_COLUMNS if c in table.columns])
    table[id_level] = keys
    table.index = pd.Index([names[k] if k in labels else short_id(k) for k in keys])
    table.index.name = LEVEL_TITLES.get(id_level, "Campaign")
    attrs = {
        "chart": chart,
        "value_kind": kind,
        "value_unit": getattr(kpi, "unit", "events"),
        "unweighted_mean_of": mean_of,
    }
    return replace_attrs(table, attrs)


def _kpi_table(
    data: pd.DataFrame,
    kpi: catalog.Kpi,
    ids: list[str],
    id_level: str,
    baseline: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, str | None]:
    """The comparison against ``baseline`` (default: the first id with data); ids without
    data last, empty."""
    shown = _values(data, kpi)
    if shown is None:
        raise InvalidArgumentError(
            f"the data has no {kpi.value_key} column, nor the counts it comes from "
            f"(columns: {', '.join(map(str, data.columns))})."
        )
    values = shown.notna().groupby(level=id_level, sort=False).any()
    with_data = [i for i in ids if values.get(i, False)]
    mean_of = None
    if with_data:
        table = _comparison(
            data, kpi, id_level, baseline=_baseline(with_data, baseline, labels or {})
        )
        mean_of = frame_meta(table)["compare"].get("unweighted_mean_of")
        table = table[table.index.isin(ids)]
    else:
        table = pd.DataFrame({kpi.value_key: [], "note": []}, index=pd.Index([], dtype="str"))
    table = with_rows(table, [*table.index, *(i for i in ids if i not in table.index)], id_level)
    if "note" in table.columns:
        table["note"] = table["note"].astype(object).fillna("no data in range")
    if "baseline" in table.columns:
        table["baseline"] = table["baseline"].fillna(False).astype(bool)
    return table, mean_of


def _baseline(with_data: list[str], chosen: str | None, labels: Mapping[str, str]) -> str:
    """The baseline: the one chosen, when it has data; else the first with data."""
    if chosen is None:
        return with_data[0]
    if chosen not in with_data:
        name = labels.get(chosen) or short_id(chosen)
        raise InvalidArgumentError(
            f"the baseline {name} has no data for this selection: choose another baseline, "
            "or other days."
        )
    return chosen


def _comparison(
    data: pd.DataFrame, kpi: catalog.Kpi, id_level: str, *, baseline: str
) -> pd.DataFrame:
    return compare(
        data,
        kpi.value_key,
        baseline,
        by=id_level,
        # Rates without their counts, and distinct-endpoint counts, cannot be totalled: the
        # table shows their unweighted mean over days (or runs), and its note says so.
        unweighted_mean=not kpi.is_additive,
    )


def _funnel_table(data: pd.DataFrame, ids: list[str], id_level: str) -> pd.DataFrame:
    scope = "journey" if id_level == "JourneyId" else "campaign"
    needs = missing_stages_message([str(c) for c in data.columns], scope)
    if needs:
        raise InvalidArgumentError(needs)
    # The chart's own numbers, in the chart's order (largest first stage first; the selected
    # without data last): each stage's total and its share of the first stage, as the bars
    # show them. A stage without data is NaN ("no data"), never 0.
    funnel = funnel_shares(data, id_level, funnel_stages(scope))
    order = [i for i in funnel.totals.index if i in ids] + [
        i for i in ids if i not in funnel.totals.index
    ]
    totals = funnel.totals.reindex(order)
    totals.index.name = id_level
    # Counts shown as integers, with <NA> where a stage has no data.
    table = totals.astype("Int64") if (totals.fillna(0) % 1 == 0).all().all() else totals.copy()
    first = funnel.stages[0][0]
    for label, _ in funnel.stages[1:]:
        table[f"{label} / {first}"] = funnel.shares[label].reindex(order)
    return table


def _require_dates(data: pd.DataFrame, kpi: catalog.Kpi | None, chart: str) -> None:
    if "Date" in data.index.names:
        return
    name = kpi.name if kpi else "this KPI"
    better = catalog.date_variant(kpi.name, kpi.scope) if kpi else None
    fix = f"pick {better.title!r} ({better.name})" if better else "pick a KPI 'grouped by date'"
    raise InvalidArgumentError(
        f"a {chart} chart needs one value per day, and {name} has none; {fix}, or choose the "
        "compare chart."
    )


def _ids_in(data: pd.DataFrame, id_level: str) -> list[str]:
    if id_level not in data.index.names:
        return []
    return list(dict.fromkeys(data.index.get_level_values(id_level)))
