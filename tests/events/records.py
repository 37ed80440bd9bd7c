"""Hand-made event records and archives, for the events tests.

The builders follow AWS's documented record shapes (EVENTS.md), independently of the
emulator's archive writer, so a misreading in one is not copied into the other.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

APP = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
CAMPAIGN = "c0ffee00c0ffee00c0ffee00c0ffee00"
OTHER_CAMPAIGN = "beef0000beef0000beef0000beef0000"
RUN = "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"
JOURNEY = "f00df00df00df00df00df00df00df00d"
STEP = "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"


def ms(text: str) -> int:
    """Epoch milliseconds of an ISO instant in UTC ('2026-10-01T09:00:00')."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def envelope(event_type, at, *, arrival=None, endpoint="ep-1", attributes=None, **extra):
    record = {
        "event_type": event_type,
        "event_timestamp": ms(at) if isinstance(at, str) else at,
        "arrival_timestamp": (ms(arrival) if isinstance(arrival, str) else arrival)
        or (ms(at) if isinstance(at, str) else at) + 500,
        "event_version": "3.1",
        "application": {"app_id": extra.pop("app", APP), "sdk": {}},
        "client": {"client_id": endpoint},
        "device": {"platform": {}},
        "session": {},
        "attributes": {k: str(v) for k, v in (attributes or {}).items()},
        "awsAccountId": "123456789012",
    }
    record.update(extra)
    return record


def campaign_attributes(campaign=CAMPAIGN, run=RUN, treatment="0"):
    return {"campaign_id": campaign, "campaign_activity_id": run, "treatment_id": treatment}


def email(event_type, message_id, sent_at, *, arrival=None, endpoint="ep-1", attributes=None):
    """An ``_email.*`` record: event_timestamp is the send time, as Pinpoint writes it."""
    mail_event = {"mail": {"message_id": message_id, "destination": ["r@example.com"]}}
    kind = event_type.split(".", 1)[1]
    if kind == "click":
        mail_event["click"] = {"link": "https://example.com/"}
    elif kind in ("hardbounce", "softbounce"):
        mail_event["bounce"] = {"bounce_type": "Permanent" if kind == "hardbounce" else "Transient"}
    else:
        mail_event[kind] = {}
    return envelope(
        f"_email.{kind}",
        sent_at,
        arrival=arrival,
        endpoint=endpoint,
        attributes=attributes,
        facets={"email_channel": {"mail_event": mail_event}},
    )


def sms(
    state,
    message_id,
    at,
    *,
    arrival=None,
    endpoint="ep-1",
    attributes=None,
    price=645.0,
    status=None,
    country="US",
    parts=1,
):
    attrs = {
        "message_id": message_id,
        "record_status": status
        or {"BUFFERED": "SUCCESSFUL", "SUCCESS": "DELIVERED"}.get(state, "UNREACHABLE"),
        "iso_country_code": country,
        "number_of_message_parts": parts,
        "message_type": "Transactional",
        **(attributes or {}),
    }
    return envelope(
        f"_SMS.{state}",
        at,
        arrival=arrival,
        endpoint=endpoint,
        attributes=attrs,
        metrics={"price_in_millicents_usd": price},
    )


def push_send(at, status="SUCCESS", *, endpoint="ep-1", delivery_type="GCM", **attrs):
    attributes = {
        **campaign_attributes(**attrs),
        "delivery_type": delivery_type,
        "campaign_send_status": status,
    }
    return envelope("_campaign.send", at, endpoint=endpoint, attributes=attributes)


def push_open(at, *, endpoint="ep-1", **attrs):
    return envelope(
        "_campaign.opened_notification",
        at,
        endpoint=endpoint,
        attributes=campaign_attributes(**attrs),
    )


def write_archive(root: Path, records, *, compress=True, per_hour=True, concatenated=False):
    """Write records under YYYY/MM/DD/HH/ of their arrival hour (gzip NDJSON by default)."""
    groups: dict[str, list] = {}
    for record in records:
        hour = datetime.fromtimestamp(record["arrival_timestamp"] / 1000, UTC)
        prefix = hour.strftime("%Y/%m/%d/%H") if per_hour else ""
        groups.setdefault(prefix, []).append(record)
    paths = []
    for number, (prefix, items) in enumerate(sorted(groups.items())):
        folder = root / prefix
        folder.mkdir(parents=True, exist_ok=True)
        sep = "" if concatenated else "\n"
        text = sep.join(json.dumps(r, separators=(",", ":")) for r in items) + sep
        name = f"stream-1-{number:04d}" + (".gz" if compress else "")
        path = folder / name
        path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
        paths.append(path)
    return paths
