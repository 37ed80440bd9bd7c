"""Answers (or engine rows) to a typed frame: the one assembly path.

Every frame the library returns is built by :func:`assemble_kpi_frame`: live reads, saved files
(:func:`~pinpoint_kpi_pandas.read_pinpoint_kpi_json`), single answers (:func:`kpi_frame`) and
event-archive engines. It takes the rows of all answers as :class:`~pinpoint_kpi_pandas.rows.
KpiRows`, types every column once over all of them (:mod:`~pinpoint_kpi_pandas.casting`, the one
place where typed strings become typed columns), combines windows (:mod:`~pinpoint_kpi_pandas.
combine`: stitched, summed, or kept apart), builds one DataFrame, and attaches its
:class:`~pinpoint_kpi_pandas.meta.FrameContract`. So every source gives equal frames for the same
question, by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from . import catalog
from .casting import DtypeBackend, apply_backend, check_dtype_backend
from .combine import (
    WINDOW_LEVEL,
    Combination,
    choose_combination,
    empty_kpi_frame,
    kpi_table,
    recompute_rates,
    window_label,
)
from .dates import format_instant, provisional_days
from .errors import (
    ArgumentTypeError,
    CoverageWarning,
    InvalidArgumentError,
    ProvisionalDataWarning,
    warn_user,
)
from .meta import FrameContract, KpiWindow
from .parse import answer_clock, parse_answer, unwrap_response
from .rows import KpiRows

__all__ = [
    "WINDOW_LEVEL",
    "DtypeBackend",
    "KpiRows",
    "assemble_kpi_frame",
    "check_dtype_backend",
    "empty_kpi_frame",
    "kpi_frame",
    "unwrap_response",
    "window_label",
]

_ID_LEVELS = {"campaign": "CampaignId", "journey": "JourneyId"}
_EARLIEST = datetime.min.replace(tzinfo=UTC)  # sorts answers without a window first


def kpi_frame(
    response: Mapping[str, Any],
    *,
    dtype_backend: DtypeBackend | None = None,
    source: str = "response",
) -> pd.DataFrame:
    """Convert one KPI response into a typed DataFrame indexed by its grouped-by fields.

    Parameters
    ----------
    response : dict
        One answer of ``GetApplicationDateRangeKpi``, ``GetCampaignDateRangeKpi`` or
        ``GetJourneyDateRangeKpi``: boto3's result, AWS CLI output (``json.load`` of a saved
        file), a ``json.dumps(result, default=str)`` dump, or the bare HTTP body.
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`: None gives NumPy dtypes (``int64``, ``float64``);
        ``"numpy_nullable"`` gives ``Int64`` / ``Float64`` / ``string``; ``"pyarrow"`` gives
        Arrow-backed dtypes.
    source : str, default "response"
        Recorded in ``df.attrs["pinpoint"]["source"]`` (the readers pass ``"api"``,
        ``"cache"`` or ``"file"``).

    Returns
    -------
    pandas.DataFrame
        Index: the GroupedBys keys in response order (``Date`` as a datetime64 level of UTC
        calendar days); a single-value KPI gives one row with a default index. Columns: the
        Values keys, typed from ``Type`` (unknown types are kept as strings); count columns
        whose values are all integral are integers. An empty answer gives an empty frame with
        the catalog's index names and columns. ``df.attrs["pinpoint"]`` is the frame's
        :class:`~pinpoint_kpi_pandas.meta.FrameContract`; a boto3 result answered before its
        last day was final lists that day in ``provisional_days`` (and warns).

    Raises
    ------
    ResponseFormatError
        The response does not have the shape of a KPI answer (the message names the row).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> response = {"CampaignDateRangeKpiResponse": {
    ...     "ApplicationId": "a1", "CampaignId": "c1",
    ...     "KpiName": "unique-deliveries-grouped-by-date",
    ...     "StartTime": "2026-08-01T00:00:00Z", "EndTime": "2026-08-02T23:59:59Z",
    ...     "KpiResult": {"Rows": [
    ...         {"GroupedBys": [{"Key": "Date", "Type": "String", "Value": "2026-08-01"}],
    ...          "Values": [{"Key": "UniqueDeliveries", "Type": "Double", "Value": "1368.0"}]},
    ...         {"GroupedBys": [{"Key": "Date", "Type": "String", "Value": "2026-08-02"}],
    ...          "Values": [{"Key": "UniqueDeliveries", "Type": "Double", "Value": "1411.0"}]},
    ...     ]}}}
    >>> df = ppk.kpi_frame(response)
    >>> df
                UniqueDeliveries
    Date
    2026-08-01              1368
    2026-08-02              1411
    >>> df.dtypes.iloc[0], df.index.dtype
    (dtype('int64'), dtype('<M8[ns]'))
    """
    check_dtype_backend(dtype_backend)
    header, rows = parse_answer(response, source="response", origin=source)
    days = provisional_days(header.start_time, header.end_time, answer_clock(response))
    if days:
        rows = _with_provisional(rows, days)
    contract = FrameContract(
        application_id=header.application_id,
        kpi_names=(header.kpi_name,),
        scope=header.scope,
        campaign_ids=_one_id(header.resource_id) if header.scope == "campaign" else None,
        journey_ids=_one_id(header.resource_id) if header.scope == "journey" else None,
        start_time=format_instant(header.start_time) if header.start_time else None,
        end_time=format_instant(header.end_time) if header.end_time else None,
        source=source,
    )
    return assemble_kpi_frame([rows], contract, dtype_backend=dtype_backend)


def _one_id(resource_id: str | None) -> tuple[str, ...]:
    return (resource_id,) if resource_id is not None else ()


def _with_provisional(rows: KpiRows, days: list) -> KpiRows:
    from dataclasses import replace

    return replace(rows, provisional_days=tuple(d.isoformat() for d in days))


def assemble_kpi_frame(
    parts: Iterable[KpiRows],
    contract: FrameContract,
    *,
    dtype_backend: DtypeBackend | None = None,
    warn: bool = True,
) -> pd.DataFrame:
    """Build one typed frame from the rows of many answers: the library's one assembly path.

    Parameters
    ----------
    parts : iterable of KpiRows
        One per KPI, id and window, in any order: live answers, saved files, or what an engine
        computed (columns already typed, or strings with their ``Type``). Answers of a KPI with
        no rows still count: they say which windows and ids were covered.
    contract : FrameContract
        What was asked. The assembly reads ``scope``, ``kpi_names`` (the column order; empty:
        order of first appearance), the ids (``campaign_ids`` / ``journey_ids``: the id level's
        order; empty: order of first appearance), ``id_level`` (``"CampaignId"`` /
        ``"JourneyId"`` to add that leading level; None for none), ``keep_windows``,
        ``start_time`` / ``end_time`` (None: the span of the answers), ``names`` (any
        ``{id: name}``: those of the frame's ids and project are kept), and keeps every other
        field as given (``source``, ``files``, ``requests``, ...).
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`.
    warn : bool, default True
        Warn once about provisional days (:class:`~pinpoint_kpi_pandas.errors.
        ProvisionalDataWarning`) and once about coverage (windows kept apart because they
        overlap or leave gaps, or KPIs or ids covering different days:
        :class:`~pinpoint_kpi_pandas.errors.CoverageWarning`; not when ``contract.failed``
        already explains missing answers).

    Returns
    -------
    pandas.DataFrame
        Index: ``id_level`` (if any), ``Window`` (when windows are kept apart), then the KPI's
        grouping keys (``Date`` as datetime64). Columns: each KPI's value key, in
        ``kpi_names`` order. Windows combine as :mod:`pinpoint_kpi_pandas.combine` says:
        date-grouped KPIs are stitched day by day, counts over windows that tile the range are
        summed per group (rates recomputed from summed counts), anything else keeps each
        window apart. ``df.attrs["pinpoint"]`` is ``contract`` completed with ``columns``,
        ``coverage`` (one :class:`~pinpoint_kpi_pandas.meta.KpiWindow` per answer),
        ``combined``, ``provisional_days`` and ``ids_with_rows``.

    Raises
    ------
    ResponseFormatError
        A value that is not what its type says (naming the answer and row).
    ConflictingDataError
        One row answered twice with different values (naming both answers).
    InvalidArgumentError, ArgumentTypeError
        ``parts`` that are not ``KpiRows``, or several ids without an ``id_level``.

    Examples
    --------
    An engine's rows (already typed) for two campaigns and one window:

    >>> from datetime import datetime, UTC
    >>> import numpy as np
    >>> from pinpoint_kpi_pandas.meta import FrameContract
    >>> start = datetime(2026, 8, 1, tzinfo=UTC)
    >>> end = datetime(2026, 8, 2, 23, 59, 59, tzinfo=UTC)
    >>> days = np.array(["2026-08-01", "2026-08-02"], dtype="datetime64[ns]")
    >>> parts = [KpiRows("unique-deliveries-grouped-by-date", cid, start, end,
    ...                  groups={"Date": days}, values={"UniqueDeliveries": np.array(counts)},
    ...                  source=f"engine query for {cid}", origin="events")
    ...          for cid, counts in [("c1", [5, 6]), ("c2", [7, 8])]]
    >>> asked = FrameContract(application_id="a1", scope="campaign",
    ...                       kpi_names=("unique-deliveries-grouped-by-date",),
    ...                       campaign_ids=("c1", "c2"), id_level="CampaignId", source="events")
    >>> df = assemble_kpi_frame(parts, asked)
    >>> df
                           UniqueDeliveries
    CampaignId Date
    c1         2026-08-01                 5
               2026-08-02                 6
    c2         2026-08-01                 7
               2026-08-02                 8
    >>> df.attrs["pinpoint"]["combined"], len(df.attrs["pinpoint"]["coverage"])
    ({'unique-deliveries-grouped-by-date': 'one window'}, 2)
    """
    check_dtype_backend(dtype_backend)
    parts = _checked(parts)
    scope = contract.scope
    names = list(dict.fromkeys([*contract.kpi_names, *(p.kpi_name for p in parts)]))
    kpis = {n: catalog.find_kpi(n, scope) if scope in catalog.SCOPES else None for n in names}
    ids = _ids(contract, parts)
    id_level = contract.id_level
    if id_level is None and len({p.resource_id for p in parts}) > 1:
        raise InvalidArgumentError(
            "the answers are for several campaigns or journeys; pass a contract with "
            "id_level='CampaignId' (or 'JourneyId') so each keeps its rows apart."
        )
    kpi_position = {n: i for i, n in enumerate(names)}
    id_position: dict[str | None, int] = {resource_id: i for i, resource_id in enumerate(ids)}
    parts.sort(
        key=lambda p: (
            kpi_position[p.kpi_name],
            id_position.get(p.resource_id, 0),
            p.start_time is None,
            p.start_time or _EARLIEST,
            p.end_time or _EARLIEST,
        )
    )
    by_kpi: dict[str, list[KpiRows]] = {n: [] for n in names}
    for rows in parts:
        by_kpi[rows.kpi_name].append(rows)
    combination = choose_combination(
        {n: s for n, s in by_kpi.items() if s}, kpis, keep_windows=contract.keep_windows
    )
    frame = _joined(names, kpis, by_kpi, ids, id_level, combination)
    frame = apply_backend(frame, dtype_backend)
    completed = _completed(contract, names, kpis, parts, ids, frame, combination)
    completed.write_to(frame)
    if warn:
        _warn_about(completed, combination)
    return frame


def _checked(parts: Iterable[KpiRows]) -> list[KpiRows]:
    if isinstance(parts, KpiRows) or not isinstance(parts, Iterable):
        raise ArgumentTypeError("parts must be an iterable of KpiRows (a list, say).")
    out = list(parts)
    for number, rows in enumerate(out):
        if not isinstance(rows, KpiRows):
            raise ArgumentTypeError(f"parts[{number}] is a {type(rows).__name__}, not KpiRows.")
    return out


def _ids(contract: FrameContract, parts: list[KpiRows]) -> list[str]:
    ids = list(contract.ids)
    seen = set(ids)
    for rows in parts:
        if rows.resource_id is not None and rows.resource_id not in seen:
            seen.add(rows.resource_id)
            ids.append(rows.resource_id)
    return ids


def _joined(
    names: list[str],
    kpis: dict[str, catalog.Kpi | None],
    by_kpi: dict[str, list[KpiRows]],
    ids: list[str],
    id_level: str | None,
    combination: Combination,
) -> pd.DataFrame:
    summed = combination.mode == "summed"
    tables = []
    for name in names:
        kpi = kpis[name]
        if summed and kpi is not None and kpi.kind == "rate":
            continue  # recomputed from the summed counts below
        tables.append(
            kpi_table(name, kpi, by_kpi[name], ids=ids, id_level=id_level, mode=combination.mode)
        )
    frame = tables[0] if len(tables) == 1 else pd.concat(tables, axis=1, join="outer", sort=False)
    if len(tables) > 1:
        frame = _integers_kept(frame, tables)
    if summed and len(tables) < len(names):
        frame = recompute_rates(frame, kpis)
        order = [k.value_key for n in names if (k := kpis[n]) is not None]
        frame = frame[[c for c in order if c in frame.columns]]
    return frame


def _integers_kept(frame: pd.DataFrame, tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Integer columns the outer join gave gaps (rows another KPI has and this one lacks, e.g.
    email opens of an SMS campaign) as nullable ``Int64``, not ``float64`` (``4336``, never
    ``4336.0``); columns without gaps stay ``int64``."""
    integral = {c for t in tables for c, dtype in t.dtypes.items() if dtype.kind in "iu"}
    for column in integral:
        if frame[column].dtype.kind == "f":
            frame[column] = frame[column].astype("Int64")
    return frame


