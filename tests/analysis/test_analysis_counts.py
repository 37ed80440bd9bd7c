"""Integer counts stay integers wherever they come back with gaps (issue 10, item 7).

A several-KPI read joins KPIs that lack rows the others have (an SMS campaign has no email
opens), and ``total()`` / ``compare()`` keep a row for each campaign without data: the counts
are nullable ``Int64`` there (``<NA>``), never ``float64`` (``4336.0``), with every backend.
Frames are read from the emulator through boto3.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.analysis import funnel_totals

OCTOBER = ("2026-10-01", "2026-10-28")
COUNTS = [
    "direct-email-opens-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
]


@pytest.fixture(scope="module")
def every_campaign(emulator, sample_app):
    """Opens and deliveries per run of every campaign in October (SMS ones have no opens, one
    campaign sent nothing)."""
    return ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", endpoint_url=emulator.endpoint_url
    )


def _silent(frame: pd.DataFrame) -> str:
    """The campaign of the frame without any row in the range."""
    contract = frame.attrs["pinpoint"]
    (silent,) = [i for i in contract["campaign_ids"] if i not in contract["ids_with_rows"]]
    return silent


def test_a_several_kpi_read_keeps_counts_with_gaps_integer(every_campaign, sample_app):
    opens = every_campaign["DirectEmailOpens"]
    assert opens.isna().any()  # the SMS and push campaigns' runs have no email opens
    assert str(opens.dtype) == "Int64"
    assert str(every_campaign["SuccessfulDeliveries"].dtype) == "int64"  # no gap: plain int64
    sms = next(c.id for c in sample_app.campaigns if c.channel == "SMS")
    assert every_campaign.loc[sms, "DirectEmailOpens"].isna().all()
    assert ".0 " not in every_campaign.to_string() + " "


@pytest.mark.parametrize(
    ("backend", "dtype"), [("numpy_nullable", "Int64"), ("pyarrow", "int64[pyarrow]")]
)
def test_the_other_backends_keep_them_integer_too(emulator, sample_app, backend, dtype):
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", dtype_backend=backend,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert [str(t) for t in frame.dtypes] == [dtype, dtype]
    assert frame["DirectEmailOpens"].isna().any()


def test_total_keeps_a_row_for_a_campaign_without_data_with_integer_counts(every_campaign):
    totals = every_campaign.pinpoint.total()
    silent = _silent(every_campaign)
    assert totals.loc[silent].isna().all()
    assert [str(t) for t in totals.dtypes] == ["Int64", "Int64"]
    with_data = totals.drop(index=silent)
    expected = every_campaign.groupby(level="CampaignId", sort=False)["SuccessfulDeliveries"].sum()
    assert with_data["SuccessfulDeliveries"].tolist() == expected.loc[with_data.index].tolist()


def test_compare_shows_counts_as_integers_not_4336_0(every_campaign):
    table = every_campaign.pinpoint.compare("EmailOpenRate")
    assert str(table["DirectEmailOpens"].dtype) == "Int64"
    assert str(table["SuccessfulDeliveries"].dtype) == "Int64"  # the silent campaign's row
    assert table.loc[_silent(every_campaign), "note"] == "no data in range"
    shown = table[["DirectEmailOpens", "SuccessfulDeliveries"]].to_string()
    assert ".0" not in shown and "<NA>" in shown
    # the statistics still come from the counts
    tested = table.dropna(subset=["ci_low"])
    assert len(tested) >= 5
    ratio = tested["DirectEmailOpens"].astype(float) / tested["SuccessfulDeliveries"].astype(float)
    pd.testing.assert_series_equal(ratio, tested["EmailOpenRate"], check_names=False)


def test_funnel_totals_are_integers_with_no_data_where_a_stage_has_none(every_campaign):
    totals = funnel_totals(
        every_campaign,
        "CampaignId",
        [("Delivered", ["SuccessfulDeliveries"]), ("Opened", ["DirectEmailOpens"])],
    )
    assert [str(t) for t in totals.dtypes] == ["Int64", "Int64"]
    assert totals["Opened"].isna().any() and totals["Delivered"].notna().sum() >= 10


def test_weekly_sums_with_an_empty_week_stay_integer(emulator, sample_app):
    daily = ppk.read_pinpoint_kpi(
        sample_app.id, "txn-emails-sent-grouped-by-date", *OCTOBER,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert str(daily["TxnEmailsSent"].dtype) == "int64"
    days = daily.index
    unread = (days >= "2026-10-12") & (days <= "2026-10-18")  # a whole week (Mon-Sun) missing
    weekly = daily[~unread].pinpoint.resample("W")
    assert str(weekly["TxnEmailsSent"].dtype) == "Int64"
    assert pd.isna(weekly.loc["2026-10-18", "TxnEmailsSent"])
    assert (
        weekly.loc["2026-10-11", "TxnEmailsSent"]
        == daily.loc["2026-10-05":"2026-10-11"].sum().item()
    )


def test_an_id_without_data_keeps_int_dtype_elsewhere_in_total(emulator, sample_app):
    # a single KPI (no join): only the missing campaign's row needs the nullable dtype
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS[1], *OCTOBER, campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert str(frame["SuccessfulDeliveries"].dtype) == "int64"
    totals = frame.pinpoint.total()
    assert str(totals["SuccessfulDeliveries"].dtype) == "Int64"
    assert totals["SuccessfulDeliveries"].isna().sum() == 1
