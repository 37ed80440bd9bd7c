"""One KPI answer (boto3's result, a saved file, the HTTP body) to :class:`KpiRows`.

:func:`parse_answer` checks the answer's shape strictly and pulls its rows out as columns of
strings, column-wise (``map``/``itemgetter`` run in C); the strings are typed later, once for all
answers of a read (:mod:`pinpoint_kpi_pandas.casting`). Anything malformed raises
:class:`~pinpoint_kpi_pandas.errors.ResponseFormatError` naming the answer (``source``) and the
row, never another exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from operator import itemgetter
from typing import Any, NamedTuple

from .dates import parse_response_time
from .errors import ResponseFormatError
from .rows import KpiRows

__all__ = [
    "ID_MEMBERS",
    "RESPONSE_MEMBERS",
    "AnswerHeader",
    "answer_clock",
    "parse_answer",
    "read_header",
    "unwrap_response",
]

RESPONSE_MEMBERS = {
    "ApplicationDateRangeKpiResponse": "application",
    "CampaignDateRangeKpiResponse": "campaign",
    "JourneyDateRangeKpiResponse": "journey",
}
"""The AWS CLI's wrapper member of each scope's answer, in the order they are looked for."""
ID_MEMBERS = {"campaign": "CampaignId", "journey": "JourneyId"}
"""The member holding the id of a campaign or journey answer."""


class AnswerHeader(NamedTuple):
    """What an answer says about itself: application, scope, KPI, id and window.

    Examples
    --------
    >>> h = read_header({"ApplicationId": "a1", "KpiName": "txn-emails-sent",
    ...                  "KpiResult": {"Rows": []}})
    >>> h.scope, h.kpi_name, h.resource_id, h.start_time
    ('application', 'txn-emails-sent', None, None)
    """

    application_id: str | None
    scope: str
    kpi_name: str
    resource_id: str | None
    start_time: datetime | None
    end_time: datetime | None


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
    for member, scope in RESPONSE_MEMBERS.items():
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
    keys = sorted(str(k)[:40] for k in list(response)[:8])
    raise ResponseFormatError(
        "not a Pinpoint KPI response: expected a 'KpiResult' member, or one wrapped in "
        f"{' / '.join(RESPONSE_MEMBERS)}; found keys {keys}."
    )


def read_header(response: Any) -> AnswerHeader:
    """An answer's header, checked: string ids and KPI name, timestamps, start before end.

    Raises
    ------
    ResponseFormatError

    Examples
    --------
    >>> read_header({"KpiName": "txn-emails-sent", "StartTime": "2026-08-02T00:00:00Z",
    ...              "EndTime": "2026-08-01T00:00:00Z", "KpiResult": {}})
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.ResponseFormatError: EndTime 2026-08-01T00:00:00+00:00 is before ...
    """
    inner, scope = unwrap_response(response)
    return _header(inner, scope)


def _header(inner: Mapping[str, Any], scope: str) -> AnswerHeader:
    kpi_name = inner.get("KpiName")
    if not isinstance(kpi_name, str):
        raise ResponseFormatError(f"the response's KpiName must be a string, not {kpi_name!r:.60}.")
    application_id = inner.get("ApplicationId")
    if application_id is not None and not isinstance(application_id, str):
        raise ResponseFormatError(f"ApplicationId must be a string, not {application_id!r:.60}.")
    member = ID_MEMBERS.get(scope)
    resource_id = inner.get(member) if member else None
    if resource_id is not None and not isinstance(resource_id, str):
        raise ResponseFormatError(f"{member} must be a string, not {resource_id!r:.60}.")
    start, end = _instant(inner, "StartTime"), _instant(inner, "EndTime")
    if start is not None and end is not None and end < start:
        raise ResponseFormatError(
            f"EndTime {end.isoformat()} is before StartTime {start.isoformat()}."
        )
    return AnswerHeader(application_id, scope, kpi_name, resource_id, start, end)


def _instant(inner: Mapping[str, Any], member: str) -> datetime | None:
    value = inner.get(member)
    if value is None:
        return None
    try:
        return parse_response_time(value)
    except (ValueError, TypeError, OverflowError, OSError):
        raise ResponseFormatError(f"{member} is not a timestamp: {value!r:.60}.") from None


def answer_clock(response: Any) -> datetime | None:
    """The service's clock when it answered: the HTTP ``Date`` header boto3 keeps in
    ``ResponseMetadata`` (also in ``json.dumps(result, default=str)`` dumps), else None.

    Examples
    --------
    >>> answer_clock({"ResponseMetadata": {"HTTPHeaders": {
    ...     "date": "Thu, 29 Oct 2026 12:00:00 GMT"}}}).isoformat()
    '2026-10-29T12:00:00+00:00'
    >>> answer_clock({"KpiResult": {}}) is None
    True
    """
    if not isinstance(response, Mapping):
        return None
    metadata = response.get("ResponseMetadata")
    headers = metadata.get("HTTPHeaders") if isinstance(metadata, Mapping) else None
    value = headers.get("date") if isinstance(headers, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_answer(
    response: Any,
    *,
    source: str = "response",
    origin: str = "response",
    provisional_days: tuple[str, ...] = (),
) -> tuple[AnswerHeader, KpiRows]:
    """Check one answer and pull its rows out as string columns.

    Parameters
    ----------
    response : dict
        The answer in any form :func:`unwrap_response` accepts.
    source : str
        Names the answer in errors and in the frame contract (a path, a request).
    origin : str
        ``"api"``, ``"cache"``, ``"file"`` or ``"response"``.
    provisional_days : tuple of str
        ISO days of its window that were not final when answered.

    Returns
    -------
    (AnswerHeader, KpiRows)

    Raises
    ------
    ResponseFormatError
        Naming ``source`` and the row.

    Examples
    --------
    >>> header, rows = parse_answer({"ApplicationId": "a1", "KpiName": "txn-emails-sent",
    ...     "KpiResult": {"Rows": [{"Values": [
    ...         {"Key": "TxnEmailsSent", "Type": "Double", "Value": "42.0"}]}]}})
    >>> dict(rows.values), dict(rows.value_types)
    ({'TxnEmailsSent': ['42.0']}, {'TxnEmailsSent': {'Double'}})
    """
    try:
        inner, scope = unwrap_response(response)
        header = _header(inner, scope)
        groups, values, types = _columns_of(inner)
    except ResponseFormatError as exc:
        raise ResponseFormatError(f"{source}: {exc}") from None
    except RecursionError:
        raise ResponseFormatError(f"{source}: the answer is nested too deeply.") from None
    rows = KpiRows(
        kpi_name=header.kpi_name,
        resource_id=header.resource_id,
        start_time=header.start_time,
        end_time=header.end_time,
        groups=groups,
        values=values,
        value_types=types,
        source=source,
        origin=origin,
        provisional_days=provisional_days,
    )
    return header, rows


def _rows_of(inner: Mapping[str, Any]) -> list:
    result = inner.get("KpiResult")
    if not isinstance(result, Mapping):
        raise ResponseFormatError(f"KpiResult must be an object, not {result!r:.60}.")
    if "Rows" not in result:
        found = sorted(str(k)[:20] for k in list(result)[:5])
        raise ResponseFormatError(f"KpiResult has no 'Rows' list (found keys {found}).")
    rows = result["Rows"]
    if rows is None:  # a null list: no rows
        return []
    if not isinstance(rows, list):
        raise ResponseFormatError(f"KpiResult.Rows must be a list, not {type(rows).__name__}.")
    return rows


def _columns_of(inner: Mapping[str, Any]) -> tuple[dict, dict, dict]:
    rows = _rows_of(inner)
    if not rows:
        return {}, {}, {}
    first = rows[0]
    if not isinstance(first, Mapping):
        raise ResponseFormatError(f"row 0 must be an object, not {first!r:.60}.")
    group_keys = _keys(first.get("GroupedBys") or [], "GroupedBys")
    value_keys = _keys(first.get("Values"), "Values")
    if set(group_keys) & set(value_keys):
        raise ResponseFormatError(f"row 0: a key is both grouped by and a value: {group_keys}.")
    # Column-wise passes: every row must have row 0's keys in the same order, as the service
    # sends them; anything else is reported with its row number.
    try:
        groups = _member(rows, "GroupedBys") if group_keys else [()] * len(rows)
        values = list(map(itemgetter("Values"), rows))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResponseFormatError(
            f"{_first_bad_row(rows)} is malformed ({type(exc).__name__}: {str(exc)[:60]}); every "
            "row needs 'Values' (and optionally 'GroupedBys') lists of {'Key', 'Type', 'Value'}."
        ) from None
    group_columns = _entries(groups, group_keys, "GroupedBys")
    value_columns = _entries(values, value_keys, "Values")
    # Value strings are checked when typed, once for all answers (casting), naming the row.
    for key, (_, types) in zip(value_keys, value_columns, strict=True):
        wrong = [t for t in types if not isinstance(t, str)]
        if wrong or not types:
            shown = repr(wrong[0])[:40] if wrong else "nothing"
            raise ResponseFormatError(f"Values {key}: Type must be a string, not {shown}.")
    return (
        {k: s for k, (s, _) in zip(group_keys, group_columns, strict=True)},
        {k: s for k, (s, _) in zip(value_keys, value_columns, strict=True)},
        {k: t for k, (_, t) in zip(value_keys, value_columns, strict=True)},
    )


def _member(rows: list, name: str) -> list:
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:  # some rows lack it: a shape error, reported by the width check
        return [row.get(name) or () for row in rows]


def _entries(entries_per_row: list, keys: list[str], member: str) -> list[tuple[list, set]]:
    """Per key: (Value strings, set of Type strings), checking each row has exactly ``keys``."""
    width = len(keys)
    only = None
    if width == 1:  # the usual shape: unpacking checks each row's width in the same pass
        try:
            only = [entry for (entry,) in entries_per_row]
        except (TypeError, ValueError):
            only = None
        widths = {1} if only is not None else set()
    else:
        try:
            widths = set(map(len, entries_per_row))
        except TypeError:
            widths = set()
    if widths != {width}:
        bad = next((i for i, e in enumerate(entries_per_row) if _length(e) != width), 0)
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
            bad = next(
                (i for i, e in enumerate(entries_per_row) if not _is_entry(_at(e, position))), 0
            )
            raise ResponseFormatError(
                f"row {bad}: {member}[{position}] must be an object with 'Key', 'Type' and "
                f"'Value'; found {_at(entries_per_row[bad], position)!r:.80}."
            ) from None
        if found_keys != {key}:
            bad = next(i for i, e in enumerate(entries) if e["Key"] != key)
            raise ResponseFormatError(
                f"row {bad}: {member} key {entries[bad]['Key']!r:.40} where row 0 has {key!r}."
            )
        out.append((strings, types))
    return out


def _at(entries: Any, position: int) -> Any:
    try:
        return entries[position]
    except (TypeError, IndexError, KeyError):
        return entries


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


def _keys(entries: Any, member: str) -> list[str]:
    if not isinstance(entries, list):
        raise ResponseFormatError(f"row 0: {member} must be a list, not {entries!r:.60}.")
    keys = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("Key"), str):
            raise ResponseFormatError(
                f"row 0: each {member} entry must be an object with a string 'Key'; "
                f"found {entry!r:.80}."
            )
        keys.append(entry["Key"])
    if len(set(keys)) != len(keys):
        raise ResponseFormatError(f"row 0: {member} repeats a key: {keys}.")
    return keys
