"""Tidy form and aggregation that respects each column's kind.

- counts and amounts add up;
- a rate is recomputed as (sum of numerator) / (sum of denominator) when both counts are
  columns of the frame (:data:`pinpoint_kpi_pandas.catalog.RATE_PARTS`), otherwise refused;
- unique counts (distinct endpoints) and averages cannot be added up and are refused;
- ``unweighted_mean=True`` asks instead for the plain mean of the rows, and the column is
  renamed ``"<key> (unweighted mean)"`` so nobody mistakes it for the real figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import catalog
from ..errors import ArgumentTypeError, InvalidArgumentError
from ..plan import ID_LEVEL
from ._columns import ID_LEVELS, UNWEIGHTED_SUFFIX, column_kpis, rate_fix, rate_from_counts
from ._meta import (
    frame_contract,
    frame_meta,
    ids_without_rows,
    replace_attrs,
    warn_if_incomplete,
    with_meta,
)
from ._windows import check_windows

__all__ = ["aggregate", "mean_text", "resample", "tidy", "total", "with_rows"]


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Long form: one row per index entry and metric, with the metric's kind and unit.

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame.

    Returns
    -------
    pandas.DataFrame
        The index levels as columns (none for a single-value KPI), then ``metric`` (the value
        key), ``value`` (float), ``kind`` and ``unit`` (from the catalog; missing for columns
        that are not KPIs). A RangeIndex.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas  # registers .pinpoint
    >>> df = pd.DataFrame(
    ...     {"SuccessfulDeliveries": [90, 80], "AttemptedDeliveries": [100, 100]},
    ...     index=pd.Index(["run1", "run2"], name="CampaignActivityId"))
    >>> df.pinpoint.tidy()
      CampaignActivityId                metric  value   kind    unit
    0               run1  SuccessfulDeliveries   90.0  count  events
    1               run2  SuccessfulDeliveries   80.0  count  events
    2               run1   AttemptedDeliveries  100.0  count  events
    3               run2   AttemptedDeliveries  100.0  count  events
    """
    kpis = column_kpis(df)
    named = [n for n in df.index.names if n is not None]
    flat = df.reset_index(drop=not named)
    flat.columns = [str(c) for c in flat.columns]
    long = flat.melt(
        id_vars=named,
        value_vars=[str(c) for c in df.columns],
        var_name="metric",
        value_name="value",
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce").astype("float64")
    long["kind"] = long["metric"].map({c: k.kind if k else None for c, k in kpis.items()})
    long["unit"] = long["metric"].map(
        {c: k.unit.replace(" (assumed)", "") if k else None for c, k in kpis.items()}
    )
    return replace_attrs(long, df.attrs)


def _plan_columns(
    df: pd.DataFrame, *, unweighted_mean: bool, what: str
) -> tuple[list[str], list[str], dict[str, tuple[str, str]]]:
    """Split columns into summed, averaged and recomputed rates, or refuse with the fixes."""
    kpis = column_kpis(df)
    scope = frame_meta(df).get("scope")
    columns = [str(c) for c in df.columns]
    sums, means, rates = [], [], {}
    problems = []
    for column in columns:
        kpi = kpis[column]
        if column.endswith(UNWEIGHTED_SUFFIX):
            problems.append(
                f"{column!r} already holds unweighted means; means of means are not offered."
            )
        elif kpi is None:
            problems.append(
                f"{column!r} is not a standard KPI column, so how it adds up is unknown; "
                "drop it first."
            )
        elif kpi.is_additive:
            sums.append(column)
        elif kpi.kind == "rate":
            parts = catalog.RATE_PARTS.get(kpi.value_key)
            if parts and all(p in columns for p in parts):
                rates[column] = parts
            elif unweighted_mean:
                means.append(column)
            else:
                problems.append(
                    f"{column!r} is a rate, and the {what} of rates is not the rate of the "
                    f"{what}: {rate_fix(kpi, columns, scope)}; or pass unweighted_mean=True for "
                    "a clearly labelled unweighted mean."
                )
        elif unweighted_mean:
            means.append(column)
        else:
            why = (
                _unique_count_why(kpi)
                if kpi.kind == "unique_count"
                else "is an average, and averages need their weights to combine"
            )
            problems.append(
                f"{column!r} {why}; or pass unweighted_mean=True for a clearly labelled "
                "unweighted mean."
            )
    for column, parts in rates.items():
        for part in parts:
            if part not in sums:
                problems.append(f"{column!r} needs {part!r} to be a count column.")
    if problems:
        raise InvalidArgumentError(f"cannot take the {what} of this frame: " + " ".join(problems))
    return sums, means, rates


_ROW_NOUNS = {
    "Date": "day",
    "CampaignId": "campaign",
    "JourneyId": "journey",
    "CampaignActivityId": "campaign run",
    "JourneyActivityId": "journey activity",
    "Window": "window",
}


def mean_text(levels: Sequence[Any]) -> str:
    """How an unweighted mean over rows of these index levels is described to a reader.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import mean_text
    >>> mean_text(["Date"]), mean_text(["CampaignActivityId"])
    ('unweighted mean of daily values', 'unweighted mean of values per campaign run')
    """
    named = [str(n) for n in levels if n is not None]
    if named == ["Date"]:
        return "unweighted mean of daily values"
    if not named:
        return "unweighted mean of rows"
    return "unweighted mean of values per " + " and ".join(_ROW_NOUNS.get(n, n) for n in named)


def _averaged_levels(df: pd.DataFrame, keys: list | None) -> list[Any]:
    """The index levels an aggregation with ``keys`` averages over (a resampled Date too)."""
    kept = {
        key.level
        for key in keys or ()
        if isinstance(key, pd.Grouper) and getattr(key, "freq", None) is None
    }
    return [n for n in df.index.names if n not in kept]


def _unique_count_why(kpi: catalog.Kpi) -> str:
    if kpi.grouped_by == "Date":
        daily = "compare its daily values"
    else:
        variant = catalog.date_variant(kpi.name, kpi.scope)
        daily = (
            f"compare the daily values of {variant.name!r}"
            if variant is not None
            else "compare daily values (a '-grouped-by-date' KPI)"
        )
    return (
        "counts distinct endpoints, which do not add up (an endpoint reached on two days, or in "
        "two windows, is one endpoint); Pinpoint counts distinct endpoints over at most 31 days "
        "per request, so over a longer range they cannot be derived from its answers at all. "
        f"Instead {daily}, or read {kpi.name!r} over one window of at most 31 days"
    )


def aggregate(
    df: pd.DataFrame, keys: list | None, *, unweighted_mean: bool, what: str
) -> pd.DataFrame:
    """Aggregate ``df`` by the groupers ``keys`` (None: all rows), respecting each kind.

    The one aggregation behind :func:`resample`, :func:`total` and ``compare()``: ``what``
    names the operation in messages and in ``attrs["pinpoint"]["aggregated"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import aggregate
    >>> df = pd.DataFrame({"Clicks": [1, 2, 3]}, index=pd.Index(["a", "a", "b"], name="CampaignId"))
    >>> aggregate(df, [pd.Grouper(level="CampaignId")], unweighted_mean=False, what="total")
                Clicks
    CampaignId
    a                3
    b                3
    """
    check_windows(df, keys, what)  # never add windows that overlap
    sums, means, rates = _plan_columns(df, unweighted_mean=unweighted_mean, what=what)
    data = df.copy(deep=False)
    data.columns = [str(c) for c in data.columns]
    # Ids and runs stay in frame order (the order they were asked for); dates are sorted below.
    grouped = (
        data.groupby(keys, sort=False, dropna=False)
        if keys
        else data.groupby(np.zeros(len(data), dtype=np.int8))
    )
    pieces = {}
    if sums:
        summed = grouped[sums].sum(min_count=1)
        for column in sums:
            series = summed[column]
            if data[column].dtype.kind in "iu":  # int64 and Int64: counts stay integers
                series = series.astype("Int64" if series.isna().any() else data[column].dtype)
            pieces[column] = series
    if means:
        averaged = grouped[means].mean()
        for column in means:
            pieces[column + UNWEIGHTED_SUFFIX] = averaged[column].astype("float64")
    for column, (numerator, denominator) in rates.items():
        pieces[column] = rate_from_counts(pieces[numerator], pieces[denominator])
    order = []
    for column in data.columns:
        order.append(column + UNWEIGHTED_SUFFIX if column in means else column)
    result = pd.DataFrame({c: pieces[c] for c in order})
    result = _dates_sorted(result) if keys else result.reset_index(drop=True)
    meta = frame_meta(df)
    names = dict(meta.get("columns") or {})
    for column in means:
        if column in names:
            names[column + UNWEIGHTED_SUFFIX] = names.pop(column)
    aggregated = [*meta.get("aggregated", []), what]
    updates: dict[str, Any] = {"columns": names, "aggregated": aggregated}
    if means:
        updates["unweighted_mean"] = sorted({*meta.get("unweighted_mean", []), *means})
        updates["unweighted_mean_of"] = mean_text(_averaged_levels(df, keys))
    return with_meta(result, df, **updates)


def _dates_sorted(result: pd.DataFrame) -> pd.DataFrame:
    """Rows in order of first appearance for every level but ``Date``, which is ascending."""
    if "Date" not in result.index.names:
        return result
    index = result.index
    keys = []
    for position, name in enumerate(index.names):
        values = index.get_level_values(position)
        keys.append(pd.factorize(values, sort=name == "Date", use_na_sentinel=False)[0])
    # np.lexsort sorts by the last key first.
    return result.iloc[np.lexsort(keys[::-1])]


def _check_rule(rule: Any) -> None:
    examples = "'W' (weeks ending Sunday), 'W-MON', 'MS' (calendar months) or '7D'"
    if isinstance(rule, bool) or not isinstance(rule, str | pd.DateOffset | dt.timedelta):
        raise ArgumentTypeError(
            f"rule must be a pandas offset alias (a str) such as {examples}, not "
            f"{type(rule).__name__} {rule!r}."
        )
    try:
        pd.tseries.frequencies.to_offset(rule)
    except ValueError:
        raise InvalidArgumentError(
            f"rule={rule!r} is not a pandas offset alias; use e.g. {examples}."
        ) from None


def resample(df: pd.DataFrame, rule: str, *, unweighted_mean: bool = False) -> pd.DataFrame:
    """Aggregate a date-grouped KPI frame into coarser periods, respecting each column's kind.

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame with a ``Date`` index level. Other levels (campaign, journey, window) are
        kept: each is resampled separately.
    rule : str
        A pandas offset alias: ``"W"`` (weeks ending Sunday), ``"MS"``, ``"7D"``, ...
    unweighted_mean : bool, default False
        Allow rates without their counts, unique counts and averages, as the plain mean of
        the days in each period, in a column renamed ``"<key> (unweighted mean)"``
        (``attrs["pinpoint"]["unweighted_mean_of"]`` says what was averaged).

    Returns
    -------
    pandas.DataFrame
        Same levels and column order; counts and amounts summed (integers kept when no period
        is empty), rates recomputed from summed numerators and denominators. The attrs record
        the aggregation.

    Raises
    ------
    InvalidArgumentError
        No ``Date`` level, or a column that cannot be aggregated: the message names the KPIs
        to add, or the opt-in.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> days = pd.date_range("2026-08-03", periods=14, name="Date")
    >>> df = pd.DataFrame({"SuccessfulDeliveries": [9] * 7 + [8] * 7,
    ...                    "AttemptedDeliveries": [10] * 14}, index=days)
    >>> df["SuccessfulDeliveryRate"] = df.SuccessfulDeliveries / df.AttemptedDeliveries
    >>> df.pinpoint.resample("W")
                SuccessfulDeliveries  AttemptedDeliveries  SuccessfulDeliveryRate
    Date
    2026-08-09                    63                   70                     0.9
    2026-08-16                    56                   70                     0.8
    """
    _check_rule(rule)
    warn_if_incomplete(df, "resample()")
    names = list(df.index.names)
    if "Date" not in names:
        raise InvalidArgumentError(
            "resample needs a 'Date' index level, and this frame is indexed by "
            f"{[n for n in names if n] or 'nothing'}; read a '-grouped-by-date' KPI, or use "
            "total() to aggregate over everything."
        )
    others = [n for n in names if n != "Date"]
    keys = [*(pd.Grouper(level=n) for n in others), pd.Grouper(level="Date", freq=rule)]
    result = aggregate(df, keys, unweighted_mean=unweighted_mean, what=f"resample({rule!r})")
    if others:
        now = list(result.index.names)
        result = result.reorder_levels([now.index(n) for n in names])
    return result


def _default_total_by(df: pd.DataFrame) -> list[str]:
    first = df.index.names[0]
    if df.index.nlevels == 1 and isinstance(df.index, pd.RangeIndex):
        return []
    scope = frame_meta(df).get("scope")
    if scope in ID_LEVEL:
        return [first] if first == ID_LEVEL[scope] else []
    return [first] if first in ID_LEVELS and df.index.nlevels > 1 else []


def total(
    df: pd.DataFrame, *, by: str | Sequence[str] | None = None, unweighted_mean: bool = False
) -> pd.DataFrame:
    """Aggregate a KPI frame over all its rows (per campaign or journey by default).

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame.
    by : str or list of str, optional
        Index levels to keep. Default: the leading ``CampaignId`` / ``JourneyId`` level when
        the frame has one (one row per id read), else nothing. ``[]`` gives a grand total.
    unweighted_mean : bool, default False
        As for :func:`resample`.

    Returns
    -------
    pandas.DataFrame
        One row per group, in the frame's order of ids (dates ascending); a single row with a
        RangeIndex for a grand total. Counts and amounts summed, rates recomputed from their
        counts. By campaign (journey), every id asked for has a row: missing values for those
        that had no data in the range (``attrs["pinpoint"]["ids_with_rows"]`` tells them
        apart).

    Raises
    ------
    InvalidArgumentError
        A column that cannot be aggregated, an unknown level, or windows (a ``Window`` level)
        that overlap: adding them would count their shared days twice.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> runs = pd.Index(["r1", "r2"], name="CampaignActivityId")
    >>> df = pd.DataFrame({"DirectEmailOpens": [30, 10], "SuccessfulDeliveries": [100, 100],
    ...                    "EmailOpenRate": [0.3, 0.1]}, index=runs)
    >>> df.pinpoint.total()
       DirectEmailOpens  SuccessfulDeliveries  EmailOpenRate
    0                40                   200            0.2
    """
    if by is None:
        levels = _default_total_by(df)
    elif isinstance(by, str):
        levels = [by]
    elif isinstance(by, list | tuple) and all(isinstance(b, str) for b in by):
        levels = list(by)
    else:
        raise ArgumentTypeError(
            "by must name index levels to keep: a level name or a list of them (e.g. "
            f"by='CampaignId', or by=[] for a grand total), not {type(by).__name__} {by!r}."
        )
    warn_if_incomplete(df, "total()")
    missing = [level for level in levels if level not in df.index.names]
    if missing:
        raise InvalidArgumentError(
            f"by={missing} names no index level; the levels are {list(df.index.names)}."
        )
    keys = [pd.Grouper(level=level) for level in levels]
    result = aggregate(df, keys, unweighted_mean=unweighted_mean, what="total")
    if len(levels) == 1:
        # every campaign (journey) asked for has a row: missing values where it had no data
        missing = ids_without_rows(df, levels[0])
        if missing:  # in the order the ids were asked for
            asked = {i: n for n, i in enumerate(frame_contract(df).ids)}
            rows = sorted([*result.index, *missing], key=lambda i: asked.get(i, len(asked)))
            result = with_rows(result, rows, levels[0])
    return result


def with_rows(frame: pd.DataFrame, rows: Sequence[Any], level: str) -> pd.DataFrame:
    """``frame`` reindexed to ``rows`` (new ones empty), integer columns kept integers.

    Rows for ids without data are missing values; an ``int64`` count column becomes nullable
    ``Int64`` to hold them (never ``float64``: ``4336``, not ``4336.0``).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import with_rows
    >>> df = pd.DataFrame({"Clicks": [3]}, index=pd.Index(["a"], name="CampaignId"))
    >>> with_rows(df, ["a", "b"], "CampaignId")["Clicks"].tolist()
    [3, <NA>]
    """
    integral = [
        c for c, dtype in frame.dtypes.items() if isinstance(dtype, np.dtype) and dtype.kind in "iu"
    ]
    if integral:
        frame = frame.astype(dict.fromkeys(integral, "Int64"))
    return frame.reindex(list(rows)).rename_axis(level)
