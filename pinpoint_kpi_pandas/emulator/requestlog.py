"""The log of requests an emulator served, for tests to assert on what a client really sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["LoggedRequest", "RequestLog"]


@dataclass(frozen=True)
class LoggedRequest:
    """One request the emulator answered.

    Attributes
    ----------
    operation : str or None
        The operation name, e.g. ``"GetCampaignDateRangeKpi"``; None for an unknown route.
    method, path : str
        The HTTP method and the path (without the query string).
    query : dict
        The query parameters (``start-time``, ``end-time``, ``token``, ``page-size``...).
    status : int
        The HTTP status answered.
    error_code : str or None
        The ``x-amzn-ErrorType`` of an error answer.
    application_id, campaign_id, journey_id, kpi_name : str or None
        The path parameters, where the route has them.
    request_id : str
        The ``x-amzn-RequestId`` answered.

    Examples
    --------
    >>> LoggedRequest("GetApps", "GET", "/v1/apps", {}, 200).status
    200
    """

    operation: str | None
    method: str
    path: str
    query: dict[str, str]
    status: int
    error_code: str | None = None
    application_id: str | None = None
    campaign_id: str | None = None
    journey_id: str | None = None
    kpi_name: str | None = None
    request_id: str = ""


class RequestLog:
    """A thread-safe, list-like log of :class:`LoggedRequest`, oldest first.

    Iterating, indexing and ``len`` work on a snapshot, so a test can read it while requests are
    still being served.

    Examples
    --------
    >>> log = RequestLog()
    >>> log.append(LoggedRequest("GetApps", "GET", "/v1/apps", {}, 200))
    >>> len(log), log[0].operation, log.count(status=200)
    (1, 'GetApps', 1)
    >>> log.clear(); len(log)
    0
    """

    def __init__(self) -> None:
        self._items: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def append(self, item: LoggedRequest) -> None:
        """Add one entry."""
        with self._lock:
            self._items.append(item)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[LoggedRequest]:
        """A copy of the entries, as a plain list."""
        with self._lock:
            return list(self._items)

    def count(self, operation: str | None = None, status: int | None = None) -> int:
        """How many entries match an operation and/or a status."""
        return sum(
            1
            for item in self.snapshot()
            if (operation is None or item.operation == operation)
            and (status is None or item.status == status)
        )

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.snapshot())

    def __getitem__(self, index):
        with self._lock:
            return self._items[index]

    def __repr__(self) -> str:
        return f"<RequestLog of {len(self)} requests>"