def _completed(
    contract: FrameContract,
    names: list[str],
    kpis: dict[str, catalog.Kpi | None],
    parts: list[KpiRows],
    ids: list[str],
    frame: pd.DataFrame,
    combination: Combination,
) -> FrameContract:
    coverage = _coverage(parts)
    columns = _column_kpis(names, kpis, parts)
    starts = [w.start_time for w in coverage if w.start_time]
    ends = [w.end_time for w in coverage if w.end_time]
    changes: dict[str, Any] = {
        "kpi_names": tuple(names),
        "columns": {str(c): columns.get(str(c), names[0] if names else "") for c in frame.columns},
        "coverage": coverage,
        "combined": dict(combination.per_kpi),
        "provisional_days": tuple(sorted({d for p in parts for d in p.provisional_days})),
        "start_time": contract.start_time or (min(starts) if starts else None),
        "end_time": contract.end_time or (max(ends) if ends else None),
        "retrieved_at": contract.retrieved_at or format_instant(datetime.now(UTC)),
    }
    changes["names"] = _names_of(contract, ids, frame)
    if contract.scope in _ID_LEVELS:
        with_rows = {p.resource_id for p in parts if p.n_rows}
        changes["ids_with_rows"] = tuple(i for i in ids if i in with_rows)
        member = "campaign_ids" if contract.scope == "campaign" else "journey_ids"
        changes[member] = tuple(ids)
    return contract.replace(**changes)


