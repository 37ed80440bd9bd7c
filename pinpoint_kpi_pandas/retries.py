"""How the clients this library builds retry: botocore's standard mode, and two rules for faults.

botocore's ``standard`` retry mode retries throttling (429) and 5xx answers with exponential
backoff and jitter, and that stays: those heal. The clients built here add two rules, so faults
that will not heal are reported in well under a second instead of after every retry:

- **An endpoint that cannot be reached** (connection refused, an unknown host) is not retried:
  a refused connection will not be accepted a few seconds later. Once one attempt found the
  endpoint unreachable, every later attempt on the same client fails at once with the same
  error, without a connection: a read of 400 requests ends after one failed connection, with
  one message naming the endpoint (:func:`unreachable_endpoint`). Measured: 42 s before (ten
  attempts per request with backoff).
- **A request that keeps failing while the service answers others** (an id that always gets
  500) stops after :data:`FAILING_REQUEST_ATTEMPTS` attempts instead of the full
  ``max_attempts``: when other requests of the same client are answered, the service is up and
  this request's failures are about the request. It still gets several attempts, so a random
  share of 500s is absorbed as before (at 10% errors, five 500s in a row happen to one request
  in 100,000). Measured: one failing id added about 15 s of backoff to a read; now under 1 s.
  While nothing is answered (an outage), every request keeps its full ``max_attempts``.

botocore also keeps a retry budget per client (500 units; a retry costs 5 after a 429 and 14
after another error). A read of hundreds of requests against a service that throttles or fails
empties it, and from then on requests fail after 0 or 1 retries (measured: 25 of 400 requests
lost at 30% 429s and 10% 500s). A read is bounded (requests x attempts, paced by
:class:`~pinpoint_kpi_pandas.fetch.RequestPacer`), so the clients built here have no budget.

botocore offers no setting for any of this: :func:`install_retries` registers botocore's own
retry handler again, built from its parts with these rules and an unlimited budget. On a botocore
whose retry module differs, the client keeps botocore's defaults.
"""

from __future__ import annotations

import random
import threading
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "FAILING_REQUEST_ATTEMPTS",
    "MAX_BACKOFF",
    "SERVER_ERROR_SCALE",
    "UNREACHABLE_FIX",
    "Backoff",
    "FaultRules",
    "install_retries",
    "unreachable_endpoint",
    "unreachable_error",
    "unreachable_from",
]

UNREACHABLE_CHECK = "Check endpoint_url (is the emulator running?) and the network"
UNREACHABLE_FIX = (
    f"{UNREACHABLE_CHECK}; offline=True with cache= reads stored answers without the service."
)
"""What a message about an endpoint that cannot be reached tells the user to do."""

FAILING_REQUEST_ATTEMPTS = 5
"""Attempts a request gets when every one is answered 5xx while the service answers others."""

SERVER_ERROR_SCALE = 0.05
"""Seconds the backoff after a 5xx or a dropped connection starts from (throttling: 1 s)."""

MAX_BACKOFF = 20.0
"""The longest wait before one retry, in seconds (botocore's)."""

_FAILURES_KEY = "pinpoint-kpi-server-errors"  # per request, in botocore's request context


class FaultRules:
    """botocore's standard retry conditions, with the two rules above; one per client.

    Parameters
    ----------
    standard : botocore retry checker
        What decides every other case (botocore's ``StandardRetryConditions``).

    Attributes
    ----------
    unreachable : Exception or None
        The error that found the endpoint unreachable, once one did.
    answered : bool
        Whether the service has answered any attempt with a status under 500.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Always:
    ...     def is_retryable(self, context):
    ...         return True
    >>> rules = FaultRules(Always())
    >>> failing = SimpleNamespace(caught_exception=None, request_context={},
    ...                           http_response=SimpleNamespace(status_code=500))
    >>> [rules.is_retryable(failing) for _ in range(5)]  # nothing answered yet: keep trying
    [True, True, True, True, True]
    >>> rules.is_retryable(SimpleNamespace(caught_exception=None, request_context={},
    ...                                    http_response=SimpleNamespace(status_code=200)))
    True
    >>> rules.answered, rules.is_retryable(failing)  # the service answers: this one stops
    (True, False)
    """

    def __init__(self, standard: Any):
        self._standard = standard
        self._lock = threading.Lock()
        self.unreachable: BaseException | None = None
        self.answered = False

    def is_retryable(self, context: Any) -> bool:
        """Whether botocore should retry the attempt ``context`` describes."""
        exc = context.caught_exception
        if exc is not None and _is_unreachable(exc):
            with self._lock:
                if self.unreachable is None:
                    self.unreachable = exc
            return False
        response = context.http_response
        status = getattr(response, "status_code", None) if response is not None else None
        if status is not None and status < 500:
            self.answered = True
        elif status is not None:
            failures = context.request_context.get(_FAILURES_KEY, 0) + 1
            context.request_context[_FAILURES_KEY] = failures
            if failures >= FAILING_REQUEST_ATTEMPTS and self.answered:
                return False
        return bool(self._standard.is_retryable(context))

    def refuse_if_unreachable(self, request: Any = None, **_: Any) -> None:
        """A ``before-send`` handler: once the endpoint was unreachable, fail without sending."""
        known = self.unreachable
        if known is None:
            return
        from botocore.exceptions import EndpointConnectionError

        url = getattr(request, "url", None) or _kwarg(known, "endpoint_url") or ""
        raise EndpointConnectionError(endpoint_url=url, error=_kwarg(known, "error") or known)


