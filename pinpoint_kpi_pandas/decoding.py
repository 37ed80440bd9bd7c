"""Saved answers' JSON bytes to Python: a typed fast path, and the detailed one behind it.

- :func:`decode_answer` decodes one saved answer straight into its header and string columns
  with msgspec's typed decoder (the ``fast`` extra). Its schema checks every type while it
  decodes (ids, ``KpiName`` and times are strings, every ``Key``, ``Type`` and ``Value`` is a
  string, rows are objects), so a well-formed file is never walked again in Python. It returns
  None for anything it does not take (another shape, a wrong type, a JSON list, a listing,
  msgspec not installed, or :data:`ENABLED` off); the caller then takes the detailed path
  (:func:`decode_json`, then :func:`~pinpoint_kpi_pandas.parse.parse_answer`), which accepts
  or refuses as it always has, with the precise message. The fast path accepts only what the
  detailed path accepts, and gives the same header and columns (the tests check both paths on
  valid and malformed files).
- :func:`decode_json` parses JSON as ``json.loads`` would (msgspec's untyped decoder when
  installed, else the standard library).

Without msgspec both give what the standard library gives: the same frames and the same errors,
only slower.
"""

from __future__ import annotations

import codecs
import functools
import json
import operator
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from . import catalog
from .dates import parse_response_time
from .listing import LISTING_MEMBERS
from .parse import ID_MEMBERS, RESPONSE_MEMBERS, AnswerHeader, answer_clock

__all__ = ["ENABLED", "DecodedAnswer", "decode_answer", "decode_json", "msgspec_available"]

ENABLED = True
"""Use msgspec when it is installed. Set False to take the standard-library path everywhere
(the tests compare both)."""

_LISTINGS = attrgetter(*sorted(LISTING_MEMBERS))
_HEADER_MEMBERS = ("ApplicationId", "CampaignId", "JourneyId", "StartTime", "EndTime")
_DOUBLE = "Double"  # the Type the service gives every value
_DOUBLES = frozenset({_DOUBLE})  # one shared set: the assembly unions each distinct one once


class DecodedAnswer(NamedTuple):
    """One saved answer, decoded and checked by the typed path.

    Attributes
    ----------
    header : AnswerHeader
    groups, values : dict of str to list of str
        The grouping and value columns, as :func:`~pinpoint_kpi_pandas.parse.parse_answer`
        gives them.
    value_types : dict of str to set of str
        Each value column's ``Type`` strings (a frozenset).
    clock : datetime or None
        The service's clock when it answered (:func:`~pinpoint_kpi_pandas.parse.answer_clock`).

    Examples
    --------
    >>> answer = decode_answer(b'{"KpiName": "txn-emails-sent", "KpiResult": {"Rows": []}}')
    >>> answer is None or answer.header.kpi_name == "txn-emails-sent"
    True
    """

    header: AnswerHeader
    groups: dict[str, list[str]]
    values: dict[str, list[str]]
    value_types: dict[str, frozenset[str]]
    clock: Any


def msgspec_available() -> bool:
    """True when the typed fast path can run (msgspec installed and :data:`ENABLED`).

    Examples
    --------
    >>> isinstance(msgspec_available(), bool)
    True
    """
    return ENABLED and _decoders() is not None


