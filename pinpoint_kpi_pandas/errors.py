"""The library's exceptions and warnings: one base class each, and every message says what to
do next.

Argument errors also derive from the built-in ``ValueError`` or ``TypeError`` so code that
already catches those keeps working. Warnings derive from :class:`PinpointKpiWarning` (a
``UserWarning``), as pandas keeps its own warnings in ``pandas.errors``; :func:`warn_user` points
each at the user's line, not at the library's.
"""

from __future__ import annotations

import inspect
import os
import warnings
from typing import Any

__all__ = [
    "AccessDeniedError",
    "ArgumentTypeError",
    "BadFileError",
    "BadFileWarning",
    "ConflictingDataError",
    "CoverageWarning",
    "EndpointUnreachableError",
    "FetchError",
    "InvalidArgumentError",
    "KpiScopeError",
    "LargeReadWarning",
    "MissingFromStoreError",
    "PartialResultWarning",
    "PinpointKpiError",
    "PinpointKpiWarning",
    "ProvisionalDataWarning",
    "ResponseFormatError",
    "ServiceError",
    "StoreWarning",
    "StoreWriteError",
    "UnknownKpiError",
    "UnservedRangeWarning",
    "warn_user",
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


class BadFileError(ResponseFormatError):
    """Saved files that cannot be read as KPI answers (``on_bad_file="raise"``), or objects of an
    event archive that cannot be read (``read_pinpoint_events``).

    The message lists every bad file and why; ``read_pinpoint_kpi_json(..., on_bad_file="warn")``
    reads the others, and :func:`pinpoint_kpi_pandas.inventory` shows the whole folder.

    Attributes
    ----------
    bad_files : list of (str, str)
        ``(path, reason)`` for each bad file, in path order.
    """

    def __init__(self, message: str, *, bad_files: list[tuple[str, str]]):
        super().__init__(message)
        self.bad_files = bad_files


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


class EndpointUnreachableError(ServiceError):
    """Nothing answers at the endpoint (connection refused, unknown host): a stopped emulator,
    a wrong ``endpoint_url``, no network. Not retried; said at once.

    Attributes
    ----------
    endpoint : str
        The endpoint's scheme and host, e.g. ``"http://127.0.0.1:4566"``.
    reason : str
        Why it did not answer, e.g. ``"connection refused"``.
    """

    def __init__(self, message: str, *, endpoint: str, reason: str, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.endpoint = endpoint
        self.reason = reason


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


class StoreWriteError(PinpointKpiError, OSError):
    """Answers were fetched, but the response store could not save some of them
    (``errors="raise"``; with ``errors="warn"`` the frame is returned with a
    :class:`StoreWarning`). Nothing fetched is lost: the frame is in ``frame``.

    Attributes
    ----------
    frame : pandas.DataFrame
        The frame the read gave, every answer in it.
    folder : pathlib.Path
        The store's folder.
    unsaved : list of (pathlib.Path, OSError)
        Each file that could not be written, and why.
    """

    def __init__(self, message: str, *, frame: Any, folder: Any, unsaved: list[Any]):
        super().__init__(message)
        self.frame = frame
        self.folder = folder
        self.unsaved = unsaved


# --- warnings ---------------------------------------------------------------------------------


class PinpointKpiWarning(UserWarning):
    """Base class of every warning issued by pinpoint-kpi-pandas."""


class StoreWarning(PinpointKpiWarning):
    """A response-store file was damaged or stale and is refetched (or could not be written)."""


class PartialResultWarning(PinpointKpiWarning):
    """``errors="warn"``: some requests failed and their rows are missing from the frame."""


class ProvisionalDataWarning(PinpointKpiWarning):
    """Some days of the frame were not final when Pinpoint answered (data latency); they are
    listed in ``df.attrs["pinpoint"]["provisional_days"]``."""


class CoverageWarning(PinpointKpiWarning):
    """The answers do not cover the same days everywhere: windows overlap, leave gaps, or
    differ between KPIs or ids (see ``df.attrs["pinpoint"]["coverage"]``)."""


class UnservedRangeWarning(PinpointKpiWarning):
    """The range asked for lies wholly in the future, so Pinpoint has no data for it: the frame
    is empty."""


class LargeReadWarning(PinpointKpiWarning):
    """A read will make so many requests that it takes minutes at Pinpoint's quota."""


class BadFileWarning(PinpointKpiWarning):
    """``on_bad_file="warn"``: some saved files were skipped; the message names each and why."""


def warn_user(message: str, category: type[Warning]) -> None:
    """Issue a warning attributed to the first caller outside this package.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_user("a note", PinpointKpiWarning)
    >>> caught[0].category.__name__, str(caught[0].message)
    ('PinpointKpiWarning', 'a note')
    """
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = inspect.currentframe(), 0
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level + 1)
