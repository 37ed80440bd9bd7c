"""Typed strings to typed columns: the one conversion every frame goes through.

A KPI answer's values are strings with a ``Type`` (``"Double"``, ``"Long"``, ...); its grouping
values are strings (``Date`` as ``"YYYY-MM-DD"``). :func:`~pinpoint_kpi_pandas.frame.kpi_frame`
and :func:`~pinpoint_kpi_pandas.frame.assemble_kpi_frame` convert them here, once per column over
all answers together (one vectorised parse per column, Arrow's C++ parser when pyarrow is
present): ``Date`` becomes datetime64 (UTC calendar days, strictly ``YYYY-MM-DD`` within pandas'
range), other grouping keys strings, numeric values float64, and counts whose values are all
integral int64. Columns an engine computed already typed pass through the same rules.

Every error names where the bad value came from (file or request, and row) through a
:class:`RowLocator`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import catalog
from .errors import InvalidArgumentError, ResponseFormatError
from .rows import KpiRows

__all__ = [
    "ARROW_MIN_ROWS",
    "DtypeBackend",
    "RowLocator",
    "apply_backend",
    "check_dtype_backend",
    "check_rows",
    "date_column",
    "empty_values",
    "key_column",
    "value_column",
]

DtypeBackend = Literal["numpy_nullable", "pyarrow"]

FLOAT_TYPES = frozenset({"double", "float", "decimal", "number"})
INT_TYPES = frozenset({"long", "integer", "int", "short", "biginteger", "byte"})
_DTYPE_BACKENDS = (None, "numpy_nullable", "pyarrow")
ARROW_MIN_ROWS = 512
"""Columns shorter than this are parsed by NumPy: Arrow's set-up costs more than it saves."""
_DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# pandas' nanosecond range, in whole days
_FIRST_DAY = date(1677, 9, 22)
_LAST_DAY = date(2262, 4, 11)
_NS_PER_DAY = 86_400 * 10**9


class RowLocator:
    """Maps a row's position in a column built from several answers back to its answer.

    Parameters
    ----------
    sources : sequence of str
        Each answer's file or request, in column order.
    lengths : sequence of int
        Each answer's number of rows.

    Examples
    --------
    >>> locate = RowLocator(["a.json", "b.json"], [2, 3])
    >>> locate(3)
    'b.json: row 1'
    """

    def __init__(self, sources: Sequence[str], lengths: Sequence[int]):
        self.sources = list(sources)
        self.offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))])

    def part(self, position: int) -> int:
        """The index of the answer holding row ``position``."""
        return int(np.searchsorted(self.offsets, position, side="right") - 1)

    def __call__(self, position: int) -> str:
        part = self.part(position)
        source = self.sources[part] if part < len(self.sources) else "response"
        return f"{source}: row {position - int(self.offsets[part])}"


def check_dtype_backend(dtype_backend: object) -> None:
    """Refuse a ``dtype_backend`` pandas' readers would refuse, naming the choices.

    Examples
    --------
    >>> check_dtype_backend("pyarrow")
    """
    if dtype_backend not in _DTYPE_BACKENDS:
        raise InvalidArgumentError(
            f"dtype_backend must be None, 'numpy_nullable' or 'pyarrow', not {dtype_backend!r}."
        )


def _is_text_piece(piece: Any) -> bool:
    if isinstance(piece, list | tuple):
        return True
    return isinstance(piece, np.ndarray) and piece.dtype == object


def _flatten(pieces: Sequence[Any]) -> list:
    if len(pieces) == 1 and isinstance(pieces[0], list):
        return pieces[0]
    out: list = []
    for piece in pieces:
        out.extend(piece)
    return out


def _first_not_str(strings: list) -> int | None:
    if not strings:
        return None
    kinds = set(map(type, strings))
    if kinds == {str}:
        return None
    return next(i for i, s in enumerate(strings) if not isinstance(s, str))


