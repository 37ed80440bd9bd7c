"""Up-front checks of the emulator's options, shared by Python and the command line.

Each check raises the library's :class:`~pinpoint_kpi_pandas.errors.InvalidArgumentError` (or
:class:`~pinpoint_kpi_pandas.errors.ArgumentTypeError`) naming the option and what to pass,
before anything is built or bound. The command line passes ``names`` (option -> its flag), so
its messages name ``--burst`` where Python's name ``burst``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from ..errors import ArgumentTypeError, InvalidArgumentError
from .clock import parse_timestamp

__all__ = ["CLI_FLAGS", "check_options", "check_scale"]

CLI_FLAGS = {
    "seed": "--seed",
    "now": "--now",
    "latency_ms": "--latency-ms",
    "rate_limit": "--rate-limit",
    "burst": "--burst",
    "error_rate": "--error-rate",
    "throttle_rate": "--throttle-rate",
    "failing_ids": "--failing-id",
    "campaigns_per_project": "--campaigns",
    "host": "--host",
    "port": "--port",
    "scale": "--scale",
}
"""The ``pinpoint-kpi emulator`` flag of each option, for messages on the command line."""


def check_scale(scale: object, names: Mapping[str, str] | None = None) -> float:
    """The world's scale as a float, or an error naming the option.

    Examples
    --------
    >>> check_scale(0.02)
    0.02
    >>> check_scale(0)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: scale must be a fraction above 0 and at most 1...
    """  # noqa: E501
    value = _number(scale, "scale", names)
    if not 0 < value <= 1:
        raise InvalidArgumentError(
            f"{_name('scale', names)} must be a fraction above 0 and at most 1 (got {scale!r}): "
            "1 is the full-size world, 0.02 a world of 2% of its audiences and volumes."
        )
    return value


def check_options(
    *,
    seed: object = 0,
    now: object = None,
    latency_ms: object = 0,
    rate_limit: object = None,
    burst: object = None,
    error_rate: object = 0.0,
    throttle_rate: object = 0.0,
    failing_ids: Iterable[object] = (),
    campaigns_per_project: object = 12,
    host: object = "127.0.0.1",
    port: object = 0,
    scale: object = 1.0,
    names: Mapping[str, str] | None = None,
) -> None:
    """Check every option of an emulator before anything is built or bound.

    Parameters
    ----------
    seed, now, latency_ms, rate_limit, burst, error_rate, throttle_rate, failing_ids,
    campaigns_per_project, host, port, scale
        As :class:`~pinpoint_kpi_pandas.emulator.Emulator` takes them.
    names : mapping, optional
        How to name each option in messages (default: its Python name); the command line
        passes :data:`CLI_FLAGS`.

    Raises
    ------
    InvalidArgumentError
        A value out of range, or ``burst`` without ``rate_limit``.
    ArgumentTypeError
        A value of the wrong type.

    Examples
    --------
    >>> check_options(rate_limit=10, burst=20)
    >>> check_options(rate_limit=10, burst=0)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: burst must be at least 1 (got 0)...
    >>> check_options(burst=5, names=CLI_FLAGS)
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: --burst applies only with --rate-limit...
    """
    _integer(seed, "seed", names)
    _check_now(now, names)
    count = _integer(campaigns_per_project, "campaigns_per_project", names)
    if count < 0:
        raise InvalidArgumentError(
            f"{_name('campaigns_per_project', names)} must be 0 or more (got {count})."
        )
    _check_address(host, port, names)
    latency = _number(latency_ms, "latency_ms", names)
    if latency < 0:
        raise InvalidArgumentError(
            f"{_name('latency_ms', names)} must be 0 or more milliseconds (got {latency_ms!r})."
        )
    _check_rate_limit(rate_limit, burst, names)
    errors = _share(error_rate, "error_rate", names)
    throttles = _share(throttle_rate, "throttle_rate", names)
    if errors + throttles > 1:
        raise InvalidArgumentError(
            f"{_name('error_rate', names)} + {_name('throttle_rate', names)} must be at most 1 "
            f"(got {error_rate!r} + {throttle_rate!r}): they are shares of the same requests."
        )
    if isinstance(failing_ids, str | bytes):
        raise ArgumentTypeError(
            f"{_name('failing_ids', names)} must be a list of ids, not one string "
            f"({failing_ids!r}): pass [{failing_ids!r}]."
        )
    for value in failing_ids:
        if not isinstance(value, str) or not value:
            raise ArgumentTypeError(
                f"{_name('failing_ids', names)} must hold non-empty id strings (got {value!r})."
            )
    check_scale(scale, names)


def _check_now(now: object, names: Mapping[str, str] | None) -> None:
    if now is None or now == "system" or isinstance(now, dt.datetime):
        return
    if not isinstance(now, str):
        raise ArgumentTypeError(
            f"{_name('now', names)} must be an ISO 8601 instant, a datetime or 'system' "
            f"(got {now!r})."
        )
    try:
        parse_timestamp(now)
    except ValueError:
        raise InvalidArgumentError(
            f"{_name('now', names)} must be an ISO 8601 instant such as 2026-10-29T12:00:00Z, "
            f"or 'system' for the wall clock (got {now!r})."
        ) from None


def _check_address(host: object, port: object, names: Mapping[str, str] | None) -> None:
    if not isinstance(host, str) or not host.strip():
        raise ArgumentTypeError(
            f"{_name('host', names)} must be an address to bind, such as 127.0.0.1 (got {host!r})."
        )
    number = _integer(port, "port", names)
    if not 0 <= number <= 65535:
        raise InvalidArgumentError(
            f"{_name('port', names)} must be a port from 0 to 65535 (got {port!r}); "
            "0 picks a free one."
        )


def _check_rate_limit(rate_limit: object, burst: object, names: Mapping[str, str] | None) -> None:
    if rate_limit is not None:
        rate = _number(rate_limit, "rate_limit", names)
        if rate <= 0:
            raise InvalidArgumentError(
                f"{_name('rate_limit', names)} must be above 0 requests/s (got {rate_limit!r}); "
                "leave it out for no limit."
            )
    if burst is None:
        return
    if rate_limit is None:
        raise InvalidArgumentError(
            f"{_name('burst', names)} applies only with {_name('rate_limit', names)} (the size "
            f"of its token bucket): pass {_name('rate_limit', names)} too, or leave "
            f"{_name('burst', names)} out."
        )
    size = _number(burst, "burst", names)
    if size < 1:
        raise InvalidArgumentError(
            f"{_name('burst', names)} must be at least 1 (got {burst!r}): the bucket must hold "
            "one request; leave it out for a bucket the size of the rate limit."
        )


def _share(value: object, option: str, names: Mapping[str, str] | None) -> float:
    share = _number(value, option, names)
    if not 0 <= share <= 1:
        raise InvalidArgumentError(
            f"{_name(option, names)} must be a share from 0 to 1 (got {value!r}), "
            "e.g. 0.05 for 5% of requests."
        )
    return share


def _number(value: object, option: str, names: Mapping[str, str] | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgumentTypeError(f"{_name(option, names)} must be a number (got {value!r}).")
    if not math.isfinite(value):
        raise InvalidArgumentError(f"{_name(option, names)} must be finite (got {value!r}).")
    return float(value)


def _integer(value: object, option: str, names: Mapping[str, str] | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{_name(option, names)} must be an integer (got {value!r}).")
    return value


def _name(option: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(option, option)
