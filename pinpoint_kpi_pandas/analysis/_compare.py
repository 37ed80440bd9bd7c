"""Comparison of campaigns (or journeys, or runs) against a baseline, in separate steps.

totals per entity (:func:`comparison_totals`) -> the statistics table (differences, Wilson
intervals, z-tests with Holm's adjustment) -> a note per row saying what the data supports.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import catalog, stats
from ..checks import check_alpha
from ..errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError
from ._aggregate import aggregate, with_rows
from ._baseline import resolve_baseline
from ._columns import (
    ENTITY_LEVELS,
    UNWEIGHTED_SUFFIX,
    Metric,
    check_rate_counts,
    entity_level,
    kpis_naming,
    rate_from_counts,
    resolve_metric,
)
from ._format import format_p
from ._labels import frame_names, name_column
from ._meta import frame_meta, ids_without_rows, warn_if_incomplete, with_meta

__all__ = [
    "MIN_EVENTS",
    "Totals",
    "compare",
    "comparison_table",
    "comparison_totals",
    "metric_first",
]

MIN_EVENTS = 5
"""Events and non-events each group needs for the z-test's normal approximation."""


def _check_compare_arguments(baseline: Any, metric: Any, by: Any, alpha: Any) -> None:
    check_alpha(alpha)
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
    metric: str | None = None,
    baseline: Any = None,
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
    metric : str, optional
        The column (value key) to compare. A rate that is not a column but whose counts are
        (e.g. ``"SuccessfulDeliveryRate"`` from ``SuccessfulDeliveries`` and
        ``AttemptedDeliveries``) is computed. Default: the first rate column, else the first
        rate computable from the counts, else the first KPI column. Metric first, as for
        :func:`~pinpoint_kpi_pandas.plotting.plot_compare`; the old order
        ``compare(baseline, metric)`` still works, with a ``FutureWarning``.
    baseline : str, optional
        The id (or its name: one the frame carries, or on a labelled frame its label) to
        compare against. Default: the first in the frame that has a value for the metric.
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
        Indexed by ``by``, sorted by the metric (largest first). Columns: first, when the
        frame carries names for the ids (``attrs["pinpoint"]["names"]``: a read of
        ``campaign_id="all"``, a saved listing, ``names=``), ``CampaignName`` (``JourneyName``)
        beside the id, unique, ``<NA>`` where none is known; then the metric; for a
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
    >>> table = df.pinpoint.compare("EmailOpenRate", baseline="A")
    >>> table[["EmailOpenRate", "difference", "p_value"]].round(3)
                EmailOpenRate  difference  p_value
    CampaignId
    B                    0.26        0.06    0.001
    C                    0.21        0.01    0.812
    A                    0.20        0.00      NaN
    >>> table.loc["C", "note"]
    'not significant at 5% (adjusted p=0.81); CI includes the baseline rate'
    """
    metric, baseline = metric_first(df, metric, baseline)
    _check_compare_arguments(baseline, metric, by, alpha)
    warn_if_incomplete(df, "compare()")
    level = entity_level(df, by)
    resolved = resolve_metric(df, metric)
    totals = comparison_totals(df, level, resolved, unweighted_mean=unweighted_mean)
    per = totals.frame
    value = per[totals.metric].astype("float64")
    names = frame_names(df)
    missing = ids_without_rows(df, level)
    base = resolve_baseline(per.index, baseline, frame_meta(df), level, value, names, missing)
    out = per.copy()
    base_value = value.loc[base]
    out["difference"] = value - base_value
    out["ratio"] = value / base_value if base_value else np.nan
    is_base = np.asarray(out.index == base)
    if resolved.counts is not None:
        notes = _tested(out, resolved.counts, base, float(base_value), is_base, alpha)
    else:
        notes = _untested_notes(totals, frame_meta(df).get("scope"), is_base)
    out["baseline"] = is_base
    out["note"] = notes
    out = out.sort_values(totals.metric, ascending=False, na_position="last", kind="stable")
    if missing:  # every campaign asked for has a row, saying it had no data
        out = with_rows(out, [*out.index, *missing], level)
        out.loc[missing, "baseline"] = False
        out.loc[missing, "note"] = "no data in range"
        out["baseline"] = out["baseline"].astype(bool)
    shown = name_column(list(out.index), names)
    if shown is not None:  # the names the frame carries, beside the ids (never instead)
        out.insert(0, level.removesuffix("Id") + "Name", shown.to_numpy())
    info = {
        "metric": totals.metric,
        "value_key": resolved.name,
        "unweighted_mean_of": totals.averaged,
        "kind": totals.kind,
        "baseline": base,
        "by": level,
        "alpha": alpha,
        "tested": resolved.counts is not None,
        "parts": list(resolved.counts) if resolved.counts is not None else None,
    }
    names = dict(frame_meta(df).get("columns") or {})
    if totals.metric not in names and resolved.kpi is not None:
        names[totals.metric] = resolved.kpi.name
    return with_meta(out, df, compare=info, columns=names)


def metric_first(df: pd.DataFrame, metric: Any, baseline: Any) -> tuple[Any, Any]:
    """``(metric, baseline)`` whichever order they were passed in: the old order
    ``compare(baseline, metric)`` is recognised (the first is no metric of ``df``, the second
    is, or the only one given is an id) and swapped, with a ``FutureWarning``.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import metric_first
    >>> df = pd.DataFrame({"Clicks": [3, 4]}, index=pd.Index(["a", "b"], name="CampaignId"))
    >>> metric_first(df, "Clicks", "a")
    ('Clicks', 'a')
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     swapped = metric_first(df, "a", "Clicks")
    >>> swapped, caught[0].category.__name__
    (('Clicks', 'a'), 'FutureWarning')
    """
    if _is_metric(df, metric) or not isinstance(metric, str):
        return metric, baseline
    if baseline is None and not _is_id(df, metric):
        return metric, baseline  # an unknown metric: resolve_metric says so
    if baseline is not None and not _is_metric(df, baseline):
        return metric, baseline
    warnings.warn(
        f"compare({metric!r}, {baseline!r}) passes the baseline first: the order is now "
        f"compare(metric, baseline) as for plot_compare; write compare({baseline!r}, "
        f"baseline={metric!r}).",
        FutureWarning,
        stacklevel=3,
    )
    return baseline, metric


def _is_metric(df: pd.DataFrame, name: Any) -> bool:
    if not isinstance(name, str):
        return False
    try:
        resolve_metric(df, name)
    except PinpointKpiError:
        return False
    return True


def _is_id(df: pd.DataFrame, value: str) -> bool:
    return any(
        level in df.index.names and value in set(map(str, df.index.get_level_values(level)))
        for level in ENTITY_LEVELS
    )


@dataclass(frozen=True)
class Totals:
    """One row per compared entity: the metric (and its counts), before any statistics.

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by the compared level; the metric's column first, then its counts if any.
    metric : str
        The metric's column: the value key, or ``"<key> (unweighted mean)"``.
    kind : str or None
        The KPI's kind, or ``"unweighted_mean"``.
    averaged : str or None
        What an unweighted mean averaged (``"unweighted mean of daily values"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import comparison_totals, resolve_metric
    >>> df = pd.DataFrame({"Clicks": [1, 2, 3]},
    ...                   index=pd.Index(["a", "a", "b"], name="CampaignId"))
    >>> comparison_totals(df, "CampaignId", resolve_metric(df, "Clicks")).frame["Clicks"].tolist()
    [3, 3]
    """

    frame: pd.DataFrame
    metric: str
    kind: str | None
    averaged: str | None


def comparison_totals(
    df: pd.DataFrame, level: str, metric: Metric, *, unweighted_mean: bool = False
) -> Totals:
    """The metric per value of ``level``: rows of one entity added up as ``total()`` does.

    A rate with its counts is recomputed from the summed counts, which are checked (a
    numerator above its denominator cannot give a rate); other non-additive metrics need
    ``unweighted_mean=True`` when an entity has several rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import comparison_totals, resolve_metric
    >>> idx = pd.Index(["a", "a"], name="CampaignId")
    >>> df = pd.DataFrame({"SuccessfulDeliveries": [9, 8], "AttemptedDeliveries": [10, 10]},
    ...                   index=idx)
    >>> rate = resolve_metric(df, "SuccessfulDeliveryRate")
    >>> comparison_totals(df, "CampaignId", rate).frame
                SuccessfulDeliveryRate  SuccessfulDeliveries  AttemptedDeliveries
    CampaignId
    a                             0.85                    17                   20
    """
    columns = [str(c) for c in df.columns]
    counts = metric.counts
    needed = [c for c in [metric.name, *(counts or ())] if c in columns]
    data = df[needed]
    if counts is not None:
        check_rate_counts(data, counts, metric.name, "from the rows of the frame")
    name, kind, averaged = metric.name, metric.kind, None
    if data.index.nlevels == 1 and data.index.is_unique:
        per = data.copy()
    else:
        per = aggregate(
            data, [pd.Grouper(level=level)], unweighted_mean=unweighted_mean, what="total"
        )
        if name not in per.columns and name + UNWEIGHTED_SUFFIX in per.columns:
            # Keep the label: an unweighted mean of daily rates is not the campaign's rate.
            name += UNWEIGHTED_SUFFIX
            kind = "unweighted_mean"
            averaged = frame_meta(per).get("unweighted_mean_of")
    per.columns = [str(c) for c in per.columns]
    if counts is not None:
        per[name] = rate_from_counts(per[counts[0]], per[counts[1]])
        per = per[[name, *counts]]
    elif name not in per.columns:
        raise InvalidArgumentError(f"metric {name!r} could not be computed.")
    per.index = per.index.get_level_values(level) if per.index.nlevels > 1 else per.index
    per.index.name = level
    if counts is not None:
        # Rows where only one of the counts was read can still add up to impossible totals.
        check_rate_counts(per, counts, name, f"from the totals per {level}")
    return Totals(per, name, kind, averaged)


def _tested(
    out: pd.DataFrame,
    counts: tuple[str, str],
    base: Any,
    base_value: float,
    is_base: np.ndarray,
    alpha: float,
) -> list[str]:
    """Add the intervals and tests of a rate with counts to ``out``; the notes they support."""
    x = out[counts[0]].to_numpy(dtype=float)
    n = out[counts[1]].to_numpy(dtype=float)
    low, high = stats.wilson_interval(x, n, alpha=alpha)
    position = int(np.flatnonzero(is_base)[0])
    bx, bn = float(x[position]), float(n[position])  # a count with a gap is NaN here, not NA
    z, p = stats.two_proportion_ztest(x, n, bx, bn)
    enough = (x >= MIN_EVENTS) & (n - x >= MIN_EVENTS)
    base_enough = bx >= MIN_EVENTS and bn - bx >= MIN_EVENTS
    testable = enough & base_enough & ~is_base & ~np.isnan(p)
    p = np.where(testable, p, np.nan)
    z = np.where(testable, z, np.nan)
    adjusted = stats.holm_adjust(p)
    out["ci_low"], out["ci_high"] = low, high
    out["z"], out["p_value"], out["p_adjusted"] = z, p, adjusted
    base_interval = stats.wilson_interval(bx, bn, alpha=alpha) if bn > 0 else (np.nan, np.nan)
    rows = _RowTests(x, n, enough, base_enough, adjusted, low, high, alpha)
    difference = out["difference"].to_numpy(dtype=float)
    return [
        "baseline" if is_base[i] else rows.note(i, counts, difference[i], base_value, base_interval)
        for i in range(len(out))
    ]


@dataclass(frozen=True)
class _RowTests:
    """The numbers a tested row's note is worded from."""

    x: np.ndarray
    n: np.ndarray
    enough: np.ndarray
    base_enough: bool
    adjusted: np.ndarray
    low: np.ndarray
    high: np.ndarray
    alpha: float

    def note(
        self,
        i: int,
        counts: tuple[str, str],
        difference: float,
        base_value: float,
        base_interval: tuple[float, float],
    ) -> str:
        level_pct = f"{self.alpha:.0%}"
        if self.n[i] == 0 or np.isnan(self.n[i]):
            return f"no {_words(counts[1])} in range, so no rate"
        if np.isnan(self.x[i]):
            return f"no {_words(counts[0])} in range, so no rate"
        if not self.base_enough:
            return "baseline has too few events to test against"
        if not self.enough[i]:
            return f"too few events to test (needs {MIN_EVENTS}+ events and non-events)"
        adjusted = format_p(self.adjusted[i])
        if self.adjusted[i] < self.alpha:
            direction = "higher" if difference > 0 else "lower"
            return f"significantly {direction} than baseline at {level_pct} (adjusted {adjusted})"
        text = f"not significant at {level_pct} (adjusted {adjusted})"
        blow, bhigh = base_interval
        if self.low[i] <= base_value <= self.high[i]:
            text += "; CI includes the baseline rate"
        elif not (self.high[i] < blow or self.low[i] > bhigh):
            text += "; CIs overlap"
        return text


def _words(key: str) -> str:
    """A value key in words: ``DirectEmailOpens`` -> ``direct email opens``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).lower()


def _untested_notes(totals: Totals, scope: str | None, is_base: np.ndarray) -> list[str]:
    """Why a metric without counts gets a difference only, on every row but the baseline's."""
    kind = totals.kind
    if kind == "rate":
        parts = catalog.RATE_PARTS.get(totals.metric) or ()
        need = "; ".join(kpis_naming(p, scope) for p in parts)
        why = f"no counts: cannot test (add {need})" if need else "no counts: cannot test"
    elif kind == "unweighted_mean":
        why = f"{totals.averaged or 'unweighted mean of rows'}: no test"
    elif kind in ("count", "amount"):
        why = f"{kind}: difference only, no test"
    elif kind == "unique_count":
        why = "distinct endpoints: difference only, no test"
    else:
        why = "no test"
    # a row without the metric (an email campaign's SMS spend) has nothing to compare
    empty = totals.frame[totals.metric].isna().to_numpy()
    none = f"no {_words(str(totals.metric).split(' (')[0])} in range"
    return ["baseline" if b else none if e else why for b, e in zip(is_base, empty, strict=True)]


def comparison_table(
    data: pd.DataFrame, metric: str | None, baseline: Any, alpha: float
) -> pd.DataFrame:
    """``data`` itself when it is a :func:`compare` table (of ``metric``), else its comparison.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import compare, comparison_table
    >>> df = pd.DataFrame({"Clicks": [1, 2]}, index=pd.Index(["a", "b"], name="CampaignId"))
    >>> table = compare(df)
    >>> comparison_table(table, None, None, 0.05) is table
    True
    """
    info = frame_meta(data).get("compare")
    if info and {"difference", "baseline"} <= set(map(str, data.columns)):
        if metric is not None and metric not in (info["metric"], info.get("value_key")):
            raise InvalidArgumentError(
                f"this comparison table is of {info['metric']!r}, not {metric!r}; "
                "compare the original frame instead."
            )
        return data
    return compare(data, metric, baseline, alpha=alpha)
