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

__all__ = [
    "COUNTRIES",
    "SMS_ERROR_CODES",
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

# Day-of-week volume factors, Monday first: weekday peaks, weekend dips.
_WEEKDAY = (1.08, 1.12, 1.10, 1.05, 0.98, 0.80, 0.86)
_WEEKDAY_OPEN = (0.98, 1.00, 1.01, 1.00, 0.97, 1.05, 1.06)

SMS_ERROR_CODES = (
    "UNREACHABLE",
    "CARRIER_UNREACHABLE",
    "INVALID",
    "BLOCKED",
    "CARRIER_BLOCKED",
    "OPTED_OUT",
    "TTL_EXPIRED",
)
"""Error codes of failed SMS (record statuses of SMS events; the KPI's codes are unverified)."""
_SMS_ERROR_WEIGHTS = (0.30, 0.18, 0.16, 0.10, 0.09, 0.11, 0.06)

COUNTRIES = {
    # ISO code: (price per message part in thousandths of a US cent, mean parts per message,
    #            delivery rate)
    "US": (581, 1.18, 0.968),
    "CA": (375, 1.15, 0.972),
    "GB": (4630, 1.22, 0.975),
    "DE": (8580, 1.31, 0.979),
    "FR": (7290, 1.27, 0.971),
    "IN": (278, 1.44, 0.902),
    "BR": (2760, 1.36, 0.918),
    "AU": (4170, 1.12, 0.977),
    "MX": (2150, 1.29, 0.931),
}
"""Countries with transactional SMS traffic, and how messages there behave."""


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


Counters = dict[str, int]
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
# Counter makers: pure functions of (volume, rates), monotone in volume, so a partial day
# (a smaller volume) never has more of anything than the full day.


def _email_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    delivery, hard_share, open_rate, ctr, dup, _, _ = rates
    delivered = round(volume * delivery)
    hard = min(round(volume * (1 - delivery) * hard_share), volume - delivered)
    direct_opens = round(delivered * open_rate)
    unique = round(delivered * (1 - dup))
    return {
        "attempted": volume,
        "delivered": delivered,
        "hard_bounces": hard,
        "soft_bounces": volume - delivered - hard,
        "email_attempted": volume,
        "email_delivered": delivered,
        "direct_email_opens": direct_opens,
        "opens": round(direct_opens * 1.35),
        "clicks": round(direct_opens * ctr),
        "complaints": round(delivered * 0.0004),
        "unsubscribes": round(delivered * 0.0031),
        "unique_deliveries": unique,
        "push_delivered": 0,
        "direct_push_opens": 0,
        "sms_spend": 0,
    }


def _sms_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    delivery, _, _, ctr, dup, price, parts = rates
    delivered = round(volume * delivery)
    return {
        "attempted": volume,
        "delivered": delivered,
        "hard_bounces": 0,
        "soft_bounces": 0,
        "email_attempted": 0,
        "email_delivered": 0,
        "direct_email_opens": 0,
        "opens": 0,
        "clicks": round(delivered * ctr),
        "complaints": 0,
        "unsubscribes": round(delivered * 0.0052),
        "unique_deliveries": round(delivered * (1 - dup)),
        "push_delivered": 0,
        "direct_push_opens": 0,
        "sms_spend": round(volume * parts * price),
    }


def _push_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    delivery, _, open_rate, _, dup, _, _ = rates
    delivered = round(volume * delivery)
    return {
        "attempted": volume,
        "delivered": delivered,
        "hard_bounces": 0,
        "soft_bounces": 0,
        "email_attempted": 0,
        "email_delivered": 0,
        "direct_email_opens": 0,
        "opens": 0,
        "clicks": 0,
        "complaints": 0,
        "unsubscribes": 0,
        "unique_deliveries": round(delivered * (1 - dup)),
        "push_delivered": delivered,
        "direct_push_opens": round(delivered * open_rate),
        "sms_spend": 0,
    }


_CAMPAIGN_MAKERS = {"EMAIL": _email_campaign, "SMS": _sms_campaign, "PUSH": _push_campaign}


def _journey_email(volume: int, rates: tuple[float, ...]) -> Counters:
    delivery, reject, hard_share, open_rate, ctr, dither = rates
    delivered = round(volume * delivery)
    rejected = min(round(volume * reject), volume - delivered)
    hard = min(round((volume - delivered - rejected) * hard_share), volume - delivered - rejected)
    opened = round(delivered * open_rate)
    return {
        "sent": volume,
        "delivered": delivered,
        "rejected": rejected,
        "hardbounced": hard,
        "softbounced": volume - delivered - rejected - hard,
        "opened": opened,
        "clicked": round(opened * ctr),
        "complained": _rare(delivered * 0.0009, dither),
        "unsubscribed": _rare(delivered * 0.0042, dither),
    }


def _txn_email(volume: int, rates: tuple[float, ...]) -> Counters:
    delivery, hard_share, open_rate, ctr, complaint = rates
    delivered = round(volume * delivery)
    hard = min(round(volume * (1 - delivery) * hard_share), volume - delivered)
    unique_opens = round(delivered * open_rate)
    unique_clicks = round(unique_opens * ctr)
    return {
        "sent": volume,
        "delivered": delivered,
        "hard_bounced": hard,
        "soft_bounced": volume - delivered - hard,
        "complaints": round(delivered * complaint),
        "opened": round(unique_opens * 1.42),
        "unique_opens": unique_opens,
        "clicked": round(unique_clicks * 1.27),
        "unique_clicks": unique_clicks,
    }


def _txn_sms(volume: int, rates: tuple[float, ...]) -> Counters:
    price, parts, delivery, *weights = rates
    delivered = round(volume * delivery)
    parts_sent = round(volume * parts)
    out = {
        "sent": volume,
        "delivered": delivered,
        "parts_sent": parts_sent,
        "parts_delivered": min(parts_sent, round(delivered * parts)),
        "price": round(parts_sent * price),
    }
    out.update(_split(volume - delivered, weights, SMS_ERROR_CODES))
    return out


def _rare(expected: float, dither: float) -> int:
    """A small count: ``expected`` rounded up or down by a fixed per-day dither in [0, 1).

    Plain rounding would turn a rare event (0.4 complaints a day) into zero every day; this keeps
    its mean, and stays monotone in ``expected`` (a partial day never has more).
    """
    return math.floor(expected + dither)


def _split(total: int, weights: list[float], names: tuple[str, ...]) -> Counters:
    """Split ``total`` by ``weights`` into integers (largest remainder), keyed ``error:NAME``."""
    raw = [total * w for w in weights]
    parts = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return {f"error:{name}": n for name, n in zip(names, parts, strict=True)}


# --------------------------------------------------------------------------------------------
# The sample's content


@dataclass(frozen=True)
class _Plan:
    """How one campaign behaves. Volumes are per day (EVENT) or per send (WEEKLY, ONCE)."""

    name: str
    channel: str
    frequency: str
    start_offset: int  # days before the anchor
    volume: int
    audience: int
    delivery: float
    open_rate: float = 0.0  # direct opens / delivered (email, push)
    ctr: float = 0.0  # clicks / direct opens (email), clicks / delivered (SMS)
    volume_trend: float = 0.0  # relative change per 30 days
    rate_trend: float = 0.0
    send_weekday: int = 1  # WEEKLY: Monday = 0
    dup: float = 0.0  # share of a day's deliveries that reach an endpoint twice
    description: str = ""


_RETAIL = (
    _Plan("Spring Sale Email", "EMAIL", "ONCE", 45, 48_000, 52_000, 0.972, 0.22, 0.16,
          description="Seasonal sale announcement to all subscribers"),
    _Plan("Cart Reminder SMS", "SMS", "EVENT", 100, 900, 40_000, 0.962, ctr=0.09,
          volume_trend=0.15, dup=0.02, description="Sent 3 hours after a cart is abandoned"),
    _Plan("App Re-engagement Push", "PUSH", "EVENT", 100, 2_500, 60_000, 0.874, 0.045,
          volume_trend=-0.05, dup=0.01, description="Users inactive for 14 days"),
    _Plan("Weekly Newsletter Email", "EMAIL", "WEEKLY", 100, 26_000, 30_000, 0.968, 0.19, 0.11,
          rate_trend=-0.06, send_weekday=1, description="Tuesday newsletter"),
    _Plan("Welcome Series Email", "EMAIL", "EVENT", 100, 450, 25_000, 0.985, 0.35, 0.24,
          volume_trend=0.04, description="First email after sign-up"),
    _Plan("Flash Deal SMS", "SMS", "WEEKLY", 100, 12_000, 15_000, 0.955, ctr=0.06,
          send_weekday=4, description="Friday flash deals"),
    _Plan("Price Drop Push", "PUSH", "EVENT", 60, 1_200, 35_000, 0.889, 0.081, dup=0.03,
          description="A wish-listed item got cheaper"),
    _Plan("Back in Stock Email", "EMAIL", "EVENT", 100, 700, 28_000, 0.979, 0.27, 0.21,
          description="A wish-listed item is available again"),
    _Plan("Loyalty Rewards Email", "EMAIL", "EVENT", 20, 650, 22_000, 0.981, 0.265, 0.19,
          description="Monthly points statement (started mid-window)"),
    _Plan("Store Event SMS", "SMS", "ONCE", 12, 9_000, 9_500, 0.958, ctr=0.05,
          description="In-store event invitation, local customers"),
    _Plan("New Arrivals Push", "PUSH", "WEEKLY", 100, 30_000, 45_000, 0.881, 0.06,
          send_weekday=3, description="Thursday new arrivals"),
    _Plan("Black Friday Teaser Email", "EMAIL", "ONCE", 5, 55_000, 60_000, 0.961, 0.12, 0.09,
          description="Early access teaser"),
)  # fmt: skip

_BANK = (
    _Plan("Card Activation Email", "EMAIL", "EVENT", 100, 380, 18_000, 0.988, 0.31, 0.28,
          description="New card not yet activated"),
    _Plan("Payment Reminder SMS", "SMS", "EVENT", 100, 1_600, 30_000, 0.971, ctr=0.04,
          dup=0.01, description="Card payment due in 3 days"),
    _Plan("Savings Tips Email", "EMAIL", "WEEKLY", 100, 14_000, 16_000, 0.976, 0.16, 0.08,
          send_weekday=0, rate_trend=-0.04, description="Monday savings tips"),
    _Plan("Fraud Awareness Push", "PUSH", "ONCE", 30, 22_000, 24_000, 0.902, 0.11,
          description="Phishing awareness notice"),
    _Plan("Mortgage Offer Email", "EMAIL", "ONCE", 16, 12_500, 13_000, 0.974, 0.14, 0.07,
          description="Fixed-rate mortgage offer"),
)  # fmt: skip

_CHANNEL_SUFFIX = {"EMAIL": "Email", "SMS": "SMS", "PUSH": "Push"}
_EXTRA_THEMES = (
    "Birthday Offer", "Referral Bonus", "Survey Invite", "Wishlist Digest", "Seasonal Picks",
    "VIP Preview", "Clearance", "Gift Guide", "Restock Alert", "Member Perks",
)  # fmt: skip

# (journey name, start offset, [(email step description, daily volume)])
_RETAIL_JOURNEYS = (
    ("Onboarding Journey", 100, [("Welcome", 620), ("Getting started tips", 480),
                                 ("First purchase offer", 350)]),
    ("Win-back Journey", 70, [("We miss you", 900), ("Last chance discount", 560)]),
    ("Post-purchase Journey", 100, [("Thank you", 1_400), ("Review request", 1_100)]),
)  # fmt: skip
_BANK_JOURNEYS = (
    ("Account Opening Journey", 100, [("Welcome to Acme Bank", 240),
                                      ("Set up online banking", 190)]),
    ("Dormant Account Journey", 40, [("Your account misses you", 310),
                                     ("Keep your account open", 200)]),
)  # fmt: skip

# (project, campaign plans, journeys, audience, txn email per day, txn audience,
#  {country: txn SMS per day})
_PROJECTS = (
    ("Acme Retail", _RETAIL, _RETAIL_JOURNEYS, 150_000, 6_200, 120_000,
     {"US": 1_800, "CA": 260, "GB": 420, "DE": 230, "FR": 160, "IN": 610, "BR": 300, "AU": 120}),
    ("Acme Bank", _BANK, _BANK_JOURNEYS, 80_000, 3_400, 70_000,
     {"US": 5_200, "GB": 900, "MX": 430}),
    ("Acme Sandbox", (), (), 0, 0, 0, {}),
)  # fmt: skip


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
    for p_index, (name, plans, journeys, audience, txn_email, txn_audience, sms) in enumerate(
        _PROJECTS
    ):
        app_id = _hex_id(seed, "app", name)
        count = campaigns_per_project if p_index == 0 else min(len(plans), campaigns_per_project)
        chosen = [_plan_for(plans, i, seed) for i in range(count)] if plans else []
        campaigns = tuple(_build_campaign(world, app_id, plan) for plan in chosen)
        built_journeys = tuple(_build_journey(world, app_id, *j) for j in journeys)
        if txn_email:
            _build_txn_email(world, app_id, txn_email)
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


def _plan_for(plans: tuple[_Plan, ...], index: int, seed: int) -> _Plan:
    if index < len(plans):
        return plans[index]
    # Beyond the hand-written sample: generic event campaigns, channels in turn.
    rng = _rng(seed, "extra-plan", index)
    channel = ("EMAIL", "SMS", "PUSH")[index % 3]
    theme = _EXTRA_THEMES[(index - len(plans)) % len(_EXTRA_THEMES)]
    cycle = (index - len(plans)) // len(_EXTRA_THEMES)
    name = f"{theme} {_CHANNEL_SUFFIX[channel]}" + (f" {cycle + 1}" if cycle else "")
    return _Plan(
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


def _send_schedule(plan: _Plan, start: dt.date, last: dt.date) -> list[tuple[dt.datetime, dict]]:
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


def _build_campaign(world: World, app_id: str, plan: _Plan) -> Campaign:
    seed, anchor = world.seed, world.anchor
    campaign_id = _hex_id(seed, "campaign", app_id, plan.name)
    jitter = _rng(seed, "campaign", campaign_id)
    # Small seeded differences between seeds, too small to change the sample's story.
    open_base = plan.open_rate * (1 + jitter.uniform(-0.02, 0.02))
    ctr_base = plan.ctr * (1 + jitter.uniform(-0.05, 0.05))
    start_day = anchor - dt.timedelta(days=plan.start_offset)
    last_day = anchor + dt.timedelta(days=FUTURE_DAYS)
    price, parts, _ = COUNTRIES["US"]
    make = _CAMPAIGN_MAKERS[plan.channel]
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
                volume *= _WEEKDAY[day.weekday()] * math.exp(rng.gauss(0, 0.08))
            trend = _trend(plan.rate_trend, day, anchor)
            rates = (
                _clip(plan.delivery + rng.gauss(0, 0.003), 0.5, 0.999),
                0.4,
                _clip(open_base * trend * _WEEKDAY_OPEN[day.weekday()] * (1 + rng.gauss(0, 0.04))),
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
            v = volume * _WEEKDAY[day.weekday()] * math.exp(rng.gauss(0, 0.09))
            rates = (
                _clip(0.968 + rng.gauss(0, 0.004), 0.5, 0.999),
                _clip(0.004 + rng.gauss(0, 0.001), 0.0, 0.05),
                0.45,
                _clip(open_base * (1 - 0.08 * step) * (1 + rng.gauss(0, 0.05))),
                _clip(0.17 + rng.gauss(0, 0.015)),
                rng.random(),
            )
            slots.setdefault(day, []).append((activity.id, round(v), rates, _journey_email))
            day += dt.timedelta(days=1)
    return Journey(journey_id, name, app_id, _at(start_day, 8), tuple(activities))


def _build_txn_email(world: World, app_id: str, volume: int) -> None:
    seed, anchor = world.seed, world.anchor
    slots = world._slots.setdefault(f"{app_id}/txn-email", {})
    for offset in range(-HISTORY_DAYS, FUTURE_DAYS + 1):
        day = anchor + dt.timedelta(days=offset)
        rng = _rng(seed, "txn-email", app_id, day)
        v = volume * _WEEKDAY[day.weekday()] * _trend(0.06, day, anchor)
        v *= math.exp(rng.gauss(0, 0.06))
        rates = (
            _clip(0.982 + rng.gauss(0, 0.003), 0.5, 0.999),
            0.35,
            _clip(0.46 + rng.gauss(0, 0.02)),
            _clip(0.11 + rng.gauss(0, 0.01)),
            _clip(0.0003 + rng.gauss(0, 0.0001), 0.0, 0.01),
        )
        slots[day] = [("", round(v), rates, _txn_email)]


def _build_txn_sms(world: World, app_id: str, per_country: dict[str, int]) -> None:
    seed, anchor = world.seed, world.anchor
    slots = world._slots.setdefault(f"{app_id}/txn-sms", {})
    for offset in range(-HISTORY_DAYS, FUTURE_DAYS + 1):
        day = anchor + dt.timedelta(days=offset)
        day_slots = []
        for country, volume in per_country.items():
            price, parts, delivery = COUNTRIES[country]
            rng = _rng(seed, "txn-sms", app_id, country, day)
            v = volume * _WEEKDAY[day.weekday()] * math.exp(rng.gauss(0, 0.07))
            weights = [w * math.exp(rng.gauss(0, 0.2)) for w in _SMS_ERROR_WEIGHTS]
            total = sum(weights)
            rates = (
                float(price),
                parts * (1 + rng.gauss(0, 0.01)),
                _clip(delivery + rng.gauss(0, 0.004), 0.5, 0.999),
                *(w / total for w in weights),
            )
            day_slots.append((country, round(v), rates, _txn_sms))
        slots[day] = day_slots


def _trend(per_30_days: float, day: dt.date, anchor: dt.date) -> float:
    return max(0.05, 1 + per_30_days * (day - anchor).days / 30)


def _clip(value: float, low: float = 0.0, high: float = 0.95) -> float:
    return min(high, max(low, value))
