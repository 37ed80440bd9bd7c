"""Concrete audiences: which endpoints each sending slot's messages went to.

Every project has an **endpoint space**: positions ``0 .. N - 1``, each an endpoint id
(:class:`EndpointIds`, UUID-shaped, deterministic from the seed, the project and the position).
Every sender (a campaign, a journey, a project's transactional email or SMS) has an
:class:`Audience`: a range of that space, wrapping at its end. Every sending slot (one campaign
run, journey activity, transactional email stream or SMS country, on one day) reaches a range of
its sender's audience, wrapping too, from a seeded start. So any union of slots (over days,
runs, campaigns) is a union of at most a few integer intervals per slot, cheap to count exactly,
and the API's unique counts are the sizes of those unions (:func:`union_size`).

A :class:`Sending` is one slot on one day: its counters and, message by message, its recipients.
Its message ``k`` (``0 <= k < messages``) is delivered when ``k < delivered``; the delivered
messages reach ``reach`` distinct endpoints (message ``k`` goes to member ``start + k % reach``
of the audience), the undelivered ones go to the members after them. For transactional email the
messages ``k < opened`` were opened (and ``k < clicked`` clicked), so their endpoints are the
distinct openers (clickers) the ``txn-emails-unique-*`` KPIs count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from .counters import Counters

__all__ = ["Audience", "EndpointIds", "Sending", "Span", "union_size"]

Span = tuple[int, int]
"""A half-open interval ``[first, stop)`` of positions in a project's endpoint space."""

_MIX = 0x9E3779B97F4A7C15  # odd, so position -> position * _MIX mod 2**64 is a bijection
_MASK = (1 << 64) - 1


class EndpointIds:
    """The endpoint ids of one project: position in its endpoint space -> a UUID-shaped id.

    Deterministic from the seed, the project id and the position; distinct positions give
    distinct ids, and two projects never share one (their first 16 hex digits differ).

    Parameters
    ----------
    seed : int
        The world's seed.
    application_id : str
        The project.

    Examples
    --------
    >>> ids = EndpointIds(0, "ab" * 16)
    >>> ids(0) == EndpointIds(0, "ab" * 16)(0), ids(0) != ids(1)
    (True, True)
    >>> [len(part) for part in ids(7).split("-")]
    [8, 4, 4, 4, 12]
    """

    def __init__(self, seed: int, application_id: str):
        digest = hashlib.md5(f"{seed}|endpoints|{application_id}".encode()).hexdigest()
        self._prefix = f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-"
        self._salt = int(digest[16:32], 16)

    def __call__(self, position: int) -> str:
        """The id of the endpoint at ``position``."""
        mixed = ((position * _MIX) ^ self._salt) & _MASK
        return f"{self._prefix}{mixed >> 48:04x}-{mixed & 0xFFFFFFFFFFFF:012x}"


@dataclass(frozen=True)
class Audience:
    """The endpoints a sender can reach: ``size`` positions of a project's endpoint space.

    Member ``i`` of the audience is position ``(first + i % size) % space``: a range of the
    space that wraps at its end.

    Attributes
    ----------
    space : int
        The size of the project's endpoint space.
    first : int
        The position of member 0.
    size : int
        How many endpoints (at most ``space``).

    Examples
    --------
    >>> audience = Audience(space=10, first=8, size=5)
    >>> [audience.position(i) for i in range(6)]
    [8, 9, 0, 1, 2, 8]
    >>> audience.spans(3, 4)  # members 3, 4, 0, 1
    [(1, 3), (8, 10)]
    """

    space: int
    first: int
    size: int

    def position(self, member: int) -> int:
        """The position in the project's endpoint space of a member (taken modulo ``size``)."""
        return (self.first + member % self.size) % self.space

    def spans(self, member: int, count: int) -> list[Span]:
        """The positions of ``count`` consecutive members from ``member``, as sorted spans."""
        count = min(count, self.size)
        if count <= 0:
            return []
        member %= self.size
        pieces = [(member, min(member + count, self.size))]
        if member + count > self.size:
            pieces.append((0, member + count - self.size))
        out: list[Span] = []
        for low, high in pieces:  # members -> positions, wrapping at the end of the space
            low, high = self.first + low, self.first + high
            if low >= self.space:
                out.append((low - self.space, high - self.space))
            elif high > self.space:
                out += [(low, self.space), (0, high - self.space)]
            else:
                out.append((low, high))
        return sorted(out)


