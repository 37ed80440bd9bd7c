"""The emulator's data: a seeded, deterministic world of projects, campaigns and journeys.

Everything the emulator answers derives from **daily base counters**:

- per campaign run (activity) per day: attempted, delivered, hard / soft bounces, direct opens,
  opens, clicks, complaints, unsubscribes, distinct endpoints reached, SMS spend;
- per journey activity per day: sent, delivered, rejected, hard / soft bounces, opened, clicked,
  complained, unsubscribed;
- per project per day, transactional email: sent, delivered, bounces, complaints, opens, clicks
  and the distinct endpoints that opened / clicked;
- per project per country per day, transactional SMS: sent, delivered, message parts, price
  (thousandths of a US cent) and failures by error code.

Counters depend only on (seed, entity, day) and the world's anchor day, never on the window
a request asks for. The world is laid out relative to its anchor day (the clock's date when the
emulator starts), so any clock has 90 days of history; with the frozen default clock every run
gives the same numbers.

The object model (all frozen dataclasses)::

    world.applications[0]                  # "Acme Retail", the main sample
    world.applications[0].campaigns[0]     # .id, .name, .channel, .activities (.id, .start)
    world.applications[0].journeys[0]      # .id, .name, .activity_ids

Campaign events are counted on the day their message was sent (the run's send days), so every
daily rate has its own denominator. Distinct endpoints follow one model everywhere: an audience
of ``N`` endpoints, day ``t`` reaches ``u_t`` of them at random, so a window reaches
``round(N * (1 - prod(1 - u_t / N)))``: ``u_t`` for one day, at most the sum, at least the max.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from .clock import DEFAULT_NOW
from .counters import CAMPAIGN_COUNTERS, Counters, journey_email, txn_email, txn_sms
from .sample import (
    CHANNEL_SUFFIX,
    COUNTRIES,
    EXTRA_THEMES,
    PROJECTS,
    SMS_ERROR_WEIGHTS,
    WEEKDAY_OPEN,
    WEEKDAY_VOLUME,
    CampaignPlan,
)

__all__ = [
    "Application",
    "Campaign",
    "CampaignActivity",
    "Journey",
    "JourneyActivity",
    "World",
    "build_world",
]

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
HISTORY_DAYS = 100
"""Days of history before the anchor day (the service keeps 90)."""
FUTURE_DAYS = 7
"""Days of schedule after the anchor day, so a system clock that passes midnight still has data."""


# --------------------------------------------------------------------------------------------
# The object model


@dataclass(frozen=True)
class CampaignActivity:
    """One run of a campaign (a ``CampaignActivityId`` in KPI answers).

    Attributes
    ----------
    id : str
        32-character lowercase hex id.
    campaign_id, application_id : str
        The campaign and project it belongs to.
    start, end : datetime
        When the run started and ended (aware, UTC).
    send_days : tuple of date
        The UTC days on which it sent messages.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> run = build_world(0).applications[0].campaigns[0].activities[0]
    >>> len(run.id), run.start.tzname()
    (32, 'UTC')
    """

    id: str
    campaign_id: str
    application_id: str
    start: dt.datetime
    end: dt.datetime
    send_days: tuple[dt.date, ...]


@dataclass(frozen=True)
class Campaign:
    """A campaign: one channel, a schedule, and its runs.

    Attributes
    ----------
    id, name : str
        The campaign id (32 hex characters) and its human name.
    channel : {"EMAIL", "SMS", "PUSH"}
        The channel it sends on.
    frequency : {"ONCE", "WEEKLY", "EVENT"}
        One-off blast, weekly sends, or sends triggered by events (with one run per week).
    application_id : str
        The project it belongs to.
    start : datetime
        When the campaign started (aware, UTC); there is no data before that day.
    audience : int
        The number of distinct endpoints it can reach (the ``N`` of unique counts).
    activities : tuple of CampaignActivity
        Its runs, oldest first.
    segment_id : str
        The segment it targets.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> campaign = build_world(0).applications[0].campaigns[0]
    >>> campaign.name, campaign.channel
    ('Spring Sale Email', 'EMAIL')
    """

    id: str
    name: str
    channel: str
    frequency: str
    application_id: str
    start: dt.datetime
    audience: int
    activities: tuple[CampaignActivity, ...]
    segment_id: str
    description: str = ""

    @property
    def arn(self) -> str:
        """The campaign's ARN."""
        return (
            f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT_ID}:apps/{self.application_id}"
            f"/campaigns/{self.id}"
        )