class Backoff:
    """botocore's truncated binary exponential backoff with jitter, scaled by the error's kind.

    The wait before retry ``i`` is ``rand(0, 1) * min(scale * 2 ** (i - 1), 20)`` seconds:
    ``scale`` is 1 after throttling, as in botocore, and :data:`SERVER_ERROR_SCALE` after a 5xx
    or a dropped connection, which is what botocore's next retry behaviour does
    (``non_throttling_base_scale`` in ``botocore.retries.standard``, behind
    ``AWS_NEW_RETRIES_2026``): a server error is worth retrying soon, throttling is not.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Detector:
    ...     def is_throttling_error_from_context(self, context):
    ...         return context.throttled
    >>> backoff = Backoff(Detector(), random=lambda: 1.0)
    >>> [backoff.delay_amount(SimpleNamespace(attempt_number=n, throttled=True)) for n in (1, 3)]
    [1.0, 4.0]
    >>> backoff.delay_amount(SimpleNamespace(attempt_number=3, throttled=False))
    0.2
    """

    def __init__(self, throttling: Any, *, random: Any = random.random):
        self._throttling = throttling
        self._random = random

    def delay_amount(self, context: Any) -> float:
        """Seconds to wait before retrying the attempt ``context`` describes."""
        throttled = self._throttling.is_throttling_error_from_context(context)
        scale = 1.0 if throttled else SERVER_ERROR_SCALE
        return float(self._random() * min(scale * 2 ** (context.attempt_number - 1), MAX_BACKOFF))


def install_retries(client: Any, max_attempts: int) -> FaultRules | None:
    """Give ``client`` botocore's standard retries with the fault rules and no retry budget.

    Returns the client's :class:`FaultRules`, or None when botocore's retry module is not the
    one this was written against (the client then keeps botocore's defaults).

    Examples
    --------
    >>> import boto3
    >>> client = boto3.session.Session().client(
    ...     "pinpoint", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
    ...     aws_access_key_id="placeholder", aws_secret_access_key="placeholder")
    >>> rules = install_retries(client, 3)
    >>> rules.unreachable is None, rules.answered
    (True, False)
    """
    try:
        from botocore.retries import quota, standard

        service = client.meta.service_model.service_id.hyphenize()
        adapter = standard.RetryEventAdapter()
        throttling = standard.ThrottlingErrorDetector(adapter)
        if not callable(getattr(throttling, "is_throttling_error_from_context", None)):
            return None
        rules = FaultRules(standard.StandardRetryConditions(max_attempts=max_attempts))
        handler = standard.RetryHandler(
            retry_policy=standard.RetryPolicy(
                retry_checker=rules,
                retry_backoff=Backoff(throttling),
            ),
            retry_event_adapter=adapter,
            retry_quota=standard.RetryQuotaChecker(
                quota.RetryQuota(initial_capacity=2**62), throttling
            ),
            service_name=service,
        )
        events = client.meta.events
        unique_id = f"retry-config-{service}"
        events.unregister(f"needs-retry.{service}", unique_id=unique_id)
        events.register(f"needs-retry.{service}", handler.needs_retry, unique_id=unique_id)
        events.register(
            f"before-send.{service}",
            rules.refuse_if_unreachable,
            unique_id="pinpoint-kpi-unreachable",
        )
    except (ImportError, AttributeError, TypeError):
        return None
    return rules


