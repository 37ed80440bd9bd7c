"""The analysis layer: what the accessor, the plots, the dashboard and the command line compute.

Internal to the package: the user-facing faces are :mod:`pinpoint_kpi_pandas.accessor`
(``df.pinpoint``), :mod:`pinpoint_kpi_pandas.plotting` and :mod:`pinpoint_kpi_pandas.widgets`.
The modules here are private; this package re-exports the names the rest of the package uses,
and nothing outside it imports a private module or name.

- ``_meta``: the frame contract: the one reader of ``df.attrs["pinpoint"]`` (:func:`frame_meta`
  for its keys, :func:`frame_contract` for the typed object) and the one writer of attrs
  (:func:`replace_attrs`, :func:`with_meta`);
- ``_windows``: windows kept apart are never added where they overlap (:func:`check_windows`);
- ``_columns``: the catalog entry behind each column; the metric a caller means
  (:func:`resolve_metric`), and a rate from its counts;
- ``_aggregate``: tidy form, and aggregation by kind (:func:`resample`, :func:`total`);
- ``_compare``: totals per entity -> statistics -> notes (:func:`compare`);
- ``_labels``: the names a frame's ids are shown by (:func:`display_names`: its contract's and
  ``names=``, unique), relabelling (:func:`label`);
- ``_funnel``: the funnel's stages and KPIs, and its totals;
- ``_series``: data shaped for the charts over days (trend lines, the calendar's grid);
- ``_format``: numbers as text, one vocabulary.
"""

from __future__ import annotations

from ._aggregate import aggregate, mean_text, resample, tidy, total, with_rows
from ._columns import (
    ENTITY_LEVELS,
    ID_LEVELS,
    LEVEL_TITLES,
    UNWEIGHTED_SUFFIX,
    Metric,
    check_rate_counts,
    column_kpis,
    default_metric,
    entity_level,
    is_kpi_frame,
    kpis_naming,
    lookup_kpi,
    metric_values,
    rate_count_kpis,
    rate_fix,
    rate_from_counts,
    resolve_metric,
)
from ._compare import (
    MIN_EVENTS,
    Totals,
    compare,
    comparison_table,
    comparison_totals,
    metric_first,
)
from ._format import (
    DOLLARS_PER_UNIT,
    MISSING,
    NO_DATA,
    dollars_per_unit,
    format_dollars,
    format_interval,
    format_number,
    format_p,
    format_percent,
    format_points,
    format_ratio,
    format_signed,
    format_value,
    is_missing,
)
from ._funnel import (
    FUNNEL_KPIS,
    FUNNEL_STAGES,
    JOURNEY_FUNNEL_KPIS,
    JOURNEY_FUNNEL_STAGES,
    FunnelShares,
    Stages,
    funnel_kpis,
    funnel_shares,
    funnel_stages,
    funnel_totals,
    missing_stages_message,
    present_stages,
    stages_for,
)
from ._labels import (
    display_names,
    frame_names,
    label,
    name_column,
    name_map,
    namer,
    short_id,
    unique_names,
)
from ._meta import (
    frame_contract,
    frame_meta,
    ids_without_rows,
    replace_attrs,
    warn_if_incomplete,
    with_meta,
)
from ._series import DailyGrid, TrendLines, daily_grid, trend_lines

__all__ = [
    "DOLLARS_PER_UNIT",
    "ENTITY_LEVELS",
    "FUNNEL_KPIS",
    "FUNNEL_STAGES",
    "ID_LEVELS",
    "JOURNEY_FUNNEL_KPIS",
    "JOURNEY_FUNNEL_STAGES",
    "LEVEL_TITLES",
    "MIN_EVENTS",
    "MISSING",
    "NO_DATA",
    "UNWEIGHTED_SUFFIX",
    "DailyGrid",
    "FunnelShares",
    "Metric",
    "Stages",
    "Totals",
    "TrendLines",
    "aggregate",
    "check_rate_counts",
    "column_kpis",
    "compare",
    "comparison_table",
    "comparison_totals",
    "daily_grid",
    "default_metric",
    "display_names",
    "dollars_per_unit",
    "entity_level",
    "format_dollars",
    "format_interval",
    "format_number",
    "format_p",
    "format_percent",
    "format_points",
    "format_ratio",
    "format_signed",
    "format_value",
    "frame_contract",
    "frame_meta",
    "frame_names",
    "funnel_kpis",
    "funnel_shares",
    "funnel_stages",
    "funnel_totals",
    "ids_without_rows",
    "is_kpi_frame",
    "is_missing",
    "kpis_naming",
    "label",
    "lookup_kpi",
    "mean_text",
    "metric_first",
    "metric_values",
    "missing_stages_message",
    "name_column",
    "name_map",
    "namer",
    "present_stages",
    "rate_count_kpis",
    "rate_fix",
    "rate_from_counts",
    "replace_attrs",
    "resample",
    "resolve_metric",
    "short_id",
    "stages_for",
    "tidy",
    "total",
    "trend_lines",
    "unique_names",
    "warn_if_incomplete",
    "with_meta",
    "with_rows",
]