def decode_json(data: bytes) -> Any:
    """Parse JSON bytes (UTF-8, with or without a byte-order mark), as ``json.loads`` would.

    msgspec's decoder is used when it is installed (about twice as fast); anything it refuses
    goes through the standard library, which gives the precise error.

    Examples
    --------
    >>> decode_json(b'{"KpiResult": {"Rows": []}}')
    {'KpiResult': {'Rows': []}}
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    decoders = _decoders() if ENABLED else None
    if decoders is not None:
        try:
            return decoders.untyped(data)
        except Exception:  # NaN, huge integers, lone surrogates...: json decides
            pass
    return json.loads(data.decode("utf-8"))


def decode_answer(data: bytes) -> DecodedAnswer | None:
    """One saved answer (a single JSON object) decoded by the typed path, or None.

    None means "take the detailed path": the bytes are not a well-formed answer in a shape this
    path knows (or msgspec is not installed). Never raises.

    Examples
    --------
    >>> data = b'''{"CampaignDateRangeKpiResponse": {"ApplicationId": "a1",
    ...     "CampaignId": "c1", "KpiName": "unique-deliveries-grouped-by-date",
    ...     "StartTime": "2026-08-01T00:00:00Z", "EndTime": "2026-08-01T23:59:59Z",
    ...     "KpiResult": {"Rows": [{"GroupedBys": [{"Key": "Date", "Type": "String",
    ...     "Value": "2026-08-01"}], "Values": [{"Key": "UniqueDeliveries", "Type": "Double",
    ...     "Value": "1368.0"}]}]}}}'''
    >>> answer = decode_answer(data)
    >>> answer is None or (answer.header.resource_id, answer.values, answer.value_types)
    ('c1', {'UniqueDeliveries': ['1368.0']}, {'UniqueDeliveries': frozenset({'Double'})})
    """
    decoders = _decoders() if ENABLED else None
    if decoders is None:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        document = decoders.typed(data)
    except Exception:  # any refusal (RecursionError included): the detailed path decides
        return None
    try:
        return _answer_of(document, decoders)
    except Exception:  # a value the header checks refuse: the detailed path names it
        return None


def _answer_of(document: Any, decoders: _Decoders) -> DecodedAnswer | None:
    if any(_LISTINGS(document)):  # each a msgspec.Raw, empty (falsy) when absent
        return None  # a listing (or an answer holding one): judged by the detailed path
    wrapped = _wrapped(document)
    if wrapped is None:
        return None  # a bare body (or no answer at all): the detailed path
    inner, scope = wrapped
    kpi_name, group_key, value_key = decoders.shapes[type(inner)]
    start = None if inner.StartTime is None else parse_response_time(inner.StartTime)
    end = None if inner.EndTime is None else parse_response_time(inner.EndTime)
    if start is not None and end is not None and end < start:
        return None
    id_member = ID_MEMBERS.get(scope)
    resource_id = getattr(inner, id_member) if id_member else None
    header = AnswerHeader(inner.ApplicationId, scope, kpi_name, resource_id, start, end)
    rows = inner.KpiResult.Rows
    groups: dict[str, list[str]] = {}
    if not rows:
        return DecodedAnswer(header, groups, {}, {}, _clock(document, decoders))
    # The schema checked each row's keys, types and strings: only the values remain to take.
    if group_key is not None:
        groups[group_key] = [row.GroupedBys[0].Value for row in rows]
    values = {value_key: [row.Values[0].Value for row in rows]}
    return DecodedAnswer(header, groups, values, {value_key: _DOUBLES}, _clock(document, decoders))


def _wrapped(document: Any) -> tuple[Any, str] | None:
    """As :func:`~pinpoint_kpi_pandas.parse.unwrap_response`: the first wrapper present."""
    for member, scope in RESPONSE_MEMBERS.items():
        inner = getattr(document, member)
        if inner:  # msgspec.UNSET (absent) is falsy, a decoded answer truthy
            return inner, scope
    return None


def _clock(document: Any, decoders: _Decoders) -> Any:
    metadata = document.ResponseMetadata  # a msgspec.Raw, empty when absent
    return answer_clock({"ResponseMetadata": decoders.untyped(metadata)}) if metadata else None


class _Decoders(NamedTuple):
    typed: Callable[[bytes], Any]
    untyped: Callable[[bytes], Any]
    shapes: dict[type, tuple[str, str | None, str]]  # schema class -> KPI, group key, value key


@functools.cache
def _decoders() -> _Decoders | None:
    """msgspec's typed answer decoder and its untyped decoder; None without msgspec."""
    try:
        import msgspec
    except ImportError:  # optional: the standard library gives the same results
        return None
    document, shapes = _schema(msgspec)
    return _Decoders(msgspec.json.Decoder(document).decode, msgspec.json.Decoder().decode, shapes)


def _schema(msgspec: Any) -> tuple[type, dict[type, tuple[str, str | None, str]]]:
    """The typed shape of a saved answer of each catalog KPI, in the AWS CLI's wrappers.

    ``KpiName`` picks the KPI (a tagged union per scope); then every row must hold exactly
    that KPI's ``GroupedBys`` and ``Values`` entries, with the catalog's keys, string values and
    the service's ``Double`` type. Optional members decode to None when absent or null (as
    ``dict.get`` sees them). Anything else fails the decode, and the detailed path decides.
    """
    struct = functools.partial(msgspec.defstruct, gc=False)
    literal: Any = Literal
    header = [(name, str | None, None) for name in _HEADER_MEMBERS]
    shapes: dict[type, tuple[str, str | None, str]] = {}
    wrappers: list[tuple[str, Any, Any]] = []
    for member, scope in RESPONSE_MEMBERS.items():
        answers = []
        for kpi in catalog.kpis(scope):
            entry = [("Key", literal[kpi.value_key]), ("Type", literal[_DOUBLE]), ("Value", str)]
            value = struct("Value", entry)
            if kpi.grouped_by is None:
                grouped: tuple = ("GroupedBys", tuple[()] | None, None)
            else:
                group = struct("Group", [("Key", literal[kpi.grouped_by]), ("Value", str)])
                grouped = ("GroupedBys", tuple[group])  # type: ignore[valid-type]
            row = struct("Row", [("Values", tuple[value]), grouped])  # type: ignore[valid-type]
            result = struct("Result", [("Rows", list[row] | None)])  # type: ignore[valid-type]
            answer = struct(
                f"{scope}:{kpi.name}",
                [("KpiResult", result), *header],
                tag_field="KpiName",
                tag=kpi.name,
            )
            shapes[answer] = (kpi.name, kpi.grouped_by, kpi.value_key)
            answers.append(answer)
        # Absent is UNSET; null, which the detailed path refuses, fails the decode.
        union = functools.reduce(operator.or_, answers)  # a tagged union, on KpiName
        wrappers.append((member, union | msgspec.UnsetType, msgspec.UNSET))
    raw = [(name, msgspec.Raw, msgspec.Raw()) for name in ("ResponseMetadata", *LISTING_MEMBERS)]
    return struct("Document", [*wrappers, *raw]), shapes