def unreachable_endpoint(exc: BaseException) -> str | None:
    """One line saying which endpoint could not be reached and why; None for other errors.

    Examples
    --------
    >>> from botocore.exceptions import EndpointConnectionError
    >>> error = EndpointConnectionError(
    ...     endpoint_url="http://127.0.0.1:9/v1/apps/a1/kpis/daterange/x?start-time=1",
    ...     error=ConnectionRefusedError(111, "Connection refused"))
    >>> unreachable_endpoint(error)
    'cannot reach Pinpoint at http://127.0.0.1:9 (connection refused)'
    >>> unreachable_endpoint(ValueError("x")) is None
    True
    """
    parts = _unreachable_parts(exc)
    return None if parts is None else f"cannot reach Pinpoint at {parts[0]} ({_reason(parts[1])})"


def unreachable_from(exc: BaseException, *, subject: str, **details: Any) -> Any:
    """The :class:`~pinpoint_kpi_pandas.errors.EndpointUnreachableError` botocore's ``exc``
    means (``subject`` failed), its cause kept; None when ``exc`` is another error.

    Examples
    --------
    >>> from botocore.exceptions import EndpointConnectionError
    >>> cause = EndpointConnectionError(endpoint_url="http://127.0.0.1:9/v1/apps",
    ...                                 error=ConnectionRefusedError(111, "Connection refused"))
    >>> error = unreachable_from(cause, subject="listing the projects")
    >>> str(error).split(". ")[0]
    'listing the projects failed: cannot reach Pinpoint at http://127.0.0.1:9 (connection refused)'
    >>> error.__cause__ is cause, unreachable_from(ValueError("x"), subject="s") is None
    (True, True)
    """
    parts = _unreachable_parts(exc)
    if parts is None:
        return None
    error = unreachable_error(parts[0], parts[1], subject=subject, **details)
    error.__cause__ = exc
    return error


def _unreachable_parts(exc: BaseException) -> tuple[str, Any] | None:
    if not _is_unreachable(exc):
        return None
    parts = urlsplit(str(_kwarg(exc, "endpoint_url") or ""))
    where = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the endpoint"
    return where, _kwarg(exc, "error")


def unreachable_error(
    endpoint: str, error: Any, *, subject: str | None = None, stored: bool = True, **details: Any
) -> Any:
    """The :class:`~pinpoint_kpi_pandas.errors.EndpointUnreachableError` for ``endpoint``, which
    did not answer because of ``error`` (an exception or its text); ``subject`` names what
    failed (``"listing the campaigns"``); ``stored``: what failed can be answered from a
    ``cache=`` store (the advice says so).

    Examples
    --------
    >>> error = unreachable_error("http://127.0.0.1:9", ConnectionRefusedError(111, "refused"))
    >>> str(error).split(". ")[0], error.reason
    ('cannot reach Pinpoint at http://127.0.0.1:9 (connection refused)', 'connection refused')
    """
    from .errors import EndpointUnreachableError

    reason = _reason(error)
    text = f"cannot reach Pinpoint at {endpoint} ({reason})"
    if subject:
        text = f"{subject} failed: {text}"
    fix = UNREACHABLE_FIX if stored else f"{UNREACHABLE_CHECK}."
    return EndpointUnreachableError(f"{text}. {fix}", endpoint=endpoint, reason=reason, **details)


def _is_unreachable(exc: BaseException) -> bool:
    try:
        from botocore.exceptions import EndpointConnectionError
    except ImportError:  # pragma: no cover - botocore is a dependency
        return False
    # botocore raises it for a refused connection and an unresolvable host only; timeouts and
    # TLS failures are other classes and keep their retries.
    return isinstance(exc, EndpointConnectionError)


def _kwarg(exc: BaseException, name: str) -> Any:
    return (getattr(exc, "kwargs", None) or {}).get(name)


def _reason(error: Any) -> str:
    import socket

    text = str(error or "").lower()
    if isinstance(error, socket.gaierror) or "name or service not known" in text:
        return "unknown host"
    if "resolution" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "unknown host"
    if isinstance(error, ConnectionRefusedError) or "refused" in text:
        return "connection refused"
    return str(error) if error else "no connection"
