"""Laying out the world's traffic: the projects, their senders, and each sender's daily slots.

:func:`lay_out` turns the sample's plans (:mod:`.sample`) into the object model
(:mod:`.model`) and a :class:`Traffic`: for every sender (campaign, journey, a project's
transactional email and SMS) its :class:`~.audiences.Audience` and, per UTC day, its sending
slots, each a volume, the rates its counters are made with (:mod:`.counters`) and the audience
member its first message goes to. Everything derives from ``(seed, sender, day)`` and the
anchor day; ``scale`` multiplies every audience and every volume.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from .audiences import Audience
from .counters import CAMPAIGN_COUNTERS, Counters, journey_email, txn_email, txn_sms
from .model import Application, Campaign, CampaignActivity, Journey, JourneyActivity
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

__all__ = ["FUTURE_DAYS", "HISTORY_DAYS", "Sender", "Slot", "Traffic", "lay_out"]

HISTORY_DAYS = 100
"""Days of history before the anchor day (the service keeps 90)."""
FUTURE_DAYS = 7
"""Days of schedule after the anchor day, so a system clock that passes midnight still has data."""


class Slot(NamedTuple):
    """One sending slot of one day: who sent, how much, at which rates, from which member."""

    label: str
    volume: int
    rates: tuple[float, ...]
    make: Callable[[int, tuple[float, ...]], Counters]
    start: int


@dataclass(frozen=True)
class Sender:
    """What sends: its kind, project, id, channel and audience."""

    kind: str
    application_id: str
    sender_id: str | None
    channel: str
    audience: Audience


@dataclass
class Traffic:
    """Every sender of a world and its slots: ``slots[key][day]``, ``senders[key]``."""

    seed: int
    anchor: dt.date
    scale: float
    senders: dict[str, Sender] = field(default_factory=dict)
    slots: dict[str, dict[dt.date, list[Slot]]] = field(default_factory=dict)

    def add_sender(self, key: str, sender: Sender) -> dict[dt.date, list[Slot]]:
        """Register a sender; returns its (empty) slots by day, to fill."""
        self.senders[key] = sender
        return self.slots.setdefault(key, {})

    def volume(self, value: float) -> int:
        """A volume of the full-size world, scaled."""
        return round(value * self.scale)

    def audience(self, space: int, size: int, *parts: object) -> Audience:
        """A sender's audience: ``size`` (scaled) endpoints from a seeded position of the space."""
        size = max(1, min(space, round(size * self.scale)))
        return Audience(space, int(_uniform(self.seed, "audience", *parts) * space), size)


def lay_out(
    seed: int, anchor: dt.date, campaigns_per_project: int, scale: float
) -> tuple[tuple[Application, ...], Traffic]:
    """The projects of the world and their traffic (arguments already validated).

    Examples
    --------
    >>> import datetime as dt
    >>> apps, traffic = lay_out(0, dt.date(2026, 10, 29), 12, 1.0)
    >>> [a.name for a in apps], traffic.senders[apps[0].campaigns[0].id].kind
    (['Acme Retail', 'Acme Bank', 'Acme Sandbox'], 'campaign')
    """
    traffic = Traffic(seed, anchor, scale)
    apps = []
    for p_index, (name, plans, journeys, audience, txn_volume, txn_audience, sms) in enumerate(
        PROJECTS
    ):
        app_id = _hex_id(seed, "app", name)
        space = round(audience * scale)
        count = campaigns_per_project if p_index == 0 else min(len(plans), campaigns_per_project)
        chosen = [_plan_for(plans, i, seed) for i in range(count)] if plans else []
        campaigns = tuple(_build_campaign(traffic, app_id, space, plan) for plan in chosen)
        built_journeys = tuple(_build_journey(traffic, app_id, space, *j) for j in journeys)
        txn = traffic.audience(space, txn_audience, app_id, "txn-email") if txn_volume else None
        if txn is not None:
            _build_txn_email(traffic, app_id, txn, txn_volume)
        if sms:
            _build_txn_sms(traffic, app_id, space, sms)
        apps.append(
            Application(
                id=app_id,
                name=name,
                campaigns=campaigns,
                journeys=built_journeys,
                audience=space,
                created=_at(anchor - dt.timedelta(days=HISTORY_DAYS + 265 + 30 * p_index), 9),
                txn_audience=txn.size if txn is not None else 0,
                countries=tuple(sms),
            )
        )
    return tuple(apps), traffic


def _hex_id(seed: int, *parts: object) -> str:
    return hashlib.md5("|".join(map(str, (seed, *parts))).encode()).hexdigest()


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("|".join(map(str, (seed, *parts))))


