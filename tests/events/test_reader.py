"""read_pinpoint_events: AWS's documented records, sources and formats, bad input, bad files."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.errors import (
    ArgumentTypeError,
    BadFileError,
    BadFileWarning,
    InvalidArgumentError,
    KpiScopeError,
    PinpointKpiError,
    UnknownKpiError,
)
from pinpoint_kpi_pandas.events import email_engagement_records, example_records
from pinpoint_kpi_pandas.events.sources import find_archive

from .records import APP, CAMPAIGN, campaign_attributes, email, sms, write_archive

# An archive's last day is provisional (its clock, the newest arrival hour, has not passed its
# end): hand-made archives end on their only day.
pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")

EXAMPLE_APP = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"
SMS_CAMPAIGN = "52dc44b35c4742c98c5935269example"
PUSH_CAMPAIGN = "4f8d6097c2e8400fa3081d875example"


@pytest.fixture
def documented(tmp_path):
    """AWS's documented example records, and the email's engagement events the guide describes."""
    (tmp_path / "events.json").write_text(example_records() + email_engagement_records())
    return tmp_path


# --- AWS's documented records -------------------------------------------------------------------


def test_the_documented_email_is_one_transactional_message_delivered_opened_and_clicked(
    documented,
):
    names = [
        "txn-emails-sent",
        "txn-emails-delivered",
        "txn-emails-opened",
        "txn-emails-clicked",
        "txn-emails-unique-opens",
        "txn-emails-unique-clicks",
        "txn-emails-delivery-rate",
        "txn-emails-hard-bounced",
        "txn-emails-complaint-rate",
    ]
    row = ppk.read_pinpoint_events(documented, EXAMPLE_APP, names).iloc[0]
    assert pd.isna(row.pop("TxnEmailsHardBounced"))  # no bounce: no value, as the API gives
    assert row.to_dict() == {
        "TxnEmailsClicked": 1,
        "TxnEmailsComplaintRate": 0.0,  # one message sent, none complained
        "TxnEmailsDelivered": 1,
        "TxnEmailsDeliveryRate": 1.0,
        "TxnEmailsOpened": 1,
        "TxnEmailsSent": 1,
        "TxnEmailsUniqueClicks": 1,
        "TxnEmailsUniqueOpens": 1,
    }
    # the send day is the day of the shared event_timestamp (2019-08-01 00:17 UTC)
    by_day = ppk.read_pinpoint_events(documented, EXAMPLE_APP, "txn-emails-opened-grouped-by-date")
    assert by_day.index.tolist() == [pd.Timestamp("2019-08-01")]


def test_the_documented_sms_is_a_campaign_message_delivered_at_its_price(documented):
    names = ["successful-delivery-rate", "unique-deliveries", "sms-spend"]
    df = ppk.read_pinpoint_events(documented, EXAMPLE_APP, names, campaign_id=SMS_CAMPAIGN)
    # a campaign record (campaign_id is set), whatever its message_type says
    assert df.iloc[0].to_dict() == {
        "SuccessfulDeliveryRate": 1.0,
        "UniqueDeliveries": 1,
        "SmsSpend": 645.0,
    }
    assert ppk.read_pinpoint_events(documented, EXAMPLE_APP, "txn-sms-sent").empty


def test_the_documented_push_send_is_an_attempted_and_delivered_notification(documented):
    df = ppk.read_pinpoint_events(
        documented,
        EXAMPLE_APP,
        [
            "attempted-deliveries-grouped-by-date",
            "successful-deliveries-grouped-by-date",
            "direct-push-opens-grouped-by-date",
        ],
        campaign_id=PUSH_CAMPAIGN,
    )
    assert df.to_dict("index") == {
        pd.Timestamp("2019-07-02"): {
            "AttemptedDeliveries": 1,
            "SuccessfulDeliveries": 1,
            "DirectPushOpens": float("nan"),
        }
    } or (df["AttemptedDeliveries"].tolist() == [1] and df["DirectPushOpens"].isna().all())


def test_a_journey_send_alone_is_no_journey_email(documented):
    journey = "546401670c5547b08811ac6a9example"
    df = ppk.read_pinpoint_events(
        documented, EXAMPLE_APP, "journey-emails-sent", journey_id=journey
    )
    assert df.empty  # _journey.send is an execution record; the emails are _email.* records


# --- sources and formats ------------------------------------------------------------------------


def small_records():
    attrs = campaign_attributes()
    return [
        email("_email.send", "m1", "2026-10-01T09:00:00", attributes=attrs),
        email(
            "_email.delivered",
            "m1",
            "2026-10-01T09:00:00",
            arrival="2026-10-01T09:00:05",
            attributes=attrs,
        ),
        email("_email.send", "m2", "2026-10-01T10:00:00", endpoint="ep-2", attributes=attrs),
        sms("BUFFERED", "s1", "2026-10-01T11:00:00"),
    ]


NAMES = ["attempted-deliveries-grouped-by-date", "successful-deliveries-grouped-by-date"]


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(compress=False),
        dict(concatenated=True),
        dict(compress=False, per_hour=False),
        dict(concatenated=True, compress=False),
    ],
    ids=["gzip-ndjson", "plain-ndjson", "gzip-concatenated", "flat-plain", "plain-concatenated"],
)
def test_every_firehose_form_reads_the_same(tmp_path, options):
    write_archive(tmp_path, small_records(), **options)
    df = ppk.read_pinpoint_events(tmp_path, APP, NAMES, campaign_id=CAMPAIGN)
    assert df.iloc[0].to_dict() == {"AttemptedDeliveries": 2, "SuccessfulDeliveries": 2}


def test_files_globs_and_lists_of_them(tmp_path):
    paths = write_archive(tmp_path, small_records())
    one = ppk.read_pinpoint_events(str(paths[0]), APP, NAMES, campaign_id=CAMPAIGN)
    glob = ppk.read_pinpoint_events(
        str(tmp_path / "2026" / "**" / "*.gz"), APP, NAMES, campaign_id=CAMPAIGN
    )
    listed = ppk.read_pinpoint_events([str(p) for p in paths], APP, NAMES, campaign_id=CAMPAIGN)
    pd.testing.assert_frame_equal(glob, listed)
    assert one["AttemptedDeliveries"].iloc[0] == 1


def test_firehose_objects_without_an_extension_are_sniffed(tmp_path):
    path = write_archive(tmp_path, small_records())[0]
    plain = path.with_name("stream-1-2026-10-01-09-00-00-abcd")
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    gzipped = path.with_name("stream-2-2026-10-01-09-00-00-abcd")
    gzipped.write_bytes(path.read_bytes())
    path.unlink()
    archive = find_archive(tmp_path)
    kinds = {o.path.rsplit("/", 1)[1]: (o.format, o.compression) for o in archive.objects}
    assert kinds[plain.name] == ("json", None) and kinds[gzipped.name] == ("json", "gzip")


def test_hidden_and_marker_files_are_never_read(tmp_path):
    write_archive(tmp_path, small_records())
    folder = next(tmp_path.rglob("*.gz")).parent
    (folder / ".stream-9.gz.tmp").write_bytes(b"half a gzip")
    (folder / "_SUCCESS").write_bytes(b"")
    df = ppk.read_pinpoint_events(tmp_path, APP, NAMES, campaign_id=CAMPAIGN)
    assert df.iloc[0].to_dict() == {"AttemptedDeliveries": 2, "SuccessfulDeliveries": 2}


def test_prefixes_far_from_the_range_are_not_listed(tmp_path):
    old = email("_email.send", "old", "2025-01-01T09:00:00", attributes=campaign_attributes())
    records = [*small_records(), old]
    write_archive(tmp_path, records)
    (tmp_path / "2025" / "01" / "01" / "09" / "stream-1-0000.gz").write_bytes(b"corrupt")
    df = ppk.read_pinpoint_events(
        tmp_path, APP, NAMES, "2026-10-01", "2026-10-01", campaign_id=CAMPAIGN
    )
    assert df.attrs["pinpoint"]["objects"] == 3  # the corrupt 2025 object was never opened


# --- bad files ----------------------------------------------------------------------------------


@pytest.fixture
def damaged(tmp_path):
    write_archive(tmp_path, small_records())
    folder = next(tmp_path.rglob("*.gz")).parent
    good = gzip.decompress(next(folder.glob("*.gz")).read_bytes())
    (folder / "stream-1-truncated.gz").write_bytes(gzip.compress(good)[:-30])
    (folder / "stream-1-not-gzip.gz").write_bytes(b"this is no gzip stream")
    return tmp_path


def test_bad_objects_are_all_named_before_anything_is_counted(damaged):
    with pytest.raises(BadFileError) as info:
        ppk.read_pinpoint_events(damaged, APP, NAMES, campaign_id=CAMPAIGN)
    names = sorted(path.rsplit("/", 1)[1] for path, _ in info.value.bad_files)
    assert names == ["stream-1-not-gzip.gz", "stream-1-truncated.gz"]
    assert "on_bad_file='warn'" in str(info.value)


def test_bad_objects_can_be_left_out_with_a_warning_or_silently(damaged):
    with pytest.warns(BadFileWarning, match="2 archive objects cannot be read"):
        warned = ppk.read_pinpoint_events(
            damaged, APP, NAMES, campaign_id=CAMPAIGN, on_bad_file="warn"
        )
    skipped = ppk.read_pinpoint_events(
        damaged, APP, NAMES, campaign_id=CAMPAIGN, on_bad_file="skip"
    )
    pd.testing.assert_frame_equal(warned, skipped)
    # none of a truncated object's records counts (its first lines were readable)
    assert warned.iloc[0].to_dict() == {"AttemptedDeliveries": 2, "SuccessfulDeliveries": 2}
    assert len(warned.attrs["pinpoint"]["skipped_files"]) == 2


# --- bad input, refused before any file is listed ---------------------------------------------

BAD = [
    (dict(kpi_name="txn-emails-sentt"), UnknownKpiError, "Did you mean"),
    (dict(kpi_name="journey-execution-metrics"), InvalidArgumentError, "execution metrics"),
    (dict(kpi_name="txn-push-sent"), InvalidArgumentError, "never streamed"),
    (dict(kpi_name="sms-spend"), KpiScopeError, "campaign_id"),
    (
        dict(kpi_name=["txn-emails-sent", "txn-emails-sent-grouped-by-date"]),
        InvalidArgumentError,
        "different groupings",
    ),
    (dict(campaign_id="c1", journey_id="j1"), InvalidArgumentError, "both given"),
    (dict(campaign_id=[]), InvalidArgumentError, "empty list"),
    (dict(campaign_id="../etc"), InvalidArgumentError, "is not a Pinpoint id"),
    (dict(start_time="2026-10-05", end_time="2026-10-01"), InvalidArgumentError, "swap"),
    (dict(keep_windows=True), InvalidArgumentError, "needs both"),
    (dict(lateness="soon"), InvalidArgumentError, "duration"),
    (dict(lateness=-1), ArgumentTypeError, "timedelta"),
    (dict(on_bad_file="ignore"), InvalidArgumentError, "on_bad_file"),
    (dict(engine="polars"), InvalidArgumentError, "engine"),
    (dict(format="csv"), InvalidArgumentError, "format"),
    (dict(dtype_backend="arrow"), InvalidArgumentError, "dtype_backend"),
    (dict(source=42), ArgumentTypeError, "source"),
    (dict(storage_options={"anon": True}), InvalidArgumentError, "storage_options"),
]


@pytest.mark.parametrize(("overrides", "error", "message"), BAD, ids=lambda v: str(v)[:40])
def test_bad_input_is_refused_naming_the_argument(tmp_path, overrides, error, message):
    write_archive(tmp_path, small_records())
    kwargs = dict(source=tmp_path, application_id=APP, kpi_name="txn-emails-sent")
    kwargs.update(overrides)
    with pytest.raises(error, match=message) as info:
        ppk.read_pinpoint_events(**kwargs)
    assert isinstance(info.value, PinpointKpiError)


def test_a_source_that_matches_nothing(tmp_path):
    with pytest.raises(InvalidArgumentError, match="matches no file"):
        ppk.read_pinpoint_events(tmp_path / "nowhere", APP, "txn-emails-sent")


# --- frames ------------------------------------------------------------------------------------


def test_dtype_backends_as_pandas_readers(tmp_path):
    write_archive(tmp_path, small_records())
    arrow = ppk.read_pinpoint_events(
        tmp_path, APP, NAMES, campaign_id=CAMPAIGN, dtype_backend="pyarrow"
    )
    assert str(arrow.dtypes.iloc[0]) == "int64[pyarrow]"


def test_one_id_of_a_list_without_events_keeps_its_place(tmp_path):
    write_archive(tmp_path, small_records())
    other = "0" * 32
    df = ppk.read_pinpoint_events(
        tmp_path, APP, "successful-delivery-rate", campaign_id=[other, CAMPAIGN]
    )
    assert df.index.tolist() == [other, CAMPAIGN]
    assert pd.isna(df.loc[other, "SuccessfulDeliveryRate"])
    assert df.attrs["pinpoint"]["ids_with_rows"] == [CAMPAIGN]


def test_progress_follows_the_scan(tmp_path, capsys):
    write_archive(tmp_path, small_records())
    ppk.read_pinpoint_events(tmp_path, APP, NAMES, campaign_id=CAMPAIGN, progress=True)
    assert "Scanning events" in capsys.readouterr().err


def test_json_records_of_another_shape_are_not_guessed(tmp_path):
    # A key first seen late, numbers where strings are expected: the declared schema reads both.
    records = small_records()
    records[0]["attributes"]["new_key_from_2027"] = "x"
    records[1]["attributes"]["number_of_message_parts"] = "1"
    (tmp_path / "a.json").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    df = ppk.read_pinpoint_events(tmp_path, APP, NAMES, campaign_id=CAMPAIGN)
    assert df.iloc[0]["AttemptedDeliveries"] == 2