def _names_of(contract: FrameContract, ids: list[str], frame: pd.DataFrame) -> dict[str, str]:
    """The contract's names of this frame's ids (those asked for, and those of its campaign or
    journey levels) and of its project: a whole listing is not carried by every frame."""
    if not contract.names:
        return {}
    wanted = {*ids, contract.application_id}
    for level in ("CampaignId", "JourneyId"):
        if level in frame.index.names:
            wanted.update(map(str, frame.index.unique(level)))
    return {i: name for i, name in contract.names.items() if i in wanted}


def _coverage(parts: list[KpiRows]) -> tuple[KpiWindow, ...]:
    instants: dict[datetime, str] = {}  # answers share a few window bounds: format each once
    return tuple(_window_of(p, instants) for p in parts)


def _window_of(rows: KpiRows, instants: dict[datetime, str]) -> KpiWindow:
    start, end = rows.start_time, rows.end_time
    if start is not None and start not in instants:
        instants[start] = format_instant(start)
    if end is not None and end not in instants:
        instants[end] = format_instant(end)
    return KpiWindow(
        kpi_name=rows.kpi_name,
        id=rows.resource_id,
        start_time=instants[start] if start is not None else None,
        end_time=instants[end] if end is not None else None,
        rows=rows.n_rows,
        source=rows.source,
        origin=rows.origin,
        provisional_days=tuple(rows.provisional_days),
    )