def date_column(pieces: Sequence[Any], locate: RowLocator, key: str = "Date") -> np.ndarray:
    """``Date`` values as datetime64[ns] (UTC calendar days), strictly checked.

    A string must be ``YYYY-MM-DD``, a real calendar day, within pandas' range (1677-09-22 to
    2262-04-11): a time of day, another layout, or a day pandas cannot hold is a
    :class:`ResponseFormatError` naming the answer and row. Typed pieces (datetime64) must be
    midnights.

    Examples
    --------
    >>> date_column([["2026-08-01", "2026-08-02"]], RowLocator(["a.json"], [2]))
    array(['2026-08-01T00:00:00.000000000', '2026-08-02T00:00:00.000000000'],
          dtype='datetime64[ns]')
    >>> date_column([["2026-08-01T10:00:00"]], RowLocator(["a.json"], [1]))
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.ResponseFormatError: a.json: row 0: GroupedBys Date must be a ...
    """
    if all(_is_text_piece(p) for p in pieces):
        return _parse_days(_flatten(pieces), locate, key)
    arrays, offset = [], 0
    for piece in pieces:
        if _is_text_piece(piece):
            shifted = _Shifted(locate, offset)
            arrays.append(_parse_days(list(piece), shifted, key))
        else:
            arrays.append(_typed_days(piece, locate, offset, key))
        offset += len(piece)
    if not arrays:
        return np.array([], dtype="datetime64[ns]")
    return np.concatenate(arrays)


class _Shifted:
    def __init__(self, locate: RowLocator, offset: int):
        self.locate, self.offset = locate, offset

    def __call__(self, position: int) -> str:
        return self.locate(position + self.offset)


def _parse_days(strings: list, locate: Any, key: str) -> np.ndarray:
    if not strings:
        return np.array([], dtype="datetime64[ns]")
    # Few distinct days, many rows: check each distinct string once (in order of first
    # appearance), then take.
    array = _arrow_strings(strings)
    if array is not None:  # every item a str: Arrow's C++ hash finds the distinct ones
        encoded = _pyarrow()[1].dictionary_encode(array)
        codes, uniques = encoded.indices.to_numpy(), encoded.dictionary.to_pylist()
    else:
        bad = _first_not_str(strings)
        if bad is not None:
            raise ResponseFormatError(
                f"{locate(bad)}: GroupedBys {key} must be a string; found {strings[bad]!r:.40}."
            )
        codes, uniques = pd.factorize(np.asarray(strings, dtype=object))
    days = np.empty(len(uniques), dtype="datetime64[D]")
    for number, text in enumerate(uniques):
        day = _calendar_day(text)
        if day is None:
            position = int(np.flatnonzero(codes == number)[0])
            raise ResponseFormatError(
                f"{locate(position)}: GroupedBys {key} must be a calendar day like "
                f"'2026-08-01' (no time, within {_FIRST_DAY}..{_LAST_DAY}); found {text!r:.40}."
            )
        days[number] = np.datetime64(day, "D")
    return days.astype("datetime64[ns]")[codes]


def _calendar_day(text: str) -> date | None:
    if len(text) != 10 or _DAY_PATTERN.fullmatch(text) is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if _FIRST_DAY <= day <= _LAST_DAY else None


def _typed_days(piece: Any, locate: RowLocator, offset: int, key: str) -> np.ndarray:
    values = pd.DatetimeIndex(piece)
    if values.tz is not None:
        values = values.tz_convert("UTC").tz_localize(None)
    stamps = values.as_unit("ns").asi8
    off_midnight = np.flatnonzero(stamps % _NS_PER_DAY != 0)
    if len(off_midnight):
        position = int(off_midnight[0])
        raise ResponseFormatError(
            f"{locate(position + offset)}: {key} must be a whole UTC day, found {values[position]}."
        )
    return values.as_unit("ns").to_numpy()


