"""The emulator's data: a seeded, deterministic world of projects, campaigns and journeys.

Everything the emulator answers derives from **daily sending slots** (:mod:`.traffic`), each
with its base counters (:mod:`.counters`) and its concrete recipients (:mod:`.audiences`):

- per campaign run (activity) per day: attempted, delivered, hard / soft bounces, direct opens,
  opens, clicks, complaints, unsubscribes, SMS spend, and the endpoints reached;
- per journey activity per day: sent, delivered, rejected, hard / soft bounces, opened, clicked,
  complained, unsubscribed;
- per project per day, transactional email: sent, delivered, bounces, complaints, opens, clicks,
  and the endpoints that opened / clicked;
- per project per country per day, transactional SMS: sent, delivered, message parts, price
  (thousandths of a US cent) and failures by error code.

Slots depend only on (seed, sender, day), the world's anchor day and its scale, never on the
window a request asks for. The world is laid out relative to its anchor day (the clock's date
when the emulator starts), so any clock has 90 days of history; with the frozen default clock
every run gives the same numbers.

Unique counts are exact: every project has an endpoint space, every sender's audience is a
range of it, and every slot reaches a range of its sender's audience, so a unique KPI is the
size of a union of ranges, the very endpoints an event archive of the same world names
(:meth:`World.sendings`).

The object model is in :mod:`.model`::

    world.applications[0]                  # "Acme Retail", the main sample
    world.applications[0].campaigns[0]     # .id, .name, .channel, .activities (.id, .start)
    world.applications[0].journeys[0]      # .id, .name, .activity_ids

Campaign events are counted on the day their message was sent (the run's send days), so every
daily rate has its own denominator.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator

from .audiences import Audience, EndpointIds, Sending
from .clock import DEFAULT_NOW
from .counters import Counters
from .model import Application, Campaign, CampaignActivity, Journey, JourneyActivity
from .options import check_options, check_scale
from .traffic import FUTURE_DAYS, HISTORY_DAYS, Slot, Traffic, lay_out

__all__ = [
    "FUTURE_DAYS",
    "HISTORY_DAYS",
    "Application",
    "Campaign",
    "CampaignActivity",
    "Journey",
    "JourneyActivity",
    "World",
    "build_world",
]


class World:
    """The emulator's whole dataset: projects, and every sending slot of everything in them.

    Build one with :func:`build_world`. The first application is the main sample.

    Attributes
    ----------
    seed : int
        The seed it was built from.
    anchor : date
        The day it is laid out around (the clock's date when the emulator started).
    scale : float
        The share of the full-size world's audiences and volumes (1 for the full size).
    applications : tuple of Application
        ``Acme Retail`` (the main sample), ``Acme Bank`` and ``Acme Sandbox`` (no data at all).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(seed=0)
    >>> [app.name for app in world.applications]
    ['Acme Retail', 'Acme Bank', 'Acme Sandbox']
    >>> world.application("Acme Retail") is world.applications[0]
    True
    """

    def __init__(self, applications: tuple[Application, ...], traffic: Traffic):
        self.seed = traffic.seed
        self.anchor = traffic.anchor
        self.scale = traffic.scale
        self.applications = applications
        self._traffic = traffic
        self._ids = {app.id: EndpointIds(self.seed, app.id) for app in applications}
        self._cache: dict[tuple[str, dt.date, int], list[Sending]] = {}

    def __repr__(self) -> str:
        return f"<World seed={self.seed} anchor={self.anchor} scale={self.scale}>"

    def application(self, key: str) -> Application:
        """The application with this id or name (``KeyError`` if none)."""
        for app in self.applications:
            if key in (app.id, app.name):
                return app
        raise KeyError(key)

    # -- senders and their slots -----------------------------------------------------------

    def sender_keys(self, app: Application) -> list[str]:
        """The keys of every sender in a project: campaign ids, journey ids, then transactional.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> app = world.applications[0]
        >>> keys = world.sender_keys(app)
        >>> len(keys) == len(app.campaigns) + len(app.journeys) + 2, keys[-1] == app.txn_sms_key
        (True, True)
        """
        keys = [c.id for c in app.campaigns] + [j.id for j in app.journeys]
        keys += [k for k in (app.txn_email_key, app.txn_sms_key) if k in self._traffic.senders]
        return keys

    def audience(self, key: str) -> Audience:
        """The audience of a sender: which range of its project's endpoint space it reaches.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> campaign = world.applications[0].campaigns[0]
        >>> world.audience(campaign.id).size == campaign.audience
        True
        """
        return self._traffic.senders[key].audience

    def days(self, key: str) -> list[dt.date]:
        """The UTC days on which a sender has sending slots, oldest first."""
        return sorted(self._traffic.slots.get(key, {}))

    def endpoint_id(self, application_id: str, position: int) -> str:
        """The id of the endpoint at a position of a project's endpoint space.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> app = world.applications[0]
        >>> len(world.endpoint_id(app.id, 0)), world.endpoint_id(app.id, 0) == world.endpoint_id(
        ...     app.id, 1)
        (36, False)
        """
        return self._ids[application_id](position)

    def sendings(self, key: str, day: dt.date, fraction: float = 1.0) -> list[Sending]:
        """The sending slots of one sender on one day, with their counters and recipients.

        This is what an event archive of the world is written from: for every slot, which
        endpoint each message went to (:meth:`Sending.recipients`; the first
        ``Sending.delivered`` were delivered), and for transactional email who opened and
        clicked (:meth:`Sending.openers`, :meth:`Sending.clickers`). Distinct endpoints over
        any set of slots are exactly what the API's unique KPIs count.

        Parameters
        ----------
        key : str
            A campaign id, a journey id, ``app.txn_email_key`` or ``app.txn_sms_key``.
        day : date
            The UTC day.
        fraction : float
            The share of the day's traffic to include (the clock's own day is partial: pass
            ``Clock.day_fraction()`` for it, as the server does). Quantised to thousandths.

        Returns
        -------
        list of Sending
            One per slot with messages, in a fixed order (a shared list: do not modify it).

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> app = world.applications[0]
        >>> [(s.kind, s.label) for s in world.sendings(app.txn_sms_key, world.anchor)][:2]
        [('txn-sms', 'US'), ('txn-sms', 'CA')]
        """
        slots = self._traffic.slots.get(key, {}).get(day)
        if not slots:
            return []
        # Quantise the fraction so a system clock does not grow the cache without bound.
        permille = max(0, min(1000, round(fraction * 1000)))
        cache_key = (key, day, permille)
        found = self._cache.get(cache_key)
        if found is None:
            found = [self._sending(key, day, slot, permille) for slot in slots]
            found = [s for s in found if s.messages > 0]
            self._cache[cache_key] = found
        return found

    def iter_sendings(
        self,
        app: Application,
        first_day: dt.date,
        last_day: dt.date,
        *,
        today: dt.date | None = None,
        fraction: float = 1.0,
    ) -> Iterator[Sending]:
        """Every sending slot of a project from ``first_day`` to ``last_day`` (both included).

        Parameters
        ----------
        app : Application
            The project.
        first_day, last_day : date
            The UTC days.
        today : date, optional
            The clock's date: later days are left out and this one is partial (``fraction``).
            Default: no clock, every day in full.
        fraction : float
            The share of ``today`` to include.

        Yields
        ------
        Sending
            Sender by sender (in :meth:`sender_keys` order), day by day.

        Examples
        --------
        >>> import datetime as dt
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0, scale=0.02)
        >>> app = world.applications[0]
        >>> day = dt.date(2026, 10, 1)
        >>> sum(s.messages for s in world.iter_sendings(app, day, day)) > 0
        True
        """
        last = last_day if today is None else min(last_day, today)
        for key in self.sender_keys(app):
            for day in self.days(key):
                if first_day <= day <= last:
                    yield from self.sendings(key, day, fraction if day == today else 1.0)

    def counters(self, key: str, day: dt.date, fraction: float = 1.0) -> list[tuple[str, Counters]]:
        """The base counters of one sender on one day, one entry per sending slot.

        Parameters
        ----------
        key : str
            A campaign id, a journey id, ``app.txn_email_key`` or ``app.txn_sms_key``.
        day : date
            The UTC day.
        fraction : float
            The share of the day's traffic to include (the clock's own day is partial).

        Returns
        -------
        list of (label, dict)
            The label is the campaign activity id, the journey activity id, ``""`` for
            transactional email, or the country code for transactional SMS.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> app = world.applications[0]
        >>> [(label, c["sent"] > 0) for label, c in world.counters(app.txn_email_key,
        ...                                                         world.anchor)]
        [('', True)]
        """
        return [(s.label, s.counters) for s in self.sendings(key, day, fraction)]

    def _sending(self, key: str, day: dt.date, slot: Slot, permille: int) -> Sending:
        sender = self._traffic.senders[key]
        volume = slot.volume if permille == 1000 else round(slot.volume * permille / 1000)
        c = slot.make(volume, slot.rates) if volume > 0 else {}
        messages = c.get("attempted", c.get("sent", 0))
        delivered = c.get("delivered", 0)
        size = sender.audience.size
        # Distinct endpoints reached: at least one for any delivery, never more than the audience.
        reach = min(max(c.get("unique_deliveries", delivered), min(delivered, 1)), delivered, size)
        opened = min(c.get("unique_opens", 0), reach)
        return Sending(
            kind=sender.kind,
            application_id=sender.application_id,
            sender_id=sender.sender_id,
            label=slot.label,
            channel=sender.channel,
            day=day,
            counters=c,
            messages=messages,
            delivered=delivered,
            reach=reach,
            opened=opened,
            clicked=min(c.get("unique_clicks", 0), opened),
            audience=sender.audience,
            start=slot.start,
            ids=self._ids[sender.application_id],
        )


def build_world(
    seed: int = 0,
    anchor: dt.date | None = None,
    campaigns_per_project: int = 12,
    scale: float = 1.0,
) -> World:
    """Build the deterministic world for a seed.

    Parameters
    ----------
    seed : int
        Same seed, same anchor, same scale, same world: ids, names, schedules, every counter
        and every recipient.
    anchor : date, optional
        The day the world is laid out around (campaign starts are so many days before it);
        the emulator passes its clock's date. Default: the date of :data:`DEFAULT_NOW`.
    campaigns_per_project : int
        Campaigns in the main sample (``Acme Retail``); ``Acme Bank`` has at most 5.
    scale : float
        A fraction above 0 and at most 1: every audience and every volume is multiplied by it
        (0.02 gives a world of a fiftieth the size, with the same projects, campaigns, ids and
        rates). Default 1, the full size.

    Returns
    -------
    World
        Cached: the same arguments, however passed, give the same (read-only) object.

    Raises
    ------
    InvalidArgumentError
        ``scale`` outside (0, 1] or ``campaigns_per_project`` below 0.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(seed=0)
    >>> app = world.applications[0]
    >>> app.name, [c.name for c in app.campaigns][:3]
    ('Acme Retail', ['Spring Sale Email', 'Cart Reminder SMS', 'App Re-engagement Push'])
    >>> build_world(seed=0).applications[0].id == app.id
    True
    >>> small = build_world(seed=0, scale=0.02)
    >>> small.applications[0].id == app.id, small.applications[0].audience
    (True, 3000)
    """
    check_options(seed=seed, campaigns_per_project=campaigns_per_project, scale=scale)
    anchor = DEFAULT_NOW.date() if anchor is None else anchor
    return _build(seed, anchor, campaigns_per_project, check_scale(scale))


@functools.lru_cache(maxsize=16)
def _build(seed: int, anchor: dt.date, campaigns_per_project: int, scale: float) -> World:
    return World(*lay_out(seed, anchor, campaigns_per_project, scale))
