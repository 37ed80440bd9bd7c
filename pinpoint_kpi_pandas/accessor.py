"""``DataFrame.pinpoint``: KPI-aware reshaping, aggregation, comparison, labelling and plots.

Importing :mod:`pinpoint_kpi_pandas` registers the accessor. The logic lives in the plain
functions of this module (:func:`tidy`, :func:`resample`, :func:`total`, :func:`compare`,
:func:`label`); the accessor only delegates, holds no state, and never changes the caller's
frame.

Every column's KPI (and so its kind: rate, count, unique count, amount, average) is looked up in
the catalog from ``df.attrs["pinpoint"]`` (``columns`` and ``scope``), falling back to the value
key alone, so frames that lost their attrs still work. Aggregation follows the kind:

- counts and amounts add up;
- a rate is recomputed as (sum of numerator) / (sum of denominator) when both counts are
  columns of the frame (:data:`pinpoint_kpi_pandas.catalog.RATE_PARTS`), otherwise refused;
- unique counts (distinct endpoints) and averages cannot be added up and are refused;
- ``unweighted_mean=True`` asks instead for the plain mean of the rows, and the column is
  renamed ``"<key> (unweighted mean)"`` so nobody mistakes it for the real figure.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import inspect
import numbers
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import catalog, stats
from .errors import ArgumentTypeError, InvalidArgumentError
from .plan import ID_LEVEL

__all__ = [
    "UNWEIGHTED_SUFFIX",
    "PinpointAccessor",
    "column_kpis",
    "compare",
    "label",
    "resample",
    "tidy",
    "total",
]

UNWEIGHTED_SUFFIX = " (unweighted mean)"
"""Appended to a column holding an explicitly requested unweighted mean of rows."""

ID_LEVELS = tuple(ID_LEVEL.values())
ENTITY_LEVELS = ("CampaignId", "JourneyId", "CampaignActivityId", "JourneyActivityId")
LEVEL_TITLES = {
    "CampaignId": "Campaign",
    "JourneyId": "Journey",
    "CampaignActivityId": "Campaign run",
    "JourneyActivityId": "Journey activity",
}
"""Human headings of the index levels, for tables and legends."""
_MIN_EVENTS = 5  # events and non-events per group for the normal approximation of the z-test


# --------------------------------------------------------------------------- column metadata


@functools.cache
def _known_value_keys() -> frozenset[str]:
    keys = {k.value_key for k in catalog.kpis()}
    for parts in catalog.RATE_PARTS.values():
        keys.update(parts)
    return frozenset(keys)


def _meta(df: pd.DataFrame) -> dict:
    meta = df.attrs.get("pinpoint")
    return meta if isinstance(meta, dict) else {}


def _lookup(
    value_key: str, scope: str | None, kpi_name: str | None, grouping: str | None = None
) -> catalog.Kpi | None:
    scopes = [scope] if scope in catalog.SCOPES else []
    scopes += [s for s in catalog.SCOPES if s not in scopes]
    if kpi_name:
        for s in scopes:
            found = catalog.find_kpi(kpi_name, s)
            if found is not None:
                return found
    # Without a KPI name, prefer the KPI grouped like the frame (its last index level).
    candidates = [k for s in scopes for k in catalog.kpis_with_value_key(value_key, s)]
    for kpi in candidates:
        if kpi.grouped_by == grouping:
            return kpi
    return candidates[0] if candidates else None


def column_kpis(df: pd.DataFrame) -> dict[str, catalog.Kpi | None]:
    """The catalog entry behind each column of a KPI frame (None for other columns).

    Uses ``df.attrs["pinpoint"]["columns"]`` and ``["scope"]`` when present, else the value key
    alone (all groupings of one value key share its kind and unit).

    Parameters
    ----------
    df : pandas.DataFrame
        A frame from :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` and friends.

    Returns
    -------
    dict
        ``{column: Kpi or None}`` in column order.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.accessor import column_kpis
    >>> df = pd.DataFrame({"EmailOpenRate": [0.2], "Note": ["x"]})
    >>> {c: (k.kind if k else None) for c, k in column_kpis(df).items()}
    {'EmailOpenRate': 'rate', 'Note': None}
    """
    meta = _meta(df)
    scope = meta.get("scope")
    names = meta.get("columns") or {}
    grouping = df.index.names[-1]
    out: dict[str, catalog.Kpi | None] = {}
    for column in df.columns:
        key = str(column)
        base = key.removesuffix(UNWEIGHTED_SUFFIX)
        out[key] = _lookup(base, scope, names.get(key) or names.get(base), grouping)
    return out


def _rate_kpi(value_key: str, scope: str | None) -> catalog.Kpi | None:
    kpi = _lookup(value_key, scope, None)
    return kpi if kpi is not None and kpi.kind == "rate" else None


def _kpis_naming(value_key: str, scope: str | None) -> str:
    found = catalog.kpis_with_value_key(value_key, scope) if scope in catalog.SCOPES else ()
    if not found:
        found = catalog.kpis_with_value_key(value_key)
    if not found:
        return f"{value_key} (no standard KPI reports it)"
    return f"{value_key} (from " + " or ".join(repr(k.name) for k in found) + ")"


def _rate_fix(kpi: catalog.Kpi, columns: Sequence[str], scope: str | None) -> str:
    """How to make a rate re-aggregable: the count KPIs to add, or why it cannot be."""
    parts = catalog.RATE_PARTS.get(kpi.value_key)
    if not parts:
        return "no standard count KPIs carry its numerator and denominator"
    missing = [p for p in parts if p not in columns]
    scopes = [scope] if scope in catalog.SCOPES else list(catalog.SCOPES)
    same, other = [], []
    for part in missing:
        found = [k for s in scopes for k in catalog.kpis_with_value_key(part, s)]
        matching = [k for k in found if k.grouped_by == kpi.grouped_by]
        if matching:
            same.append(matching[0].name)
        else:
            other.append(_kpis_naming(part, scope))
    if not other:
        return (
            "add its numerator and denominator counts to the frame, e.g. kpi_name=["
            + ", ".join(repr(n) for n in [kpi.name, *same])
            + "]"
        )
    per = f"per {kpi.grouped_by}" if kpi.grouped_by else "for this grouping"
    return (
        f"no standard KPI gives {' and '.join(missing)} {per}, so this rate cannot be "
        "re-aggregated exactly (its counts exist as " + "; ".join(other) + "; compare "
        "campaigns over whole ranges with those)"
    )


def _is_kpi_frame(df: pd.DataFrame) -> bool:
    if _meta(df):
        return True
    known = _known_value_keys()
    return any(str(c).removesuffix(UNWEIGHTED_SUFFIX) in known for c in df.columns)


def _with_meta(result: pd.DataFrame, source: pd.DataFrame, **updates: Any) -> pd.DataFrame:
    meta = copy.deepcopy(_meta(source))
    meta.update(updates)
    result.attrs = {**copy.deepcopy(source.attrs), "pinpoint": meta}
    return result


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside this package."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = inspect.currentframe(), 0
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return max(level, 1)


def _warn_if_incomplete(df: pd.DataFrame, what: str) -> None:
    """Warn when the frame was read with ``errors="warn"`` and some requests failed."""
    failed = _meta(df).get("failed") or []
    if failed:
        n = len(failed)
        warnings.warn(
            f"{what}: this frame lacks the rows of {n} failed request{'s' * (n != 1)} (listed "
            "in df.attrs['pinpoint']['failed']), so the result covers only what was read, not "
            "every campaign and day asked for. Read again once those requests succeed (with "
            "cache=, what was already read is not fetched again).",
            UserWarning,
            stacklevel=_user_stacklevel(),
        )


def _row_text(key: Any) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _check_rate_counts(frame: pd.DataFrame, parts: Sequence[str], metric: str, where: str) -> None:
    """Refuse counts a rate cannot come from: negative, or a numerator above its denominator."""
    numerator, denominator = parts
    x = pd.to_numeric(frame[numerator], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    n = pd.to_numeric(frame[denominator], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (n < 0) | (x > n)
    if not bad.any():
        return
    shown = [
        f"{_row_text(frame.index[i])} ({numerator}={x[i]:g}, {denominator}={n[i]:g})"
        for i in np.flatnonzero(bad)
    ]
    more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
    raise InvalidArgumentError(
        f"cannot compute {metric} {where}: {numerator} must be between 0 and {denominator}, and "
        f"is not for {', '.join(shown[:5])}{more}. Check that these columns are the counts "
        "the rate comes from, and that both were read for the same campaigns and days (a read "
        "with errors='warn' may lack some: df.attrs['pinpoint']['failed'])."
    )


# --------------------------------------------------------------------------- tidy


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
    long.attrs = copy.deepcopy(df.attrs)
    return long


# --------------------------------------------------------------------------- aggregation


def _plan_columns(
    df: pd.DataFrame, *, unweighted_mean: bool, what: str
) -> tuple[list[str], list[str], dict[str, tuple[str, str]]]:
    """Split columns into summed, averaged and recomputed rates, or refuse with the fixes."""
    kpis = column_kpis(df)
    scope = _meta(df).get("scope")
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
                    f"{what}: {_rate_fix(kpi, columns, scope)}; or pass unweighted_mean=True for "
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


def _mean_text(levels: Sequence[Any]) -> str:
    """How an unweighted mean over rows of these index levels is described to a reader.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.accessor import _mean_text
    >>> _mean_text(["Date"]), _mean_text(["CampaignActivityId"])
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


def _aggregate(
    df: pd.DataFrame, keys: list | None, *, unweighted_mean: bool, what: str
) -> pd.DataFrame:
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
            if data[column].dtype.kind in "iu" and not series.isna().any():
                series = series.astype(data[column].dtype)
            pieces[column] = series
    if means:
        averaged = grouped[means].mean()
        for column in means:
            pieces[column + UNWEIGHTED_SUFFIX] = averaged[column].astype("float64")
    for column, (numerator, denominator) in rates.items():
        num = pieces[numerator].astype("float64")
        den = pieces[denominator].astype("float64")
        pieces[column] = (num / den).where(den > 0)
    order = []
    for column in data.columns:
        order.append(column + UNWEIGHTED_SUFFIX if column in means else column)
    result = pd.DataFrame({c: pieces[c] for c in order})
    result = _dates_sorted(result) if keys else result.reset_index(drop=True)
    meta = _meta(df)
    names = dict(meta.get("columns") or {})
    for column in means:
        if column in names:
            names[column + UNWEIGHTED_SUFFIX] = names.pop(column)
    aggregated = [*meta.get("aggregated", []), what]
    updates: dict[str, Any] = {"columns": names, "aggregated": aggregated}
    if means:
        updates["unweighted_mean"] = sorted({*meta.get("unweighted_mean", []), *means})
        updates["unweighted_mean_of"] = _mean_text(_averaged_levels(df, keys))
    return _with_meta(result, df, **updates)


def _dates_sorted(result: pd.DataFrame) -> pd.DataFrame:
    """Rows in order of first appearance for every level but ``Date``, which is ascending."""
    if "Date" not in result.index.names:
        return result
    index = result.index
    keys = []
    for name in index.names:
        values = index.get_level_values(name)
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
    _warn_if_incomplete(df, "resample()")
    names = list(df.index.names)
    if "Date" not in names:
        raise InvalidArgumentError(
            "resample needs a 'Date' index level, and this frame is indexed by "
            f"{[n for n in names if n] or 'nothing'}; read a '-grouped-by-date' KPI, or use "
            "total() to aggregate over everything."
        )
    others = [n for n in names if n != "Date"]
    keys = [*(pd.Grouper(level=n) for n in others), pd.Grouper(level="Date", freq=rule)]
    result = _aggregate(df, keys, unweighted_mean=unweighted_mean, what=f"resample({rule!r})")
    if others:
        result = result.reorder_levels(names)
    return result


def _default_total_by(df: pd.DataFrame) -> list[str]:
    first = df.index.names[0]
    if df.index.nlevels == 1 and isinstance(df.index, pd.RangeIndex):
        return []
    scope = _meta(df).get("scope")
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
        counts.

    Raises
    ------
    InvalidArgumentError
        A column that cannot be aggregated, or an unknown level.

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
    _warn_if_incomplete(df, "total()")
    missing = [level for level in levels if level not in df.index.names]
    if missing:
        raise InvalidArgumentError(
            f"by={missing} names no index level; the levels are {list(df.index.names)}."
        )
    keys = [pd.Grouper(level=level) for level in levels]
    return _aggregate(df, keys, unweighted_mean=unweighted_mean, what="total")


# --------------------------------------------------------------------------- compare


def _entity_level(df: pd.DataFrame, by: str | None) -> str:
    names = [n for n in df.index.names if n]
    if by is not None:
        if by not in names:
            raise InvalidArgumentError(f"by={by!r} names no index level; the levels are {names}.")
        return by
    for level in ENTITY_LEVELS:
        if level in names:
            return level
    raise InvalidArgumentError(
        "compare needs campaigns or journeys as rows (a CampaignId, JourneyId, "
        f"CampaignActivityId or JourneyActivityId level); this frame has {names or 'none'}. "
        "Read with campaign_id=[...] (a list) or a '-grouped-by-campaign' KPI, or pass by=."
    )


def _default_metric(df: pd.DataFrame, kpis: Mapping[str, catalog.Kpi | None]) -> str:
    for column, kpi in kpis.items():
        if kpi is not None and kpi.kind == "rate":
            return column
    columns = set(kpis)
    for rate, parts in catalog.RATE_PARTS.items():
        if all(p in columns for p in parts):
            return rate
    for column, kpi in kpis.items():
        if kpi is not None:
            return column
    raise InvalidArgumentError("the frame has no KPI column to compare; pass metric=.")


def _p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.2g}"


def _resolve_baseline(
    values: pd.Index, baseline: Any, meta: dict, level: str, metric_values: pd.Series
) -> Any:
    if baseline is None:
        # the first in frame order that has the metric (an SMS campaign has no open rate)
        present = metric_values.notna().to_numpy()
        return values[present.argmax()] if present.any() else values[0]
    if baseline in values:
        return baseline
    labels = (meta.get("labels") or {}).get(level) or {}
    if baseline in labels and labels[baseline] in values:
        return labels[baseline]
    raise InvalidArgumentError(
        f"baseline {baseline!r} is not one of the {level} values: "
        + ", ".join(map(str, values[:12]))
        + (", ..." if len(values) > 12 else "")
        + "."
    )


def _check_compare_arguments(baseline: Any, metric: Any, by: Any, alpha: Any) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ArgumentTypeError(
            f"alpha must be a number between 0 and 1 (e.g. alpha=0.05), not "
            f"{type(alpha).__name__} {alpha!r}."
        )
    if not 0.0 < float(alpha) < 1.0:
        raise InvalidArgumentError(
            f"alpha={alpha!r} is outside (0, 1); it is the significance level, e.g. 0.05 for "
            "tests at 5% and 95% intervals."
        )
    if baseline is not None and not pd.api.types.is_scalar(baseline):
        raise ArgumentTypeError(
            "baseline must be one campaign or journey id (or name), e.g. baseline='A', not "
            f"{type(baseline).__name__} {baseline!r}; compare against one baseline at a time."
        )
    for argument, value in (("metric", metric), ("by", by)):
        if value is not None and not isinstance(value, str):
            raise ArgumentTypeError(
                f"{argument} must be a str (a column or level name), not "
                f"{type(value).__name__} {value!r}."
            )


def compare(
    df: pd.DataFrame,
    baseline: Any = None,
    metric: str | None = None,
    *,
    by: str | None = None,
    alpha: float = 0.05,
    unweighted_mean: bool = False,
) -> pd.DataFrame:
    """One row per campaign (or journey, or run): a metric against a baseline, with uncertainty.

    Rows of the same campaign (dates, runs, windows) are first aggregated as :func:`total`
    does. When the metric is a rate whose numerator and denominator counts are in the frame
    (e.g. opens and deliveries per campaign run), each rate gets a Wilson confidence interval
    and a two-proportion z-test against the baseline, with Holm's adjustment for making
    several comparisons at once. The ``note`` column says, row by row, what the data can and
    cannot support.

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame with a campaign or journey level.
    baseline : str, optional
        The id (or, on a labelled frame, the name or the id) to compare against. Default: the
        first in the frame that has a value for the metric.
    metric : str, optional
        The column (value key) to compare. A rate that is not a column but whose counts are
        (e.g. ``"SuccessfulDeliveryRate"`` from ``SuccessfulDeliveries`` and
        ``AttemptedDeliveries``) is computed. Default: the first rate column, else the first
        rate computable from the counts, else the first KPI column.
    by : str, optional
        The level whose values are compared. Default: the first of ``CampaignId``,
        ``JourneyId``, ``CampaignActivityId``, ``JourneyActivityId`` in the index.
    alpha : float, default 0.05
        Significance level of the tests; the intervals have confidence ``1 - alpha``.
    unweighted_mean : bool, default False
        As for :func:`total`, when a campaign has several rows of a non-additive metric: the
        metric's column is then ``"<key> (unweighted mean)"``, so the table never presents a
        mean of daily rates as the campaign's rate.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``, sorted by the metric (largest first). Columns: the metric; for a
        rate with counts, its numerator and denominator counts; ``difference`` and ``ratio``
        to the baseline; for a rate with counts ``ci_low``, ``ci_high``, ``z``, ``p_value`` and
        ``p_adjusted`` (Holm); ``baseline`` (True on the baseline's row) and ``note``.
        ``attrs["pinpoint"]["compare"]`` records the metric (the column's name), its value key,
        what an unweighted mean averaged (``"unweighted mean of daily values"``), the baseline
        and the level.

    Raises
    ------
    InvalidArgumentError
        No campaign level, an unknown metric or baseline, or a metric that cannot be
        aggregated.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> ids = pd.Index(["A", "B", "C"], name="CampaignId")
    >>> df = pd.DataFrame({"DirectEmailOpens": [200, 260, 21],
    ...                    "SuccessfulDeliveries": [1000, 1000, 100]}, index=ids)
    >>> table = df.pinpoint.compare(baseline="A", metric="EmailOpenRate")
    >>> table[["EmailOpenRate", "difference", "p_value"]].round(3)
                EmailOpenRate  difference  p_value
    CampaignId
    B                    0.26        0.06    0.001
    C                    0.21        0.01    0.812
    A                    0.20        0.00      NaN
    >>> table.loc["C", "note"]
    'not significant at 5% (adjusted p=0.81); CI includes the baseline rate'
    """
    _check_compare_arguments(baseline, metric, by, alpha)
    _warn_if_incomplete(df, "compare()")
    level = _entity_level(df, by)
    meta = _meta(df)
    scope = meta.get("scope")
    kpis = column_kpis(df)
    metric = _default_metric(df, kpis) if metric is None else str(metric)
    columns = [str(c) for c in df.columns]
    if metric in columns:
        kpi = kpis[metric]
    else:
        kpi = _rate_kpi(metric, scope)
        parts = catalog.RATE_PARTS.get(metric)
        if kpi is None or not parts or not all(p in columns for p in parts):
            raise InvalidArgumentError(
                f"metric {metric!r} is not a column of this frame ({', '.join(columns)}) and "
                "cannot be computed from its columns."
            )
    kind = kpi.kind if kpi is not None else None
    parts = catalog.RATE_PARTS.get(metric) if kind == "rate" else None
    has_counts = bool(parts) and all(p in columns for p in parts)
    needed = [c for c in [metric, *(parts if has_counts else ())] if c in columns]

    data = df[needed]
    if has_counts:
        _check_rate_counts(data, parts, metric, "from the rows of the frame")
    value_key = metric
    averaged = None
    if data.index.nlevels == 1 and data.index.is_unique:
        per = data.copy()
    else:
        per = _aggregate(
            data,
            [pd.Grouper(level=level)],
            unweighted_mean=unweighted_mean,
            what="total",
        )
        if metric not in per.columns and metric + UNWEIGHTED_SUFFIX in per.columns:
            # Keep the label: an unweighted mean of daily rates is not the campaign's rate.
            metric += UNWEIGHTED_SUFFIX
            kind = "unweighted_mean"
            averaged = _meta(per).get("unweighted_mean_of")
    per.columns = [str(c) for c in per.columns]
    if has_counts:
        num = per[parts[0]].astype("float64")
        den = per[parts[1]].astype("float64")
        per[metric] = (num / den).where(den > 0)
        per = per[[metric, *parts]]
    elif metric not in per.columns:
        raise InvalidArgumentError(f"metric {metric!r} could not be computed.")
    per.index = per.index.get_level_values(level) if per.index.nlevels > 1 else per.index
    per.index.name = level
    if has_counts:
        # Rows where only one of the counts was read can still add up to impossible totals.
        _check_rate_counts(per, parts, metric, f"from the totals per {level}")

    value = per[metric].astype("float64")
    base = _resolve_baseline(per.index, baseline, meta, level, value)
    base_value = value.loc[base]
    out = per.copy()
    out["difference"] = value - base_value
    out["ratio"] = value / base_value if base_value else np.nan
    is_base = pd.Series(out.index == base, index=out.index)
    notes = pd.Series("", index=out.index, dtype="object")

    if has_counts:
        x = per[parts[0]].to_numpy(dtype=float)
        n = per[parts[1]].to_numpy(dtype=float)
        low, high = stats.wilson_interval(x, n, alpha=alpha)
        bx, bn = float(per.loc[base, parts[0]]), float(per.loc[base, parts[1]])
        z, p = stats.two_proportion_ztest(x, n, bx, bn)
        enough = (x >= _MIN_EVENTS) & (n - x >= _MIN_EVENTS)
        base_enough = bx >= _MIN_EVENTS and bn - bx >= _MIN_EVENTS
        testable = enough & base_enough & ~is_base.to_numpy() & ~np.isnan(p)
        p = np.where(testable, p, np.nan)
        z = np.where(testable, z, np.nan)
        adjusted = stats.holm_adjust(p)
        out["ci_low"], out["ci_high"] = low, high
        out["z"], out["p_value"], out["p_adjusted"] = z, p, adjusted
        blow, bhigh = stats.wilson_interval(bx, bn, alpha=alpha) if bn > 0 else (np.nan, np.nan)
        level_pct = f"{alpha:.0%}"
        for i in range(len(out)):
            if is_base.iloc[i]:
                notes.iloc[i] = "baseline"
            elif n[i] == 0 or np.isnan(n[i]):
                notes.iloc[i] = f"no {parts[1]}: no rate"
            elif np.isnan(x[i]):
                notes.iloc[i] = f"no {parts[0]}: no rate"
            elif not base_enough:
                notes.iloc[i] = "baseline has too few events to test against"
            elif not enough[i]:
                notes.iloc[i] = (
                    f"too few events to test (needs {_MIN_EVENTS}+ events and non-events)"
                )
            elif adjusted[i] < alpha:
                direction = "higher" if out["difference"].iloc[i] > 0 else "lower"
                notes.iloc[i] = (
                    f"significantly {direction} than baseline at {level_pct} "
                    f"(adjusted {_p_text(adjusted[i])})"
                )
            else:
                text = f"not significant at {level_pct} (adjusted {_p_text(adjusted[i])})"
                if low[i] <= base_value <= high[i]:
                    text += "; CI includes the baseline rate"
                elif not (high[i] < blow or low[i] > bhigh):
                    text += "; CIs overlap"
                notes.iloc[i] = text
    else:
        if kind == "rate":
            need = "; ".join(_kpis_naming(p, scope) for p in (parts or ()))
            why = f"no counts: cannot test (add {need})" if need else "no counts: cannot test"
        elif kind == "unweighted_mean":
            why = f"{averaged or 'unweighted mean of rows'}: no test"
        elif kind in ("count", "amount"):
            why = f"{kind}: difference only, no test"
        elif kind == "unique_count":
            why = "distinct endpoints: difference only, no test"
        else:
            why = "no test"
        notes[:] = why
        notes[is_base.to_numpy()] = "baseline"
    out["baseline"] = is_base.to_numpy()
    out["note"] = notes.to_numpy()
    out = out.sort_values(metric, ascending=False, na_position="last", kind="stable")
    info = {
        "metric": metric,
        "value_key": value_key,
        "unweighted_mean_of": averaged,
        "kind": kind,
        "baseline": base,
        "by": level,
        "alpha": alpha,
        "tested": has_counts,
        "parts": list(parts) if has_counts else None,
    }
    names = dict(meta.get("columns") or {})
    if metric not in names and kpi is not None:
        names[metric] = kpi.name
    return _with_meta(out, df, compare=info, columns=names)


# --------------------------------------------------------------------------- labels


def name_map(names: Any) -> dict[str, str]:
    """A ``{id: name}`` dict from a mapping, a Series, or a listing frame with a ``Name`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.accessor import name_map
    >>> listing = pd.DataFrame({"Name": ["Spring sale"]}, index=pd.Index(["c1"], name="Id"))
    >>> name_map(listing)
    {'c1': 'Spring sale'}
    """
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        if "Name" not in names.columns:
            raise InvalidArgumentError(
                "names= as a DataFrame needs a 'Name' column indexed by id, as list_campaigns() "
                f"and list_journeys() return; it has {list(names.columns)}."
            )
        source = names["Name"] if "Id" not in names.columns else names.set_index("Id")["Name"]
        return {str(k): str(v) for k, v in source.items() if pd.notna(v)}
    if isinstance(names, pd.Series):
        return {str(k): str(v) for k, v in names.items() if pd.notna(v)}
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items()}
    raise InvalidArgumentError(
        "names= must be a mapping {id: name}, a Series, or a DataFrame with a 'Name' column, "
        f"not {type(names).__name__}."
    )


def _unique_names(ids: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    wanted = {i: mapping.get(i, i) for i in ids}
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    out = {}
    for i, name in wanted.items():
        out[i] = f"{name} ({i[:8]})" if counts[name] > 1 and name != i else name
    return out


def label(
    df: pd.DataFrame,
    names: Any = None,
    *,
    levels: Sequence[str] | None = None,
    cache: Any = None,
    offline: bool = False,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """Replace campaign and journey ids in the index with their names.

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame (or a :func:`compare` table).
    names : mapping, Series or DataFrame, optional
        ``{id: name}``, or the frame :func:`~pinpoint_kpi_pandas.list_campaigns` /
        :func:`~pinpoint_kpi_pandas.list_journeys` returns. None: fetch the listing for the
        frame's application (``attrs["pinpoint"]["application_id"]``) with the client
        arguments below.
    levels : str or list of str, optional
        The level (or levels) to relabel. Default: ``CampaignId`` and ``JourneyId`` when
        present (with a mapping, also ``CampaignActivityId`` and ``JourneyActivityId``).
    cache, offline, client, region_name, endpoint_url, boto3_session
        As for :func:`~pinpoint_kpi_pandas.list_campaigns`, used only when ``names`` is None:
        with ``offline=True`` the names come from the listing saved in ``cache``.

    Returns
    -------
    pandas.DataFrame
        A relabelled copy. Ids without a name are kept; names shared by several ids get the
        id's first 8 characters appended, so rows stay distinct. ``attrs["pinpoint"]["labels"]``
        maps each level's ids to the names used.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> ids = pd.Index(["c1", "c2", "c3"], name="CampaignId")
    >>> df = pd.DataFrame({"SuccessfulDeliveryRate": [0.9, 0.8, 0.7]}, index=ids)
    >>> df.pinpoint.label({"c1": "Welcome", "c2": "Sale", "c3": "Sale"}).index.tolist()
    ['Welcome', 'Sale (c2)', 'Sale (c3)']
    """
    present = [n for n in df.index.names if n]
    if levels is None:
        candidates = ID_LEVELS if names is None else ENTITY_LEVELS
        levels = [n for n in candidates if n in present]
    else:
        # A str is one level, not a list of characters.
        levels = [levels] if isinstance(levels, str) else list(levels)
        missing = [n for n in levels if n not in present]
        if missing:
            raise InvalidArgumentError(f"levels={missing} are not index levels ({present}).")
    if not levels:
        raise InvalidArgumentError(
            f"the frame has no campaign or journey level to label (levels: {present or 'none'})."
        )
    if names is None:
        mapping = _fetch_names(
            df,
            levels,
            cache=cache,
            offline=offline,
            client=client,
            region_name=region_name,
            endpoint_url=endpoint_url,
            boto3_session=boto3_session,
        )
    else:
        mapping = name_map(names)
    result = df.copy()
    labels = copy.deepcopy(_meta(df).get("labels") or {})
    for level in levels:
        ids = [str(v) for v in pd.unique(df.index.get_level_values(level))]
        used = _unique_names(ids, mapping)
        if isinstance(result.index, pd.MultiIndex):
            position = result.index.names.index(level)
            new_level = result.index.levels[position].map(lambda v, u=used: u.get(str(v), v))
            result.index = result.index.set_levels(
                new_level, level=position, verify_integrity=False
            )
        else:
            result.index = result.index.map(lambda v, u=used: u.get(str(v), v)).rename(level)
        labels[level] = {**labels.get(level, {}), **{i: n for i, n in used.items()}}
    return _with_meta(result, df, labels=labels)


def _fetch_names(df: pd.DataFrame, levels: Sequence[str], **client_args: Any) -> dict[str, str]:
    from .listing import list_campaigns, list_journeys

    application_id = _meta(df).get("application_id")
    if not application_id:
        raise InvalidArgumentError(
            "label() without names= fetches the names for df.attrs['pinpoint']"
            "['application_id'], which this frame lacks; pass names= (a mapping, or "
            "list_campaigns(app_id))."
        )
    mapping: dict[str, str] = {}
    if any(level.startswith("Campaign") for level in levels):
        mapping.update(name_map(list_campaigns(application_id, **client_args)))
    if any(level.startswith("Journey") for level in levels):
        mapping.update(name_map(list_journeys(application_id, **client_args)))
    return mapping


# --------------------------------------------------------------------------- the accessor


@pd.api.extensions.register_dataframe_accessor("pinpoint")
class PinpointAccessor:
    """KPI-aware methods on frames read by pinpoint-kpi-pandas: ``df.pinpoint.<method>``.

    Available on any frame with ``df.attrs["pinpoint"]`` or a column named like a KPI value
    key (``SuccessfulDeliveryRate``, ``DirectEmailOpens``, ...). Methods return new objects
    and never change ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> df = pd.DataFrame({"UniqueDeliveries": [3, 4]})
    >>> df.pinpoint.kinds
    {'UniqueDeliveries': 'unique_count'}
    """

    def __init__(self, pandas_obj: pd.DataFrame):
        if not _is_kpi_frame(pandas_obj):
            shown = ", ".join(map(str, list(pandas_obj.columns)[:8])) or "none"
            raise AttributeError(
                "'.pinpoint' works on Pinpoint KPI frames, and this one has no "
                "attrs['pinpoint'] and no KPI column (such as 'SuccessfulDeliveryRate'); its "
                f"columns: {shown}. Read it with pinpoint_kpi_pandas.read_pinpoint_kpi, "
                "read_pinpoint_kpi_json or kpi_frame (attrs survive most pandas operations)."
            )
        self._obj = pandas_obj

    @property
    def meta(self) -> dict:
        """The query behind the frame: a copy of ``df.attrs["pinpoint"]`` (empty if absent)."""
        return copy.deepcopy(_meta(self._obj))

    @property
    def kpis(self) -> dict[str, catalog.Kpi | None]:
        """``{column: Kpi or None}``: the catalog entry behind each column."""
        return column_kpis(self._obj)

    @property
    def kinds(self) -> dict[str, str | None]:
        """``{column: kind}``: rate, count, unique_count, amount, average (None: not a KPI)."""
        return {c: (k.kind if k else None) for c, k in column_kpis(self._obj).items()}

    def tidy(self) -> pd.DataFrame:
        """Long form; see :func:`pinpoint_kpi_pandas.accessor.tidy`."""
        return tidy(self._obj)

    def resample(self, rule: str, *, unweighted_mean: bool = False) -> pd.DataFrame:
        """Kind-aware resampling; see :func:`pinpoint_kpi_pandas.accessor.resample`."""
        return resample(self._obj, rule, unweighted_mean=unweighted_mean)

    def total(
        self, *, by: str | Sequence[str] | None = None, unweighted_mean: bool = False
    ) -> pd.DataFrame:
        """Kind-aware totals; see :func:`pinpoint_kpi_pandas.accessor.total`."""
        return total(self._obj, by=by, unweighted_mean=unweighted_mean)

    def compare(
        self,
        baseline: Any = None,
        metric: str | None = None,
        *,
        by: str | None = None,
        alpha: float = 0.05,
        unweighted_mean: bool = False,
    ) -> pd.DataFrame:
        """Campaigns against a baseline; see :func:`pinpoint_kpi_pandas.accessor.compare`."""
        return compare(
            self._obj, baseline, metric, by=by, alpha=alpha, unweighted_mean=unweighted_mean
        )

    def label(self, names: Any = None, **kwargs: Any) -> pd.DataFrame:
        """Ids to names; see :func:`pinpoint_kpi_pandas.accessor.label`."""
        return label(self._obj, names, **kwargs)

    def plot(self, metric: str | None = None, **kwargs: Any):
        """One line per campaign over dates; see :func:`pinpoint_kpi_pandas.plotting.plot_trend`."""
        from .plotting import plot_trend

        return plot_trend(self._obj, metric, **kwargs)

    def plot_compare(self, metric: str | None = None, **kwargs: Any):
        """Sorted bars against a baseline; see :func:`pinpoint_kpi_pandas.plotting.plot_compare`."""
        from .plotting import plot_compare

        return plot_compare(self._obj, metric, **kwargs)

    def plot_funnel(self, **kwargs: Any):
        """The delivery funnel; see :func:`pinpoint_kpi_pandas.plotting.plot_funnel`."""
        from .plotting import plot_funnel

        return plot_funnel(self._obj, **kwargs)

    def plot_calendar(self, metric: str | None = None, **kwargs: Any):
        """Campaign x day heatmap; see :func:`pinpoint_kpi_pandas.plotting.plot_calendar`."""
        from .plotting import plot_calendar

        return plot_calendar(self._obj, metric, **kwargs)
