"""The records one sending slot of the emulator's world streams, message by message.

:func:`sending_records` turns a :class:`~.audiences.Sending` (a campaign run, journey activity,
transactional email or SMS country, on one day) into the event records Pinpoint would have
streamed for its messages, in the shapes of AWS's documented examples, consistent with the
slot's counters to the very endpoints the API counts. :mod:`.archive` writes them to objects.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .audiences import Sending
from .counters import SMS_ERROR_CODES

__all__ = ["sending_records"]

_DAY = 86_400_000
_HOUR = 3_600_000
_ACCOUNT = "123456789012"
_PUSH_TYPES = ("GCM", "APNS", "GCM", "APNS", "BAIDU")
_PUSH_FAILURES = ("FAILURE", "UNKNOWN", "THROTTLED", "FAILURE_PERMANENT", "TRANSIENT_FAILURE")
_NOT_ATTEMPTED = ("HOLDOUT", "QUIET_TIME", "DAILY_CAP")


def sending_records(
    sending: Sending, rng: random.Random, now_ms: int, fraction: float = 1.0
) -> Iterator[tuple[int, dict]]:
    """(arrival ms, record) of every record of one slot's messages, none arriving after
    ``now_ms``; ``fraction`` is the share of the slot's day that had passed (its own day).

    Examples
    --------
    >>> import random
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(0, scale=0.01)
    >>> (sms,) = world.sendings(world.applications[0].txn_sms_key, world.anchor)[:1]
    >>> kinds = {r["event_type"] for _, r in sending_records(sms, random.Random(0), 2**62)}
    >>> sorted(kinds)
    ['_SMS.BUFFERED', '_SMS.FAILURE', '_SMS.SUCCESS']
    """
    c = _Context(sending, rng, now_ms, fraction)
    if sending.channel == "PUSH":
        yield from _push(c)
    elif sending.channel == "SMS":
        yield from _sms(c)
    else:
        yield from _email(c)


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


@dataclass
class _Context:
    sending: Sending
    rng: random.Random
    now_ms: int
    fraction: float

    @property
    def limit(self) -> int:
        """No record arrives after the clock (the archive is written now)."""
        return self.now_ms - 1000

    def send_times(self, count: int, start_hour: int = 0) -> list[int]:
        base = _ms(self.sending.day)
        visible = int(_DAY * self.fraction)
        low = min(start_hour * _HOUR, max(visible - 1, 0))
        span = max(visible - low - 60_000, 1)
        return sorted(base + low + self.rng.randrange(span) for _ in range(count))

    def later(self, at: int, low_ms: int, high_ms: int) -> int:
        return max(at, min(at + self.rng.randint(low_ms, high_ms), self.limit))

    def message_id(self, number: int) -> str:
        s = self.sending
        digest = hashlib.md5(
            f"{s.application_id}|{s.sender_id}|{s.label}|{s.day}|{number}".encode()
        ).hexdigest()
        return f"0100{digest[:12]}-{digest[12:20]}-{digest[20:24]}-{digest[24:]}-000000"

    def attributes(self, treatment: str = "0") -> dict[str, str]:
        s = self.sending
        if s.kind == "campaign":
            return {
                "campaign_id": str(s.sender_id),
                "campaign_activity_id": s.label,
                "treatment_id": treatment,
            }
        if s.kind == "journey":
            return {
                "journey_id": str(s.sender_id),
                "journey_activity_id": s.label,
                "journey_run_id": hashlib.md5(f"{s.sender_id}|run".encode()).hexdigest(),
            }
        return {}


def _envelope(
    c: _Context,
    event_type: str,
    at: int,
    arrival: int,
    endpoint: str,
    attributes: dict[str, str],
    **extra: Any,
) -> tuple[int, dict]:
    record = {
        "event_type": event_type,
        "event_timestamp": at,
        "arrival_timestamp": arrival,
        "event_version": "3.1",
        "application": {"app_id": c.sending.application_id, "sdk": {}},
        "client": {"client_id": endpoint},
        "device": {"platform": {}},
        "session": {},
        "attributes": attributes,
        **extra,
        "awsAccountId": _ACCOUNT,
    }
    return arrival, record


def _campaign_send(
    c: _Context, at: int, endpoint: str, attrs: dict, channel: str, status: str = "SUCCESS"
) -> tuple[int, dict]:
    return _envelope(
        c,
        "_campaign.send",
        at,
        at + 60,
        endpoint,
        {**attrs, "delivery_type": channel, "campaign_send_status": status},
    )


def _email(c: _Context) -> Iterator[tuple[int, dict]]:
    mails = _Mails(c)
    for n in range(c.sending.messages):
        yield from mails.sent(n)
    yield from mails.opens()
    yield from mails.clicks()
    yield from mails.complaints_and_unsubscribes()


class _Mails:
    """One slot's email messages: who each went to, when, and its records."""

    def __init__(self, c: _Context):
        s, k = c.sending, c.sending.counters
        self.c, self.s, self.k, self.rng = c, s, k, c.rng
        if s.kind == "campaign":
            hard, opened, opens = k["hard_bounces"], k["direct_email_opens"], k["opens"]
            rejected, clicks = 0, k["clicks"]
        elif s.kind == "journey":
            hard, opened, opens = k["hardbounced"], k["opened"], round(k["opened"] * 1.3)
            rejected, clicks = k["rejected"], k["clicked"]
        else:  # transactional: "opened" counts opens; the distinct openers are s.opened
            hard, opened, opens = k["hard_bounced"], s.opened, k["opened"]
            rejected, clicks = 0, k["clicked"]
        self.hard, self.opened, self.open_count = hard, opened, opens
        self.rejected, self.click_count = rejected, clicks
        recipients = s.recipients()
        times = c.send_times(s.messages, 6 if s.kind == "campaign" else 0)
        self.mails = []
        for n in range(s.messages):
            # An A/B test of email campaigns: treatment "1" (a new subject line) is opened more
            # often. The API never saw treatments; its counts are the sum of both.
            treatment = "1" if self.rng.random() < (0.58 if n < opened else 0.47) else "0"
            attrs = c.attributes(treatment if s.kind == "campaign" else "0")
            mail = {
                "message_id": c.message_id(n),
                "message_send_timestamp": times[n],
                "from_address": "news@acme.example",
                "destination": [f"{recipients[n][:8]}@example.com"],
            }
            self.mails.append((times[n], recipients[n], attrs, mail))
        self.first_open: dict[int, int] = {}
        self.seen: set[tuple[int, int]] = set()

    def record(self, n: int, kind: str, arrival: int, detail: dict | None = None):
        at, endpoint, attrs, mail = self.mails[n]
        facets = {"email_channel": {"mail_event": {"mail": mail, kind: detail or {}}}}
        feedback = {"open": "opened", "click": "https://acme.example/sale"}.get(kind, "received")
        return _envelope(
            self.c,
            f"_email.{kind}",
            at,
            arrival,
            endpoint,
            {**attrs, "feedback": feedback},
            facets=facets,
        )

    def instant(self, n: int, arrival: int) -> int:
        """Two records of one message never share an instant (they would be one record
        delivered twice)."""
        while (n, arrival) in self.seen:
            arrival -= 1
        self.seen.add((n, arrival))
        return arrival

    def sent(self, n: int) -> Iterator[tuple[int, dict]]:
        c, s = self.c, self.s
        at, endpoint, attrs, _ = self.mails[n]
        if s.kind == "campaign":
            yield _campaign_send(c, at, endpoint, attrs, "EMAIL")
        elif s.kind == "journey":
            status = {"journey_send_status": "SUCCESS", "journey_activity_type": "EMAIL"}
            yield _envelope(c, "_journey.send", at, at + 60, endpoint, {**attrs, **status})
        yield self.record(n, "send", c.later(at, 200, 2000))
        delivered = s.delivered
        if n < delivered:
            if self.rng.random() < 0.02:  # a soft bounce delivered on retry: the latest counts
                soft = c.later(at, 3000, 9000)
                yield self.record(n, "softbounce", soft, {"bounce_type": "Transient"})
                yield self.record(n, "delivered", c.later(at, 600_000, 3_600_000))
            else:
                yield self.record(n, "delivered", c.later(at, 1000, 60_000))
        elif n < delivered + self.rejected:
            yield self.record(n, "rejected", c.later(at, 500, 5000), {"reason": "Bad content"})
        elif n < delivered + self.rejected + self.hard:
            bounce = c.later(at, 5000, 120_000)
            yield self.record(n, "hardbounce", bounce, {"bounce_type": "Permanent"})
        else:
            bounce = c.later(at, 5000, 600_000)
            yield self.record(n, "softbounce", bounce, {"bounce_type": "Transient"})

    def opens(self) -> Iterator[tuple[int, dict]]:
        """Every opened message once, the repeats on random opened ones."""
        c = self.c
        for n in range(self.opened):
            self.first_open[n] = self.instant(n, c.later(self.mails[n][0], 60_000, 30 * _HOUR))
            yield self.record(n, "open", self.first_open[n])
        for _ in range(max(self.open_count - self.opened, 0)):
            n = self.rng.randrange(self.opened)
            again = c.later(self.first_open[n], 1000, 20 * _HOUR)
            yield self.record(n, "open", self.instant(n, again))

    def clicks(self) -> Iterator[tuple[int, dict]]:
        """Clicks on opened messages; transactional: the first s.clicked messages click (the
        distinct clickers), the repeats on them."""
        txn = self.s.kind == "txn-email"
        clickers = self.s.clicked if txn else self.opened
        for number in range(self.click_count if clickers else 0):
            n = number if number < clickers and txn else self.rng.randrange(clickers)
            after = self.first_open.get(n, self.mails[n][0])
            arrival = self.instant(n, self.c.later(after, 2000, 3 * _HOUR))
            yield self.record(n, "click", arrival, {"link": "https://acme.example/sale"})

    def complaints_and_unsubscribes(self) -> Iterator[tuple[int, dict]]:
        """They count messages: each on its own delivered message."""
        c, k, delivered = self.c, self.k, self.s.delivered
        complaints = k.get("complaints", k.get("complained", 0))
        for n in self.rng.sample(range(delivered), min(complaints, delivered)):
            yield self.record(n, "complaint", c.later(self.mails[n][0], _HOUR, 48 * _HOUR))
        unsubscribes = k.get("unsubscribes", k.get("unsubscribed", 0))
        for n in self.rng.sample(range(delivered), min(unsubscribes, delivered)):
            after = self.first_open.get(n, self.mails[n][0])
            yield self.record(n, "unsubscribe", c.later(after, 5000, _HOUR))


