"""KPIs agree with each other, because they all derive from the same daily base counters."""

from __future__ import annotations

import pytest

from pinpoint_kpi_pandas import emulator as emulator_module

WINDOW = {"start": "2026-10-01", "end": "2026-10-28"}


def _close(a, b, rel=1e-12):
    return a == pytest.approx(b, rel=rel)


def test_campaign_rate_is_numerator_over_denominator_per_run(kpi, sample_app):
    for name in ("Cart Reminder SMS", "Welcome Series Email", "App Re-engagement Push"):
        campaign = sample_app.campaign(name).id
        rate = kpi.values(
            "successful-delivery-rate-grouped-by-campaign-activity", campaign=campaign, **WINDOW
        )
        delivered = kpi.values(
            "successful-deliveries-grouped-by-campaign-activity", campaign=campaign, **WINDOW
        )
        attempted = kpi.values(
            "attempted-deliveries-grouped-by-campaign-activity", campaign=campaign, **WINDOW
        )
        assert rate and set(rate) == set(attempted)
        for run, value in rate.items():
            assert _close(value, delivered.get(run, 0.0) / attempted[run])


def test_email_and_push_open_rates_are_direct_opens_over_deliveries(kpi, sample_app):
    for name, rate_kpi, opens_kpi in (
        ("Welcome Series Email", "email-open-rate", "direct-email-opens"),
        ("App Re-engagement Push", "push-open-rate", "direct-push-opens"),
    ):
        campaign = sample_app.campaign(name).id
        rate = kpi.values(f"{rate_kpi}-grouped-by-campaign-activity", campaign=campaign, **WINDOW)
        opens = kpi.values(f"{opens_kpi}-grouped-by-campaign-activity", campaign=campaign, **WINDOW)
        delivered = kpi.values(
            "successful-deliveries-grouped-by-campaign-activity", campaign=campaign, **WINDOW
        )
        for run, value in rate.items():
            assert _close(value, opens[run] / delivered[run])
        # The campaign-wide rate is the ratio of the sums, not the mean of the runs' rates.
        whole = kpi.value(rate_kpi, campaign=campaign, **WINDOW)
        assert _close(whole, sum(opens.values()) / sum(delivered.values()))


def test_transactional_rates_are_numerator_over_denominator(kpi):
    sent = kpi.values("txn-emails-sent-grouped-by-date", **WINDOW)
    delivered = kpi.values("txn-emails-delivered-grouped-by-date", **WINDOW)
    complaints = kpi.values("txn-emails-with-complaints-grouped-by-date", **WINDOW)
    rate = kpi.values("txn-emails-delivery-rate-grouped-by-date", **WINDOW)
    complaint_rate = kpi.values("txn-emails-complaint-rate-grouped-by-date", **WINDOW)
    for day in sent:
        assert _close(rate[day], delivered[day] / sent[day])
        assert _close(complaint_rate[day], complaints.get(day, 0.0) / sent[day])
    assert _close(
        kpi.value("txn-emails-delivery-rate", **WINDOW),
        kpi.value("txn-emails-delivered", **WINDOW) / kpi.value("txn-emails-sent", **WINDOW),
    )
    assert _close(
        kpi.value("txn-sms-delivery-rate", **WINDOW),
        kpi.value("txn-sms-delivered", **WINDOW) / kpi.value("txn-sms-sent", **WINDOW),
    )


@pytest.mark.parametrize(
    ("total", "grouped"),
    [
        ("txn-emails-sent", "txn-emails-sent-grouped-by-date"),
        ("txn-emails-opened", "txn-emails-opened-grouped-by-date"),
        ("txn-emails-clicked", "txn-emails-clicked-grouped-by-date"),
        ("txn-emails-hard-bounced", "txn-emails-hard-bounced-grouped-by-date"),
        ("txn-sms-sent", "txn-sms-sent-grouped-by-date"),
        ("txn-sms-sent", "txn-sms-sent-grouped-by-country"),
        ("txn-sms-delivered", "txn-sms-delivered-grouped-by-country"),
        ("txn-sms-sent-by-parts", "txn-sms-sent-by-parts-grouped-by-country"),
    ],
)
def test_counts_add_up_to_the_window_total(kpi, total, grouped):
    assert sum(kpi.values(grouped, **WINDOW).values()) == kpi.value(total, **WINDOW)


