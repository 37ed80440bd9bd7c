"""Responses to frames: :func:`kpi_frame` is the one place where typed strings become values.

A response's rows are ``{"GroupedBys": [{"Key", "Type", "Value"}...], "Values": [...]}`` with every
``Value`` a string. The frame's index comes from the GroupedBys keys (``Date`` as datetime64), its
columns from the Values keys, typed from ``Type``; count columns whose values are all integral
become integers. Conversion is column-wise (one pass over the rows collecting strings, then one
vectorised parse per column), which is what makes it fast on large answers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import catalog
from .dates import format_instant, parse_response_time
from .errors import InvalidArgumentError, ResponseFormatError
from .plan import ID_LEVEL

__all__ = ["DtypeBackend", "kpi_frame", "unwrap_response"]

DtypeBackend = Literal["numpy_nullable", "pyarrow"]

_RESPONSE_MEMBERS = {
    "ApplicationDateRangeKpiResponse": "application",
    "CampaignDateRangeKpiResponse": "campaign",
    "JourneyDateRangeKpiResponse": "journey",
}
_FLOAT_TYPES = {"double", "float", "decimal", "number"}
_INT_TYPES = {"long", "integer", "int", "short", "biginteger", "byte"}
_DATE_KEYS = {"Date"}
_DTYPE_BACKENDS = (None, "numpy_nullable", "pyarrow")
_ARROW_MIN_ROWS = 512  # below this, Arrow's set-up costs more than its faster parsing saves


def unwrap_response(response: Any) -> tuple[dict, str]:
    """The inner KPI object of a response in any saved form, and its scope.

    Accepts boto3's result and AWS CLI output (wrapped in ``ApplicationDateRangeKpiResponse`` /
    ``CampaignDateRangeKpiResponse`` / ``JourneyDateRangeKpiResponse``, with or without
    ``ResponseMetadata``) and the bare HTTP body.

    Returns
    -------
    (dict, str)
        The inner object and ``"application"``, ``"campaign"`` or ``"journey"``.

    Raises
    ------
    ResponseFormatError
        Not a KPI response.

    Examples
    --------
    >>> saved = {"CampaignDateRangeKpiResponse": {"KpiResult": {"Rows": []}}}
    >>> inner, scope = unwrap_response(saved)
    >>> scope
    'campaign'
    """
    if not isinstance(response, Mapping):
        raise ResponseFormatError(
            f"a KPI response must be a JSON object (dict), not {type(response).__name__}."
        )
    for member, scope in _RESPONSE_MEMBERS.items():
        if member in response:
            inner = response[member]
            if not isinstance(inner, Mapping):
                raise ResponseFormatError(f"{member} must be an object, not {inner!r:.60}.")
            return dict(inner), scope
    if "KpiResult" in response:
        if response.get("JourneyId") is not None:
            return dict(response), "journey"
        if response.get("CampaignId") is not None:
            return dict(response), "campaign"
        return dict(response), "application"
    raise ResponseFormatError(
        "not a Pinpoint KPI response: expected a 'KpiResult' member, or one wrapped in "
        f"{' / '.join(_RESPONSE_MEMBERS)}; found keys {sorted(map(str, response))[:8]}."
    )


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
        the catalog's index names and columns. ``df.attrs["pinpoint"]`` describes the query.

    Raises
    ------
    ResponseFormatError
        The response does not have the shape of a KPI answer.

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
    inner, scope = unwrap_response(response)
    kpi_name = inner.get("KpiName")
    if not isinstance(kpi_name, str):
        raise ResponseFormatError(f"the response's KpiName must be a string, not {kpi_name!r}.")
    kpi = catalog.find_kpi(kpi_name, scope)
    rows = _rows(inner)
    frame = _rows_to_frame(rows, kpi) if rows else _empty_frame(kpi)
    frame = _apply_backend(frame, dtype_backend)
    frame.attrs["pinpoint"] = _attrs(inner, scope, kpi_name, source, frame)
    return frame


def check_dtype_backend(dtype_backend: object) -> None:
    """Refuse a ``dtype_backend`` pandas' readers would refuse, naming the choices."""
    if dtype_backend not in _DTYPE_BACKENDS:
        raise InvalidArgumentError(
            f"dtype_backend must be None, 'numpy_nullable' or 'pyarrow', not {dtype_backend!r}."
        )