def key_column(pieces: Sequence[Any], locate: RowLocator, key: str) -> np.ndarray:
    """A grouping column other than ``Date`` (ids, countries): strings, strictly.

    Examples
    --------
    >>> key_column([["r1"], ["r2"]], RowLocator(["a", "b"], [1, 1]), "CampaignActivityId")
    array(['r1', 'r2'], dtype=object)
    """
    strings = [str(s) if isinstance(s, np.str_) else s for s in _flatten(pieces)]
    bad = _first_not_str(strings)
    if bad is not None:
        raise ResponseFormatError(
            f"{locate(bad)}: GroupedBys {key} must be a string; found {strings[bad]!r:.40}."
        )
    return np.asarray(strings, dtype=object)


def value_column(
    key: str,
    pieces: Sequence[Any],
    types: set[str],
    kpi: catalog.Kpi | None,
    locate: RowLocator,
) -> Any:
    """A value column from its pieces (one per answer), typed from their ``Type``.

    Numeric types give float64, and int64 when the Type is an integer type or the column is the
    value of a count KPI and every value is integral. Unknown types keep the strings (never
    guess).

    Examples
    --------
    >>> kpi = catalog.get_kpi("txn-emails-sent", "application")
    >>> value_column("TxnEmailsSent", [["1368.0"], ["12.0"]], {"Double"}, kpi,
    ...              RowLocator(["a", "b"], [1, 1]))
    array([1368,   12])
    """
    text = [p for p in pieces if _is_text_piece(p)]
    names = {t.lower() for t in types}
    numeric = not text or (names and names <= FLOAT_TYPES | INT_TYPES)
    if not numeric:
        strings = _flatten(pieces)
        bad = _first_not_str(strings)
        if bad is not None:
            raise ResponseFormatError(
                f"{locate(bad)}: Values {key}: every Value must be a string; "
                f"found {strings[bad]!r:.40}."
            )
        return pd.array(strings, dtype="str")
    numbers = _numbers(key, pieces, locate, all_text=len(text) == len(pieces))
    integral_kind = (bool(names) and names <= INT_TYPES) or (
        kpi is not None and kpi.kind in ("count", "unique_count") and kpi.value_key == key
    )
    all_int = not text and all(np.asarray(p).dtype.kind in "iu" for p in pieces)
    if (integral_kind or all_int) and _all_integral(numbers):
        return numbers.astype(np.int64)
    return numbers


def _numbers(key: str, pieces: Sequence[Any], locate: RowLocator, *, all_text: bool) -> np.ndarray:
    if all_text:
        return _parse_numbers(_flatten(pieces), key, locate)
    arrays, offset = [], 0
    for piece in pieces:
        if _is_text_piece(piece):
            arrays.append(_parse_numbers(list(piece), key, _Shifted(locate, offset)))
        else:
            arrays.append(_typed_numbers(piece, key, locate, offset))
        offset += len(piece)
    return np.concatenate(arrays) if arrays else np.array([], dtype=np.float64)


def _typed_numbers(piece: Any, key: str, locate: RowLocator, offset: int) -> np.ndarray:
    try:
        return np.asarray(pd.array(piece).to_numpy(dtype="float64", na_value=np.nan))
    except (TypeError, ValueError):
        raise ResponseFormatError(
            f"{locate(offset)}: Values {key} must be numbers, not {np.asarray(piece).dtype}."
        ) from None


def _parse_numbers(strings: list, key: str, locate: Any) -> np.ndarray:
    """Decimal strings to float64: Arrow's C++ parser when pyarrow is present (4x faster than
    ``float()`` per element), else NumPy; both round correctly, so the result is the same.
    Anything Arrow refuses takes the NumPy path for a precise error."""
    array = _arrow_strings(strings)
    if array is not None:
        pa, pc = _pyarrow()
        try:
            return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    bad = _first_not_str(strings)
    if bad is not None:
        raise ResponseFormatError(
            f"{locate(bad)}: Values {key}: every Value must be a string; "
            f"found {strings[bad]!r:.40}."
        )
    try:
        return np.asarray(strings, dtype=object).astype(np.float64)
    except ValueError:
        position = next(i for i, s in enumerate(strings) if not _is_number(s))
        raise ResponseFormatError(
            f"{locate(position)}: Values {key}: {strings[position]!r:.40} is not a number."
        ) from None