def test_journey_counts_add_up_over_activities(kpi, sample_app):
    journey = sample_app.journey("Onboarding Journey").id
    for name in ("sent", "delivered", "opened", "clicked", "unsubscribed"):
        per_activity = kpi.values(
            f"emails-{name}-grouped-by-journey-activity", journey=journey, **WINDOW
        )
        assert sum(per_activity.values()) == kpi.value(
            f"journey-emails-{name}", journey=journey, **WINDOW
        )
    sent = kpi.value("journey-emails-sent", journey=journey, **WINDOW)
    parts = ("delivered", "rejected", "hardbounced", "softbounced")
    assert sum(kpi.value(f"journey-emails-{p}", journey=journey, **WINDOW) for p in parts) == sent


def test_sms_errors_are_the_undelivered_messages(kpi):
    errors = kpi.values("txn-sms-error-distribution", **WINDOW)
    assert len(errors) >= 5
    undelivered = kpi.value("txn-sms-sent", **WINDOW) - kpi.value("txn-sms-delivered", **WINDOW)
    assert sum(errors.values()) == undelivered


def test_sms_averages_are_total_price_over_messages(kpi):
    total = kpi.values("txn-sms-total-price-grouped-by-country", **WINDOW)
    sent = kpi.values("txn-sms-sent-grouped-by-country", **WINDOW)
    parts = kpi.values("txn-sms-sent-by-parts-grouped-by-country", **WINDOW)
    average = kpi.values("txn-sms-average-price-grouped-by-country", **WINDOW)
    by_parts = kpi.values("txn-sms-average-price-by-parts-grouped-by-country", **WINDOW)
    for country in total:
        assert _close(average[country], total[country] / sent[country])
        assert _close(by_parts[country], total[country] / parts[country])
        assert by_parts[country] <= average[country]  # a message has at least one part


def test_application_totals_add_up_over_campaigns(kpi, sample_app):
    per_campaign = kpi.values("successful-deliveries-grouped-by-campaign", **WINDOW)
    total = 0.0
    for campaign in sample_app.campaigns:
        runs = kpi.values(
            "successful-deliveries-grouped-by-campaign-activity", campaign=campaign.id, **WINDOW
        )
        assert sum(runs.values()) == per_campaign.get(campaign.id, 0.0)
        total += per_campaign.get(campaign.id, 0.0)
    assert total > 0


def test_unique_counts_are_bounded_and_not_additive(kpi, sample_app):
    campaign = sample_app.campaign("Cart Reminder SMS").id
    daily = kpi.values("unique-deliveries-grouped-by-date", campaign=campaign, **WINDOW)
    window = kpi.value("unique-deliveries", campaign=campaign, **WINDOW)
    delivered = kpi.values(
        "successful-deliveries-grouped-by-campaign-activity", campaign=campaign, **WINDOW
    )
    assert max(daily.values()) <= window < sum(daily.values())  # strictly: endpoints overlap
    assert window <= sum(delivered.values())
    # One day's window equals that day's grouped-by-date value.
    day = "2026-10-14"
    assert kpi.value("unique-deliveries", campaign=campaign, start=day, end=day) == daily[day]
    runs = kpi.values("unique-deliveries-grouped-by-campaign-activity", campaign=campaign, **WINDOW)
    for run, value in runs.items():
        assert value <= delivered[run]


