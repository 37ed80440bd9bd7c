"""The command line (``pinpoint-kpi emulator``) and the AWS CLI against the emulator."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys

import pytest


def test_cli_prints_the_url_first_serves_and_stops_on_sigint(pinpoint_client_factory):
    cmd = [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--seed", "0",
           "--campaigns", "4"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = pinpoint_client_factory(url)
        apps = client.get_apps()["ApplicationsResponse"]["Item"]
        assert apps[0]["Name"] == "Acme Retail"
        campaigns = client.get_campaigns(ApplicationId=apps[0]["Id"])["CampaignsResponse"]
        assert len(campaigns["Item"]) == 4
        # The world's description follows the URL: ids a user can copy.
        assert apps[0]["Id"] in proc.stdout.readline() + proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_cli_stops_on_sigterm():
    cmd = [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("http://")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_cli_rejects_bad_arguments():
    from pinpoint_kpi_pandas import cli

    assert cli.main(["emulator", "--error-rate", "2"]) == 2
    with pytest.raises(SystemExit):
        cli.main(["emulator", "--port", "not-a-port"])


def _aws() -> pathlib.Path:
    return pathlib.Path(sys.executable).with_name("aws")


@pytest.mark.skipif(not _aws().exists(), reason="the AWS CLI is not installed next to python")
def test_the_aws_cli_gets_the_same_data_as_boto3(emulator, sample_app, kpi):
    campaign = sample_app.campaign("Welcome Series Email").id
    cmd = [
        str(_aws()), "pinpoint", "get-campaign-date-range-kpi",
        "--endpoint-url", emulator.endpoint_url,
        "--application-id", sample_app.id,
        "--campaign-id", campaign,
        "--kpi-name", "email-open-rate-grouped-by-campaign-activity",
        "--start-time", "2026-10-01T00:00:00Z",
        "--end-time", "2026-10-28T23:59:59Z",
        "--output", "json",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)["CampaignDateRangeKpiResponse"]
    assert payload["CampaignId"] == campaign
    expected = kpi.rows(
        "email-open-rate-grouped-by-campaign-activity",
        campaign=campaign,
        start="2026-10-01",
        end="2026-10-28",
    )
    assert payload["KpiResult"]["Rows"] == expected


@pytest.mark.skipif(not _aws().exists(), reason="the AWS CLI is not installed next to python")
def test_the_aws_cli_reports_service_errors(emulator, sample_app):
    cmd = [str(_aws()), "pinpoint", "get-application-date-range-kpi",
           "--endpoint-url", emulator.endpoint_url, "--application-id", sample_app.id,
           "--kpi-name", "txn-emails-sent", "--start-time", "2026-09-01T00:00:00Z",
           "--end-time", "2026-10-15T00:00:00Z"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode != 0
    assert "BadRequestException" in done.stderr and "31 days" in done.stderr