def _rows(inner: Mapping[str, Any]) -> list:
    result = inner.get("KpiResult")
    if not isinstance(result, Mapping):
        raise ResponseFormatError(f"KpiResult must be an object, not {result!r:.60}.")
    rows = result.get("Rows")
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ResponseFormatError(f"KpiResult.Rows must be a list, not {type(rows).__name__}.")
    return rows


def _rows_to_frame(rows: list, kpi: catalog.Kpi | None) -> pd.DataFrame:
    first = rows[0]
    if not isinstance(first, Mapping):
        raise ResponseFormatError(f"row 0 must be an object, not {first!r:.60}.")
    group_keys = _keys(first.get("GroupedBys") or [], 0, "GroupedBys")
    value_keys = _keys(first.get("Values"), 0, "Values")
    # Column-wise passes (map/itemgetter run in C): every row must have row 0's keys in the
    # same order, as the service sends them; anything else is reported with its row number.
    try:
        groups = _member(rows, "GroupedBys") if group_keys else [()] * len(rows)
        values = list(map(itemgetter("Values"), rows))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResponseFormatError(
            f"{_first_bad_row(rows)} is malformed ({type(exc).__name__}: {exc}); every row "
            "needs 'Values' (and optionally 'GroupedBys') lists of {'Key', 'Type', 'Value'}."
        ) from None
    group_columns = _columns(groups, group_keys, "GroupedBys")
    value_columns = _columns(values, value_keys, "Values")

    index = _index(group_keys, [strings for strings, _ in group_columns], len(rows))
    columns = {
        key: _column(key, strings, types, kpi)
        for key, (strings, types) in zip(value_keys, value_columns, strict=True)
    }
    frame = pd.DataFrame(columns, index=index)
    if index.has_duplicates:
        raise ResponseFormatError(
            f"the response has {int(index.duplicated().sum())} duplicate "
            f"{'/'.join(group_keys) or 'row'} entries; each group must appear once."
        )
    return frame


def _member(rows: list, name: str) -> list:
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:  # some rows lack it: a shape error, reported by the width check
        return [row.get(name) or () for row in rows]


def _columns(entries_per_row: list, keys: list[str], member: str) -> list[tuple[list, set]]:
    """Per key: (Value strings, set of Type strings), checking each row has exactly ``keys``."""
    width = len(keys)
    if width == 1:  # the usual shape: unpacking checks each row's width in the same pass
        try:
            only = [entry for (entry,) in entries_per_row]
        except (TypeError, ValueError):
            only = None
        widths = {1} if only is not None else set()
    else:
        only = None
        try:
            widths = set(map(len, entries_per_row))
        except TypeError:
            widths = set()
    if widths != {width}:
        bad = next(i for i, e in enumerate(entries_per_row) if _length(e) != width)
        raise ResponseFormatError(
            f"row {bad}: {member} must be a list of {width} entries like row 0's, "
            f"found {entries_per_row[bad]!r:.80}."
        )
    out = []
    for position, key in enumerate(keys):
        try:
            entries = only if only is not None else list(map(itemgetter(position), entries_per_row))
            found_keys = set(map(itemgetter("Key"), entries))
            strings = list(map(itemgetter("Value"), entries))
            types = set(map(itemgetter("Type"), entries)) if member == "Values" else set()
        except (KeyError, TypeError, IndexError):
            bad = next((i for i, e in enumerate(entries_per_row) if not _is_entry(e[position])), 0)
            raise ResponseFormatError(
                f"row {bad}: {member}[{position}] must be an object with 'Key', 'Type' and "
                f"'Value'; found {entries_per_row[bad][position]!r:.80}."
            ) from None
        if found_keys != {key}:
            bad = next(i for i, e in enumerate(entries) if e["Key"] != key)
            raise ResponseFormatError(
                f"row {bad}: {member} key {entries[bad]['Key']!r} where row 0 has {key!r}."
            )
        out.append((strings, types))
    return out


def _length(entries: Any) -> int:
    return len(entries) if isinstance(entries, list | tuple) else -1


def _is_entry(entry: Any) -> bool:
    return isinstance(entry, Mapping) and all(
        isinstance(entry.get(k), str) for k in ("Key", "Type", "Value")
    )


def _first_bad_row(rows: list) -> str:
    for number, row in enumerate(rows):
        if not isinstance(row, Mapping) or "Values" not in row:
            return f"row {number}"
    return "a row"


