import csv
from pathlib import Path

import pytest

from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.errors import KpiScopeError, UnknownKpiError

SHARED_TSV = Path(__file__).resolve().parents[2] / "shared" / "pinpoint" / "kpi_catalog.tsv"


def test_catalog_has_every_documented_pair():
    assert len(catalog.kpis()) == 84
    assert len({k.name for k in catalog.kpis()}) == 78
    assert {k.scope for k in catalog.kpis()} == set(catalog.SCOPES)
    assert all(k.kind in catalog.KINDS for k in catalog.kpis())


@pytest.mark.skipif(not SHARED_TSV.exists(), reason="shared/ catalog not beside the repo")
def test_packaged_catalog_matches_the_shared_one():
    # The packaged catalog is the shared one plus a `source` column and the event-only rows.
    packaged = Path(catalog.__file__).parent / "data" / "kpi_catalog.tsv"
    lines = packaged.read_text().splitlines()
    header, rows = lines[0].rsplit("\t", 1), [line.rsplit("\t", 1) for line in lines[1:]]
    assert header[1] == "source"
    api = [header[0]] + [row for row, source in rows if source == "api"]
    assert "\n".join(api) + "\n" == SHARED_TSV.read_text()
    assert {source for _, source in rows} == {"api", "events"}


def test_unverified_grouping_keys_are_flagged_and_stripped():
    country = catalog.get_kpi("txn-sms-sent-grouped-by-country", "application")
    assert country.grouped_by == "CountryCode" and not country.grouped_by_verified
    date = catalog.get_kpi("txn-sms-sent-grouped-by-date", "application")
    assert date.grouped_by == "Date" and date.grouped_by_verified and date.is_date_grouped
    assert catalog.get_kpi("txn-sms-sent", "application").grouped_by is None


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownKpiError) as info:
        catalog.get_kpi("sucessful-delivery-rate", "campaign")
    assert info.value.suggestions[0] == "successful-delivery-rate"
    assert "Did you mean 'successful-delivery-rate'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_wrong_scope_says_which_id_to_pass():
    with pytest.raises(KpiScopeError, match=r"application scope \(pass neither"):
        catalog.get_kpi("txn-emails-sent", "campaign")
    with pytest.raises(KpiScopeError, match=r"campaign scope \(pass campaign_id=\)"):
        catalog.get_kpi("sms-spend", "journey")


def test_names_that_are_not_standard_are_unknown():
    for name in ("direct-sends", "endpoints-delivered-grouped-by-date"):
        with pytest.raises(UnknownKpiError):
            catalog.get_kpi(name, "application")


def test_date_variant():
    assert catalog.date_variant("unique-deliveries", "campaign").name == (
        "unique-deliveries-grouped-by-date"
    )
    assert catalog.date_variant("email-open-rate", "campaign") is None
    assert catalog.date_variant("unique-deliveries-grouped-by-date", "campaign") is None


def test_rate_parts_point_at_count_value_keys():
    counts = {k.value_key for k in catalog.kpis() if k.kind == "count"}
    for k in catalog.kpis():
        if k.kind == "rate":
            numerator, denominator = k.rate_parts
            assert numerator and denominator
    # Where the catalog names the parts by KPI name, the mapping agrees with it.
    rows = list(
        csv.DictReader(
            (Path(catalog.__file__).parent / "data" / "kpi_catalog.tsv").read_text().splitlines(),
            delimiter="\t",
        )
    )
    for row in rows:
        if row["kind"] == "rate" and row["numerator"].startswith("txn-"):
            kpi = catalog.get_kpi(row["kpi_name"], row["scope"])
            num = catalog.get_kpi(row["numerator"], row["scope"]).value_key
            den = catalog.get_kpi(row["denominator"], row["scope"]).value_key
            assert kpi.rate_parts == (num, den)
            assert {num, den} <= counts


def test_axis_labels():
    assert catalog.get_kpi("email-open-rate", "campaign").axis_label == "Email open rate (%)"
    assert catalog.get_kpi("txn-emails-sent-grouped-by-date", "application").axis_label == (
        "Sends (events)"
    )


def test_catalog_frame():
    frame = catalog.catalog_frame()
    assert frame.shape[0] == 84 + 31
    assert frame.loc[("campaign", "sms-spend"), "kind"] == "amount"


def test_event_only_kpis_are_marked_and_listed_only_on_request():
    names = {(k.scope, k.name) for k in catalog.kpis(include_events_only=True) if k.events_only}
    assert len(names) == 31
    assert not any(k.events_only for k in catalog.kpis())
    # the list, at campaign scope, and the same counts per A/B treatment
    for base in (
        "attempted-deliveries",
        "successful-deliveries",
        "direct-email-opens",
        "clicks",
        "direct-push-opens",
    ):
        for grouping, key in (("date", "Date"), ("treatment", "TreatmentId")):
            kpi = catalog.get_kpi(f"{base}-grouped-by-{grouping}", "campaign")
            assert kpi.events_only and kpi.grouped_by == key and kpi.kind == "count"
    # application-scope counterparts where they make sense
    assert catalog.get_kpi("attempted-deliveries-grouped-by-campaign", "application").events_only
    api = catalog.get_kpi("successful-deliveries-grouped-by-campaign", "application")
    assert not api.events_only


def test_event_only_kpis_share_value_keys_and_carry_rate_parts():
    # Same value key as the API's KPI of the same base name, so columns line up.
    for kpi in catalog.kpis(include_events_only=True):
        if kpi.events_only and kpi.value_key != "HardBounces":
            assert catalog.kpis_with_value_key(kpi.value_key), kpi.name
    # The hard-bounce rate's numerator now has a KPI: rates resample exactly.
    assert not catalog.kpis_with_value_key("HardBounces", "campaign")
    assert catalog.kpis_with_value_key("HardBounces", "campaign", include_events_only=True)
    assert catalog.date_variant("hard-bounce-rate", "campaign") is None
    kpi = catalog.date_variant(
        "attempted-deliveries-grouped-by-campaign-activity", "campaign", include_events_only=True
    )
    assert kpi.name == "attempted-deliveries-grouped-by-date"
