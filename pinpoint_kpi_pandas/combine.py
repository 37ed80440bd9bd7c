"""How the answers of one KPI become its part of the frame: windows stitched, summed or kept apart.

Rules (one frame, one rule for all its KPIs):

- ``"stitched"``: ``-grouped-by-date`` KPIs. Every day is its own row, so windows concatenate;
  a day answered twice with equal values is kept once, with different values it is a
  :class:`~pinpoint_kpi_pandas.errors.ConflictingDataError` naming both answers.
- ``"summed"``: other KPIs whose windows tile the range (no day twice, none missing) and add up:
  counts and amounts, and rates whose numerator and denominator counts are in the frame (the
  rate is then recomputed from the summed counts). Each group's values are summed over the
  windows, exactly.
- ``"kept apart"``: anything else with several windows (overlapping windows, gaps, unique counts,
  averages, rates without their counts), or ``keep_windows=True``: each answer keeps its rows
  under a ``Window`` level (``start/end``), so nothing is ever added twice.
- ``"one window"``: one window per KPI and id; nothing to combine.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import catalog
from .casting import RowLocator, date_column, empty_values, key_column, value_column
from .combinable import uncombinable
from .dates import format_instant
from .errors import ConflictingDataError, ResponseFormatError
from .rows import KpiRows

__all__ = [
    "WINDOW_LEVEL",
    "Combination",
    "choose_combination",
    "empty_kpi_frame",
    "kpi_table",
    "recompute_rates",
    "window_label",
]

WINDOW_LEVEL = "Window"
"""The index level holding each answer's window (``start/end`` in ISO 8601) when windows of a
KPI are kept apart."""

_DATE = "Date"


def window_label(start: str | None, end: str | None) -> str:
    """The ``Window`` label of an answer: ISO 8601 interval notation.

    Examples
    --------
    >>> window_label("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z")
    '2026-08-01T00:00:00Z/2026-08-31T23:59:59Z'
    """
    return f"{start}/{end}"


def _label(rows: KpiRows) -> str:
    start = format_instant(rows.start_time) if rows.start_time else None
    end = format_instant(rows.end_time) if rows.end_time else None
    return window_label(start, end)


def _window(rows: KpiRows) -> tuple:
    return (rows.start_time, rows.end_time)


def is_date_grouped(kpi: catalog.Kpi | None, parts: Sequence[KpiRows]) -> bool:
    if kpi is not None:
        return kpi.is_date_grouped
    return any(list(p.groups) == [_DATE] for p in parts if p.n_rows)


@dataclass(frozen=True)
class Combination:
    """How a frame's windows are put together.

    Attributes
    ----------
    mode : str
        ``"one window"``, ``"stitched"``, ``"summed"`` or ``"kept apart"``.
    per_kpi : dict of str to str
        The same per KPI (``"one window"`` where a KPI has one window per id).
    reasons : tuple of str
        Why windows are kept apart, when they were not asked to be.

    Examples
    --------
    >>> Combination("kept apart", {"unique-deliveries": "kept apart"}).window_level
    True
    """

    mode: str
    per_kpi: dict[str, str]
    reasons: tuple[str, ...] = ()

    @property
    def window_level(self) -> bool:
        """True when the frame has a ``Window`` level."""
        return self.mode == "kept apart"


def choose_combination(
    parts: dict[str, list[KpiRows]],
    kpis: dict[str, catalog.Kpi | None],
    *,
    keep_windows: bool,
) -> Combination:
    """Decide how the windows of a frame's KPIs combine (see the module docstring).

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> def answer(month):
    ...     end = datetime(2026, month + 1, 1, tzinfo=UTC) - timedelta(seconds=1)
    ...     return KpiRows("clicks-grouped-by-campaign-activity", "c1",
    ...                    datetime(2026, month, 1, tzinfo=UTC), end)
    >>> kpi = catalog.get_kpi("clicks-grouped-by-campaign-activity", "campaign")
    >>> choose_combination({kpi.name: [answer(8), answer(9)]}, {kpi.name: kpi},
    ...                    keep_windows=False).mode
    'summed'
    """
    several = {name: _several_windows(series) for name, series in parts.items()}
    if keep_windows:
        return Combination("kept apart", dict.fromkeys(parts, "kept apart"))
    if all(is_date_grouped(kpis.get(n), series) for n, series in parts.items()):
        return Combination(
            "stitched", {n: "stitched" if several[n] else "one window" for n in parts}
        )
    if not any(several.values()):
        return Combination("one window", dict.fromkeys(parts, "one window"))
    reasons = [*_unsummable(kpis), *_not_tiling(parts)]
    mode = "kept apart" if reasons else "summed"
    return Combination(
        mode, {n: mode if several[n] else "one window" for n in parts}, tuple(reasons)
    )


def _several_windows(series: Sequence[KpiRows]) -> bool:
    """True when some id has answers for more than one window."""
    first: dict[Any, tuple] = {}
    for rows in series:
        window = first.setdefault(rows.resource_id, (rows.start_time, rows.end_time))
        if window != (rows.start_time, rows.end_time):
            return True
    return False


def _unsummable(kpis: dict[str, catalog.Kpi | None]) -> list[str]:
    known = [k for k in kpis.values() if k is not None]
    reasons = [f"{k.name}: {why}" for k, why in uncombinable(known)]
    reasons += [
        f"{name} is not a standard KPI, so how its windows add up is unknown"
        for name, kpi in kpis.items()
        if kpi is None
    ]
    return reasons


def _not_tiling(parts: dict[str, list[KpiRows]]) -> list[str]:
    reasons = []
    for name, series in parts.items():
        by_id: dict[Any, set] = {}
        for rows in series:
            if rows.start_time is not None and rows.end_time is not None:
                by_id.setdefault(rows.resource_id, set()).add(_window(rows))
        for resource_id, windows in by_id.items():
            ordered = sorted(windows)
            for (_, prev_end), (next_start, _) in itertools.pairwise(ordered):
                step = (next_start.date() - prev_end.date()).days
                if step != 1:
                    who = f" for {resource_id}" if resource_id else ""
                    what = "overlap" if step < 1 else "leave a gap"
                    reasons.append(
                        f"the windows of {name}{who} {what} ({format_instant(prev_end)} then "
                        f"{format_instant(next_start)})"
                    )
                    break
    return reasons


def _keys(name: str, parts: Sequence[KpiRows]) -> tuple[list[str], list[str]]:
    """The grouping and value keys all answers of a KPI share (from the data)."""
    first = parts[0]
    group_keys, value_keys = list(first.groups), list(first.values)
    ordered = len(group_keys) > 1 or len(value_keys) > 1  # else: equal keys are in order
    groups_seen, values_seen = first.groups.keys(), first.values.keys()
    for rows in parts:
        if (
            rows.groups.keys() != groups_seen
            or rows.values.keys() != values_seen
            or (ordered and (list(rows.groups) != group_keys or list(rows.values) != value_keys))
        ):
            raise ResponseFormatError(
                f"{rows.source}: its rows of {name} have keys {list(rows.groups)} / "
                f"{list(rows.values)} where {first.source} has {group_keys} / {value_keys}."
            )
    return group_keys, value_keys


def empty_kpi_frame(
    kpi: catalog.Kpi | None, id_level: str | None = None, *, window: bool = False
) -> pd.DataFrame:
    """An empty frame with the index names and value column a KPI's answers would have.

    ``id_level`` adds a leading id level, ``window`` a :data:`WINDOW_LEVEL` after it.

    Examples
    --------
    >>> kpi = catalog.get_kpi("unique-deliveries-grouped-by-date", "campaign")
    >>> empty_kpi_frame(kpi, "CampaignId", window=True).index.names
    FrozenList(['CampaignId', 'Window', 'Date'])
    """
    levels: list[pd.Index] = []
    if id_level is not None:
        levels.append(pd.Index([], dtype="str", name=id_level))
    if window:
        levels.append(pd.Index([], dtype="str", name=WINDOW_LEVEL))
    if kpi is not None and kpi.grouped_by == _DATE:
        levels.append(pd.DatetimeIndex([], dtype="datetime64[ns]", name=_DATE))
    elif kpi is not None and kpi.grouped_by:
        levels.append(pd.Index([], dtype="str", name=kpi.grouped_by))
    index = _index_of(levels) if levels else pd.RangeIndex(0)
    columns = {kpi.value_key: empty_values(kpi)} if kpi is not None else {}
    return pd.DataFrame(columns, index=index)


def _index_of(levels: list[pd.Index]) -> pd.Index:
    if len(levels) == 1:
        return levels[0]
    return pd.MultiIndex.from_arrays(levels, names=[level.name for level in levels])


def kpi_table(
    name: str,
    kpi: catalog.Kpi | None,
    parts: Sequence[KpiRows],
    *,
    ids: Sequence[str],
    id_level: str | None,
    mode: str,
) -> pd.DataFrame:
    """One KPI's rows from all its answers, typed once, combined by ``mode``.

    ``parts`` come in frame order (id by id, window by window). The index is ``id_level`` (if
    any), ``Window`` (mode ``"kept apart"``), then the grouping keys.

    Examples
    --------
    >>> kpi = catalog.get_kpi("txn-emails-sent", "application")
    >>> rows = KpiRows(kpi.name, None, None, None, values={"TxnEmailsSent": ["7.0"]},
    ...                value_types={"TxnEmailsSent": "Double"})
    >>> kpi_table(kpi.name, kpi, [rows], ids=[], id_level=None, mode="one window")
       TxnEmailsSent
    0              7
    """
    window_level = mode == "kept apart"
    with_rows = [p for p in parts if p.n_rows]
    if not with_rows:
        table = empty_kpi_frame(kpi, id_level, window=window_level)
        return _placeholders(table, kpi, parts, ids, id_level, mode)
    group_keys, value_keys = _keys(name, with_rows)
    lengths = [p.n_rows for p in with_rows]
    locate = RowLocator([p.source for p in with_rows], lengths)
    levels = _leading_levels(parts, with_rows, lengths, ids, id_level, mode)
    levels += _group_levels(with_rows, group_keys, locate)
    values = {
        key: value_column(
            key, [p.values[key] for p in with_rows], _types(with_rows, key), kpi, locate
        )
        for key in value_keys
    }
    table = pd.DataFrame(values, index=_coded_index(levels, sum(lengths)))
    if not _strictly_increasing(levels):  # else: no row twice, and already in time order
        if table.index.has_duplicates:
            table = _deduplicated(table, locate)
        if _DATE in group_keys:
            table = _in_time_order(table)
    if mode == "summed":
        table = _summed(table)
    return _placeholders(table, kpi, parts, ids, id_level, mode)


def _leading_levels(
    parts: Sequence[KpiRows],
    with_rows: list[KpiRows],
    lengths: list[int],
    ids: Sequence[str],
    id_level: str | None,
    mode: str,
) -> list[tuple[str, pd.Index, np.ndarray]]:
    """The id level and the (temporary, when summing) Window level, as level values and codes."""
    levels: list[tuple[str, pd.Index, np.ndarray]] = []
    if id_level is not None:
        positions: dict[str | None, int] = {resource_id: i for i, resource_id in enumerate(ids)}
        codes = np.repeat([positions[p.resource_id] for p in with_rows], lengths)
        levels.append((id_level, pd.Index(list(ids), dtype="str"), codes))
    if mode in ("kept apart", "summed"):
        labels = list(dict.fromkeys(_label(p) for p in sorted(parts, key=_window_order)))
        where = {label: i for i, label in enumerate(labels)}
        codes = np.repeat([where[_label(p)] for p in with_rows], lengths)
        levels.append((WINDOW_LEVEL, pd.Index(labels, dtype="str"), codes))
    return levels


def _group_levels(
    with_rows: list[KpiRows], group_keys: list[str], locate: RowLocator
) -> list[tuple[str, pd.Index, np.ndarray]]:
    levels: list[tuple[str, pd.Index, np.ndarray]] = []
    for key in group_keys:
        pieces = [p.groups[key] for p in with_rows]
        if key == _DATE:
            codes, uniques = pd.factorize(date_column(pieces, locate, key), sort=True)
            level: pd.Index = pd.DatetimeIndex(uniques)
        else:
            codes, uniques = pd.factorize(key_column(pieces, locate, key))
            level = pd.Index(uniques, dtype="str")
        levels.append((key, level, codes))
    return levels


def _types(with_rows: list[KpiRows], key: str) -> set[str]:
    types: set[str] = set()
    last: Any = None
    for p in with_rows:
        found = p.value_types.get(key)
        if found is last and found is not None:
            continue  # answers decoded alike share one set of types
        last = found
        types |= {found} if isinstance(found, str) else set(found or ())
    return types


def _window_order(rows: KpiRows) -> tuple:
    return (rows.start_time is None, rows.start_time or 0, rows.end_time or 0)


def _coded_index(levels: list[tuple[str, pd.Index, np.ndarray]], n_rows: int) -> pd.Index:
    if not levels:
        return pd.RangeIndex(n_rows)
    if len(levels) == 1:
        name, level, codes = levels[0]
        return level.take(codes).rename(name)
    return pd.MultiIndex(
        levels=[level for _, level, _ in levels],  # type: ignore[misc]
        codes=[codes for _, _, codes in levels],  # type: ignore[misc]
        names=[name for name, _, _ in levels],
        verify_integrity=False,
    )


def _strictly_increasing(levels: list[tuple[str, pd.Index, np.ndarray]]) -> bool:
    """True when the rows' level codes, read as one number, strictly increase: each row is
    unique and in frame order (ids, windows, then sorted days). One pass, instead of a hash
    of every row and a sort; False (check the slow way) when unsure."""
    if not levels or np.prod([float(len(level)) for _, level, _ in levels]) >= 2.0**62:
        return False
    key: np.ndarray | None = None
    for _, level, codes in levels:
        codes = np.asarray(codes, dtype=np.int64)
        if len(codes) and codes.min() < 0:
            return False
        key = codes if key is None else key * len(level) + codes
    assert key is not None
    return bool((key[1:] > key[:-1]).all())


def _deduplicated(table: pd.DataFrame, locate: RowLocator) -> pd.DataFrame:
    """Rows answered twice: kept once when equal; an error naming both answers otherwise."""
    index = table.index
    repeated = np.flatnonzero(index.duplicated(keep=False))
    groups, _ = pd.factorize(index[repeated])
    first: dict[int, int] = {}
    for group, position in zip(groups.tolist(), repeated.tolist(), strict=True):
        if group not in first:
            first[group] = position
            continue
        earlier = first[group]
        if locate.part(earlier) == locate.part(position):
            source = locate.sources[locate.part(position)]
            raise ResponseFormatError(
                f"{source}: the answer has {_describe(index, position)} twice (a duplicate "
                "entry); each group must appear once."
            )
        a, b = table.iloc[earlier].tolist(), table.iloc[position].tolist()
        if not _same(a, b):
            raise ConflictingDataError(
                f"{_describe(index, position)} appears in {locate.sources[locate.part(earlier)]} "
                f"and {locate.sources[locate.part(position)]} with different values ({a} vs "
                f"{b}); keep only one answer per window (remove the stale file)."
            )
    return table[~index.duplicated(keep="first")]


def _same(a: list, b: list) -> bool:
    return all(x == y or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b, strict=True))


def _describe(index: pd.Index, position: int) -> str:
    key = index[position]
    values = key if isinstance(key, tuple) else (key,)
    parts = []
    for name, value in zip(index.names, values, strict=False):
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        parts.append(f"{name or 'row'} {value}")
    return ", ".join(parts)


def _in_time_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by id (and window) in frame order, then by day: sorted only if they are not."""
    index = table.index
    if not isinstance(index, pd.MultiIndex):
        if index.is_monotonic_increasing:
            return table
        return table.iloc[np.argsort(index.asi8, kind="stable")]  # type: ignore[attr-defined]
    codes = [np.asarray(c) for c in index.codes]
    order = np.lexsort(codes[::-1])
    if np.array_equal(order, np.arange(len(order))):
        return table
    return table.iloc[order]


