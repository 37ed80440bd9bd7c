"""The emulator's clock, and parsing of the timestamps Pinpoint accepts.

The emulator never reads the wall clock unless asked to: by default its clock is frozen at
:data:`DEFAULT_NOW`, so a notebook run against it gives the same numbers every time. The clock
decides which days have data (none after its date; its own date only partly, see
:meth:`Clock.day_fraction`), the 90-day limit, the default range, and the HTTP ``Date`` header.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from email.utils import formatdate

__all__ = ["DATA_LATENCY", "DEFAULT_NOW", "Clock", "parse_timestamp"]

DEFAULT_NOW = dt.datetime(2026, 10, 29, 12, 0, 0, tzinfo=dt.UTC)
"""The frozen default clock: the day before AWS ended Pinpoint analytics (2026-10-30)."""

DATA_LATENCY = dt.timedelta(hours=2)
"""How far the emulated analytics lag behind the clock (the service documents about two hours)."""

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


@functools.lru_cache(maxsize=4096)  # requests repeat the same few timestamps
def parse_timestamp(text: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp as Pinpoint accepts it, returning an aware UTC datetime.

    Accepts ``2026-08-01T00:00:00Z`` (what botocore sends), fractional seconds, ``+hh:mm`` /
    ``+hhmm`` offsets, a space instead of ``T``, and a bare date (midnight). A timestamp without
    an offset means UTC.

    Parameters
    ----------
    text : str
        The timestamp.

    Returns
    -------
    datetime.datetime
        Timezone-aware, in UTC.

    Raises
    ------
    ValueError
        The text is not such a timestamp.

    Examples
    --------
    >>> parse_timestamp("2026-08-01T00:00:00Z").isoformat()
    '2026-08-01T00:00:00+00:00'
    >>> parse_timestamp("2026-08-01T02:30:00.5+02:00").isoformat()
    '2026-08-01T00:30:00.500000+00:00'
    """
    match = _ISO.match(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = dt.UTC
    if offset and offset not in ("Z", "z"):
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = dt.timezone(sign * delta)
    value = dt.datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micro,
        tzinfo=tz,
    )
    return value.astimezone(dt.UTC)


class Clock:
    """The emulator's notion of "now": frozen at a given instant, or the system clock.

    Parameters
    ----------
    now : datetime, str or None
        None for the frozen :data:`DEFAULT_NOW`; an aware datetime or an ISO 8601 string for
        another frozen instant (naive means UTC); ``"system"`` for the wall clock.

    Examples
    --------
    >>> Clock().now().isoformat()
    '2026-10-29T12:00:00+00:00'
    >>> Clock("2026-09-01T08:00:00Z").day_fraction()
    0.25
    """

    def __init__(self, now: dt.datetime | str | None = None):
        self._http_date: tuple[int, str] | None = None
        self.is_system = now == "system"
        if self.is_system:
            self._frozen: dt.datetime | None = None
        elif now is None:
            self._frozen = DEFAULT_NOW
        elif isinstance(now, dt.datetime):
            aware = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
            self._frozen = aware.astimezone(dt.UTC)
        elif isinstance(now, str):
            self._frozen = parse_timestamp(now)
        else:
            raise TypeError(f"now must be None, a datetime, an ISO string or 'system', not {now!r}")

    def now(self) -> dt.datetime:
        """The current instant, aware, in UTC."""
        if self._frozen is not None:
            return self._frozen
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """The clock's UTC calendar day."""
        return self.now().date()

    def day_fraction(self, now: dt.datetime | None = None) -> float:
        """The share of the clock's own day whose data is already available.

        The day elapsed so far minus :data:`DATA_LATENCY`, clipped to 0..1: at 14:00 UTC half of
        the day's traffic is visible.
        """
        now = self.now() if now is None else now
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        visible = (now - midnight - DATA_LATENCY) / dt.timedelta(days=1)
        return min(1.0, max(0.0, visible))

    def http_date(self) -> str:
        """The clock's instant as an HTTP ``Date`` header value (RFC 7231), whole seconds.

        Examples
        --------
        >>> Clock().http_date()
        'Thu, 29 Oct 2026 12:00:00 GMT'
        """
        second = int(self.now().timestamp())
        cached = self._http_date
        if cached is None or cached[0] != second:  # once per second, not once per request
            cached = self._http_date = (second, formatdate(second, usegmt=True))
        return cached[1]

    def __repr__(self) -> str:
        return "Clock('system')" if self.is_system else f"Clock({self.now().isoformat()!r})"