def _sms(c: _Context) -> Iterator[tuple[int, dict]]:
    s, rng, k = c.sending, c.rng, c.sending.counters
    recipients = s.recipients()
    times = c.send_times(s.messages, 8 if s.kind == "campaign" else 0)
    country = s.label if s.kind == "txn-sms" else "US"
    if s.kind == "txn-sms":
        parts = _split_parts(s.messages, s.delivered, k["parts_sent"], k["parts_delivered"])
        total = k["price"]
        codes = [code for code in SMS_ERROR_CODES for _ in range(k[f"error:{code}"])]
    else:
        parts = _split_parts(
            s.messages, s.delivered, round(k["sms_spend"] / 581) or s.messages, None
        )
        total = k["sms_spend"]
        codes = [SMS_ERROR_CODES[n % 3] for n in range(s.messages - s.delivered)]
    prices = _split_price(total, parts)
    for n in range(s.messages):
        at, endpoint = times[n], recipients[n]
        attrs = {
            **c.attributes(),
            "message_id": c.message_id(n),
            "destination_phone_number": f"+1555{n % 10_000_000:07d}",
            "origination_phone_number": "+12065550142",
            "iso_country_code": country,
            "number_of_message_parts": str(parts[n]),
            "message_type": "Transactional" if s.kind == "txn-sms" else "Promotional",
        }
        metrics = {"price_in_millicents_usd": float(prices[n])}
        if s.kind == "campaign":
            yield _campaign_send(c, at, endpoint, c.attributes(), "SMS")
        buffered = c.later(at, 100, 900) - (250 if rng.random() < 0.05 else 0)
        yield _envelope(
            c,
            "_SMS.BUFFERED",
            at,
            buffered,
            endpoint,
            {**attrs, "record_status": "SUCCESSFUL"},
            metrics=metrics,
        )
        late = rng.random() < 0.03
        receipt = c.later(at, 3600_000, 70 * _HOUR) if late else c.later(at, 2000, 600_000)
        if n < s.delivered:
            status, kind = "DELIVERED", "_SMS.SUCCESS"
        else:
            status, kind = codes[n - s.delivered], "_SMS.FAILURE"
        yield _envelope(
            c,
            kind,
            receipt,
            max(receipt - 250, at),
            endpoint,
            {**attrs, "record_status": status},
            metrics=metrics,
        )