@dataclass(frozen=True)
class Sending:
    """One sending slot on one day: its counters, and who each of its messages went to.

    Attributes
    ----------
    kind : {"campaign", "journey", "txn-email", "txn-sms"}
        What sent it.
    application_id : str
        The project.
    sender_id : str or None
        The campaign id or journey id (None for transactional messages).
    label : str
        The campaign activity (run) id, the journey activity id, ``""`` for transactional email,
        or the ISO country code for transactional SMS: the same labels as
        :meth:`World.counters`.
    channel : {"EMAIL", "SMS", "PUSH"}
        The channel its messages went on.
    day : date
        The UTC day they were sent.
    counters : dict
        The slot's base counters that day (the same dict as :meth:`World.counters`).
    messages : int
        Messages sent (``attempted`` for campaigns, ``sent`` otherwise).
    delivered : int
        Messages delivered: messages ``0 .. delivered - 1``.
    reach : int
        Distinct endpoints the delivered messages reached (``unique-deliveries``).
    opened, clicked : int
        Transactional email: distinct endpoints that opened / clicked (messages
        ``0 .. opened - 1`` / ``0 .. clicked - 1``); 0 for other kinds.
    audience : Audience
        The sender's audience.
    start : int
        The audience member message 0 went to.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(0)
    >>> app = world.applications[0]
    >>> (sending,) = world.sendings(app.txn_email_key, world.anchor)
    >>> recipients = sending.recipients()
    >>> len(recipients) == sending.messages, len(set(recipients[: sending.delivered]))
    (True, 6994)
    >>> sending.reach, sending.delivered
    (6994, 6994)
    >>> sending.openers() == recipients[: sending.opened]
    True
    """

    kind: str
    application_id: str
    sender_id: str | None
    label: str
    channel: str
    day: dt.date
    counters: Counters
    messages: int
    delivered: int
    reach: int
    opened: int
    clicked: int
    audience: Audience
    start: int
    ids: EndpointIds

    def recipient(self, message: int) -> str:
        """The endpoint id message number ``message`` (0-based) went to."""
        return self.ids(self.audience.position(self._member(message)))

    def recipients(self) -> list[str]:
        """The endpoint id of every message, in message order (the delivered ones first)."""
        position, ids = self.audience.position, self.ids
        return [ids(position(self._member(k))) for k in range(self.messages)]

    def reached(self) -> list[str]:
        """The distinct endpoints the delivered messages reached (``reach`` ids)."""
        return self._ids(self.reach)

    def openers(self) -> list[str]:
        """Transactional email: the distinct endpoints that opened (``opened`` ids)."""
        return self._ids(self.opened)

    def clickers(self) -> list[str]:
        """Transactional email: the distinct endpoints that clicked (``clicked`` ids)."""
        return self._ids(self.clicked)

    def spans(self, what: str = "reached") -> list[Span]:
        """The positions of the ``"reached"``, ``"opened"`` or ``"clicked"`` endpoints, as spans.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> campaign = world.applications[0].campaign("Cart Reminder SMS")
        >>> (sending,) = world.sendings(campaign.id, world.anchor)
        >>> union_size(sending.spans()) == sending.reach == len(set(sending.reached()))
        True
        """
        count = {"reached": self.reach, "opened": self.opened, "clicked": self.clicked}[what]
        return self.audience.spans(self.start, count)

    def _member(self, message: int) -> int:
        if message < self.delivered:
            return self.start + message % self.reach
        return self.start + self.reach + message - self.delivered

    def _ids(self, count: int) -> list[str]:
        position, ids = self.audience.position, self.ids
        return [ids(position(self.start + i)) for i in range(count)]


def union_size(spans: list[Span]) -> int:
    """How many positions a collection of spans covers (overlaps counted once).

    Examples
    --------
    >>> union_size([(0, 5), (3, 8), (10, 12), (11, 11)])
    10
    """
    total = 0
    reach = None  # the end of the merged interval so far
    for low, high in sorted(spans):
        if reach is None or low > reach:
            total += high - low
            reach = high
        elif high > reach:
            total += high - reach
            reach = high
    return total