@dataclass(frozen=True)
class JourneyActivity:
    """One step of a journey (a ``JourneyActivityId`` in KPI answers, for EMAIL steps).

    Attributes
    ----------
    id : str
        32-character lowercase hex id.
    kind : {"EMAIL", "WAIT"}
        Only EMAIL steps send, so only they have data.
    description : str
        The step's description.
    next_activity : str or None
        The id of the following step.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> steps = build_world(0).applications[0].journeys[0].activities
    >>> [s.kind for s in steps]
    ['EMAIL', 'WAIT', 'EMAIL', 'WAIT', 'EMAIL']
    """

    id: str
    kind: str
    description: str
    next_activity: str | None


@dataclass(frozen=True)
class Journey:
    """A journey: a chain of email and wait steps.

    Attributes
    ----------
    id, name, application_id : str
        Its id, human name and project.
    start : datetime
        When it started (aware, UTC).
    activities : tuple of JourneyActivity
        Its steps, in order.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> journey = build_world(0).applications[0].journeys[0]
    >>> journey.name, len(journey.activity_ids)
    ('Onboarding Journey', 3)
    """

    id: str
    name: str
    application_id: str
    start: dt.datetime
    activities: tuple[JourneyActivity, ...]

    @property
    def activity_ids(self) -> tuple[str, ...]:
        """The ids of the EMAIL steps: the ``JourneyActivityId`` values of its KPI answers."""
        return tuple(a.id for a in self.activities if a.kind == "EMAIL")


@dataclass(frozen=True)
class Application:
    """A Pinpoint project (application) and everything in it.

    Attributes
    ----------
    id, name : str
        The project id (32 hex characters) and name.
    campaigns : tuple of Campaign
        Its campaigns, in listing order.
    journeys : tuple of Journey
        Its journeys.
    audience : int
        Distinct endpoints in the project (the ``N`` of project-wide unique deliveries).
    created : datetime
        Its creation date.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> app = build_world(0).applications[0]
    >>> app.name, len(app.campaigns), app.campaign("Cart Reminder SMS").channel
    ('Acme Retail', 12, 'SMS')
    """

    id: str
    name: str
    campaigns: tuple[Campaign, ...]
    journeys: tuple[Journey, ...]
    audience: int
    created: dt.datetime
    txn_audience: int = 0
    countries: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        """The project's ARN."""
        return f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT_ID}:apps/{self.id}"

    def campaign(self, key: str) -> Campaign:
        """The campaign with this id or name (``KeyError`` if none)."""
        for campaign in self.campaigns:
            if key in (campaign.id, campaign.name):
                return campaign
        raise KeyError(key)

    def journey(self, key: str) -> Journey:
        """The journey with this id or name (``KeyError`` if none)."""
        for journey in self.journeys:
            if key in (journey.id, journey.name):
                return journey
        raise KeyError(key)


# One sending slot of one day: (label, volume, rates, counter maker).
_Slot = tuple[str, int, tuple[float, ...], Callable[[int, tuple[float, ...]], Counters]]


