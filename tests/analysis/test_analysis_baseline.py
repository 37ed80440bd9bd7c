"""The baseline of a comparison must have a value for the metric: one without (an SMS campaign
for an email open rate, a campaign with no data in the range) is refused by name, with the
choices that have one, instead of a TypeError from a count with a gap."""

from __future__ import annotations

import pytest

import pinpoint_kpi_pandas as ppk

KPIS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]


@pytest.fixture(scope="module")
def runs(emulator, sample_app):
    """Every campaign's runs in October: SMS and push have no opens, Spring Sale no rows."""
    return ppk.read_pinpoint_kpi(
        sample_app.id, KPIS, "2026-10-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip


def test_a_baseline_without_the_metric_is_refused_naming_those_with_it(runs, sample_app):
    assert runs["DirectEmailOpens"].dtype == "Int64" and runs["DirectEmailOpens"].isna().any()
    with pytest.raises(ppk.errors.InvalidArgumentError) as caught:
        runs.pinpoint.compare("EmailOpenRate", baseline="Cart Reminder SMS")
    text = str(caught.value)
    assert "baseline 'Cart Reminder SMS' has no email open rate" in text
    assert (
        "choose one that has: Weekly Newsletter Email" in text
        and "Cart Reminder" not in (text.split("choose one")[1])
    )
    sms = sample_app.campaign("Cart Reminder SMS").id
    with pytest.raises(ppk.errors.InvalidArgumentError, match="has no email open rate"):
        runs.pinpoint.compare("EmailOpenRate", baseline=sms)  # by id too


def test_a_baseline_with_no_rows_in_the_range_says_so(runs, sample_app):
    spring = sample_app.campaign("Spring Sale Email").id
    assert spring in runs.attrs["pinpoint"]["campaign_ids"]
    assert spring not in runs.index.get_level_values("CampaignId")
    for baseline in ("Spring Sale Email", spring):
        with pytest.raises(ppk.errors.InvalidArgumentError, match="has no data in this range"):
            runs.pinpoint.compare("EmailOpenRate", baseline=baseline)


def test_an_unknown_baseline_lists_names(runs):
    with pytest.raises(ppk.errors.InvalidArgumentError) as caught:
        runs.pinpoint.compare("EmailOpenRate", baseline="Nosuch")
    assert "Spring Sale Email" in str(caught.value) and "pass an id or a name" in str(caught.value)


def test_the_default_baseline_and_a_good_one_still_compare(runs, sample_app):
    table = runs.pinpoint.compare("EmailOpenRate", baseline="Welcome Series Email")
    welcome = sample_app.campaign("Welcome Series Email").id
    assert table.loc[welcome, "baseline"] and table["ci_low"].notna().sum() == 5
    default = runs.pinpoint.compare("EmailOpenRate")
    assert default.attrs["pinpoint"]["compare"]["baseline"] == (
        sample_app.campaign("Weekly Newsletter Email").id
    )


def test_a_frame_where_no_campaign_has_the_metric_compares_without_crashing(runs, sample_app):
    sms = sample_app.campaign("Cart Reminder SMS").id
    table = runs.loc[[sms]].pinpoint.compare("EmailOpenRate")
    assert table.loc[sms, "EmailOpenRate"] != table.loc[sms, "EmailOpenRate"]  # NaN
    assert table.loc[sms, "baseline"]


def test_rows_without_an_untested_metric_say_so_not_difference_only(emulator, sample_app):
    spend = ppk.read_pinpoint_kpi(
        sample_app.id, "sms-spend", "2026-10-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    table = spend.pinpoint.compare()
    sms = {c.id for c in sample_app.campaigns if c.channel == "SMS"}
    others = table.loc[~table.index.isin(sms), "note"]
    assert set(others) == {"no sms spend in range"}  # email and push campaigns spend no SMS
    tested = table.loc[table.index.isin(sms) & ~table["baseline"], "note"]
    assert set(tested) == {"amount: difference only, no test"}


def test_an_empty_frame_is_refused_by_compare_naming_what_had_no_data(runs, sample_app):
    spring = sample_app.campaign("Spring Sale Email").id
    empty = runs.iloc[:0].copy()
    empty.attrs["pinpoint"] = {**runs.attrs["pinpoint"], "campaign_ids": [spring]}
    with pytest.raises(ppk.errors.InvalidArgumentError, match="nothing to compare") as caught:
        empty.pinpoint.compare("EmailOpenRate")
    assert "Spring Sale Email" in str(caught.value)