def _arrow_strings(strings: list) -> Any:
    """``strings`` as one Arrow string array when every item is a ``str`` (Arrow's C++ then
    parses or hashes them), else None: too few to be worth it, no pyarrow, or some item of
    another type (bytes, a number, None), which the NumPy path then reports precisely."""
    arrow = _pyarrow() if len(strings) >= ARROW_MIN_ROWS else None
    if arrow is None:
        return None
    pa = arrow[0]
    try:
        array = pa.array(strings)  # inferred: all str -> string; bytes -> binary; mixed: error
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None
    if not isinstance(array, pa.Array) or array.type != pa.string() or array.null_count:
        return None
    return array


@functools.cache
def _pyarrow():
    try:
        import pyarrow  # type: ignore[import-untyped]
        import pyarrow.compute  # type: ignore[import-untyped]
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
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(numbers)
        return bool(
            finite.all()
            and (numbers == np.round(numbers)).all()
            and (np.abs(numbers) < 2**53).all()
        )


def check_rows(rows: KpiRows) -> None:
    """Type every column of one answer, as a read would, raising what a read would raise.

    Used to judge one file or stored answer on its own (the readers type all answers together).

    Examples
    --------
    >>> check_rows(KpiRows("txn-emails-sent", None, None, None, values={"TxnEmailsSent": ["x"]},
    ...                    value_types={"TxnEmailsSent": "Double"}, source="a.json"))
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.ResponseFormatError: a.json: row 0: Values TxnEmailsSent: 'x' ...
    """
    locate = RowLocator([rows.source], [rows.n_rows])
    for key, column in rows.groups.items():
        if key == "Date":
            date_column([column], locate, key)
        else:
            key_column([column], locate, key)
    for key, column in rows.values.items():
        found = rows.value_types.get(key)
        types = {found} if isinstance(found, str) else set(found or ())
        value_column(key, [column], types, None, locate)


def empty_values(kpi: catalog.Kpi | None) -> np.ndarray:
    """The empty value column of a KPI: int64 for counts, float64 otherwise.

    Examples
    --------
    >>> empty_values(catalog.get_kpi("txn-emails-sent", "application")).dtype
    dtype('int64')
    """
    counts = kpi is not None and kpi.kind in ("count", "unique_count")
    return np.array([], dtype=np.int64 if counts else np.float64)


def apply_backend(frame: pd.DataFrame, dtype_backend: str | None) -> pd.DataFrame:
    """``frame`` with nullable (``"numpy_nullable"``) or Arrow (``"pyarrow"``) columns.

    Examples
    --------
    >>> apply_backend(pd.DataFrame({"n": [1, 2]}), "numpy_nullable").dtypes.iloc[0]
    Int64Dtype()
    """
    if dtype_backend is None:
        return frame
    mapping: dict[str, Any] = {
        "numpy_nullable": {"i": "Int64", "f": "Float64", "O": "string"},
        "pyarrow": {"i": "int64[pyarrow]", "f": "double[pyarrow]", "O": "string[pyarrow]"},
    }[dtype_backend]
    converted: dict[Any, Any] = {}
    for name, column in frame.items():
        # NumPy columns by kind; nullable integers (a join's gaps) stay integers
        kind = column.dtype.kind if isinstance(column.dtype, np.dtype | pd.Int64Dtype) else "O"
        converted[name] = column.astype(mapping.get(kind, mapping["O"]))
    return pd.DataFrame(converted, index=frame.index)