@dataclass
class World:
    """The emulator's whole dataset: projects, and the daily base counters of everything in them.

    Build one with :func:`build_world`. The first application is the main sample.

    Attributes
    ----------
    seed : int
        The seed it was built from.
    anchor : date
        The day it is laid out around (the clock's date when the emulator started).
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

    seed: int
    anchor: dt.date
    applications: tuple[Application, ...] = ()
    _slots: dict[str, dict[dt.date, list[_Slot]]] = field(default_factory=dict, repr=False)
    _cache: dict[tuple[str, dt.date, int], list[tuple[str, Counters]]] = field(
        default_factory=dict, repr=False
    )

    def application(self, key: str) -> Application:
        """The application with this id or name (``KeyError`` if none)."""
        for app in self.applications:
            if key in (app.id, app.name):
                return app
        raise KeyError(key)

    def counters(self, key: str, day: dt.date, fraction: float = 1.0) -> list[tuple[str, Counters]]:
        """The base counters of one entity on one day, one entry per sending slot.

        Parameters
        ----------
        key : str
            A campaign id, a journey id, ``"<application id>/txn-email"`` or
            ``"<application id>/txn-sms"``.
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
        >>> [(label, c["sent"] > 0) for label, c in world.counters(f"{app.id}/txn-email",
        ...                                                         world.anchor)]
        [('', True)]
        """
        slots = self._slots.get(key, {}).get(day)
        if not slots:
            return []
        # Quantise the fraction so a system clock does not grow the cache without bound.
        permille = max(0, min(1000, round(fraction * 1000)))
        cache_key = (key, day, permille)
        found = self._cache.get(cache_key)
        if found is not None:
            return found
        out = []
        for label, volume, rates, make in slots:
            scaled = volume if permille == 1000 else round(volume * permille / 1000)
            if scaled > 0:
                out.append((label, make(scaled, rates)))
        self._cache[cache_key] = out
        return out


# --------------------------------------------------------------------------------------------
# Building


def _hex_id(seed: int, *parts: object) -> str:
    return hashlib.md5("|".join(map(str, (seed, *parts))).encode()).hexdigest()


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("|".join(map(str, (seed, *parts))))


def _at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=16)
def build_world(
    seed: int = 0, anchor: dt.date | None = None, campaigns_per_project: int = 12
) -> World:
    """Build the deterministic world for a seed.

    Parameters
    ----------
    seed : int
        Same seed, same anchor, same world: ids, names, schedules and every counter.
    anchor : date, optional
        The day the world is laid out around (campaign starts are so many days before it);
        the emulator passes its clock's date. Default: the date of :data:`DEFAULT_NOW`.
    campaigns_per_project : int
        Campaigns in the main sample (``Acme Retail``); ``Acme Bank`` has at most 5.

    Returns
    -------
    World
        Cached: the same arguments give the same (read-only) object.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(seed=0)
    >>> app = world.applications[0]
    >>> app.name, [c.name for c in app.campaigns][:3]
    ('Acme Retail', ['Spring Sale Email', 'Cart Reminder SMS', 'App Re-engagement Push'])
    >>> build_world(seed=0).applications[0].id == app.id
    True
    """
    if campaigns_per_project < 0:
        raise ValueError("campaigns_per_project must be >= 0")
    anchor = DEFAULT_NOW.date() if anchor is None else anchor
    world = World(seed=seed, anchor=anchor)
    apps = []
    for p_index, (name, plans, journeys, audience, txn_volume, txn_audience, sms) in enumerate(
        PROJECTS
    ):
        app_id = _hex_id(seed, "app", name)
        count = campaigns_per_project if p_index == 0 else min(len(plans), campaigns_per_project)
        chosen = [_plan_for(plans, i, seed) for i in range(count)] if plans else []
        campaigns = tuple(_build_campaign(world, app_id, plan) for plan in chosen)
        built_journeys = tuple(_build_journey(world, app_id, *j) for j in journeys)
        if txn_volume:
            _build_txn_email(world, app_id, txn_volume)
        if sms:
            _build_txn_sms(world, app_id, sms)
        apps.append(
            Application(
                id=app_id,
                name=name,
                campaigns=campaigns,
                journeys=built_journeys,
                audience=audience,
                created=_at(anchor - dt.timedelta(days=HISTORY_DAYS + 265 + 30 * p_index), 9),
                txn_audience=txn_audience,
                countries=tuple(sms),
            )
        )
    world.applications = tuple(apps)
    return world


def _plan_for(plans: tuple[CampaignPlan, ...], index: int, seed: int) -> CampaignPlan:
    if index < len(plans):
        return plans[index]
    # Beyond the hand-written sample: generic event campaigns, channels in turn.
    rng = _rng(seed, "extra-plan", index)
    channel = ("EMAIL", "SMS", "PUSH")[index % 3]
    theme = EXTRA_THEMES[(index - len(plans)) % len(EXTRA_THEMES)]
    cycle = (index - len(plans)) // len(EXTRA_THEMES)
    name = f"{theme} {CHANNEL_SUFFIX[channel]}" + (f" {cycle + 1}" if cycle else "")
    return CampaignPlan(
        name,
        channel,
        "EVENT",
        start_offset=rng.randint(10, 100),
        volume=rng.randint(200, 3_000),
        audience=rng.randint(20_000, 60_000),
        delivery={"EMAIL": 0.975, "SMS": 0.96, "PUSH": 0.88}[channel],
        open_rate={"EMAIL": rng.uniform(0.14, 0.30), "SMS": 0.0, "PUSH": rng.uniform(0.03, 0.09)}[
            channel
        ],
        ctr={"EMAIL": rng.uniform(0.08, 0.2), "SMS": rng.uniform(0.03, 0.08), "PUSH": 0.0}[channel],
        volume_trend=rng.uniform(-0.1, 0.1),
    )


def _send_schedule(
    plan: CampaignPlan, start: dt.date, last: dt.date
) -> list[tuple[dt.datetime, dict]]:
    """The runs of a campaign: (start instant, {send day: share of the run's volume})."""
    runs: list[tuple[dt.datetime, dict]] = []
    if plan.frequency == "ONCE":
        shares = (0.72, 0.20, 0.08)
        runs.append((_at(start, 10), {start + dt.timedelta(d): s for d, s in enumerate(shares)}))
    elif plan.frequency == "WEEKLY":
        day = start + dt.timedelta((plan.send_weekday - start.weekday()) % 7)
        while day <= last:
            runs.append((_at(day, 9), {day: 0.86, day + dt.timedelta(1): 0.14}))
            day += dt.timedelta(7)
    else:  # EVENT: sends every day; one run per ISO week, the first one from the start day
        day = start
        while day <= last:
            week_end = day + dt.timedelta(6 - day.weekday())
            days = {day + dt.timedelta(d): 1.0 for d in range((week_end - day).days + 1)}
            runs.append((_at(day), days))
            day = week_end + dt.timedelta(1)
    return runs


def _build_campaign(world: World, app_id: str, plan: CampaignPlan) -> Campaign:
    seed, anchor = world.seed, world.anchor
    campaign_id = _hex_id(seed, "campaign", app_id, plan.name)
    jitter = _rng(seed, "campaign", campaign_id)
    # Small seeded differences between seeds, too small to change the sample's story.
    open_base = plan.open_rate * (1 + jitter.uniform(-0.02, 0.02))
    ctr_base = plan.ctr * (1 + jitter.uniform(-0.05, 0.05))
    start_day = anchor - dt.timedelta(days=plan.start_offset)
    last_day = anchor + dt.timedelta(days=FUTURE_DAYS)
    price, parts, _ = COUNTRIES["US"]
    make = CAMPAIGN_COUNTERS[plan.channel]
    slots = world._slots.setdefault(campaign_id, {})
    activities = []
    for index, (run_start, shares) in enumerate(_send_schedule(plan, start_day, last_day)):
        activity_id = _hex_id(seed, "activity", campaign_id, index)
        run_volume = plan.volume * _trend(plan.volume_trend, run_start.date(), anchor)
        run_volume *= math.exp(_rng(seed, "run", activity_id).gauss(0, 0.05))
        for day, share in shares.items():
            rng = _rng(seed, "day", campaign_id, day)
            volume = run_volume * share
            if plan.frequency == "EVENT":
                volume *= WEEKDAY_VOLUME[day.weekday()] * math.exp(rng.gauss(0, 0.08))
            trend = _trend(plan.rate_trend, day, anchor)
            rates = (
                _clip(plan.delivery + rng.gauss(0, 0.003), 0.5, 0.999),
                0.4,
                _clip(open_base * trend * WEEKDAY_OPEN[day.weekday()] * (1 + rng.gauss(0, 0.04))),
                _clip(ctr_base * (1 + rng.gauss(0, 0.06))),
                plan.dup,
                float(price),
                parts,
            )
            slots.setdefault(day, []).append((activity_id, round(volume), rates, make))
        days = tuple(sorted(shares))
        activities.append(
            CampaignActivity(
                id=activity_id,
                campaign_id=campaign_id,
                application_id=app_id,
                start=run_start,
                end=_at(days[-1]) + dt.timedelta(hours=23, minutes=59, seconds=59),
                send_days=days,
            )
        )
    return Campaign(
        id=campaign_id,
        name=plan.name,
        channel=plan.channel,
        frequency=plan.frequency,
        application_id=app_id,
        start=_at(start_day) if plan.frequency == "EVENT" else activities[0].start,
        audience=plan.audience,
        activities=tuple(activities),
        segment_id=_hex_id(seed, "segment", campaign_id),
        description=plan.description,
    )


def _build_journey(
    world: World, app_id: str, name: str, start_offset: int, steps: list[tuple[str, int]]
) -> Journey:
    seed, anchor = world.seed, world.anchor
    journey_id = _hex_id(seed, "journey", app_id, name)
    start_day = anchor - dt.timedelta(days=start_offset)
    ids = [_hex_id(seed, "journey-activity", journey_id, i) for i in range(2 * len(steps) - 1)]
    activities = []
    for i, activity_id in enumerate(ids):
        next_id = ids[i + 1] if i + 1 < len(ids) else None
        if i % 2 == 0:
            activities.append(JourneyActivity(activity_id, "EMAIL", steps[i // 2][0], next_id))
        else:
            activities.append(JourneyActivity(activity_id, "WAIT", "Wait 2 days", next_id))
    slots = world._slots.setdefault(journey_id, {})
    quality = _rng(seed, "journey", journey_id)
    open_base = quality.uniform(0.2, 0.38)
    for step, (activity, (_, volume)) in enumerate(
        zip(activities[::2], steps, strict=True)
    ):  # each email step starts two days after the previous one
        first = start_day + dt.timedelta(days=2 * step)
        day = first
        while day <= anchor + dt.timedelta(days=FUTURE_DAYS):
            rng = _rng(seed, "journey-day", activity.id, day)
            v = volume * WEEKDAY_VOLUME[day.weekday()] * math.exp(rng.gauss(0, 0.09))
            rates = (
                _clip(0.968 + rng.gauss(0, 0.004), 0.5, 0.999),
                _clip(0.004 + rng.gauss(0, 0.001), 0.0, 0.05),
                0.45,
                _clip(open_base * (1 - 0.08 * step) * (1 + rng.gauss(0, 0.05))),
                _clip(0.17 + rng.gauss(0, 0.015)),
                rng.random(),
            )
            slots.setdefault(day, []).append((activity.id, round(v), rates, journey_email))
            day += dt.timedelta(days=1)
    return Journey(journey_id, name, app_id, _at(start_day, 8), tuple(activities))


def _build_txn_email(world: World, app_id: str, volume: int) -> None:
    seed, anchor = world.seed, world.anchor
    slots = world._slots.setdefault(f"{app_id}/txn-email", {})
    for offset in range(-HISTORY_DAYS, FUTURE_DAYS + 1):
        day = anchor + dt.timedelta(days=offset)
        rng = _rng(seed, "txn-email", app_id, day)
        v = volume * WEEKDAY_VOLUME[day.weekday()] * _trend(0.06, day, anchor)
        v *= math.exp(rng.gauss(0, 0.06))
        rates = (
            _clip(0.982 + rng.gauss(0, 0.003), 0.5, 0.999),
            0.35,
            _clip(0.46 + rng.gauss(0, 0.02)),
            _clip(0.11 + rng.gauss(0, 0.01)),
            _clip(0.0003 + rng.gauss(0, 0.0001), 0.0, 0.01),
        )
        slots[day] = [("", round(v), rates, txn_email)]


def _build_txn_sms(world: World, app_id: str, per_country: dict[str, int]) -> None:
    seed, anchor = world.seed, world.anchor
    slots = world._slots.setdefault(f"{app_id}/txn-sms", {})
    for offset in range(-HISTORY_DAYS, FUTURE_DAYS + 1):
        day = anchor + dt.timedelta(days=offset)
        day_slots = []
        for country, volume in per_country.items():
            price, parts, delivery = COUNTRIES[country]
            rng = _rng(seed, "txn-sms", app_id, country, day)
            v = volume * WEEKDAY_VOLUME[day.weekday()] * math.exp(rng.gauss(0, 0.07))
            weights = [w * math.exp(rng.gauss(0, 0.2)) for w in SMS_ERROR_WEIGHTS]
            total = sum(weights)
            rates = (
                float(price),
                parts * (1 + rng.gauss(0, 0.01)),
                _clip(delivery + rng.gauss(0, 0.004), 0.5, 0.999),
                *(w / total for w in weights),
            )
            day_slots.append((country, round(v), rates, txn_sms))
        slots[day] = day_slots


def _trend(per_30_days: float, day: dt.date, anchor: dt.date) -> float:
    return max(0.05, 1 + per_30_days * (day - anchor).days / 30)


def _clip(value: float, low: float = 0.0, high: float = 0.95) -> float:
    return min(high, max(low, value))
