"""Engine rows to the frame: through the one assembly path every answer takes.

The engine returns, per group, each KPI's numerator (and denominator). Here they become one
:class:`~pinpoint_kpi_pandas.rows.KpiRows` per KPI, campaign (journey) and window, with the
service's presence rules (a count or amount is present when above zero, a rate or average when
its denominator is, a unique count when above zero), already typed (counts as integers, the
rest as doubles), and go to :func:`~pinpoint_kpi_pandas.frame.assemble_kpi_frame` with the
read's :class:`~pinpoint_kpi_pandas.meta.FrameContract`: the frame's index levels, dtypes,
columns and ``attrs`` are those of ``read_pinpoint_kpi`` by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..dates import provisional_days
from ..errors import PinpointKpiWarning, warn_user
from ..frame import assemble_kpi_frame
from ..rows import KpiRows
from .query import EventQuery

__all__ = ["MissingKeyWarning", "frame_from_rows", "kpi_rows"]

_DAY_MS = 86_400_000
_EPOCH = np.datetime64("1970-01-01", "ns")


class MissingKeyWarning(PinpointKpiWarning):
    """Messages whose records lack the grouping key (no ``iso_country_code``, ...) are left out
    of a grouped KPI; the warning says how many groups."""


def frame_from_rows(
    result: pd.DataFrame,
    query: EventQuery,
    *,
    dtype_backend: str | None = None,
    contract: Mapping[str, Any] | None = None,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """The read's frame from the engine's result (see :func:`~.definitions.kpi_table`).

    ``contract`` adds fields to the frame contract (``source``, ``skipped_files``, ``extra``);
    ``as_of`` is the archive's clock (:attr:`~.sources.Archive.as_of`): the days whose end, plus
    Pinpoint's data latency, it had not reached are provisional, as the API said of them.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> query = plan_event_query("a1", "clicks-grouped-by-date", campaign_id=["c1", "c2"])
    >>> result = pd.DataFrame({"resource": ["c2", "c1"], "group": [20362, 20363],
    ...                        "first_ms": [1, 2], "last_ms": [1, 2], "n__Clicks": [5, 7]})
    >>> frame_from_rows(result, query)
                          Clicks
    CampaignId Date
    c1         2025-10-02      7
    c2         2025-10-01      5
    """
    result = _drop_missing_keys(result, query)
    order = ["first_ms", *(c for c in ("resource", "window", "group") if c in result)]
    result = result.sort_values(order, kind="stable")
    ids = _resource_ids(result, query)
    spans = _spans(result, query)
    parts = []
    for kpi in query.kpis:
        for rid in ids:
            for label, start, end in spans:
                selected = _select(result, rid, label)
                groups, values = kpi_rows(selected, kpi)
                days = provisional_days(start, end, as_of)
                parts.append(
                    KpiRows(
                        kpi.name,
                        rid,
                        start,
                        end,
                        groups=groups,
                        values=values,
                        source=f"events: {kpi.name} for {rid or 'the project'}",
                        origin="events",
                        provisional_days=tuple(day.isoformat() for day in days),
                    )
                )
    asked = query.contract()
    if query.start is None or query.end is None:  # the span the archive answered for
        first, last = spans[0][1], spans[-1][2]
        asked = asked.replace(
            start_time=_instant(first) if query.start is None else asked.start_time,
            end_time=_instant(last) if query.end is None else asked.end_time,
        )
    if query.every:
        found = tuple(i for i in ids if i is not None)
        asked = asked.replace(**{f"{query.scope}_ids": found})
    asked = asked.replace(**dict(contract or {}))
    return assemble_kpi_frame(parts, asked, dtype_backend=dtype_backend)  # type: ignore[arg-type]


def kpi_rows(result: pd.DataFrame, kpi: Any) -> tuple[dict, dict]:
    """One KPI's typed columns, ``(groups, values)``, with the service's presence rules.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas import catalog
    >>> rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    >>> result = pd.DataFrame({"group": [20362, 20363], "n__SuccessfulDeliveryRate": [3, 0],
    ...                        "d__SuccessfulDeliveryRate": [4, 0]})
    >>> groups, values = kpi_rows(result, rate)
    >>> [str(d)[:10] for d in groups["Date"]], values["SuccessfulDeliveryRate"].tolist()
    (['2025-10-01'], [0.75])
    """
    from .measures import measure_of

    measure = measure_of(kpi)
    numerators = result[f"n__{kpi.value_key}"].fillna(0)
    if measure.how == "ratio":
        denominators = result[f"d__{kpi.value_key}"].fillna(0)
        present = (denominators > 0).to_numpy()
        # Sums of integers below 2**53 are exact doubles: this is the service's own numerator
        # over denominator, correctly rounded.
        values = numerators[present].to_numpy(np.float64) / denominators[present].to_numpy(
            np.float64
        )
    else:
        present = (numerators > 0).to_numpy()
        integral = kpi.kind in ("count", "unique_count")
        values = numerators[present].to_numpy(np.int64 if integral else np.float64)
    groups: dict = {}
    if kpi.grouped_by == "Date":
        days = result["group"][present].to_numpy(np.int64)
        groups["Date"] = _EPOCH + days * np.timedelta64(_DAY_MS, "ms")
    elif kpi.grouped_by is not None:
        groups[kpi.grouped_by] = result["group"][present].astype(str).tolist()
    return groups, {kpi.value_key: values}


def _drop_missing_keys(result: pd.DataFrame, query: EventQuery) -> pd.DataFrame:
    keys = [c for c in ("resource", "group") if c in result]
    if not keys:
        return result
    numerators = [c for c in result.columns if c.startswith("n__")]
    missing = result[keys].isna().any(axis=1)
    counted = (result.loc[missing, numerators].fillna(0) > 0).any(axis=1)
    if counted.any():  # groups without the key that hold messages of these KPIs
        grouped_by = query.kpis[0].grouped_by or query.scope
        warn_user(
            f"{int(counted.sum())} groups of messages have no {grouped_by} in their records "
            "and are left out of the frame.",
            MissingKeyWarning,
        )
    return result[~missing]


def _resource_ids(result: pd.DataFrame, query: EventQuery) -> list[str | None]:
    if query.scope == "application":
        return [None]
    if query.resource_ids is not None:
        return list(query.resource_ids)
    return list(dict.fromkeys(result["resource"].astype(str)))  # by first send in the range


def _spans(result: pd.DataFrame, query: EventQuery) -> list[tuple[str | None, Any, Any]]:
    """(window label or None, start, end) of the answers: the windows, or the whole range."""
    windows = query.windows()
    if windows:
        return [(w.label, *_bounds(w.label)) for w in windows]
    start, end = query.start, query.end
    sent = result["first_ms"].dropna()  # an ungrouped read of no message has one empty row
    if (start is None or end is None) and len(sent):
        if start is None:
            start = _day_start(int(sent.min()))
        if end is None:
            end = _day_start(int(result["last_ms"].max())) + timedelta(days=1, seconds=-1)
    return [(None, start, end)]  # None bounds only for an empty read of the whole archive


def _bounds(label: str) -> tuple[datetime, datetime]:
    first, last = label.split("/")
    return _parse(first), _parse(last)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _day_start(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // _DAY_MS * _DAY_MS / 1000, UTC)


def _instant(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def _select(result: pd.DataFrame, rid: str | None, window: str | None) -> pd.DataFrame:
    keep = np.ones(len(result), dtype=bool)
    if rid is not None:
        keep &= (result["resource"] == rid).to_numpy()
    if window is not None:
        keep &= (result["window"] == window).to_numpy()
    return result[keep]
