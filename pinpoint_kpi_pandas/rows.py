""":class:`KpiRows`: the rows of one answer, as columns; the unit the assembly takes.

Live answers, saved files and event-archive engines all hand their rows to
:func:`pinpoint_kpi_pandas.frame.assemble_kpi_frame` as ``KpiRows``: one per KPI, id and window,
holding a column per grouping key and per value key. Columns may still be the answer's strings
(with their ``Type``) or already typed (NumPy / pandas arrays, as an engine computes them); the
assembly types every string column once, over all answers together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["KpiRows"]


@dataclass(frozen=True, init=False)
class KpiRows:
    """The rows one KPI has for one id over one window.

    Attributes
    ----------
    kpi_name : str
        The kpi-name (``"successful-deliveries-grouped-by-campaign-activity"``).
    resource_id : str or None
        The campaign or journey id; None at application scope.
    start_time, end_time : datetime or None
        The window the rows answer for (aware, UTC, inclusive); None only for the service's
        default window of a live read made without a range.
    groups : mapping of str to sequence
        The grouping columns in ``GroupedBys`` order (``{"Date": [...]}``,
        ``{"CampaignActivityId": [...]}``; empty for a single-value KPI). ``Date`` values are
        ``"YYYY-MM-DD"`` strings, or datetime64 values at midnight; other keys are strings.
    values : mapping of str to sequence
        The value columns in ``Values`` order (``{"SuccessfulDeliveries": [...]}``): the
        answer's decimal strings, or numbers (an integer or float array).
    value_types : mapping of str to str or set of str, optional
        For string value columns, the ``Type`` of their entries (``"Double"``, ``"Long"``; a set
        when rows differ). Typed columns need none.
    source : str
        What the rows came from, named in errors and in the frame contract: a file path, a
        request description (:meth:`KpiRequest.describe`), an engine query.
    origin : str
        ``"api"``, ``"cache"``, ``"file"``, ``"events"`` or ``"response"``.
    provisional_days : tuple of str
        ISO dates of the window that were not final when the rows were computed (see
        :func:`pinpoint_kpi_pandas.dates.provisional_days`).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> rows = KpiRows("txn-emails-sent-grouped-by-date", None, datetime(2026, 8, 1, tzinfo=UTC),
    ...                datetime(2026, 8, 2, 23, 59, 59, tzinfo=UTC),
    ...                groups={"Date": ["2026-08-01", "2026-08-02"]},
    ...                values={"TxnEmailsSent": [1368, 1411]}, source="engine", origin="events")
    >>> rows.n_rows
    2
    """

    kpi_name: str
    resource_id: str | None
    start_time: datetime | None
    end_time: datetime | None
    groups: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    values: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    value_types: Mapping[str, str | frozenset[str] | set[str]] = field(default_factory=dict)
    source: str = ""
    origin: str = "response"
    provisional_days: tuple[str, ...] = ()

    def __init__(
        self,
        kpi_name: str,
        resource_id: str | None,
        start_time: datetime | None,
        end_time: datetime | None,
        groups: Mapping[str, Sequence[Any]] | None = None,
        values: Mapping[str, Sequence[Any]] | None = None,
        value_types: Mapping[str, str | frozenset[str] | set[str]] | None = None,
        source: str = "",
        origin: str = "response",
        provisional_days: tuple[str, ...] = (),
    ) -> None:
        # By hand, not the dataclass's: a read builds thousands, and a frozen dataclass's own
        # __init__ makes a call per field.
        vars(self).update(
            kpi_name=kpi_name,
            resource_id=resource_id,
            start_time=start_time,
            end_time=end_time,
            groups={} if groups is None else groups,
            values={} if values is None else values,
            value_types={} if value_types is None else value_types,
            source=source,
            origin=origin,
            provisional_days=provisional_days,
        )
        self.__post_init__()

    def __post_init__(self) -> None:
        # Counted once (a dataclass subclass's own __init__ calls this too): the assembly asks
        # each of thousands of answers several times.
        vars(self)["_n_rows"] = _first_length(self.groups, self.values)

    @property
    def n_rows(self) -> int:
        """How many rows (the length of the first column; 0 without columns)."""
        return self._n_rows  # type: ignore[attr-defined]


def _first_length(*members: Mapping[str, Sequence[Any]]) -> int:
    for member in members:
        for column in member.values():
            return len(column)
    return 0
