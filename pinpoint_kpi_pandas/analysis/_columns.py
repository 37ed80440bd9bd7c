"""Column metadata: the catalog entry behind each column, and the metric a caller means.

A column's KPI (and so its kind: rate, count, unique count, amount, average) is looked up in the
catalog from the frame's contract (``columns`` and ``scope``), falling back to the value key
alone, so frames that lost their attrs still work.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import catalog
from ..derived import count_kpis, find_metric
from ..errors import InvalidArgumentError
from ..plan import ID_LEVEL
from ._meta import frame_meta

__all__ = [
    "ENTITY_LEVELS",
    "ID_LEVELS",
    "LEVEL_TITLES",
    "UNWEIGHTED_SUFFIX",
    "Metric",
    "check_rate_counts",
    "column_kpis",
    "default_metric",
    "entity_level",
    "is_kpi_frame",
    "kpis_naming",
    "lookup_kpi",
    "metric_values",
    "rate_count_kpis",
    "rate_fix",
    "rate_from_counts",
    "resolve_metric",
]

UNWEIGHTED_SUFFIX = " (unweighted mean)"
"""Appended to a column holding an explicitly requested unweighted mean of rows."""

ID_LEVELS = tuple(ID_LEVEL.values())
"""The index levels a list of campaign or journey ids adds: ``CampaignId``, ``JourneyId``."""
ENTITY_LEVELS = (
    "CampaignId",
    "JourneyId",
    "CampaignActivityId",
    "JourneyActivityId",
    "TreatmentId",
)
"""The index levels whose values can be compared with each other, in order of preference."""
LEVEL_TITLES = {
    "CampaignId": "Campaign",
    "JourneyId": "Journey",
    "CampaignActivityId": "Campaign run",
    "JourneyActivityId": "Journey activity",
    "TreatmentId": "Treatment",  # A/B treatments: event archives only
}
"""Human headings of the index levels, for tables and legends."""


@functools.cache
def _known_value_keys() -> frozenset[str]:
    keys = {k.value_key for k in catalog.kpis()}
    for parts in catalog.RATE_PARTS.values():
        keys.update(parts)
    return frozenset(keys)


def lookup_kpi(
    value_key: str, scope: str | None, kpi_name: str | None, grouping: Any = None
) -> catalog.Kpi | None:
    """The catalog entry for a column: by KPI name when known, else by value key and grouping.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import lookup_kpi
    >>> lookup_kpi("SuccessfulDeliveryRate", "campaign", None, "Date").name
    'successful-delivery-rate-grouped-by-date'
    """
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
    # a metric no standard KPI serves, derived from counts (the click rate)
    return candidates[0] if candidates else find_metric(value_key, None)


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
    meta = frame_meta(df)
    scope = meta.get("scope")
    names = meta.get("columns") or {}
    grouping = df.index.names[-1]
    out: dict[str, catalog.Kpi | None] = {}
    for column in df.columns:
        key = str(column)
        base = key.removesuffix(UNWEIGHTED_SUFFIX)
        out[key] = lookup_kpi(base, scope, names.get(key) or names.get(base), grouping)
    return out


def is_kpi_frame(df: pd.DataFrame) -> bool:
    """Whether ``df`` has a contract or a column named like a KPI value key.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import is_kpi_frame
    >>> is_kpi_frame(pd.DataFrame({"Clicks": [1]})), is_kpi_frame(pd.DataFrame({"x": [1]}))
    (True, False)
    """
    if frame_meta(df):
        return True
    known = _known_value_keys()
    return any(str(c).removesuffix(UNWEIGHTED_SUFFIX) in known for c in df.columns)


def kpis_naming(value_key: str, scope: str | None) -> str:
    """The KPIs that report a value key, for messages.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import kpis_naming
    >>> kpis_naming("Nothing", "campaign")
    'Nothing (no standard KPI reports it)'
    """
    found = catalog.kpis_with_value_key(value_key, scope) if scope in catalog.SCOPES else ()
    if not found:
        found = catalog.kpis_with_value_key(value_key)
    if not found:
        return f"{value_key} (no standard KPI reports it)"
    return f"{value_key} (from " + " or ".join(repr(k.name) for k in found) + ")"


def rate_fix(kpi: catalog.Kpi, columns: Sequence[str], scope: str | None) -> str:
    """How to make a rate re-aggregable: the count KPIs to add, or why it cannot be.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.analysis import rate_fix
    >>> kpi = catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign")
    >>> rate_fix(kpi, ["EmailOpenRate"], "campaign")  # doctest: +ELLIPSIS
    "add its numerator and denominator counts to the frame, e.g. kpi_name=['email-open-rate-..."
    """
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
            other.append(kpis_naming(part, scope))
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


def rate_count_kpis(kpi: catalog.Kpi, scope: str) -> tuple[str, ...]:
    """The count KPIs behind a rate (numerator, denominator), read per campaign run.

    A rate KPI alone cannot say how sure it is; its counts can (Wilson intervals, tests). For
    a rate whose numerator and denominator are standard count KPIs of ``scope`` grouped as
    ``kpi`` is, their names; else ``()`` (hard-bounce rate: no bounce count KPI exists). The
    one rule is :func:`pinpoint_kpi_pandas.derived.count_kpis`.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.analysis import rate_count_kpis
    >>> rate = catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign")
    >>> rate_count_kpis(rate, "campaign")  # doctest: +NORMALIZE_WHITESPACE
    ('direct-email-opens-grouped-by-campaign-activity',
     'successful-deliveries-grouped-by-campaign-activity')
    >>> rate_count_kpis(catalog.get_kpi("hard-bounce-rate", "campaign"), "campaign")
    ()
    """
    return count_kpis(kpi, scope)


def _row_text(key: Any) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def check_rate_counts(frame: pd.DataFrame, parts: Sequence[str], metric: str, where: str) -> None:
    """Refuse counts a rate cannot come from: negative, or a numerator above its denominator.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import check_rate_counts
    >>> counts = pd.DataFrame({"Clicks": [5], "Sent": [4]})
    >>> check_rate_counts(counts, ["Clicks", "Sent"], "ClickRate", "here")
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: cannot compute ClickRate here: ...
    """
    numerator, denominator = parts
    x = _floats(frame[numerator])
    n = _floats(frame[denominator])
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (n < 0) | (x > n)
    if not bad.any():
        return
    shown = [
        f"{_row_text(frame.index[int(i)])} ({numerator}={x[i]:g}, {denominator}={n[i]:g})"
        for i in np.flatnonzero(bad)
    ]
    more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
    raise InvalidArgumentError(
        f"cannot compute {metric} {where}: {numerator} must be between 0 and {denominator}, and "
        f"is not for {', '.join(shown[:5])}{more}. Check that these columns are the counts "
        "the rate comes from, and that both were read for the same campaigns and days (a read "
        "with errors='warn' may lack some: df.attrs['pinpoint']['failed'])."
    )


def rate_from_counts(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Numerator over denominator, as floats; missing where the denominator is not positive.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import rate_from_counts
    >>> rate_from_counts(pd.Series([1, 2]), pd.Series([4, 0])).tolist()
    [0.25, nan]
    """
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (num / den).where(den > 0)


