"""The KPI definitions, written once as ibis expressions: every engine runs these very ones.

Three steps, each one table expression over the one before, so a read of several KPIs is one
query and one scan of the archive:

1. :func:`event_table`: the raw records of one project, narrowed to the fields the KPIs read
   (ids from ``attributes``, the message id from the email facets or the SMS attributes, prices,
   send statuses), only the event types that count;
2. :func:`message_table`: one row per **message** (email and SMS by message id; a push or voice
   ``_campaign.send`` and a push open are their own message), in its **final state**: Firehose's
   duplicate deliveries fall together because every aggregate ignores repeats (any, max, min,
   distinct click instants); an email's state is its latest outcome by arrival (delivered, soft
   or hard bounce, rejected: a soft bounce delivered later counts as delivered), an SMS's is its
   final receipt (SUCCESS or FAILURE over BUFFERED), its price the one price it carries;
3. :func:`kpi_table`: the KPIs' numerators and denominators per group (date, campaign, run,
   treatment, journey activity, country, error code) and per campaign or journey, over the
   messages **sent** in the range.

Days are UTC calendar days of a message's send time (its earliest ``event_timestamp``: for email
the send time every event of the message carries). Only integer arithmetic on epoch
milliseconds is used, so no engine's time zone or timestamp type can shift a day.

The choices behind each measure, and what is unverified, are in :mod:`.measures` and the docs
page "From event archives".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis

from .. import catalog
from .measures import FAMILY_FILTER, family_of, group_column, measure_of
from .query import Window

__all__ = [
    "ATTEMPTED_STATUSES",
    "DAY_MS",
    "PUSH_DELIVERY_TYPES",
    "event_table",
    "kpi_table",
    "message_table",
]

DAY_MS = 86_400_000

PUSH_DELIVERY_TYPES = (
    "ADM",
    "APNS",
    "APNS_SANDBOX",
    "APNS_VOIP",
    "APNS_VOIP_SANDBOX",
    "BAIDU",
    "GCM",
    "PUSH",
)
"""``delivery_type`` values of push notifications."""

ATTEMPTED_STATUSES = (
    "SUCCESS",
    "FAILURE",
    "FAILURE_PERMANENT",
    "TRANSIENT_FAILURE",
    "THROTTLED",
    "UNKNOWN",
    "CUSTOM_DELIVERY_FAILURE",
)
"""``campaign_send_status`` values of a delivery that was attempted *(unverified: AWS does not
say which statuses count as sent)*. The others (``DAILY_CAP``, ``QUIET_TIME``, ``HOLDOUT``,
``DUPLICATE_ADDRESS``, ``CAMPAIGN_CAP``, ``EXPIRED``, ``HOOK_FAILURE``,
``RECOMMENDATION_FAILURE``, ``UNSUPPORTED_CHANNEL``) stopped the message before any attempt."""

# Every event type that counts, as a small integer (one CASE per record; the rest compares ints).
_CODES = {
    "_email.send": 1,
    "_email.delivered": 2,
    "_email.softbounce": 3,
    "_email.hardbounce": 4,
    "_email.rejected": 5,
    "_email.open": 6,
    "_email.click": 7,
    "_email.complaint": 8,
    "_email.unsubscribe": 9,
    "_SMS.BUFFERED": 10,
    "_SMS.SEND": 11,
    "_SMS.SUCCESS": 12,
    "_SMS.FAILURE": 13,
    "_campaign.send": 14,
    "_campaign.opened_notification": 15,
}
# An email's outcome (delivered, soft / hard bounce, rejected: codes 2..5 minus 1), ranked so
# that at equal arrival times the worse one wins; an SMS's state (0 in progress, 1 delivered,
# 2 failed), a final receipt outranking BUFFERED whenever it arrived.
_DELIVERED, _SOFT, _HARD, _REJECTED = 1, 2, 3, 4
_SMS_FINAL = 2**44  # above any arrival_timestamp * 4
_NOT_SEND_EVENT_CHANNELS = ("EMAIL", "SMS")  # their _campaign.send duplicates the channel events
# A message's class (its records' event types): email, SMS, a send record (push, voice, custom),
# a push open.
_EMAIL, _SMS, _SEND, _OPEN = 1, 2, 3, 4
_SEND_CHANNEL_CODES = {**dict.fromkeys(PUSH_DELIVERY_TYPES, 1), "VOICE": 2, "CUSTOM": 3}
_SEND_CHANNEL_NAMES = {1: "PUSH", 2: "VOICE", 3: "CUSTOM"}
_SEND_STATUS_CODES = {"SUCCESS": 2, **dict.fromkeys(ATTEMPTED_STATUSES[1:], 1)}


def event_table(
    raw: ibis.Table,
    application_id: str,
    *,
    families: Sequence[str] | None = None,
    resource: str | None = None,
    resource_ids: Sequence[str] | None = None,
) -> ibis.Table:
    """One project's events, narrowed to what the KPIs read, one row per (duplicate) record.

    ``raw`` has the columns of :data:`~pinpoint_kpi_pandas.events.schema.FIREHOSE_JSON` (or of
    the DUE Parquet table, whose ``metrics`` is a struct: the same lookup reads both).
    ``families`` (``campaign``, ``journey``, ``txn-email``, ``txn-sms``) and ``resource_ids``
    (of ``resource``, ``campaign_id`` or ``journey_id``) keep only the records those KPIs count,
    before any message is put together: every record of a message carries the same ids.

    Examples
    --------
    >>> import ibis
    >>> from pinpoint_kpi_pandas.events.schema import FIREHOSE_JSON, ibis_schema
    >>> events = event_table(ibis.table(ibis_schema(FIREHOSE_JSON), name="raw"), "a1")
    >>> events.columns[:4]
    ('key', 'klass', 'event_ms', 'endpoint')
    """
    coded = raw.mutate(code=raw.event_type.cases(*_CODES.items(), else_=None))
    delivery_type = coded.attributes["delivery_type"]
    keep = (
        (coded.application.app_id == application_id)
        & coded.code.notnull()
        & (
            (coded.code != 14)
            | (delivery_type.notnull() & ~delivery_type.isin(_NOT_SEND_EVENT_CHANNELS))
        )
    )
    if families is not None:
        keep &= _families(coded, families)
    if resource is not None and resource_ids is not None:
        keep &= coded.attributes[resource].isin(list(resource_ids))
    kept = coded.filter(keep)
    attrs, code, arrival = kept.attributes, kept.code, kept.arrival_timestamp
    endpoint = kept.client.client_id
    # A push or voice send, and a push open, carry no message id: each record is its own
    # message, keyed by everything that tells two records apart (duplicates share it all).
    own_key = kept.event_type.concat(
        "|",
        endpoint.fill_null(""),
        "|",
        kept.event_timestamp.cast("string"),
        "|",
        arrival.cast("string"),
    )
    message_id = ibis.cases(
        (code <= 9, kept.facets.email_channel.mail_event.mail.message_id),
        (code <= 13, attrs["message_id"]),
        else_=own_key,
    )
    outcome = ibis.ifelse(code.between(2, 5), code - 1, None)
    sms_state = code.cases((10, 0), (11, 0), (12, 1), (13, 2), else_=None)
    # A send record's channel and status as one small integer: channel * 4 + status.
    send_channel = attrs["delivery_type"].cases(*_SEND_CHANNEL_CODES.items(), else_=0)
    send_status = attrs["campaign_send_status"].cases(*_SEND_STATUS_CODES.items(), else_=0)
    return kept.select(
        key=message_id,
        klass=ibis.cases((code <= 9, _EMAIL), (code <= 13, _SMS), (code == 14, _SEND), else_=_OPEN),
        event_ms=kept.event_timestamp,
        endpoint=endpoint,
        send_endpoint=ibis.ifelse(code == 1, endpoint, None),
        campaign_id=attrs["campaign_id"].nullif(""),
        activity_id=attrs["campaign_activity_id"],
        treatment_id=attrs["treatment_id"],
        journey_id=attrs["journey_id"].nullif(""),
        journey_activity_id=attrs["journey_activity_id"],
        country=attrs["iso_country_code"],
        send_state=ibis.ifelse(code == 14, send_channel * 4 + send_status, None),
        email_sent=ibis.ifelse(code == 1, 1, 0),
        outcome_key=arrival * 8 + outcome,
        opened=ibis.ifelse(code == 6, 1, 0),
        open_at=ibis.ifelse(code == 6, arrival, None),
        clicked=ibis.ifelse(code == 7, 1, 0),
        click_at=ibis.ifelse(code == 7, arrival, None),
        complained=ibis.ifelse(code == 8, 1, 0),
        unsubscribed=ibis.ifelse(code == 9, 1, 0),
        sms_key=ibis.ifelse(sms_state > 0, _SMS_FINAL, 0) + arrival * 4 + sms_state,
        failure=ibis.ifelse(code == 13, attrs["record_status"], None),
        price=kept.metrics["price_in_millicents_usd"],
        parts=attrs["number_of_message_parts"].try_cast("int64"),
    )


def _families(coded: ibis.Table, families: Sequence[str]) -> Any:
    """The records of these families: campaign ids first, then journey ids, else transactional
    (email or SMS by event type); the same rule :func:`message_table` names ``family`` by."""
    campaign = coded.attributes["campaign_id"].nullif("").notnull()
    journey = ~campaign & coded.attributes["journey_id"].nullif("").notnull()
    txn = ~campaign & ~journey
    code = coded.code
    parts = {
        "campaign": campaign,
        "journey": journey,
        "txn-email": txn & (code <= 9),
        "txn-sms": txn & code.between(10, 13),
    }
    return ibis.or_(*(parts[f] for f in sorted(set(families))))


def message_table(events: ibis.Table, families: Sequence[str] | None = None) -> ibis.Table:
    """One row per message in its final state, from :func:`event_table`.

    Columns: ``family`` (campaign, journey or txn: a record with a ``campaign_id`` is a
    campaign's, else one with a ``journey_id`` a journey's, else transactional, as AWS's samples
    decide), ``channel``, the ids, ``send_ms`` and ``day``, ``endpoint``, and 0/1 flags or
    amounts: ``attempted``, ``delivered``, ``hard``, ``soft``, ``rejected``, ``opened``,
    ``opens``, ``clicks``, ``clicked``, ``complained``, ``unsubscribed``, ``push_opened``,
    ``price``, ``parts``, ``delivered_parts``, ``failed`` and ``error`` (the failed SMS's record
    status).

    Examples
    --------
    >>> import ibis
    >>> from pinpoint_kpi_pandas.events.schema import FIREHOSE_JSON, ibis_schema
    >>> raw = ibis.table(ibis_schema(FIREHOSE_JSON), name="raw")
    >>> message_table(event_table(raw, "a1")).columns[:3]
    ('family', 'channel', 'campaign_id')
    """
    e = events
    per = e.group_by("key").aggregate(
        klass=e.klass.max(),
        campaign_id=e.campaign_id.max(),
        activity_id=e.activity_id.max(),
        treatment_id=e.treatment_id.max(),
        journey_id=e.journey_id.max(),
        journey_activity_id=e.journey_activity_id.max(),
        country=e.country.max(),
        send_state=e.send_state.max(),
        send_ms=e.event_ms.min(),
        send_endpoint=e.send_endpoint.max(),
        any_endpoint=e.endpoint.max(),
        email_sent=e.email_sent.max(),
        outcome_key=e.outcome_key.max(),
        # the flags, so that KPIs that only ask "any?" never need the distinct counts
        opened=e.opened.max(),
        clicked=e.clicked.max(),
        opens=e.open_at.nunique(),
        clicks=e.click_at.nunique(),
        complained=e.complained.max(),
        unsubscribed=e.unsubscribed.max(),
        sms_key=e.sms_key.max(),
        failure=e.failure.max(),
        price=e.price.max(),
        parts=e.parts.max(),
    )
    klass = per.klass
    email_state = per.outcome_key % 8
    sms_state = per.sms_key % 4
    send_status = per.send_state % 4
    channel = klass.cases(
        (_EMAIL, "EMAIL"),
        (_SMS, "SMS"),
        (_OPEN, "PUSH"),
        else_=(per.send_state // 4).cases(*_SEND_CHANNEL_NAMES.items(), else_="OTHER"),
    )
    sent = per.email_sent == 1
    attempted = klass.cases(
        (_EMAIL, sent),
        (_SMS, ibis.literal(True)),
        (_SEND, send_status >= 1),
        else_=ibis.literal(False),
    )
    # Sent minus the messages whose latest outcome is a bounce or a rejection.
    email_delivered = sent & (per.outcome_key.isnull() | (email_state == _DELIVERED))
    delivered = klass.cases(
        (_EMAIL, email_delivered),
        (_SMS, sms_state == 1),
        (_SEND, send_status == 2),
        else_=ibis.literal(False),
    )
    failed = (klass == _SMS) & (sms_state == 2)
    named = {FAMILY_FILTER[f][0] for f in families or ()}
    family = (
        ibis.literal(named.pop())
        if len(named) == 1  # every record kept is of this family (event_table's families=)
        else ibis.cases(
            (per.campaign_id.notnull(), "campaign"),
            (per.journey_id.notnull(), "journey"),
            else_="txn",
        )
    )
    as_int = lambda condition: ibis.ifelse(condition, 1, 0)  # noqa: E731
    return per.select(
        family=family,
        channel=channel,
        campaign_id=per.campaign_id,
        activity_id=per.activity_id,
        treatment_id=per.treatment_id,
        journey_id=per.journey_id,
        journey_activity_id=per.journey_activity_id,
        country=per.country,
        send_ms=per.send_ms,
        day=per.send_ms // DAY_MS,
        endpoint=per.send_endpoint.coalesce(per.any_endpoint),
        attempted=as_int(attempted),
        delivered=as_int(delivered),
        hard=as_int(sent & (email_state == _HARD)),
        soft=as_int(sent & (email_state == _SOFT)),
        rejected=as_int(sent & (email_state == _REJECTED)),
        opened=per.opened.fill_null(0),
        opens=per.opens.fill_null(0),
        clicks=per.clicks.fill_null(0),
        clicked=per.clicked.fill_null(0),
        complained=per.complained.fill_null(0),
        unsubscribed=per.unsubscribed.fill_null(0),
        push_opened=as_int(klass == _OPEN),
        price=per.price,
        parts=per.parts,
        delivered_parts=ibis.ifelse(delivered, per.parts, 0),
        failed=as_int(failed),
        error=ibis.ifelse(failed, per.failure, None),
    )


def kpi_table(
    messages: ibis.Table,
    kpis: Sequence[catalog.Kpi],
    *,
    resource: str | None = None,
    resource_ids: Sequence[str] | None = None,
    send_range: tuple[int, int] | None = None,
    windows: Sequence[Window] | None = None,
) -> ibis.Table:
    """The numerators and denominators of ``kpis`` (one grouping) per group, in one aggregate.

    Parameters
    ----------
    messages : ibis.Table
        From :func:`message_table`.
    kpis : sequence of Kpi
        KPIs of one scope and one grouping.
    resource : {"campaign_id", "journey_id"}, optional
        Group by campaign or journey too (campaign and journey scopes).
    resource_ids : sequence of str, optional
        Keep only these campaigns or journeys (None: all of them).
    send_range : (int, int), optional
        Keep messages sent in this inclusive span of epoch milliseconds.
    windows : sequence of Window, optional
        Group by window too; messages outside every window are left out.

    Returns
    -------
    ibis.Table
        Columns ``resource``, ``window`` and ``group`` where they apply, ``first_ms`` and
        ``last_ms`` (the group's first and last sends: row order, the span read), then per KPI
        ``n__<value key>`` and, for ratios, ``d__<value key>``.

    Examples
    --------
    >>> import ibis
    >>> from pinpoint_kpi_pandas.events.schema import FIREHOSE_JSON, ibis_schema
    >>> raw = ibis.table(ibis_schema(FIREHOSE_JSON), name="raw")
    >>> rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    >>> table = kpi_table(message_table(event_table(raw, "a1")), [rate], resource="campaign_id")
    >>> table.columns[4:]
    ('n__SuccessfulDeliveryRate', 'd__SuccessfulDeliveryRate')
    """
    m = messages
    families = {family_of(k) for k in kpis}
    keep = m.family.isin(sorted({FAMILY_FILTER[f][0] for f in families}))
    if resource is not None and resource_ids is not None:
        keep &= m[resource].isin(list(resource_ids))
    if send_range is not None:
        keep &= m.send_ms.between(*send_range)
    if windows:
        keep &= ibis.or_(*(m.send_ms.between(w.first_ms, w.last_ms) for w in windows))
    m = m.filter(keep)
    keys: dict[str, Any] = {}
    if resource is not None:
        keys["resource"] = m[resource]
    if windows:
        keys["window"] = ibis.cases(
            *((m.send_ms.between(w.first_ms, w.last_ms), w.label) for w in windows)
        )
    grouped_by = {k.grouped_by for k in kpis}.pop()
    if grouped_by is not None:
        keys["group"] = m[group_column(grouped_by)]
    values: dict[str, Any] = {"first_ms": m.send_ms.min(), "last_ms": m.send_ms.max()}
    for kpi in kpis:
        measure = measure_of(kpi)
        family, channel = FAMILY_FILTER[family_of(kpi)]
        where = m.family == family
        channel = measure.channel or channel
        if channel is not None:
            where &= m.channel == channel
        if measure.how == "unique":
            values[f"n__{kpi.value_key}"] = m.endpoint.nunique(
                where=where & (m[measure.numerator] == 1)
            )
            continue
        values[f"n__{kpi.value_key}"] = m[measure.numerator].sum(where=where)
        if measure.denominator is not None:
            values[f"d__{kpi.value_key}"] = m[measure.denominator].sum(where=where)
    if not keys:
        return m.aggregate(**values)
    return m.group_by(**keys).aggregate(**values)
