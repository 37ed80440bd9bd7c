"""Faults on demand: fixed latency, a request-rate limit, a share of 500s, ids that always fail.

They let a client's concurrency, retries and error reporting be tested against the emulator as
they would meet the real service: 429 TooManyRequestsException past the quota (300 requests/s,
burst 300, per operation, no Retry-After header) and 500 InternalServerErrorException.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable

from ..errors import InvalidArgumentError
from .options import check_options
from .rules import ApiError

__all__ = ["Faults", "TokenBucket"]


class TokenBucket:
    """A token bucket: ``rate`` tokens per second, holding at most ``burst``.

    Parameters
    ----------
    rate : float
        Tokens added per second.
    burst : float
        Capacity; the bucket starts full.

    Examples
    --------
    >>> bucket = TokenBucket(rate=1, burst=2)
    >>> [bucket.take() for _ in range(3)]
    [True, True, False]
    """

    def __init__(self, rate: float, burst: float):
        if rate <= 0 or burst < 1:
            raise InvalidArgumentError(
                f"a token bucket needs rate > 0 and burst >= 1 (got rate={rate!r}, "
                f"burst={burst!r})."
            )
        self.rate = float(rate)
        self.burst = float(burst)
        self._tokens = float(burst)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take one token if there is one; False means the request is over the limit."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


class Faults:
    """The faults an emulator injects.

    Parameters
    ----------
    latency_ms : float
        Fixed delay added to every operation (slept in the handler thread, so concurrent
        requests overlap their delays).
    rate_limit : float or None
        Requests per second per operation; past it, 429 TooManyRequestsException.
    burst : float or None
        The bucket size, at least 1 and only with ``rate_limit``; default ``rate_limit`` (the
        real quota is 300/s, burst 300).

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError
        An option out of range or of the wrong type, named (:func:`~.options.check_options`).
    error_rate : float
        Share of operations answered 500 InternalServerErrorException, drawn from a generator
        seeded by ``seed``: the same seed and the same request order fail the same requests.
    failing_ids : iterable of str
        Application, campaign or journey ids whose KPI requests always answer 500.
    seed : int
        Seeds the error draws.
    throttle_rate : float
        Share of operations answered 429 TooManyRequestsException, drawn like ``error_rate``
        (one draw per request serves both), whatever the request rate: a timing-free way to
        make a client meet throttling.

    Examples
    --------
    >>> def statuses(faults):
    ...     out = []
    ...     for _ in range(8):
    ...         try:
    ...             faults.before("GetApps")
    ...             out.append(200)
    ...         except ApiError as err:
    ...             out.append(err.status)
    ...     return out
    >>> statuses(Faults(error_rate=0.5, seed=1)) == statuses(Faults(error_rate=0.5, seed=1))
    True
    >>> statuses(Faults(rate_limit=1, burst=3)).count(429)
    5
    """

    def __init__(
        self,
        latency_ms: float = 0,
        rate_limit: float | None = None,
        burst: float | None = None,
        error_rate: float = 0.0,
        failing_ids: Iterable[str] = (),
        seed: int = 0,
        throttle_rate: float = 0.0,
    ):
        failing_ids = list(failing_ids) if not isinstance(failing_ids, str) else failing_ids
        check_options(latency_ms=latency_ms, rate_limit=rate_limit, burst=burst,
                      error_rate=error_rate, throttle_rate=throttle_rate, failing_ids=failing_ids,
                      seed=seed)  # fmt: skip
        self.latency_ms = latency_ms
        self.rate_limit = rate_limit
        self.burst = burst if burst is not None else max(1.0, rate_limit or 1.0)
        self.error_rate = error_rate
        self.throttle_rate = throttle_rate
        self.failing_ids = frozenset(failing_ids)
        self._buckets: dict[str, TokenBucket] = {}
        self._rng = random.Random(f"{seed}|faults")
        self._lock = threading.Lock()

    def before(self, operation: str) -> None:
        """Apply the rate limit, the latency and the error draw to one operation.

        Raises
        ------
        ApiError
            429 past the rate limit or for a request drawn to be throttled; 500 for a request
            drawn to fail.
        """
        if self.rate_limit is not None and not self._bucket(operation).take():
            raise ApiError(429, "TooManyRequestsException", "Rate exceeded")
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        if self.error_rate or self.throttle_rate:
            with self._lock:
                draw = self._rng.random()
            if draw < self.throttle_rate:
                raise ApiError(429, "TooManyRequestsException", "Rate exceeded (injected)")
            if draw < self.throttle_rate + self.error_rate:
                raise ApiError(
                    500, "InternalServerErrorException", "Internal server error (injected)"
                )

    def check_ids(self, *ids: str | None) -> None:
        """Fail a KPI request that names one of ``failing_ids``.

        Raises
        ------
        ApiError
            500 InternalServerErrorException.
        """
        for value in ids:
            if value is not None and value in self.failing_ids:
                raise ApiError(
                    500,
                    "InternalServerErrorException",
                    f"Internal server error (injected for id {value})",
                )

    def _bucket(self, operation: str) -> TokenBucket:
        bucket = self._buckets.get(operation)
        if bucket is None:
            with self._lock:
                bucket = self._buckets.setdefault(
                    operation, TokenBucket(self.rate_limit or 0.0, self.burst)
                )
        return bucket