def _keys(entries: Any, number: int, member: str) -> list[str]:
    if not isinstance(entries, list):
        raise ResponseFormatError(f"row {number}: {member} must be a list, not {entries!r:.60}.")
    keys = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("Key"), str):
            raise ResponseFormatError(
                f"row {number}: each {member} entry must be an object with a string 'Key'; "
                f"found {entry!r:.80}."
            )
        keys.append(entry["Key"])
    if len(set(keys)) != len(keys):
        raise ResponseFormatError(f"row {number}: {member} repeats a key: {keys}.")
    return keys


def _check_strings(strings: list, key: str) -> np.ndarray:
    if strings and set(map(type, strings)) != {str}:
        bad = next(s for s in strings if not isinstance(s, str))
        raise ResponseFormatError(f"{key}: every Value must be a string; found {bad!r:.40}.")
    return np.asarray(strings, dtype=object)


def _index(keys: list[str], strings: list[list], n_rows: int) -> pd.Index:
    if not keys:
        return pd.RangeIndex(n_rows)
    levels = [_level(key, values) for key, values in zip(keys, strings, strict=True)]
    if len(levels) == 1:
        return levels[0]
    return pd.MultiIndex.from_arrays(levels)


def _level(key: str, strings: list) -> pd.Index:
    if key in _DATE_KEYS:
        arrow = _pyarrow() if len(strings) >= _ARROW_MIN_ROWS else None
        if arrow is not None:
            pa, pc = arrow
            try:
                array = pa.array(strings, type=pa.string())
                if array.null_count == 0 and set(pc.utf8_length(array).unique().to_pylist()) == {
                    10
                }:
                    days = pc.cast(array, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
                    return pd.DatetimeIndex(days, name=key)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                pass
    _check_strings(strings, key)
    if key in _DATE_KEYS:
        try:
            days = np.array(strings, dtype="datetime64[D]")
        except ValueError:
            raise ResponseFormatError(
                f"GroupedBys {key}: values must be dates like '2026-08-01'; "
                f"found {next(s for s in strings if not _is_day(s))!r:.40}."
            ) from None
        return pd.DatetimeIndex(days.astype("datetime64[ns]"), name=key)
    return pd.Index(strings, name=key, dtype="str")


def _is_day(text: str) -> bool:
    try:
        np.datetime64(text, "D")
    except ValueError:
        return False
    return True


def _column(key: str, strings: list, types: set, kpi: catalog.Kpi | None) -> Any:
    if not all(isinstance(t, str) for t in types):
        bad = next(t for t in types if not isinstance(t, str))
        raise ResponseFormatError(f"Values {key}: Type must be a string, not {bad!r:.40}.")
    type_name = next(iter(types)).lower() if len(types) == 1 else "mixed"
    if type_name in _FLOAT_TYPES or type_name in _INT_TYPES:
        numbers = _parse_numbers(strings, key, type_name)
        integral_kind = type_name in _INT_TYPES or (
            kpi is not None and kpi.kind in ("count", "unique_count") and kpi.value_key == key
        )
        if integral_kind and _all_integral(numbers):
            return numbers.astype(np.int64)
        return numbers
    # Unknown or mixed types: keep the strings, never guess.
    _check_strings(strings, key)
    return pd.array(strings, dtype="str")


def _parse_numbers(strings: list, key: str, type_name: str) -> np.ndarray:
    """Decimal strings to float64. Arrow's C++ parser when pyarrow is present (pandas 3 loads it
    anyway; 4x faster than ``float()`` per element), else NumPy; both round correctly, so the
    result is the same. Anything Arrow refuses takes the NumPy path for a precise error."""
    arrow = _pyarrow() if len(strings) >= _ARROW_MIN_ROWS else None
    if arrow is not None:
        pa, pc = arrow
        try:
            array = pa.array(strings, type=pa.string())
            if array.null_count == 0:
                return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    array = _check_strings(strings, key)
    try:
        return array.astype(np.float64)
    except ValueError:
        bad = next(s for s in strings if not _is_number(s))
        raise ResponseFormatError(
            f"Values {key}: {bad!r:.40} is not a number (Type {type_name!r})."
        ) from None


@functools.cache
def _pyarrow():
    try:
        import pyarrow
        import pyarrow.compute
    except ImportError:  # optional: the NumPy path gives the same values
        return None
    return pyarrow, pyarrow.compute


def _is_number(text: str) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _all_integral(numbers: np.ndarray) -> bool:
    finite = np.isfinite(numbers)
    return bool(
        finite.all() and (numbers == np.round(numbers)).all() and (np.abs(numbers) < 2**53).all()
    )


def _empty_frame(kpi: catalog.Kpi | None) -> pd.DataFrame:
    if kpi is None:
        return pd.DataFrame(index=pd.RangeIndex(0))
    if kpi.grouped_by is None:
        index: pd.Index = pd.RangeIndex(0)
    elif kpi.grouped_by in _DATE_KEYS:
        index = pd.DatetimeIndex([], dtype="datetime64[ns]", name=kpi.grouped_by)
    else:
        index = pd.Index([], dtype="str", name=kpi.grouped_by)
    dtype = np.int64 if kpi.kind in ("count", "unique_count") else np.float64
    return pd.DataFrame({kpi.value_key: np.array([], dtype=dtype)}, index=index)


def _apply_backend(frame: pd.DataFrame, dtype_backend: str | None) -> pd.DataFrame:
    if dtype_backend is None:
        return frame
    mapping = {
        "numpy_nullable": {"i": "Int64", "f": "Float64", "O": "string"},
        "pyarrow": {"i": "int64[pyarrow]", "f": "double[pyarrow]", "O": "string[pyarrow]"},
    }[dtype_backend]
    converted = {}
    for name, column in frame.items():
        kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "O"
        converted[name] = column.astype(mapping.get(kind, mapping["O"]))
    return pd.DataFrame(converted, index=frame.index)


def _attrs(inner: Mapping, scope: str, kpi_name: str, source: str, frame: pd.DataFrame) -> dict:
    def instant(member: str) -> str | None:
        value = inner.get(member)
        if value is None:
            return None
        try:
            return format_instant(parse_response_time(value))
        except (ValueError, OverflowError, OSError):
            raise ResponseFormatError(f"{member} is not a timestamp: {value!r:.60}.") from None

    resource = ID_LEVEL.get(scope)  # the response member naming the campaign / journey
    resource_id = inner.get(resource) if resource else None
    return {
        "application_id": inner.get("ApplicationId"),
        "kpi_names": [kpi_name],
        "scope": scope,
        "campaign_ids": [resource_id] if scope == "campaign" else None,
        "journey_ids": [resource_id] if scope == "journey" else None,
        "start_time": instant("StartTime"),
        "end_time": instant("EndTime"),
        "columns": {str(column): kpi_name for column in frame.columns},
        "source": source,
        "retrieved_at": format_instant(datetime.now(UTC)),
    }


def concat_windows(frames: Sequence[pd.DataFrame], *, labels: Sequence[str]) -> pd.DataFrame:
    """Stitch frames of one KPI and one id (its windows, or the same window saved twice).

    A row present in two frames with the same values is kept once; with different values it is a
    :class:`ConflictingDataError` naming both ``labels`` (file names or request descriptions).
    The result is sorted by its index (time order for dates).
    """
    from .errors import ConflictingDataError

    if len(frames) == 1:
        return frames[0]
    combined = pd.concat(frames)
    owners = np.repeat(np.asarray(labels, dtype=object), [len(f) for f in frames])
    duplicated = combined.index.duplicated(keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated)
        seen: dict = {}
        for position in positions:
            key = combined.index[position]
            row = tuple(combined.iloc[position].tolist())
            if key in seen and seen[key][0] != row:
                raise ConflictingDataError(
                    f"{_describe_key(combined.index, key)} appears in {seen[key][1]} and "
                    f"{owners[position]} with different values ({seen[key][0]} vs {row}); "
                    "keep only one answer per window (remove the stale file)."
                )
            seen.setdefault(key, (row, owners[position]))
        combined = combined[~combined.index.duplicated(keep="first")]
    return combined.sort_index(level=0, sort_remaining=False, kind="stable")


def _describe_key(index: pd.Index, key: Any) -> str:
    names = [n or "row" for n in index.names]
    values = key if isinstance(key, tuple) else (key,)
    parts = []
    for name, value in zip(names, values, strict=False):
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        parts.append(f"{name} {value}")
    return ", ".join(parts)


def empty_kpi_frame(
    kpi: catalog.Kpi | None, id_level: str | None = None, *, window: bool = False
) -> pd.DataFrame:
    """An empty frame with the index names and value column a KPI's answers would have.

    ``id_level`` adds a leading id level, ``window`` a :data:`WINDOW_LEVEL` after it, as
    :func:`assemble` gives when answers arrive.

    Examples
    --------
    >>> kpi = catalog.get_kpi("unique-deliveries-grouped-by-date", "campaign")
    >>> empty_kpi_frame(kpi, "CampaignId", window=True).index.names
    FrozenList(['CampaignId', 'Window', 'Date'])
    """
    frame = _empty_frame(kpi)
    levels = []
    if id_level is not None:
        levels.append(pd.Index([], dtype="str", name=id_level))
    if window:
        levels.append(pd.Index([], dtype="str", name=WINDOW_LEVEL))
    if not levels:
        return frame
    if not isinstance(frame.index, pd.RangeIndex):
        levels.append(frame.index[:0])
    if len(levels) == 1:
        return frame.set_axis(levels[0], axis=0)
    index = pd.MultiIndex.from_arrays(levels, names=[level.name for level in levels])
    return frame.set_axis(index, axis=0)


WINDOW_LEVEL = "Window"
"""The index level holding each answer's window (``start/end`` in ISO 8601) when windows of a
KPI that cannot be stitched are kept apart."""


def window_label(start: str, end: str) -> str:
    """``2026-08-01T00:00:00Z/2026-08-31T23:59:59Z``: ISO 8601 interval notation."""
    return f"{start}/{end}"


def with_window_level(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Prefix ``frame``'s index with a ``Window`` level holding ``label`` (a single-value KPI's
    empty answer becomes one missing row, so every window shows)."""
    framed = pd.concat([one_row_at_least(frame)], keys=[label], names=[WINDOW_LEVEL])
    if framed.index.nlevels == 2 and framed.index.names[1] is None:
        framed = framed.droplevel(1)
    return framed


def one_row_at_least(frame: pd.DataFrame) -> pd.DataFrame:
    """A single-value KPI's empty answer as one missing row; other frames unchanged."""
    if len(frame) or not isinstance(frame.index, pd.RangeIndex):
        return frame
    return frame.reindex(pd.RangeIndex(1))


def assemble(
    parts: Sequence[tuple[str, str | None, pd.DataFrame, str]],
    *,
    kpis: Sequence[catalog.Kpi | None],
    kpi_names: Sequence[str],
    id_level: str | None,
    resource_ids: Sequence[str] | None = None,
    window: bool = False,
) -> pd.DataFrame:
    """Combine converted responses into one frame.

    Parameters
    ----------
    parts : sequence of (kpi_name, resource_id, frame, label)
        One per answer, in plan order; ``label`` names the request or file in errors.
    kpis, kpi_names : sequences
        The KPIs in column order (catalog entries, None for non-standard names).
    id_level : str or None
        ``"CampaignId"`` / ``"JourneyId"`` to add a leading id level, else None.
    resource_ids : sequence of str, optional
        The ids in level order (default: order of first appearance).
    window : bool, default False
        The frames carry a :data:`WINDOW_LEVEL` (see :func:`with_window_level`); a KPI with no
        answer then gives an empty frame with that level too, so the index names do not depend
        on whether anything arrived.

    Returns
    -------
    pandas.DataFrame
        Windows stitched per KPI and id, ids stacked under ``id_level``, KPIs joined side by
        side on the index.
    """
    per_kpi = []
    for kpi, name in zip(kpis, kpi_names, strict=True):
        mine = [p for p in parts if p[0] == name]
        if id_level is not None:
            # A single-value KPI answers one row per id; where the service had no data, keep
            # the row as missing rather than let the id vanish from the frame.
            mine = [(n, rid, one_row_at_least(f), label) for n, rid, f, label in mine]
        if not mine:
            per_kpi.append(empty_kpi_frame(kpi, id_level, window=window))
            continue
        ids = list(dict.fromkeys(p[1] for p in mine))
        if resource_ids is not None:
            ids = [i for i in resource_ids if i in set(ids)]
        stitched = {
            rid: concat_windows(
                [p[2] for p in mine if p[1] == rid], labels=[p[3] for p in mine if p[1] == rid]
            )
            for rid in ids
        }
        if id_level is None:
            per_kpi.append(stitched[ids[0]])
            continue
        ungrouped = isinstance(next(iter(stitched.values())).index, pd.RangeIndex)
        stacked = pd.concat(list(stitched.values()), keys=ids, names=[id_level])
        if ungrouped:
            stacked = stacked.droplevel(-1)
        stacked.index = (
            stacked.index.set_levels(stacked.index.levels[0].astype("str"), level=0)
            if isinstance(stacked.index, pd.MultiIndex)
            else stacked.index.astype("str")
        )
        per_kpi.append(stacked)
    if len(per_kpi) == 1:
        return per_kpi[0]
    return pd.concat(per_kpi, axis=1, join="outer", sort=False)
