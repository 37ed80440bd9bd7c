"""Daily base counters: pure functions of a day's volume and rates.

Each function turns ``(volume, rates)`` into the base counters of one sending slot of one day
(a campaign run, a journey activity, a project's transactional email, one country's
transactional SMS). They are monotone in ``volume``, so the clock's partial day (a scaled-down
volume) never has more of anything than the full day, and every derived count stays within its
parent (delivered <= attempted, opens <= delivered, unique <= total).
"""

from __future__ import annotations

import math

__all__ = [
    "CAMPAIGN_COUNTERS",
    "SMS_ERROR_CODES",
    "Counters",
    "email_campaign",
    "journey_email",
    "push_campaign",
    "sms_campaign",
    "txn_email",
    "txn_sms",
]

Counters = dict[str, int]

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


def email_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of an email campaign run on one day.

    ``rates`` is ``(delivery, hard-bounce share of failures, direct open rate, clicks per open,
    duplicate share, unused, unused)``: the same 7-tuple for every channel.

    Examples
    --------
    >>> c = email_campaign(1000, (0.97, 0.4, 0.25, 0.2, 0.0, 0.0, 0.0))
    >>> c["attempted"], c["delivered"], c["hard_bounces"], c["direct_email_opens"], c["clicks"]
    (1000, 970, 12, 242, 48)
    """
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


def sms_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of an SMS campaign run on one day (spend in thousandths of a US cent).

    Examples
    --------
    >>> c = sms_campaign(1000, (0.96, 0.0, 0.0, 0.09, 0.02, 581.0, 1.2))
    >>> c["delivered"], c["clicks"], c["unique_deliveries"], c["sms_spend"]
    (960, 0, 941, 697200)

    No clicks: Pinpoint tracks no link clicks for SMS (its event stream has no SMS click
    event), so an SMS campaign's ``clicks-grouped-by-campaign-activity`` has no rows.
    """
    delivery, _, _, _, dup, price, parts = rates
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
        "unsubscribes": round(delivered * 0.0052),
        "unique_deliveries": round(delivered * (1 - dup)),
        "push_delivered": 0,
        "direct_push_opens": 0,
        "sms_spend": round(volume * parts * price),
    }


def push_campaign(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of a push campaign run on one day.

    Examples
    --------
    >>> c = push_campaign(1000, (0.88, 0.0, 0.05, 0.0, 0.0, 0.0, 0.0))
    >>> c["push_delivered"], c["direct_push_opens"]
    (880, 44)
    """
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


CAMPAIGN_COUNTERS = {"EMAIL": email_campaign, "SMS": sms_campaign, "PUSH": push_campaign}


def journey_email(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of one journey email activity on one day.

    ``rates`` is ``(delivery, rejection, hard-bounce share of bounces, open rate, clicks per
    open, dither)``; the parts of ``sent`` add up.

    Examples
    --------
    >>> c = journey_email(1000, (0.97, 0.004, 0.45, 0.3, 0.17, 0.5))
    >>> c["sent"] == c["delivered"] + c["rejected"] + c["hardbounced"] + c["softbounced"]
    True
    """
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


def txn_email(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of a project's transactional email on one day.

    Examples
    --------
    >>> c = txn_email(1000, (0.98, 0.35, 0.46, 0.11, 0.0003))
    >>> c["unique_opens"] <= c["opened"], c["unique_clicks"] <= c["clicked"]
    (True, True)
    """
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


def txn_sms(volume: int, rates: tuple[float, ...]) -> Counters:
    """Counters of a project's transactional SMS to one country on one day.

    Failures are split by error code (``error:<CODE>`` keys); they add up to sent - delivered.

    Examples
    --------
    >>> weights = (0.3, 0.18, 0.16, 0.1, 0.09, 0.11, 0.06)
    >>> c = txn_sms(1000, (581.0, 1.2, 0.97, *weights))
    >>> sum(v for k, v in c.items() if k.startswith("error:")) == c["sent"] - c["delivered"]
    True
    """
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