def _column_kpis(
    names: list[str], kpis: dict[str, catalog.Kpi | None], parts: list[KpiRows]
) -> dict[str, str]:
    """Each value column's KPI name (the catalog's value key, and what the answers carry)."""
    columns = {k.value_key: name for name, k in kpis.items() if k is not None}
    seen = set()
    for rows in parts:
        keys = (rows.kpi_name, *rows.values)
        if keys not in seen:  # thousands of answers, a few kinds
            seen.add(keys)
            for key in rows.values:
                columns.setdefault(str(key), rows.kpi_name)
    return columns


def _warn_about(contract: FrameContract, combination: Combination) -> None:
    days = contract.provisional_days
    if days:
        answers = sum(1 for w in contract.coverage if w.provisional_days)
        shown = ", ".join(days[:6]) + (f" and {len(days) - 6} more" if len(days) > 6 else "")
        holds = "answer of this frame holds" if answers == 1 else "answers of this frame hold"
        were = "day that was" if len(days) == 1 else "days that were"
        if contract.source == "events":  # an archive's clock is its newest object
            text = (
                f"{len(days)} {'day was' if len(days) == 1 else 'days were'} not final in the "
                f"archive ({shown}): its newest object scanned "
                "arrived less than Pinpoint's ~2-hour data latency after the end of that UTC "
                "day (or before it), so later objects may still add to the numbers. They are "
                "listed in df.attrs['pinpoint']['provisional_days']; read again once the "
                "archive holds later objects, or with a longer lateness= if it already does "
                "(the read scans only to lateness after its end)."
            )
        else:
            text = (
                f"{answers} {holds} {len(days)} {were} not final when Pinpoint answered "
                f"({shown}): the service's clock minus its ~2-hour data latency had not passed "
                "the end of that UTC day, so the numbers may still grow. They are listed in "
                "df.attrs['pinpoint']['provisional_days']; read again later (a cache= store "
                "refetches provisional answers on the next online read)."
            )
        warn_user(text, ProvisionalDataWarning)
    if contract.failed:
        return  # the failures' own warning explains what is missing
    kept_apart = {n for n, how in contract.combined.items() if how == "kept apart"}
    notes = [  # overlapping windows of other KPIs were stitched or refused: nothing to note
        f"{a.kpi_name}{' for ' + a.id if a.id else ''}: {a.label} ({a.source}) and {b.label} "
        f"({b.source}) overlap"
        for a, b in (contract.overlaps() if kept_apart else ())
        if a.kpi_name in kept_apart
    ]
    notes += [g.describe() for g in contract.gaps()]
    notes += _uneven_coverage(contract)
    if notes:
        shown = "\n  ".join(notes[:8])
        if len(notes) > 8:
            shown += f"\n  ... and {len(notes) - 8} more"
        kept = (
            " Windows are kept apart under a 'Window' level, so nothing is added twice."
            if combination.window_level
            else ""
        )
        warn_user(
            f"the answers do not cover the same days everywhere:\n  {shown}\n"
            f"Rows outside an answer's days are missing, not zero.{kept} "
            "df.attrs['pinpoint']['coverage'] lists every answer's window; "
            "pinpoint_kpi_pandas.inventory(paths) lists saved files.",
            CoverageWarning,
        )


def _uneven_coverage(contract: FrameContract) -> list[str]:
    """KPIs of one id, or ids of one KPI, whose answers span different days."""
    spans: dict[tuple[str, str | None], tuple] = {}
    for w in contract.coverage:
        first, last = w.first_day, w.last_day
        if first and last:
            key = (w.kpi_name, w.id)
            span = spans.get(key)
            if span is None:
                spans[key] = (first, last)
            elif first < span[0] or last > span[1]:
                spans[key] = (min(span[0], first), max(span[1], last))
    notes = []
    for axis, what in ((0, "KPIs"), (1, "ids")):
        groups: dict[Any, dict[tuple, list[str]]] = {}
        for key, span in spans.items():
            other, this = key[1 - axis], key[axis]
            groups.setdefault(other, {}).setdefault(span, []).append(str(this))
        for other, by_span in groups.items():
            if len(by_span) > 1:
                listed = "; ".join(
                    f"{', '.join(members[:3])}{' ...' if len(members) > 3 else ''} cover "
                    f"{low}..{high}"
                    for (low, high), members in by_span.items()
                )
                where = f" of {other}" if other else ""
                notes.append(f"the {what}{where} cover different days: {listed}")
                break
    return notes