def _push(c: _Context) -> Iterator[tuple[int, dict]]:
    s, rng, k = c.sending, c.rng, c.sending.counters
    recipients = s.recipients()
    times = c.send_times(s.messages, 7)
    end_of_day = _ms(s.day) + _DAY - 1
    for n in range(s.messages):
        at, endpoint = times[n], recipients[n]
        attrs = c.attributes()
        channel = _PUSH_TYPES[n % len(_PUSH_TYPES)]
        status = "SUCCESS" if n < s.delivered else _PUSH_FAILURES[n % len(_PUSH_FAILURES)]
        yield _campaign_send(c, at, endpoint, attrs, channel, status)
        if rng.random() < 0.03:  # another endpoint, held out or in quiet time: no attempt
            yield _campaign_send(
                c,
                at,
                s.recipient(s.messages + n),
                attrs,
                channel,
                _NOT_ATTEMPTED[n % len(_NOT_ATTEMPTED)],
            )
    for n in range(k["direct_push_opens"]):  # opened the same day (the API counts it there)
        at = times[n]
        opened = max(at, min(at + rng.randint(30_000, 4 * _HOUR), end_of_day, c.limit))
        yield _envelope(
            c, "_campaign.opened_notification", opened, opened + 800, recipients[n], c.attributes()
        )


def _split_parts(
    messages: int, delivered: int, total: int, delivered_total: int | None
) -> list[int]:
    """Integer parts per message (at least 1) adding up to ``total`` (and, for the delivered
    messages, to ``delivered_total``)."""
    if delivered_total is None:
        return _spread(messages, max(total, messages))
    failed = messages - delivered
    if delivered_total < delivered or total - delivered_total < failed:
        raise ValueError(
            f"cannot give {messages} messages {total} parts ({delivered_total} delivered) with "
            "at least one part each: the world's SMS counters disagree."
        )
    return _spread(delivered, delivered_total) + _spread(failed, total - delivered_total)


def _spread(count: int, total: int) -> list[int]:
    if count == 0:
        return []
    base, extra = divmod(total, count)
    return [base + (1 if n < extra else 0) for n in range(count)]


def _split_price(total: int, parts: list[int]) -> list[int]:
    """Whole prices per message, proportional to its parts, adding up to ``total`` exactly."""
    all_parts = sum(parts) or 1
    prices = [total * p // all_parts for p in parts]
    for n in range(total - sum(prices)):
        prices[n % len(prices)] += 1
    return prices


# --- objects ----------------------------------------------------------------------------------
