"""compare_campaigns: driven as a user would, by setting .value on its controls.

Assertions are on what the dashboard computed (.frame, .figure, .table, .error, .state) and on
its public display widgets (.views), never on Output.outputs, which captures nothing outside a
kernel.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")
import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog, widgets
from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.errors import InvalidArgumentError

START, END = "2026-10-01", "2026-10-28"  # within 31 days: every chart works


def kpi_requests(emu) -> int:
    return emu.request_log.count("GetCampaignDateRangeKpi")


def campaign_ids(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame.index.get_level_values("CampaignId")))


def label(campaign) -> str:
    # The sample's names say their channel ("Cart Reminder SMS"): shown as they are, with no
    # "(sms)" after them (the channel is added only to a name that does not say it).
    assert campaign.channel.lower() in campaign.name.lower()
    return campaign.name


def test_opens_on_the_first_three_campaigns_by_name(dash, app):
    first = app.campaigns[:3]
    assert dash.error is None
    assert dash.controls["campaigns"].value == tuple(c.id for c in first)
    assert dash.frame.index.names == ["CampaignId", "Date"]
    assert dash.frame.columns.tolist() == ["SuccessfulDeliveryRate"]
    assert sorted(dash.table.index) == sorted(label(c) for c in first)
    # The selector shows names, holds ids.
    assert dash.controls["campaigns"].options[0] == (label(app.campaigns[0]), app.campaigns[0].id)


def test_trend_draws_one_line_per_campaign_with_data(dash, app):
    ax = dash.figure.axes[0]
    assert ax.get_title(loc="left").startswith("Delivery rate")
    assert ax.get_ylabel() == "Delivery rate (%)"
    # The first campaign sent nothing in October: it has a table row, no line, and a legend
    # entry saying so (issue 9: every campaign asked for is shown).
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        *(label(c) for c in app.campaigns[1:3]),
        f"{label(app.campaigns[0])} (no data)",
    ]
    series = dash.frame.xs(app.campaigns[1].id, level="CampaignId")["SuccessfulDeliveryRate"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), series.to_numpy())
    assert dash.table.loc[label(app.campaigns[0]), "note"] == "no data in range"
    assert dash.png.startswith(b"\x89PNG")


def test_changing_campaigns_updates_frame_table_and_chart(dash, app, emu):
    before = kpi_requests(emu)
    chosen = (app.campaigns[4].id, app.campaigns[1].id)
    dash.controls["campaigns"].value = chosen
    assert dash.error is None
    assert campaign_ids(dash.frame) == list(chosen)
    assert dash.frame.attrs["pinpoint"]["campaign_ids"] == list(chosen)
    assert set(dash.table.index) == {label(app.campaigns[4]), label(app.campaigns[1])}
    assert len(dash.figure.axes[0].lines) == 2
    # Only the campaign not fetched yet was requested (one request: the range is <= 31 days).
    assert kpi_requests(emu) - before == 1
    # Going back to a selection already seen costs no request.
    dash.controls["campaigns"].value = (app.campaigns[2].id,)
    assert kpi_requests(emu) - before == 1
    assert campaign_ids(dash.frame) == [app.campaigns[2].id]


def test_changing_kpi_and_dates_refetches_once_per_kpi_and_range(dash, emu):
    dash.controls["kpi"].value = "unique-deliveries-grouped-by-date"
    assert dash.error is None
    assert dash.frame.columns.tolist() == ["UniqueDeliveries"]
    assert dash.figure.axes[0].get_title(loc="left").startswith("Endpoint deliveries")
    before = kpi_requests(emu)
    dash.controls["start"].value = dt.date(2026, 10, 15)
    dates = dash.frame.index.get_level_values("Date")
    assert dates.min() >= pd.Timestamp("2026-10-15")
    assert dates.max() <= pd.Timestamp("2026-10-28")
    assert kpi_requests(emu) - before == 3  # a new range: one request per campaign
    dash.controls["start"].value = dt.date(2026, 10, 1)
    assert kpi_requests(emu) - before == 3  # that range was cached


def test_compare_is_the_accessors_comparison_against_the_first_campaign(dash, app):
    dash.controls["chart"].value = "compare"
    assert dash.error is None
    table = dash.table
    expected = dash.frame.pinpoint.compare(
        "SuccessfulDeliveryRate", app.campaigns[1].id, unweighted_mean=True
    )
    # Daily rates without their counts: the table, chart and caption say it is their
    # unweighted mean, never presenting it as the campaign's delivery rate.
    column = "SuccessfulDeliveryRate (unweighted mean)"
    assert table.columns[0] == expected.columns[1] == column
    # the frame read carries the project's names: compare() shows them beside the ids
    assert expected.columns[0] == "CampaignName"
    assert expected.loc[app.campaigns[1].id, "CampaignName"] == app.campaigns[1].name
    np.testing.assert_allclose(
        table[column].dropna().to_numpy(), expected[column].dropna().to_numpy()
    )
    assert table.loc[label(app.campaigns[1]), "note"] == "baseline"
    assert table.loc[label(app.campaigns[2]), "note"] == (
        "unweighted mean of daily values: no test"
    )
    html = widgets.table_html(table)  # headed by the KPI's title, for people
    assert "<th>Delivery rate (unweighted mean)</th>" in html and column not in html
    ax = dash.figure.axes[0]
    assert ax.get_title(loc="left").startswith(
        "Delivery rate (unweighted mean of daily values) vs "
    )
    assert ax.get_xlabel() == "Delivery rate (%), unweighted mean of daily values"
    assert "table: unweighted mean of daily values" in dash.views["caption"].value
    rows = [t.get_text() for t in dash.figure.axes[0].get_yticklabels()]
    assert len(rows) == 2  # no bar (or dot) for the campaign without data
    assert f"{label(app.campaigns[1])} (baseline)" in rows


def test_compare_of_counts_totals_them(dash, app):
    dash.controls["kpi"].value = "attempted-deliveries-grouped-by-campaign-activity"
    dash.controls["chart"].value = "compare"
    assert dash.error is None
    totals = dash.frame["AttemptedDeliveries"].groupby(level="CampaignId").sum()
    for campaign in app.campaigns[1:3]:
        assert dash.table.loc[label(campaign), "AttemptedDeliveries"] == totals[campaign.id]
    assert "95% interval" not in dash.views["table"].value
    assert f"{int(totals[app.campaigns[1].id]):,}" in dash.views["table"].value


def test_funnel_reads_the_run_counts_and_disables_the_kpi_picker(dash):
    dash.controls["chart"].value = "funnel"
    assert dash.error is None
    assert dash.controls["kpi"].disabled
    table = dash.table
    assert table.columns[:4].tolist() == ["Sent", "Delivered", "Opened", "Clicked"]
    with_data = table["Sent"].notna()
    assert (table["Delivered"] <= table["Sent"])[with_data].all()
    # The first campaign sent nothing in October: no data, as the chart says, not zeros (and
    # last, after the campaigns the chart draws largest first).
    last = table.iloc[-1]
    assert not with_data.iloc[-1] and last.drop("CampaignId").isna().all()
    assert last["CampaignId"] == dash.selection.ids[0]  # the row's id is kept beside its name
    assert (table["Delivered / Sent"].dropna().between(0, 1)).all()
    assert set(widgets.FUNNEL_KPIS) == set(dash.frame.attrs["pinpoint"]["kpi_names"])
    dash.controls["chart"].value = "trend"
    assert not dash.controls["kpi"].disabled


def test_calendar_is_a_heat_map_of_campaigns_by_day(dash):
    dash.controls["chart"].value = "calendar"
    assert dash.error is None
    image = dash.figure.axes[0].images[0]
    assert image.get_array().shape == (3, 28)  # the three selected campaigns, by day
    ticks = [t.get_text() for t in dash.figure.axes[0].get_yticklabels()]
    assert sum(t.endswith("(no data)") for t in ticks) == 1  # the one without data: grey


def test_errors_are_shown_in_the_widget_and_it_recovers(dash):
    # A unique count over 89 days cannot be split exactly: the reader refuses, and says why.
    # (Run counts, as the funnel reads, are summed over windows since issue 9.)
    dash.controls["chart"].value = "compare"
    dash.controls["kpi"].value = "unique-deliveries"
    dash.controls["start"].value = dt.date(2026, 8, 1)
    assert dash.error is not None and "31" in dash.error
    assert dash.figure is None and dash.table is None
    assert dash.views["message"].layout.display == "block"
    dash.controls["start"].value = dt.date(2026, 10, 1)
    assert dash.error is None
    assert dash.views["message"].layout.display == "none"


def test_charts_that_need_dates_say_which_kpi_to_pick(dash):
    dash.controls["kpi"].value = "successful-delivery-rate"
    assert "successful-delivery-rate-grouped-by-date" in dash.error
    dash.controls["chart"].value = "compare"  # a single value per campaign compares fine
    assert dash.error is None
    assert dash.table["SuccessfulDeliveryRate"].notna().sum() == 2


def test_bad_selections_are_explained(dash):
    dash.controls["campaigns"].value = ()
    assert "select at least one campaign" in dash.error
    dash.controls["campaigns"].value = dash.controls["campaigns"].options[0][1:]
    dash.controls["end"].value = dt.date(2026, 9, 1)
    assert "after the last" in dash.error


def test_service_failures_are_shown_not_lost(app, pinpoint_client_factory):
    failing = app.campaigns[0].id
    with emulator_module.running(seed=0, failing_ids=[failing]) as server:
        # No retries: botocore would retry the 500s with backoff, which only slows the test.
        client = pinpoint_client_factory(server.endpoint_url)
        dash = widgets.compare_campaigns(
            app.id,
            start_time=START,
            end_time=END,
            campaigns=[app.campaigns[1].id],
            client=client,
        )
        assert dash.error is None
        dash.controls["campaigns"].value = (failing, app.campaigns[1].id)
        assert "InternalServerErrorException" in dash.error or "500" in dash.error
        dash.controls["campaigns"].value = (app.campaigns[2].id,)
        assert dash.error is None


def test_kpi_picker_offers_only_campaign_scope_kpis_by_title_rates_with_counts_first(dash):
    options = dash.controls["kpi"].options
    names = [name for _, name in options]
    derived = ["click-rate-grouped-by-campaign-activity"]  # no KPI: from its counts
    assert sorted(names) == sorted([*(k.name for k in catalog.kpis("campaign")), *derived])
    assert names[:4] == [
        "successful-delivery-rate-grouped-by-campaign-activity",
        "email-open-rate-grouped-by-campaign-activity",
        "push-open-rate-grouped-by-campaign-activity",
        *derived,
    ]
    assert options[1][0] == "Email open rate (from counts: intervals, tests)"
    assert options[3][0] == "Click rate (derived: clicks / deliveries; intervals, tests)"
    assert ("Delivery rate, grouped by date", "successful-delivery-rate-grouped-by-date") in options


def test_a_frame_is_shown_without_fetching(emu, app):
    ids = [c.id for c in app.campaigns[:4]]
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "unique-deliveries-grouped-by-date",
        "2026-08-01",
        "2026-10-28",
        campaign_id=ids,
        endpoint_url=emu.endpoint_url,
    )
    names = ppk.list_campaigns(app.id, endpoint_url=emu.endpoint_url)
    before = len(emu.request_log)
    dash = widgets.compare_campaigns(frame, names=names)
    assert dash.error is None
    assert dash.controls["campaigns"].value == tuple(ids)
    assert dash.controls["start"].value == frame.index.get_level_values("Date").min().date()
    assert [n for _, n in dash.controls["kpi"].options] == ["unique-deliveries-grouped-by-date"]
    assert set(dash.table.index) == {c.name for c in app.campaigns[:4]}
    pd.testing.assert_frame_equal(dash.frame, frame)

    dash.controls["campaigns"].value = (ids[2],)
    dash.controls["end"].value = dt.date(2026, 8, 31)
    assert campaign_ids(dash.frame) == [ids[2]]
    assert dash.frame.index.get_level_values("Date").max() <= pd.Timestamp("2026-08-31")
    expected = frame.xs(ids[2], level="CampaignId", drop_level=False).loc[
        (slice(None), slice("2026-08-01", "2026-08-31")), :
    ]
    pd.testing.assert_frame_equal(dash.frame, expected)
    assert len(emu.request_log) == before
    # The source frame is never modified.
    assert campaign_ids(frame) == ids


def test_a_frame_without_the_funnel_columns_explains_what_to_read(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "successful-delivery-rate-grouped-by-date",
        START,
        END,
        campaign_id=[c.id for c in app.campaigns[:2]],
        endpoint_url=emu.endpoint_url,
    )
    dash = widgets.compare_campaigns(frame, chart="funnel")
    assert "attempted-deliveries-grouped-by-campaign-activity" in dash.error
    dash.controls["chart"].value = "trend"
    assert dash.error is None


def test_arguments_are_checked_up_front(emu, app):
    frame = pd.DataFrame({"SuccessfulDeliveryRate": [0.9]})
    with pytest.raises(InvalidArgumentError, match="no CampaignId"):
        widgets.compare_campaigns(frame)
    with pytest.raises(InvalidArgumentError, match="chart must be one of"):
        widgets.compare_campaigns(app.id, chart="pie")
    with pytest.raises(InvalidArgumentError, match="only apply when source is"):
        widgets.compare_campaigns(frame, cache="x")
    with pytest.raises(InvalidArgumentError, match="chosen in the dashboard"):
        widgets.compare_campaigns(app.id, campaign_id="x")
    with pytest.raises(InvalidArgumentError, match="not among"):
        widgets.compare_campaigns(
            app.id,
            campaigns=["Nope"],
            endpoint_url=emu.endpoint_url,
        )


def test_campaigns_can_be_chosen_by_name(emu, app):
    dash = widgets.compare_campaigns(
        app.id,
        start_time=START,
        end_time=END,
        campaigns=[app.campaigns[5].name],  # the name it is shown by
        endpoint_url=emu.endpoint_url,
    )
    assert dash.selection.ids == (app.campaigns[5].id,)


def test_displays_as_a_widget_and_repr_says_what_it_shows(dash):
    bundle = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "trend of successful-delivery-rate-grouped-by-date for 3 campaigns" in repr(dash)


def test_a_frame_with_failed_requests_shows_one_notice_and_no_stray_warning(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "successful-delivery-rate-grouped-by-date",
        START,
        END,
        campaign_id=[c.id for c in app.campaigns[:3]],
        endpoint_url=emu.endpoint_url,
    )
    frame.attrs["pinpoint"]["failed"] = ["one request failed"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing escapes to the notebook
        dash = widgets.compare_campaigns(frame, chart="compare")
    assert dash.error is None
    notices = [w for w in dash.state.warnings if "failed request" in w]
    assert len(notices) == 1 and "df.attrs['pinpoint']['failed']" in notices[0]


def test_a_frame_without_dates_keeps_its_range_and_opens_on_compare(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        [
            "successful-deliveries-grouped-by-campaign-activity",
            "attempted-deliveries-grouped-by-campaign-activity",
        ],
        START,
        END,
        campaign_id=[c.id for c in app.campaigns[:4]],
        endpoint_url=emu.endpoint_url,
    )
    dash = widgets.compare_campaigns(frame)
    assert dash.error is None and dash.controls["chart"].value == "compare"
    start, end = dash.controls["start"], dash.controls["end"]
    assert start.disabled and end.disabled and "no Date level" in start.tooltip
    table = dash.table.copy()
    title = dash.figure.axes[0].get_title(loc="left")
    assert "01 Oct 2026 to 28 Oct 2026" in title
    # Days set from code change nothing, and nothing claims they did.
    start.value, end.value = dt.date(2026, 10, 10), dt.date(2026, 10, 12)
    assert dash.error is None
    pd.testing.assert_frame_equal(dash.table, table)
    assert dash.figure.axes[0].get_title(loc="left") == title
    caption = dash.views["caption"].value
    assert "01 Oct 2026 – 28 Oct 2026 (UTC) (the data has no days to pick)" in caption
    assert "2026-10-01..2026-10-28" in repr(dash)
    # A frame with days keeps its pickers.
    daily = widgets.compare_campaigns(
        ppk.read_pinpoint_kpi(
            app.id,
            "successful-delivery-rate-grouped-by-date",
            START,
            END,
            campaign_id=[c.id for c in app.campaigns[:2]],
            endpoint_url=emu.endpoint_url,
        )
    )
    assert daily.controls["chart"].value == "trend" and not daily.controls["start"].disabled
