"""The library's exceptions: one base class, and each message says what to do next.

Argument errors also derive from the built-in ``ValueError`` or ``TypeError`` so code that
already catches those keeps working.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccessDeniedError",
    "ArgumentTypeError",
    "ConflictingDataError",
    "EventArchiveError",
    "FetchError",
    "InvalidArgumentError",
    "KpiScopeError",
    "MissingFromStoreError",
    "PinpointKpiError",
    "ResponseFormatError",
    "ServiceError",
    "UnknownKpiError",
]


class PinpointKpiError(Exception):
    """Base class of every exception raised by pinpoint-kpi-pandas."""


class InvalidArgumentError(PinpointKpiError, ValueError):
    """An argument has a value the library cannot use; raised before any request is made."""


class ArgumentTypeError(PinpointKpiError, TypeError):
    """An argument has a type the library cannot use; raised before any request is made."""


class UnknownKpiError(InvalidArgumentError):
    """The KPI name is not a standard Pinpoint KPI.

    Attributes
    ----------
    kpi_name : str
        The name that was asked for.
    suggestions : list of str
        The closest standard names, best first.
    """

    def __init__(self, message: str, *, kpi_name: str, suggestions: list[str]):
        super().__init__(message)
        self.kpi_name = kpi_name
        self.suggestions = suggestions


class KpiScopeError(InvalidArgumentError):
    """The KPI exists, but not at the scope (application, campaign, journey) asked for."""


class ResponseFormatError(PinpointKpiError, ValueError):
    """A response (live or saved) does not have the shape of a Pinpoint KPI answer."""


class ConflictingDataError(PinpointKpiError, ValueError):
    """Two saved responses give different values for the same row."""


class ServiceError(PinpointKpiError):
    """One request to Pinpoint failed.

    The botocore error is kept as ``__cause__``.

    Attributes
    ----------
    request : KpiRequest or None
        The request that failed.
    code : str
        The service's error code, e.g. ``"NotFoundException"``.
    status : int or None
        The HTTP status.
    service_message : str
        The service's own message.
    """

    def __init__(
        self,
        message: str,
        *,
        request: Any = None,
        code: str = "",
        status: int | None = None,
        service_message: str = "",
    ):
        super().__init__(message)
        self.request = request
        self.code = code
        self.status = status
        self.service_message = service_message


class AccessDeniedError(ServiceError):
    """Pinpoint refused the credentials (HTTP 403)."""


class FetchError(PinpointKpiError):
    """One or more requests of a read failed; every other request was still completed.

    Attributes
    ----------
    failures : list of ServiceError
        One entry per failed request, in plan order.
    """

    def __init__(self, message: str, *, failures: list[ServiceError]):
        super().__init__(message)
        self.failures = failures


class MissingFromStoreError(PinpointKpiError):
    """``offline=True`` was asked for, but the response store lacks some requests.

    Attributes
    ----------
    missing : list of KpiRequest
        Every request the store lacks, in plan order.
    """

    def __init__(self, message: str, *, missing: list[Any]):
        super().__init__(message)
        self.missing = missing


class EventArchiveError(PinpointKpiError, ValueError):
    """Objects of an event archive cannot be read (``read_pinpoint_events``,
    ``on_bad_file="raise"``); the message names every one and why.

    Attributes
    ----------
    bad_files : dict
        ``{path: reason}`` for every object that failed.
    """

    def __init__(self, message: str, *, bad_files: dict[str, str]):
        super().__init__(message)
        self.bad_files = bad_files
