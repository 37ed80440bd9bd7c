"""The sample's content: projects, campaigns, journeys, countries, and how their traffic behaves.

Edit here to change the story the sample tells (which campaign wins, which are too close to
call); :mod:`.world` turns these plans into dated, seeded counters.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BANK",
    "BANK_JOURNEYS",
    "CHANNEL_SUFFIX",
    "COUNTRIES",
    "EXTRA_THEMES",
    "PROJECTS",
    "RETAIL",
    "RETAIL_JOURNEYS",
    "SMS_ERROR_WEIGHTS",
    "WEEKDAY_OPEN",
    "WEEKDAY_VOLUME",
    "CampaignPlan",
    "ProjectPlan",
]

# Day-of-week volume factors, Monday first: weekday peaks, weekend dips.
WEEKDAY_VOLUME = (1.08, 1.12, 1.10, 1.05, 0.98, 0.80, 0.86)
WEEKDAY_OPEN = (0.98, 1.00, 1.01, 1.00, 0.97, 1.05, 1.06)
SMS_ERROR_WEIGHTS = (0.30, 0.18, 0.16, 0.10, 0.09, 0.11, 0.06)
"""Shares of failed SMS by error code, in the order of ``counters.SMS_ERROR_CODES``."""


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


@dataclass(frozen=True)
class CampaignPlan:
    """How one campaign behaves. Volumes are per day (EVENT) or per send (WEEKLY, ONCE).

    Rates are the values at the world's anchor day; ``*_trend`` change them linearly, per 30
    days, before it.

    Examples
    --------
    >>> plan = RETAIL[4]
    >>> plan.name, plan.frequency, plan.open_rate
    ('Welcome Series Email', 'EVENT', 0.35)
    """

    name: str
    channel: str
    frequency: str
    start_offset: int  # days before the anchor
    volume: int
    audience: int
    delivery: float
    open_rate: float = 0.0  # direct opens / delivered (email, push)
    ctr: float = 0.0  # clicks / direct opens (email); unused for SMS and push (no click events)
    volume_trend: float = 0.0  # relative change per 30 days
    rate_trend: float = 0.0
    send_weekday: int = 1  # WEEKLY: Monday = 0
    dup: float = 0.0  # share of a day's deliveries that reach an endpoint twice
    description: str = ""


RETAIL = (
    CampaignPlan("Spring Sale Email", "EMAIL", "ONCE", 45, 48_000, 52_000, 0.972, 0.22, 0.16,
        description="Seasonal sale announcement to all subscribers"),
    CampaignPlan("Cart Reminder SMS", "SMS", "EVENT", 100, 900, 40_000, 0.962, ctr=0.09,
        volume_trend=0.15, dup=0.02, description="Sent 3 hours after a cart is abandoned"),
    CampaignPlan("App Re-engagement Push", "PUSH", "EVENT", 100, 2_500, 60_000, 0.874, 0.045,
        volume_trend=-0.05, dup=0.01, description="Users inactive for 14 days"),
    CampaignPlan("Weekly Newsletter Email", "EMAIL", "WEEKLY", 100, 26_000, 30_000, 0.968, 0.19,
        0.11, rate_trend=-0.06, send_weekday=1, description="Tuesday newsletter"),
    CampaignPlan("Welcome Series Email", "EMAIL", "EVENT", 100, 450, 25_000, 0.985, 0.35, 0.24,
        volume_trend=0.04, description="First email after sign-up"),
    CampaignPlan("Flash Deal SMS", "SMS", "WEEKLY", 100, 12_000, 15_000, 0.955, ctr=0.06,
        send_weekday=4, description="Friday flash deals"),
    CampaignPlan("Price Drop Push", "PUSH", "EVENT", 60, 1_200, 35_000, 0.889, 0.081, dup=0.03,
        description="A wish-listed item got cheaper"),
    CampaignPlan("Back in Stock Email", "EMAIL", "EVENT", 100, 700, 28_000, 0.979, 0.27, 0.21,
        description="A wish-listed item is available again"),
    CampaignPlan("Loyalty Rewards Email", "EMAIL", "EVENT", 20, 650, 22_000, 0.981, 0.265, 0.19,
        description="Monthly points statement (started mid-window)"),
    CampaignPlan("Store Event SMS", "SMS", "ONCE", 12, 9_000, 9_500, 0.958, ctr=0.05,
        description="In-store event invitation, local customers"),
    CampaignPlan("New Arrivals Push", "PUSH", "WEEKLY", 100, 30_000, 45_000, 0.881, 0.06,
        send_weekday=3, description="Thursday new arrivals"),
    CampaignPlan("Black Friday Teaser Email", "EMAIL", "ONCE", 5, 55_000, 60_000, 0.961, 0.12, 0.09,
        description="Early access teaser"),
)  # fmt: skip

BANK = (
    CampaignPlan("Card Activation Email", "EMAIL", "EVENT", 100, 380, 18_000, 0.988, 0.31, 0.28,
        description="New card not yet activated"),
    CampaignPlan("Payment Reminder SMS", "SMS", "EVENT", 100, 1_600, 30_000, 0.971, ctr=0.04,
        dup=0.01, description="Card payment due in 3 days"),
    CampaignPlan("Savings Tips Email", "EMAIL", "WEEKLY", 100, 14_000, 16_000, 0.976, 0.16, 0.08,
        send_weekday=0, rate_trend=-0.04, description="Monday savings tips"),
    CampaignPlan("Fraud Awareness Push", "PUSH", "ONCE", 30, 22_000, 24_000, 0.902, 0.11,
        description="Phishing awareness notice"),
    CampaignPlan("Mortgage Offer Email", "EMAIL", "ONCE", 16, 12_500, 13_000, 0.974, 0.14, 0.07,
        description="Fixed-rate mortgage offer"),
)  # fmt: skip

CHANNEL_SUFFIX = {"EMAIL": "Email", "SMS": "SMS", "PUSH": "Push"}
EXTRA_THEMES = (
    "Birthday Offer", "Referral Bonus", "Survey Invite", "Wishlist Digest", "Seasonal Picks",
    "VIP Preview", "Clearance", "Gift Guide", "Restock Alert", "Member Perks",
)  # fmt: skip

# (journey name, start offset, [(email step description, daily volume)])
RETAIL_JOURNEYS = (
    ("Onboarding Journey", 100, [("Welcome", 620), ("Getting started tips", 480),
                               ("First purchase offer", 350)]),
    ("Win-back Journey", 70, [("We miss you", 900), ("Last chance discount", 560)]),
    ("Post-purchase Journey", 100, [("Thank you", 1_400), ("Review request", 1_100)]),
)  # fmt: skip
BANK_JOURNEYS = (
    ("Account Opening Journey", 100, [("Welcome to Acme Bank", 240),
                                    ("Set up online banking", 190)]),
    ("Dormant Account Journey", 40, [("Your account misses you", 310),
                                   ("Keep your account open", 200)]),
)  # fmt: skip

# (journey name, start offset, [(email step description, daily volume)])
JourneyPlan = tuple[str, int, list[tuple[str, int]]]
# (project, campaign plans, journeys, audience, txn email per day, txn audience,
#  {country: txn SMS per day})
ProjectPlan = tuple[
    str, tuple[CampaignPlan, ...], tuple[JourneyPlan, ...], int, int, int, dict[str, int]
]
PROJECTS: tuple[ProjectPlan, ...] = (
    ("Acme Retail", RETAIL, RETAIL_JOURNEYS, 150_000, 6_200, 120_000,
     {"US": 1_800, "CA": 260, "GB": 420, "DE": 230, "FR": 160, "IN": 610, "BR": 300, "AU": 120}),
    ("Acme Bank", BANK, BANK_JOURNEYS, 80_000, 3_400, 70_000,
     {"US": 5_200, "GB": 900, "MX": 430}),
    ("Acme Sandbox", (), (), 0, 0, 0, {}),
)  # fmt: skip