def default_metric(kpis: Mapping[str, catalog.Kpi | None]) -> str:
    """The metric a caller means by none: the first rate, one computable from counts, any KPI.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import column_kpis, default_metric
    >>> df = pd.DataFrame({"SuccessfulDeliveries": [9], "AttemptedDeliveries": [10]})
    >>> default_metric(column_kpis(df))
    'SuccessfulDeliveryRate'
    """
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


@dataclass(frozen=True)
class Metric:
    """A metric of a frame, resolved: a column, or a rate computed from two count columns.

    Attributes
    ----------
    name : str
        The column (value key), e.g. ``"EmailOpenRate"``.
    kpi : Kpi or None
        Its catalog entry (None for a column that is not a KPI).
    counts : (str, str) or None
        For a rate whose numerator and denominator counts are columns of the frame, their
        names; the rate can then be re-aggregated and tested.
    is_column : bool
        Whether the frame has the metric as a column (else it is computed from ``counts``).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import resolve_metric
    >>> df = pd.DataFrame({"DirectEmailOpens": [2], "SuccessfulDeliveries": [10]})
    >>> m = resolve_metric(df, "EmailOpenRate")
    >>> m.kind, m.counts, m.is_column
    ('rate', ('DirectEmailOpens', 'SuccessfulDeliveries'), False)
    """

    name: str
    kpi: catalog.Kpi | None
    counts: tuple[str, str] | None
    is_column: bool

    @property
    def kind(self) -> str | None:
        """The KPI's kind (None for a column that is not a KPI)."""
        return self.kpi.kind if self.kpi is not None else None


def resolve_metric(df: pd.DataFrame, metric: str | None) -> Metric:
    """The metric ``metric`` names in ``df`` (default: :func:`default_metric`), or refuse.

    A rate that is not a column but whose counts are (e.g. ``"SuccessfulDeliveryRate"`` from
    ``SuccessfulDeliveries`` and ``AttemptedDeliveries``) is resolved too.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import resolve_metric
    >>> resolve_metric(pd.DataFrame({"Clicks": [1]}), "Opens")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: metric 'Opens' is not a column of ...
    """
    kpis = column_kpis(df)
    name = default_metric(kpis) if metric is None else str(metric)
    columns = [str(c) for c in df.columns]
    if name in columns:
        kpi = kpis[name]
    else:
        kpi = lookup_kpi(name, frame_meta(df).get("scope"), None)
        parts = catalog.RATE_PARTS.get(name)
        if kpi is None or kpi.kind != "rate" or not parts or not all(p in columns for p in parts):
            raise InvalidArgumentError(
                f"metric {name!r} is not a column of this frame ({', '.join(columns)}) and "
                "cannot be computed from its columns."
            )
    parts = catalog.RATE_PARTS.get(name) if kpi is not None and kpi.kind == "rate" else None
    counts = parts if parts and all(p in columns for p in parts) else None
    return Metric(name, kpi, counts, name in columns)


def metric_values(df: pd.DataFrame, metric: str | None) -> tuple[Metric, pd.Series]:
    """The metric's values per row, as floats (a rate computed from its counts if needed).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import metric_values
    >>> df = pd.DataFrame({"DirectEmailOpens": [2, 3], "SuccessfulDeliveries": [10, 0]})
    >>> m, values = metric_values(df, "EmailOpenRate")
    >>> values.tolist()
    [0.2, nan]
    """
    resolved = resolve_metric(df, metric)
    if resolved.is_column:
        columns = [str(c) for c in df.columns]
        values = df[df.columns[columns.index(resolved.name)]]
        return resolved, pd.to_numeric(values, errors="coerce").astype("float64")
    assert resolved.counts is not None  # resolve_metric refuses a rate without its counts
    numerator, denominator = resolved.counts
    return resolved, rate_from_counts(df[numerator], df[denominator])


def entity_level(df: pd.DataFrame, by: str | None) -> str:
    """The index level whose values are compared: ``by``, or the first entity level.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import entity_level
    >>> idx = pd.MultiIndex.from_tuples([("c", "r")], names=["CampaignId", "CampaignActivityId"])
    >>> entity_level(pd.DataFrame(index=idx), None)
    'CampaignId'
    """
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
