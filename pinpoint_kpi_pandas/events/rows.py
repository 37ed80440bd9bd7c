"""Engine rows to the frame: through the very path every API answer takes.

The engine returns, per group, each KPI's numerator (and denominator). Here they become the
``Rows`` a Pinpoint answer would hold for each KPI, campaign (journey) and window, with the
service's rules (a count or amount is present when above zero, a rate or average when its
denominator is, a unique count when above zero; values are decimal strings of doubles), and go
through :func:`~pinpoint_kpi_pandas.frame.kpi_frame` and
:func:`~pinpoint_kpi_pandas.frame.assemble`, so the frame's index levels, dtypes and columns are
those of ``read_pinpoint_kpi`` by construction. (A thin adapter until the columnar assembly of
the saved-answers work lands: then the rows go straight into it.)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..dates import format_instant
from ..frame import assemble, kpi_frame, with_window_level
from .query import EventQuery

__all__ = ["MissingKeyWarning", "frame_from_rows", "kpi_rows"]

_MEMBERS = {
    "application": ("ApplicationDateRangeKpiResponse", None),
    "campaign": ("CampaignDateRangeKpiResponse", "CampaignId"),
    "journey": ("JourneyDateRangeKpiResponse", "JourneyId"),
}
_DAY = np.timedelta64(1, "D")


class MissingKeyWarning(UserWarning):
    """Messages whose record lacks the grouping key (no ``iso_country_code``, ...) are left out
    of a grouped KPI; the count is in the warning."""


def frame_from_rows(
    result: pd.DataFrame, query: EventQuery, *, dtype_backend: str | None = None
) -> pd.DataFrame:
    """The read's frame from the engine's result (see :func:`~.definitions.kpi_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> query = plan_event_query("a1", "clicks-grouped-by-date", campaign_id=["c1", "c2"])
    >>> result = pd.DataFrame({"resource": ["c2", "c1"], "group": [20362, 20363],
    ...                        "first_ms": [1, 2], "n__Clicks": [5, 7]})
    >>> frame_from_rows(result, query)
                          Clicks
    CampaignId Date
    c1         2025-10-02      7
    c2         2025-10-01      5
    """
    result = _drop_missing_keys(result, query)
    result = result.sort_values(
        ["first_ms", *(c for c in ("resource", "window", "group") if c in result)],
        kind="stable",
    )
    ids = _resource_ids(result, query)
    windows: list[str | None] = [w.label for w in query.windows()] or [None]
    parts = []
    for kpi in query.kpis:
        for rid in ids:
            for window in windows:
                rows = kpi_rows(_select(result, rid, window), kpi)
                response = _response(query, kpi.name, rid, window, rows)
                frame = kpi_frame(response, dtype_backend=dtype_backend, source="events")  # type: ignore[arg-type]
                if window is not None:
                    frame = with_window_level(frame, window)
                parts.append((kpi.name, rid, frame, f"{kpi.name} for {rid or 'the project'}"))
    return assemble(
        parts,
        kpis=list(query.kpis),
        kpi_names=[k.name for k in query.kpis],
        id_level=query.id_level,
        resource_ids=[i for i in ids if i is not None] if query.id_level else None,
        window=query.keep_windows,
    )


def kpi_rows(result: pd.DataFrame, kpi: Any) -> list[dict]:
    """One KPI's ``Rows`` from its numerator (and denominator) columns, in result order.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas import catalog
    >>> rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    >>> result = pd.DataFrame({"group": [20362, 20363], "n__SuccessfulDeliveryRate": [3, 0],
    ...                        "d__SuccessfulDeliveryRate": [4, 0]})
    >>> [(r["GroupedBys"][0]["Value"], r["Values"][0]["Value"]) for r in kpi_rows(result, rate)]
    [('2025-10-01', '0.75')]
    """
    from .definitions import measure_of

    measure = measure_of(kpi)
    numerators = result[f"n__{kpi.value_key}"]
    if measure.how == "ratio":
        denominators = result[f"d__{kpi.value_key}"].fillna(0)
        present = (denominators > 0).to_numpy()
        # Sums of integers below 2**53 are exact doubles, so this is the service's own
        # numerator / denominator, correctly rounded.
        values = [
            float(n) / float(d)
            for n, d in zip(numerators[present].fillna(0), denominators[present], strict=True)
        ]
    else:
        present = (numerators.fillna(0) > 0).to_numpy()
        values = list(numerators[present])
    keys = _group_strings(result["group"][present], kpi.grouped_by) if kpi.grouped_by else None
    rows = []
    for position, value in enumerate(values):
        row: dict = {}
        if keys is not None:
            row["GroupedBys"] = [{"Key": kpi.grouped_by, "Type": "String", "Value": keys[position]}]
        row["Values"] = [{"Key": kpi.value_key, "Type": "Double", "Value": repr(float(value))}]
        rows.append(row)
    return rows


def _group_strings(values: pd.Series, key: str) -> list[str]:
    if key == "Date":
        days = np.datetime64("1970-01-01", "D") + values.to_numpy(dtype=np.int64) * _DAY
        return [str(day) for day in days]
    return [str(v) for v in values]


def _drop_missing_keys(result: pd.DataFrame, query: EventQuery) -> pd.DataFrame:
    keys = [c for c in ("resource", "group") if c in result]
    if not keys:
        return result
    numerators = [c for c in result.columns if c.startswith("n__")]
    missing = result[keys].isna().any(axis=1)
    counted = (result.loc[missing, numerators].fillna(0) > 0).any(axis=1)
    if counted.any():  # groups without the key that hold messages of these KPIs
        grouped_by = query.kpis[0].grouped_by or query.scope
        warnings.warn(
            f"{int(counted.sum())} groups of messages have no {grouped_by} in their records "
            "and are left out of the frame.",
            MissingKeyWarning,
            stacklevel=4,
        )
    return result[~missing]


def _resource_ids(result: pd.DataFrame, query: EventQuery) -> list[str | None]:
    if query.scope == "application":
        return [None]
    if query.resource_ids is not None:
        return list(query.resource_ids)
    return list(dict.fromkeys(result["resource"].astype(str)))  # by first send in the range


def _select(result: pd.DataFrame, rid: str | None, window: str | None) -> pd.DataFrame:
    keep = np.ones(len(result), dtype=bool)
    if rid is not None:
        keep &= (result["resource"] == rid).to_numpy()
    if window is not None:
        keep &= (result["window"] == window).to_numpy()
    return result[keep]


def _response(
    query: EventQuery, kpi_name: str, rid: str | None, window: str | None, rows: list
) -> dict:
    member, id_key = _MEMBERS[query.scope]
    start: str | None
    end: str | None
    if window is not None:
        start, end = window.split("/")
    else:
        start = format_instant(query.start) if query.start else None
        end = format_instant(query.end) if query.end else None
    inner: dict = {"ApplicationId": query.application_id}
    if id_key is not None:
        inner[id_key] = rid
    inner.update(
        KpiName=kpi_name,
        StartTime=start,
        EndTime=end,
        KpiResult={"Rows": rows},
        NextToken=None,
    )
    return {member: inner}