def _summed(table: pd.DataFrame) -> pd.DataFrame:
    """Each group's values summed over its windows (the ``Window`` level is dropped)."""
    keep = [n for n in table.index.names if n != WINDOW_LEVEL]
    if not keep:
        totals = {c: [table[c].sum(min_count=1)] for c in table.columns}
        return pd.DataFrame(totals, index=pd.RangeIndex(1))
    return table.groupby(level=keep, sort=False).sum(min_count=1)


def _placeholders(
    table: pd.DataFrame,
    kpi: catalog.Kpi | None,
    parts: Sequence[KpiRows],
    ids: Sequence[str],
    id_level: str | None,
    mode: str,
) -> pd.DataFrame:
    """A single-value KPI keeps one (missing) row per id and window that had no data, so no id
    or window vanishes from the frame."""
    grouped = (kpi is not None and kpi.grouped_by is not None) or any(
        p.groups for p in parts if p.n_rows
    )
    window_level = mode == "kept apart"
    if grouped or not parts or (id_level is None and not window_level):
        return table
    target = _expected_index(parts, id_level, window_level)  # parts come in frame order
    if len(table) == len(target) and table.index.equals(target):
        return table
    return table.reindex(target)


def _expected_index(parts: Sequence[KpiRows], id_level: str | None, window_level: bool) -> pd.Index:
    expected = []
    for rows in parts:
        key: tuple = ()
        if id_level is not None:
            key += (rows.resource_id,)
        if window_level:
            key += (_label(rows),)
        expected.append(key)
    expected = list(dict.fromkeys(expected))
    names = [n for n in (id_level, WINDOW_LEVEL if window_level else None) if n]
    if len(names) == 1:
        return pd.Index([k[0] for k in expected], dtype="str", name=names[0])
    return pd.MultiIndex.from_tuples(expected, names=names)


def recompute_rates(frame: pd.DataFrame, kpis: dict[str, catalog.Kpi | None]) -> pd.DataFrame:
    """Rates of a summed frame, recomputed from its summed numerator and denominator counts.

    Examples
    --------
    >>> kpi = catalog.get_kpi("successful-delivery-rate-grouped-by-campaign-activity", "campaign")
    >>> frame = pd.DataFrame({"SuccessfulDeliveries": [9], "AttemptedDeliveries": [10]})
    >>> recompute_rates(frame, {kpi.name: kpi})["SuccessfulDeliveryRate"].tolist()
    [0.9]
    """
    for kpi in kpis.values():
        if kpi is None or kpi.kind != "rate" or not kpi.rate_parts:
            continue
        numerator, denominator = kpi.rate_parts
        num = frame[numerator].astype("float64")
        den = frame[denominator].astype("float64")
        frame[kpi.value_key] = (num / den).where(den > 0)
    return frame
