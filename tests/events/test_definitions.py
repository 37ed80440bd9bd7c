"""The KPI definitions on hand-made archives: each rule of EVENTS.md, one test."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk

from .records import (
    APP,
    CAMPAIGN,
    JOURNEY,
    OTHER_CAMPAIGN,
    RUN,
    STEP,
    campaign_attributes,
    email,
    ms,
    push_open,
    push_send,
    sms,
)

# An archive's last day is provisional (its clock, the newest arrival hour, has not passed its
# end): hand-made archives end on their only day.
pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")

DAY = "2026-10-01"


def values(frame: pd.DataFrame) -> dict:
    """A one-row frame as {column: value}, missing values left out."""
    assert len(frame) == 1, frame
    return {k: v for k, v in frame.iloc[0].items() if pd.notna(v)}


def email_campaign_records():
    attrs = campaign_attributes()
    records = []
    # m1: delivered, opened twice, two clicks
    records += [
        email("_email.send", "m1", f"{DAY}T09:00:00", attributes=attrs),
        email(
            "_email.delivered", "m1", f"{DAY}T09:00:00", arrival=f"{DAY}T09:00:02", attributes=attrs
        ),
        email("_email.open", "m1", f"{DAY}T09:00:00", arrival=f"{DAY}T10:00:00", attributes=attrs),
        email("_email.open", "m1", f"{DAY}T09:00:00", arrival=f"{DAY}T15:00:00", attributes=attrs),
        email("_email.click", "m1", f"{DAY}T09:00:00", arrival=f"{DAY}T10:00:05", attributes=attrs),
        email("_email.click", "m1", f"{DAY}T09:00:00", arrival=f"{DAY}T10:00:09", attributes=attrs),
    ]
    # m2: hard bounce
    records += [
        email("_email.send", "m2", f"{DAY}T09:00:01", endpoint="ep-2", attributes=attrs),
        email(
            "_email.hardbounce",
            "m2",
            f"{DAY}T09:00:01",
            arrival=f"{DAY}T09:01:00",
            endpoint="ep-2",
            attributes=attrs,
        ),
    ]
    # m3: soft bounce, then delivered (the latest state counts)
    records += [
        email("_email.send", "m3", f"{DAY}T09:00:02", endpoint="ep-3", attributes=attrs),
        email(
            "_email.softbounce",
            "m3",
            f"{DAY}T09:00:02",
            arrival=f"{DAY}T09:01:00",
            endpoint="ep-3",
            attributes=attrs,
        ),
        email(
            "_email.delivered",
            "m3",
            f"{DAY}T09:00:02",
            arrival=f"{DAY}T11:00:00",
            endpoint="ep-3",
            attributes=attrs,
        ),
    ]
    # m4: soft bounce and never delivered
    records += [
        email("_email.send", "m4", f"{DAY}T09:00:03", endpoint="ep-4", attributes=attrs),
        email(
            "_email.softbounce",
            "m4",
            f"{DAY}T09:00:03",
            arrival=f"{DAY}T09:02:00",
            endpoint="ep-4",
            attributes=attrs,
        ),
    ]
    # Pinpoint also writes a _campaign.send for email: the _email.* records already count it.
    records += [
        push_send(f"{DAY}T09:00:00", delivery_type="EMAIL", endpoint=f"ep-{n}") for n in range(1, 5)
    ]
    return records


CAMPAIGN_COUNTS = [
    "attempted-deliveries-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
    "hard-bounces-grouped-by-campaign-activity",
    "unique-deliveries-grouped-by-campaign-activity",
    "successful-delivery-rate-grouped-by-campaign-activity",
    "email-open-rate-grouped-by-campaign-activity",
    "hard-bounce-rate-grouped-by-campaign-activity",
]


def test_email_campaign_messages_in_their_final_state(archive):
    df = ppk.read_pinpoint_events(
        archive(email_campaign_records()), APP, CAMPAIGN_COUNTS, DAY, DAY, campaign_id=CAMPAIGN
    )
    assert df.index.tolist() == [RUN]
    assert values(df) == {
        "AttemptedDeliveries": 4,  # the _campaign.send records of email are not counted again
        "SuccessfulDeliveries": 2,  # m1, and m3 whose soft bounce was delivered later
        "DirectEmailOpens": 1,  # messages opened, not opens
        "Clicks": 2,  # every click counts
        "HardBounces": 1,
        "UniqueDeliveries": 2,
        "SuccessfulDeliveryRate": 0.5,
        "EmailOpenRate": 0.5,
        "HardBounceRate": 0.25,
    }


def test_firehose_duplicates_change_nothing(archive):
    records = email_campaign_records()
    once = ppk.read_pinpoint_events(
        archive(records), APP, CAMPAIGN_COUNTS, DAY, DAY, campaign_id=CAMPAIGN
    )
    twice = ppk.read_pinpoint_events(
        archive(records + records[::-1]), APP, CAMPAIGN_COUNTS, DAY, DAY, campaign_id=CAMPAIGN
    )
    pd.testing.assert_frame_equal(once, twice)


def test_sms_messages_count_once_in_their_final_state_with_one_price(archive):
    records = [
        sms("BUFFERED", "s1", f"{DAY}T08:00:00"),
        sms("SUCCESS", "s1", f"{DAY}T08:00:00", arrival=f"{DAY}T08:00:20"),
        sms("BUFFERED", "s2", f"{DAY}T08:01:00", endpoint="ep-2"),
        sms(
            "FAILURE",
            "s2",
            f"{DAY}T08:01:00",
            arrival=f"{DAY}T08:03:00",
            endpoint="ep-2",
            status="UNREACHABLE",
        ),
        sms("BUFFERED", "s3", f"{DAY}T08:02:00", endpoint="ep-3", parts=2, price=1290.0),
        # s4's receipt arrives before its BUFFERED record: the receipt is still final
        sms(
            "SUCCESS",
            "s4",
            f"{DAY}T08:03:00",
            arrival=f"{DAY}T08:03:01",
            endpoint="ep-4",
            country="CA",
            price=375.0,
        ),
        sms(
            "BUFFERED",
            "s4",
            f"{DAY}T08:03:00",
            arrival=f"{DAY}T08:04:00",
            endpoint="ep-4",
            country="CA",
            price=375.0,
        ),
    ]
    names = [
        "txn-sms-sent",
        "txn-sms-delivered",
        "txn-sms-sent-by-parts",
        "txn-sms-delivered-by-parts",
        "txn-sms-delivery-rate",
    ]
    df = ppk.read_pinpoint_events(archive(records), APP, names, DAY, DAY)
    assert values(df) == {
        "TxnSmsSent": 4,
        "TxnSmsDelivered": 2,
        "TxnSmsSentByParts": 5,
        "TxnSmsDeliveredByParts": 2,
        "TxnSmsDeliveryRate": 0.5,
    }
    by_country = ppk.read_pinpoint_events(
        archive(records),
        APP,
        ["txn-sms-total-price-grouped-by-country", "txn-sms-average-price-grouped-by-country"],
        DAY,
        DAY,
    )
    assert by_country.sort_index().to_dict("index") == {
        "CA": {"TxnSmsAveragePrice": 375.0, "TxnSmsTotalPrice": 375.0},
        "US": {"TxnSmsAveragePrice": (645 + 645 + 1290) / 3, "TxnSmsTotalPrice": 2580.0},
    }
    errors = ppk.read_pinpoint_events(archive(records), APP, "txn-sms-error-distribution", DAY, DAY)
    assert errors["TxnSmsErrorDistribution"].to_dict() == {"UNREACHABLE": 1}


def test_push_sends_count_by_status_and_opens_on_their_own(archive):
    records = [
        push_send(f"{DAY}T12:00:00", "SUCCESS", endpoint="ep-1"),
        push_send(f"{DAY}T12:00:00", "SUCCESS", endpoint="ep-2", delivery_type="APNS"),
        push_send(f"{DAY}T12:00:00", "FAILURE", endpoint="ep-3"),
        push_send(f"{DAY}T12:00:00", "HOLDOUT", endpoint="ep-4"),  # never attempted
        push_send(f"{DAY}T12:00:00", "QUIET_TIME", endpoint="ep-5"),
        push_open(f"{DAY}T12:30:00", endpoint="ep-1"),
    ]
    names = [
        "attempted-deliveries-grouped-by-campaign-activity",
        "successful-deliveries-grouped-by-campaign-activity",
        "direct-push-opens-grouped-by-campaign-activity",
        "push-open-rate-grouped-by-campaign-activity",
        "email-open-rate-grouped-by-campaign-activity",
    ]
    df = ppk.read_pinpoint_events(archive(records), APP, names, DAY, DAY, campaign_id=CAMPAIGN)
    assert values(df) == {
        "AttemptedDeliveries": 3,
        "SuccessfulDeliveries": 2,
        "DirectPushOpens": 1,
        "PushOpenRate": 0.5,
    }  # no email delivered: no email open rate, as the service leaves it out


def test_records_are_campaign_journey_or_transactional_by_their_ids(archive):
    journey = {"journey_id": JOURNEY, "journey_activity_id": STEP}
    records = [
        email("_email.send", "t1", f"{DAY}T07:00:00"),  # no ids: transactional
        email("_email.send", "j1", f"{DAY}T07:00:00", attributes=journey),
        email(
            "_email.open", "j1", f"{DAY}T07:00:00", arrival=f"{DAY}T08:00:00", attributes=journey
        ),
        email(
            "_email.send", "c1", f"{DAY}T07:00:00", attributes={**campaign_attributes(), **journey}
        ),
    ]
    root = archive(records)
    assert values(ppk.read_pinpoint_events(root, APP, "txn-emails-sent", DAY, DAY)) == {
        "TxnEmailsSent": 1
    }
    journey_frame = ppk.read_pinpoint_events(
        root,
        APP,
        ["emails-sent-grouped-by-journey-activity", "emails-opened-grouped-by-journey-activity"],
        DAY,
        DAY,
        journey_id=JOURNEY,
    )
    assert journey_frame.to_dict("index") == {STEP: {"EmailsOpened": 1, "EmailsSent": 1}}
    campaign = ppk.read_pinpoint_events(
        root, APP, "attempted-deliveries-grouped-by-date", DAY, DAY, campaign_id=CAMPAIGN
    )
    assert campaign["AttemptedDeliveries"].tolist() == [1]


def test_days_are_send_days_and_the_range_selects_sends(archive):
    records = [
        # sent late on Sept 30, opened on Oct 1: neither counts for October
        email("_email.send", "late", "2026-09-30T23:59:00", attributes=campaign_attributes()),
        email(
            "_email.open",
            "late",
            "2026-09-30T23:59:00",
            arrival=f"{DAY}T00:10:00",
            attributes=campaign_attributes(),
        ),
        # sent on Oct 1 at 23:59, opened on Oct 2: both count for Oct 1
        email("_email.send", "edge", f"{DAY}T23:59:00", attributes=campaign_attributes()),
        email(
            "_email.open",
            "edge",
            f"{DAY}T23:59:00",
            arrival="2026-10-02T08:00:00",
            attributes=campaign_attributes(),
        ),
    ]
    df = ppk.read_pinpoint_events(
        archive(records),
        APP,
        ["attempted-deliveries-grouped-by-date", "direct-email-opens-grouped-by-date"],
        DAY,
        "2026-10-02",
        campaign_id=CAMPAIGN,
    )
    assert df.index.tolist() == [pd.Timestamp(DAY)]
    assert df.iloc[0].to_dict() == {"AttemptedDeliveries": 1, "DirectEmailOpens": 1}


def test_receipts_later_than_the_lateness_margin_are_not_scanned(archive):
    records = [
        sms("BUFFERED", "s1", f"{DAY}T08:00:00"),
        sms("SUCCESS", "s1", f"{DAY}T08:00:00", arrival="2026-10-05T09:00:00"),  # 4 days later
    ]
    root = archive(records)
    default = ppk.read_pinpoint_events(root, APP, ["txn-sms-sent", "txn-sms-delivered"], DAY, DAY)
    assert values(default) == {"TxnSmsSent": 1}
    longer = ppk.read_pinpoint_events(
        root, APP, ["txn-sms-sent", "txn-sms-delivered"], DAY, DAY, lateness="5D"
    )
    assert values(longer) == {"TxnSmsSent": 1, "TxnSmsDelivered": 1}
    assert longer.attrs["pinpoint"]["objects"] == 2 and default.attrs["pinpoint"]["objects"] == 1


def test_other_projects_events_are_ignored(archive):
    records = [
        email("_email.send", "x", f"{DAY}T07:00:00"),
        email("_email.send", "y", f"{DAY}T07:00:00", attributes={})
        | {"application": {"app_id": "ffffffffffffffffffffffffffffffff"}},
    ]
    assert values(ppk.read_pinpoint_events(archive(records), APP, "txn-emails-sent")) == {
        "TxnEmailsSent": 1
    }


def test_treatments_split_a_campaign_and_add_up_to_it(archive):
    records = []
    for n in range(10):
        attrs = campaign_attributes(treatment=str(n % 2))
        records.append(
            email("_email.send", f"m{n}", f"{DAY}T09:00:0{n}", endpoint=f"ep-{n}", attributes=attrs)
        )
        if n % 2 or n == 0:
            records.append(
                email(
                    "_email.open",
                    f"m{n}",
                    f"{DAY}T09:00:0{n}",
                    arrival=f"{DAY}T10:00:00",
                    endpoint=f"ep-{n}",
                    attributes=attrs,
                )
            )
    names = [
        "successful-deliveries-grouped-by-treatment",
        "direct-email-opens-grouped-by-treatment",
    ]
    df = ppk.read_pinpoint_events(archive(records), APP, names, DAY, DAY, campaign_id=CAMPAIGN)
    assert df.index.name == "TreatmentId"
    assert df.to_dict("index") == {
        "0": {"DirectEmailOpens": 1, "SuccessfulDeliveries": 5},
        "1": {"DirectEmailOpens": 5, "SuccessfulDeliveries": 5},
    }
    table = df.pinpoint.compare(metric="EmailOpenRate", by="TreatmentId", baseline="0")
    assert table.loc["1", "EmailOpenRate"] == 1.0 and table.loc["0", "EmailOpenRate"] == 0.2


def test_all_campaigns_are_those_found_in_the_events(archive):
    records = [
        email(
            "_email.send",
            "a",
            f"{DAY}T09:00:00",
            attributes=campaign_attributes(campaign=OTHER_CAMPAIGN),
        ),
        email("_email.send", "b", f"{DAY}T10:00:00", attributes=campaign_attributes()),
        email("_email.send", "c", f"{DAY}T11:00:00", attributes=campaign_attributes()),
    ]
    df = ppk.read_pinpoint_events(
        archive(records), APP, "attempted-deliveries-grouped-by-date", campaign_id="all"
    )
    assert df.index.names == ["CampaignId", "Date"]
    assert df["AttemptedDeliveries"].to_dict() == {
        (OTHER_CAMPAIGN, pd.Timestamp(DAY)): 1,
        (CAMPAIGN, pd.Timestamp(DAY)): 2,
    }
    assert df.attrs["pinpoint"]["campaign_ids"] == [OTHER_CAMPAIGN, CAMPAIGN]
    # the whole archive: the span it answered for
    assert df.attrs["pinpoint"]["start_time"] == "2026-10-01T00:00:00Z"
    assert df.attrs["pinpoint"]["end_time"] == "2026-10-01T23:59:59Z"


def test_any_range_without_the_apis_limits(archive):
    records = [
        email("_email.send", f"m{n}", f"2024-0{n}-15T09:00:00", attributes=campaign_attributes())
        for n in range(1, 10)
    ]
    df = ppk.read_pinpoint_events(
        archive(records),
        APP,
        "attempted-deliveries-grouped-by-campaign-activity",
        "2024-01-01",
        "2024-12-31",
        campaign_id=CAMPAIGN,
    )
    assert df["AttemptedDeliveries"].tolist() == [9]
    windows = ppk.read_pinpoint_events(
        archive(records),
        APP,
        "attempted-deliveries-grouped-by-campaign-activity",
        "2024-01-01",
        "2024-03-31",
        campaign_id=CAMPAIGN,
        keep_windows=True,
    )
    assert windows.index.names == ["Window", "CampaignActivityId"]
    assert windows["AttemptedDeliveries"].tolist() == [1, 1, 1]
    assert ms("2024-01-15T09:00:00") > 0
