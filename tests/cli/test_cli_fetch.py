"""pinpoint-kpi fetch, end to end on the emulator."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli

RUN_COUNTS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]
DAILY = "successful-delivery-rate-grouped-by-date"


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_fetch_writes_csv_to_stdout(capsys, emulator, app):
    ids = [c.id for c in app.campaigns[:2]]
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--start", "2026-08-01", "--end", "2026-10-28",
        "--campaign", *ids, "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    got = pd.read_csv(io.StringIO(out), parse_dates=["Date"]).set_index(["CampaignId", "Date"])
    expected = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-08-01", "2026-10-28", campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert got.index.get_level_values(0).unique().tolist() == ids
    pd.testing.assert_series_equal(
        got["SuccessfulDeliveryRate"], expected["SuccessfulDeliveryRate"], check_index_type=False
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_fetch_writes_files(capsys, emulator, app, tmp_path, suffix):
    path = tmp_path / f"runs{suffix}"
    campaign = app.campaign("Welcome Series Email").id
    status, out, err = _run(
        capsys, "fetch", app.id, *RUN_COUNTS, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", campaign, "--names", "-o", str(path), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert out == "" and f"to {path}" in err
    if suffix == ".csv":
        frame = pd.read_csv(path)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path).reset_index()
    else:
        frame = pd.DataFrame(json.loads(path.read_text()))
    assert set(frame["CampaignId"]) == {"Welcome Series Email"}
    assert {"SuccessfulDeliveries", "DirectEmailOpens", "CampaignActivityId"} <= set(frame.columns)
    assert (frame["DirectEmailOpens"] <= frame["SuccessfulDeliveries"]).all()


def test_fetch_offline_from_the_cache(capsys, emulator, app, tmp_path):
    args = ["fetch", app.id, DAILY, "--start", "2026-09-01", "--end", "2026-09-30",
            "--campaign", app.campaigns[1].id, "--cache", str(tmp_path)]  # fmt: skip
    status, online, err = _run(capsys, *args, "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    status, offline, err = _run(capsys, *args, "--offline")
    assert status == 0, err
    assert offline == online
    status, _, err = _run(capsys, *args[:-2], "--cache", str(tmp_path / "empty"), "--offline")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "offline" in err


def test_fetch_keep_windows_and_its_refusal_without(capsys, emulator, app):
    campaign = app.campaign("Weekly Newsletter Email").id
    args = ("fetch", app.id, "successful-deliveries-grouped-by-campaign-activity",
            "--start", "2026-08-01", "--end", "2026-10-28", "--campaign", campaign,
            "--endpoint-url", emulator.endpoint_url)  # fmt: skip
    status, out, err = _run(capsys, *args)
    assert status == 2 and "keep_windows=True" in err and len(err.strip().splitlines()) == 1
    status, out, err = _run(capsys, *args, "--keep-windows")
    assert status == 0, err
    got = pd.read_csv(io.StringIO(out))
    assert got.columns.tolist() == [
        "CampaignId",
        "Window",
        "CampaignActivityId",
        "SuccessfulDeliveries",
    ]
    assert got["Window"].nunique() == 3