def test_project_wide_uniques_are_bounded(kpi):
    daily = kpi.values("unique-deliveries-grouped-by-date", **WINDOW)
    per_campaign = kpi.values("unique-deliveries-grouped-by-campaign", **WINDOW)
    window = kpi.value("unique-deliveries", **WINDOW)
    assert max(daily.values()) <= window <= sum(daily.values())
    assert max(per_campaign.values()) <= window <= sum(per_campaign.values())
    assert window <= sum(kpi.values("successful-deliveries-grouped-by-campaign", **WINDOW).values())
    for name in ("opens", "clicks"):
        unique = kpi.value(f"txn-emails-unique-{name}", **WINDOW)
        total = kpi.value(f"txn-emails-{'opened' if name == 'opens' else 'clicked'}", **WINDOW)
        assert 0 < unique <= total


def test_a_day_does_not_depend_on_the_window(kpi, sample_app):
    campaign = sample_app.campaign("Welcome Series Email").id
    for name in ("successful-delivery-rate-grouped-by-date", "unique-deliveries-grouped-by-date"):
        wide = kpi.values(name, campaign=campaign, start="2026-09-30", end="2026-10-29")
        narrow = kpi.values(name, campaign=campaign, start="2026-10-10", end="2026-10-12")
        assert narrow == {day: wide[day] for day in narrow}
        assert len(narrow) == 3
    wide = kpi.values("txn-sms-sent-grouped-by-date", start="2026-10-01", end="2026-10-31")
    narrow = kpi.values("txn-sms-sent-grouped-by-date", start="2026-10-20", end="2026-10-20")
    assert narrow == {"2026-10-20": wide["2026-10-20"]}


def test_no_data_after_the_clock_and_the_clock_day_is_partial(kpi):
    daily = kpi.values("txn-emails-sent-grouped-by-date", start="2026-10-20", end="2026-10-31")
    assert max(daily) == "2026-10-29"  # the clock's day; nothing after it
    # At 12:00 with ~2 h latency, 10/24 of the day is visible (compare the same weekday).
    assert 0.3 * daily["2026-10-22"] < daily["2026-10-29"] < 0.55 * daily["2026-10-22"]


def test_a_later_clock_shows_more_of_its_own_day(pinpoint_client_factory):
    def day_value(now):
        with emulator_module.running(now=now) as emu:
            client = pinpoint_client_factory(emu.endpoint_url)
            answer = client.get_application_date_range_kpi(
                ApplicationId=emu.world.applications[0].id,
                KpiName="txn-emails-sent-grouped-by-date",
            )
            rows = answer["ApplicationDateRangeKpiResponse"]["KpiResult"]["Rows"]
            return {r["GroupedBys"][0]["Value"]: float(r["Values"][0]["Value"]) for r in rows}

    morning = day_value("2026-10-29T06:00:00Z")
    evening = day_value("2026-10-29T22:00:00Z")
    assert morning["2026-10-29"] < evening["2026-10-29"]
    assert morning["2026-10-28"] == evening["2026-10-28"]  # full days do not move
    night = day_value("2026-10-29T01:00:00Z")  # within the data latency: no row yet
    assert "2026-10-29" not in night and "2026-10-28" in night


def test_a_campaign_started_mid_window_has_no_rows_before_its_start(kpi, sample_app):
    campaign = sample_app.campaign("Loyalty Rewards Email")
    daily = kpi.values("successful-delivery-rate-grouped-by-date", campaign=campaign.id, **WINDOW)
    assert min(daily) == campaign.start.date().isoformat() > WINDOW["start"]
    project = kpi.values("email-open-rate-grouped-by-campaign", start="2026-10-01",
                         end="2026-10-05")  # fmt: skip
    assert campaign.id not in project


def test_the_sample_tells_a_story(kpi, sample_app):
    """Open rates range from ~12% to ~35%, with one clear winner and two close ones."""
    rates = kpi.values("email-open-rate-grouped-by-campaign")
    by_name = {sample_app.campaign(cid).name: rate for cid, rate in rates.items()}
    ordered = sorted(by_name.values(), reverse=True)
    assert by_name["Welcome Series Email"] == ordered[0]
    assert ordered[0] - ordered[1] > 0.05
    assert abs(by_name["Back in Stock Email"] - by_name["Loyalty Rewards Email"]) < 0.02
    assert 0.10 < min(ordered) < 0.15 and 0.3 < max(ordered) < 0.4
