"""Event archives of the emulator's world: what Kinesis Data Firehose would have written to S3.

:func:`write_event_archive` writes, for every message the world sent up to its clock, the
records Pinpoint streams (the shapes of AWS's documented examples): ``_email.*`` (send,
delivered, soft and hard bounces, rejections, opens, clicks, complaints, unsubscribes),
``_SMS.*`` (BUFFERED, then SUCCESS or FAILURE with its record status, one price per message),
``_campaign.send`` (every channel; for push the only delivery record) and
``_campaign.opened_notification``, ``_journey.send``. They are consistent with the world's
counters message by message, to the very endpoints the API's unique counts count
(:meth:`~.world.World.sendings`), so ``read_pinpoint_events`` of the archive equals
``read_pinpoint_kpi`` against an emulator of the same ``seed``, ``now`` and ``scale``.

The layout is Firehose's: one object per project stream and UTC hour of **arrival**, under
``YYYY/MM/DD/HH/``, gzip NDJSON (or Parquet in the DUE events database's schema), with what
real archives have: records arriving hours after their event (opens, SMS receipts up to about
70 hours later, never after the clock), a few arriving a little *before* their event time, a
share of duplicate deliveries (Firehose is at-least-once), push sends held out or in quiet time
(``_campaign.send`` statuses that never count as attempts), soft bounces delivered on retry.
Every object is written to a hidden temporary name and renamed, so no reader sees half of one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InvalidArgumentError
from .audiences import Sending
from .clock import Clock
from .counters import SMS_ERROR_CODES
from .options import check_scale
from .world import HISTORY_DAYS, World, build_world

__all__ = ["DEFAULT_DUPLICATES", "ArchiveSummary", "write_event_archive"]

DEFAULT_DUPLICATES = 0.003
"""Share of records Firehose delivers twice (at-least-once delivery)."""

_DAY = 86_400_000
_HOUR = 3_600_000
_ACCOUNT = "123456789012"
_PUSH_TYPES = ("GCM", "APNS", "GCM", "APNS", "BAIDU")
_PUSH_FAILURES = ("FAILURE", "UNKNOWN", "THROTTLED", "FAILURE_PERMANENT", "TRANSIENT_FAILURE")
_NOT_ATTEMPTED = ("HOLDOUT", "QUIET_TIME", "DAILY_CAP")


@dataclass(frozen=True)
class ArchiveSummary:
    """What :func:`write_event_archive` wrote.

    Examples
    --------
    >>> ArchiveSummary("out", "json", 10, 2, 1, 300, "2026-10-01", "2026-10-02").events
    10
    """

    directory: str
    format: str
    events: int
    objects: int
    duplicates: int
    bytes: int
    first_day: str
    last_day: str


def write_event_archive(
    directory: str | os.PathLike,
    *,
    seed: int = 0,
    now: datetime | str | None = None,
    scale: float = 1.0,
    campaigns_per_project: int = 12,
    format: str = "json",
    duplicates: float = DEFAULT_DUPLICATES,
    first_day: date | None = None,
    progress: bool = False,
) -> ArchiveSummary:
    """Write the event archive of the emulator's world, up to its clock.

    Parameters
    ----------
    directory : str or path
        Where to write (created if missing); objects go under ``YYYY/MM/DD/HH/``.
    seed, now, scale, campaigns_per_project
        The world, as for :class:`~.server.Emulator` and ``pinpoint-kpi emulator``: the same
        values describe the same world, so the archive and the server agree.
    format : {"json", "parquet"}, default "json"
        Gzip NDJSON as Firehose writes it, or Snappy Parquet in the DUE events database's
        ``all_events`` schema.
    duplicates : float, default 0.003
        Share of records written twice.
    first_day : date, optional
        Write from this UTC day (default: the world's first day, 100 days before the clock).
    progress : bool, default False
        A tqdm bar over the days.

    Returns
    -------
    ArchiveSummary

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> summary = write_event_archive(out, scale=0.01, first_day=date(2026, 10, 27))
    >>> summary.first_day, summary.last_day, summary.events > 1000
    ('2026-10-27', '2026-10-29', True)
    """
    if format not in ("json", "parquet"):
        raise InvalidArgumentError(f"format must be 'json' or 'parquet', not {format!r}.")
    if not 0 <= duplicates < 1:
        raise InvalidArgumentError(f"duplicates must be a share in [0, 1), not {duplicates!r}.")
    scale = check_scale(scale)
    clock = Clock(now)
    world = build_world(seed, clock.today(), campaigns_per_project, scale)
    today, now_ms = clock.today(), int(clock.now().timestamp() * 1000)
    first = first_day or today - timedelta(days=HISTORY_DAYS)
    writer = _Writer(Path(directory), format, seed)
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    bar = _bar(len(days), progress)
    for day in days:
        fraction = clock.day_fraction() if day == today else 1.0
        for app in world.applications:
            for key in world.sender_keys(app):
                for number, sending in enumerate(world.sendings(key, day, fraction)):
                    rng = random.Random(f"{seed}|{key}|{day}|{sending.label}|{number}")
                    context = _Context(world, sending, rng, now_ms, fraction)
                    for record in _records(context):
                        writer.add(app.id, record, rng.random() < duplicates)
        # Nothing sent later can arrive more than a little before its own day: flush older hours.
        writer.flush(before=_ms(day + timedelta(days=1)) - 2 * _HOUR)
        if bar is not None:
            bar.update()
    writer.flush(before=None)
    if bar is not None:
        bar.close()
    return ArchiveSummary(
        str(directory),
        format,
        writer.events,
        writer.objects,
        writer.duplicates,
        writer.bytes,
        first.isoformat(),
        today.isoformat(),
    )


# --- one sending slot's records ---------------------------------------------------------------


@dataclass
class _Context:
    world: World
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


def _records(c: _Context) -> Iterator[tuple[int, dict]]:
    """(arrival ms, record) of every record of one slot's messages."""
    s = c.sending
    if s.channel == "PUSH":
        yield from _push(c)
    elif s.channel == "SMS":
        yield from _sms(c)
    else:
        yield from _email(c)


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
    s, rng, k = c.sending, c.rng, c.sending.counters
    recipients = s.recipients()
    times = c.send_times(s.messages, 6 if s.kind == "campaign" else 0)
    delivered = s.delivered
    if s.kind == "campaign":
        hard, opened, opens = k["hard_bounces"], k["direct_email_opens"], k["opens"]
        rejected, clicks = 0, k["clicks"]
    elif s.kind == "journey":
        hard, opened, opens = k["hardbounced"], k["opened"], round(k["opened"] * 1.3)
        rejected, clicks = k["rejected"], k["clicked"]
    else:  # transactional: "opened" counts opens; the distinct openers are s.opened
        hard, opened, opens = k["hard_bounced"], s.opened, k["opened"]
        rejected, clicks = 0, k["clicked"]
    mails = []
    for n in range(s.messages):
        # An A/B test of email campaigns: treatment "1" (a new subject line) is opened more
        # often. The API never saw treatments; its counts are the sum of both.
        treatment = "1" if rng.random() < (0.58 if n < opened else 0.47) else "0"
        attrs = c.attributes(treatment if s.kind == "campaign" else "0")
        mail = {
            "message_id": c.message_id(n),
            "message_send_timestamp": times[n],
            "from_address": "news@acme.example",
            "destination": [f"{recipients[n][:8]}@example.com"],
        }
        mails.append((times[n], recipients[n], attrs, mail))

    def event(n: int, kind: str, arrival: int, detail: dict | None = None) -> tuple[int, dict]:
        at, endpoint, attrs, mail = mails[n]
        facets = {"email_channel": {"mail_event": {"mail": mail, kind: detail or {}}}}
        feedback = {"open": "opened", "click": "https://acme.example/sale"}.get(kind, "received")
        return _envelope(
            c,
            f"_email.{kind}",
            at,
            arrival,
            endpoint,
            {**attrs, "feedback": feedback},
            facets=facets,
        )

    for n in range(s.messages):
        at, endpoint, attrs, _ = mails[n]
        if s.kind == "campaign":
            yield _campaign_send(c, at, endpoint, attrs, "EMAIL")
        elif s.kind == "journey":
            yield _envelope(
                c,
                "_journey.send",
                at,
                at + 60,
                endpoint,
                {**attrs, "journey_send_status": "SUCCESS", "journey_activity_type": "EMAIL"},
            )
        yield event(n, "send", c.later(at, 200, 2000))
        if n < delivered:
            if rng.random() < 0.02:  # a soft bounce, delivered on retry: the latest state counts
                yield event(n, "softbounce", c.later(at, 3000, 9000), {"bounce_type": "Transient"})
                yield event(n, "delivered", c.later(at, 600_000, 3_600_000))
            else:
                yield event(n, "delivered", c.later(at, 1000, 60_000))
        elif n < delivered + rejected:
            yield event(n, "rejected", c.later(at, 500, 5000), {"reason": "Bad content"})
        elif n < delivered + rejected + hard:
            yield event(n, "hardbounce", c.later(at, 5000, 120_000), {"bounce_type": "Permanent"})
        else:
            yield event(n, "softbounce", c.later(at, 5000, 600_000), {"bounce_type": "Transient"})
    # Opens: every opened message once, the repeats on random opened ones. Two records of one
    # message never share an instant (they would be one record delivered twice).
    seen: set[tuple[int, int]] = set()

    def instant(n: int, arrival: int) -> int:
        while (n, arrival) in seen:
            arrival -= 1
        seen.add((n, arrival))
        return arrival

    first_open = {}
    for n in range(opened):
        first_open[n] = instant(n, c.later(mails[n][0], 60_000, 30 * _HOUR))
        yield event(n, "open", first_open[n])
    for _ in range(max(opens - opened, 0)):
        n = rng.randrange(opened)
        yield event(n, "open", instant(n, c.later(first_open[n], 1000, 20 * _HOUR)))
    # Clicks on opened messages (transactional: the first s.clicked ones each click once).
    # Transactional: the first s.clicked messages click (the distinct clickers), repeats on them.
    clickers = s.clicked if s.kind == "txn-email" else opened
    for number in range(clicks if clickers else 0):
        n = number if number < clickers and s.kind == "txn-email" else rng.randrange(clickers)
        arrival = instant(n, c.later(first_open.get(n, mails[n][0]), 2000, 3 * _HOUR))
        yield event(n, "click", arrival, {"link": "https://acme.example/sale"})
    # Complaints and unsubscribes count messages: each on its own delivered message.
    complaints = k.get("complaints", k.get("complained", 0))
    for n in rng.sample(range(delivered), min(complaints, delivered)):
        yield event(n, "complaint", c.later(mails[n][0], _HOUR, 48 * _HOUR))
    unsubscribes = k.get("unsubscribes", k.get("unsubscribed", 0))
    for n in rng.sample(range(delivered), min(unsubscribes, delivered)):
        yield event(n, "unsubscribe", c.later(first_open.get(n, mails[n][0]), 5000, _HOUR))


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


class _Writer:
    """Buffers records by (stream, arrival hour) and writes each hour's object once."""

    def __init__(self, root: Path, format: str, seed: int):
        self.root, self.format, self.seed = root, format, seed
        self.hours: dict[tuple[str, int], list[dict]] = {}
        self.events = self.objects = self.duplicates = self.bytes = 0

    def add(self, app_id: str, item: tuple[int, dict], twice: bool) -> None:
        arrival, record = item
        hour = arrival // _HOUR * _HOUR
        self.hours.setdefault((app_id, hour), []).append(record)
        self.events += 1
        if twice:  # a retried delivery lands in the next object of the stream
            self.hours.setdefault((app_id, hour + _HOUR), []).append(record)
            self.duplicates += 1

    def flush(self, before: int | None) -> None:
        for key in sorted(k for k in self.hours if before is None or k[1] < before):
            self._write(*key, self.hours.pop(key))

    def _write(self, app_id: str, hour: int, records: list[dict]) -> None:
        moment = datetime.fromtimestamp(hour / 1000, UTC)
        folder = self.root / moment.strftime("%Y/%m/%d/%H")
        folder.mkdir(parents=True, exist_ok=True)
        tag = hashlib.md5(f"{self.seed}|{app_id}|{hour}".encode()).hexdigest()
        stem = f"pinpoint-{app_id[:8]}-1-{moment:%Y-%m-%d-%H}-00-00-{tag[:8]}-{tag[8:12]}"
        if self.format == "json":
            text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
            data, name = gzip.compress(text.encode(), compresslevel=6), f"{stem}.gz"
        else:
            data, name = _parquet(records), f"{stem}.parquet"
        temporary = folder / f".{name}.tmp"
        temporary.write_bytes(data)
        temporary.replace(folder / name)
        self.objects += 1
        self.bytes += len(data)


def _parquet(records: list[dict]) -> bytes:
    """Records as Snappy Parquet in the DUE solution's ``all_events`` layout."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for r in records:
        mail_event = (r.get("facets") or {}).get("email_channel", {}).get("mail_event")
        facets = None
        if mail_event is not None:
            mail = mail_event["mail"]
            facets = {
                "email_channel": {
                    "mail_event": {
                        "mail": {
                            "message_id": mail["message_id"],
                            "message_send_timestamp": mail["message_send_timestamp"],
                            "from_address": mail["from_address"],
                            "destination": mail["destination"],
                        },
                        "click": {"link": (mail_event.get("click") or {}).get("link")},
                        "bounce": {
                            "bounce_type": (mail_event.get("bounce") or {}).get("bounce_type")
                        },
                    }
                }
            }
        price = (r.get("metrics") or {}).get("price_in_millicents_usd")
        rows.append(
            {
                "event_type": r["event_type"],
                "event_timestamp": r["event_timestamp"],
                "arrival_timestamp": r["arrival_timestamp"],
                "event_version": r["event_version"],
                "application": {"app_id": r["application"]["app_id"]},
                "client": {"client_id": r["client"]["client_id"]},
                "attributes": list(r["attributes"].items()),
                "awsAccountId": r["awsAccountId"],
                "facets": facets,
                "metrics": {"price_in_millicents_usd": price},
            }
        )
    table = pa.Table.from_pylist(rows, schema=_due_schema())
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue()


def _due_schema():
    import pyarrow as pa

    string = pa.string()
    mail = pa.struct(
        [
            ("message_id", string),
            ("message_send_timestamp", pa.int64()),
            ("from_address", string),
            ("destination", pa.list_(string)),
        ]
    )
    mail_event = pa.struct(
        [
            ("mail", mail),
            ("click", pa.struct([("link", string)])),
            ("bounce", pa.struct([("bounce_type", string)])),
        ]
    )
    return pa.schema(
        [
            ("event_type", string),
            ("event_timestamp", pa.int64()),
            ("arrival_timestamp", pa.int64()),
            ("event_version", string),
            ("application", pa.struct([("app_id", string)])),
            ("client", pa.struct([("client_id", string)])),
            ("attributes", pa.map_(string, string)),
            ("awsAccountId", string),
            ("facets", pa.struct([("email_channel", pa.struct([("mail_event", mail_event)]))])),
            ("metrics", pa.struct([("price_in_millicents_usd", pa.float64())])),
        ]
    )


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _bar(total: int, progress: bool):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Writing events", unit="day", leave=False)