def _uniform(seed: int, *parts: object) -> float:
    """A seeded number in [0, 1): one hash, far cheaper than seeding a generator."""
    digest = hashlib.md5("|".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:7]) / 2**56


def _start(traffic: Traffic, audience: Audience, *parts: object) -> int:
    """A seeded audience member for a slot's first message."""
    return int(_uniform(traffic.seed, "reach", *parts) * audience.size)


def _at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


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


def _build_campaign(traffic: Traffic, app_id: str, space: int, plan: CampaignPlan) -> Campaign:
    seed, anchor = traffic.seed, traffic.anchor
    campaign_id = _hex_id(seed, "campaign", app_id, plan.name)
    jitter = _rng(seed, "campaign", campaign_id)
    # Small seeded differences between seeds, too small to change the sample's story.
    open_base = plan.open_rate * (1 + jitter.uniform(-0.02, 0.02))
    ctr_base = plan.ctr * (1 + jitter.uniform(-0.05, 0.05))
    start_day = anchor - dt.timedelta(days=plan.start_offset)
    last_day = anchor + dt.timedelta(days=FUTURE_DAYS)
    price, parts, _ = COUNTRIES["US"]
    audience = traffic.audience(space, plan.audience, campaign_id)
    sender = Sender("campaign", app_id, campaign_id, plan.channel, audience)
    slots = traffic.add_sender(campaign_id, sender)
    make = CAMPAIGN_COUNTERS[plan.channel]
    activities = []
    for index, (run_start, shares) in enumerate(_send_schedule(plan, start_day, last_day)):
        activity_id = _hex_id(seed, "activity", campaign_id, index)
        run_volume = plan.volume * _trend(plan.volume_trend, run_start.date(), anchor)
        run_volume *= math.exp(_rng(seed, "run", activity_id).gauss(0, 0.05))
        # A run over several days goes on where the previous day stopped; event-triggered sends
        # (every day) reach whoever triggered them, from a seeded member each day.
        member = _start(traffic, audience, campaign_id, activity_id)
        for day, share in shares.items():
            rng = _rng(seed, "day", campaign_id, day)
            volume = run_volume * share
            if plan.frequency == "EVENT":
                volume *= WEEKDAY_VOLUME[day.weekday()] * math.exp(rng.gauss(0, 0.08))
                member = _start(traffic, audience, campaign_id, activity_id, day)
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
            scaled = traffic.volume(volume)
            slots.setdefault(day, []).append(Slot(activity_id, scaled, rates, make, member))
            member = (member + scaled) % audience.size
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
        audience=audience.size,
        activities=tuple(activities),
        segment_id=_hex_id(seed, "segment", campaign_id),
        description=plan.description,
    )


def _build_journey(
    traffic: Traffic,
    app_id: str,
    space: int,
    name: str,
    start_offset: int,
    steps: list[tuple[str, int]],
) -> Journey:
    seed, anchor = traffic.seed, traffic.anchor
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
    # Journeys draw on the whole project; each day's entrants are a seeded range of it.
    audience = traffic.audience(space, space, journey_id)
    slots = traffic.add_sender(journey_id, Sender("journey", app_id, journey_id, "EMAIL", audience))
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
            member = _start(traffic, audience, activity.id, day)
            slots.setdefault(day, []).append(
                Slot(activity.id, traffic.volume(v), rates, journey_email, member)
            )
            day += dt.timedelta(days=1)
    return Journey(journey_id, name, app_id, _at(start_day, 8), tuple(activities))


def _build_txn_email(traffic: Traffic, app_id: str, audience: Audience, volume: int) -> None:
    seed, anchor = traffic.seed, traffic.anchor
    key = f"{app_id}/txn-email"
    slots = traffic.add_sender(key, Sender("txn-email", app_id, None, "EMAIL", audience))
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
        member = _start(traffic, audience, key, day)
        slots[day] = [Slot("", traffic.volume(v), rates, txn_email, member)]


def _build_txn_sms(traffic: Traffic, app_id: str, space: int, per_country: dict[str, int]) -> None:
    seed, anchor = traffic.seed, traffic.anchor
    key = f"{app_id}/txn-sms"
    audience = traffic.audience(space, space, key)
    slots = traffic.add_sender(key, Sender("txn-sms", app_id, None, "SMS", audience))
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
            member = _start(traffic, audience, key, country, day)
            day_slots.append(Slot(country, traffic.volume(v), rates, txn_sms, member))
        slots[day] = day_slots


def _trend(per_30_days: float, day: dt.date, anchor: dt.date) -> float:
    return max(0.05, 1 + per_30_days * (day - anchor).days / 30)


def _clip(value: float, low: float = 0.0, high: float = 0.95) -> float:
    return min(high, max(low, value))
