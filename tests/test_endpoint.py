"""The emulator needs no credentials, real endpoints need real ones (client factory + endpoint).

Every test here removes the dummy credentials and Region the other tests get, so the
environment is as empty as a machine where AWS was never set up.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import endpoint
from pinpoint_kpi_pandas.client import make_client
from pinpoint_kpi_pandas.errors import InvalidArgumentError

KPI = "successful-delivery-rate-grouped-by-date"
RANGE = ("2026-10-01", "2026-10-28")


@pytest.fixture
def no_credentials(monkeypatch):
    import boto3

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    # boto3's default session keeps the credentials it found first: start from a new one
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


class _Recorder(BaseHTTPRequestHandler):
    """A stand-in server: records each request's path and Authorization header, answers 403
    like an AWS endpoint without a signature (or, if told to, claims to be the emulator)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == endpoint.EMULATOR_IDENTITY_PATH and self.server.claims_emulator:
            status, body = 200, endpoint.emulator_identity("0.0.0")
        elif self.path == "/v1/apps" and self.headers.get("Authorization"):
            status, body = 200, {"Item": []}
        else:
            status, body = 403, {"message": "Missing Authentication Token"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def stand_in_server(*, claims_emulator: bool = False, handler: type = _Recorder):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.seen, server.claims_emulator = [], claims_emulator
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------ the emulator needs none


def test_reading_from_the_emulator_needs_no_credentials_nor_region(
    no_credentials, emulator, sample_app
):
    ids = [sample_app.campaign(name).id for name in ("Weekly Newsletter Email", "Flash Deal SMS")]
    df = ppk.read_pinpoint_kpi(
        sample_app.id, KPI, *RANGE, campaign_id=ids, endpoint_url=emulator.endpoint_url
    )
    assert df.index.get_level_values("CampaignId").unique().tolist() == ids
    campaigns = ppk.list_campaigns(sample_app.id, endpoint_url=emulator.endpoint_url)
    assert len(campaigns) == len(sample_app.campaigns)


def test_the_emulator_named_by_the_environment_variable_needs_none_either(
    no_credentials, emulator, sample_app, monkeypatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL_PINPOINT", emulator.endpoint_url)
    apps = ppk.list_applications()
    assert sample_app.id in apps.index


def test_the_cli_reads_from_the_emulator_in_an_empty_environment(emulator, sample_app, tmp_path):
    out = tmp_path / "rates.csv"
    code = "import sys; from pinpoint_kpi_pandas.cli import main; sys.exit(main(sys.argv[1:]))"
    campaign = sample_app.campaign("Cart Reminder SMS").id
    args = ["fetch", sample_app.id, KPI, "--start", RANGE[0], "--end", RANGE[1],
            "--campaign", campaign, "--endpoint-url", emulator.endpoint_url,
            "-o", str(out)]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}  # as `env -i` leaves it
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out)) == 28


def test_the_dashboard_reads_from_the_emulator_without_credentials(
    no_credentials, emulator, sample_app
):
    pytest.importorskip("ipywidgets")
    dash = ppk.widgets.compare_campaigns(
        sample_app.id,
        start_time=RANGE[0],
        end_time=RANGE[1],
        chart="compare",
        endpoint_url=emulator.endpoint_url,
    )
    assert dash.error is None
    assert len(dash.table) == 3


def test_requests_to_an_emulator_are_signed_with_placeholders_never_the_users_keys(
    no_credentials, monkeypatch
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "users-secret")
    with stand_in_server(claims_emulator=True) as (server, url):
        make_client(endpoint_url=url).get_apps()
    (_, probe_auth), (path, auth) = server.seen
    assert probe_auth is None  # the identity question itself is not signed
    assert path == "/v1/apps"
    assert "Credential=pinpoint-kpi-emulator/" in auth
    assert "AKIAUSERSOWNKEY" not in auth


def test_the_identity_question_stays_out_of_the_emulators_request_log(emulator):
    before = len(emulator.request_log)
    probe = endpoint.probe_endpoint(emulator.endpoint_url + "/", timeout=5)
    assert probe == endpoint.EndpointProbe(is_emulator=True, problem=None)
    assert len(emulator.request_log) == before


# ------------------------------------------------------------ real endpoints need real credentials


def test_aws_without_credentials_is_refused_before_any_request_saying_how_to_set_them(
    no_credentials, tmp_path
):
    with pytest.raises(InvalidArgumentError) as caught:
        ppk.read_pinpoint_kpi("a" * 32, KPI, *RANGE, region_name="us-east-1", cache=tmp_path)
    message = str(caught.value)
    assert "No AWS credentials" in message
    for how in ("aws configure", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "boto3_session="):
        assert how in message
    assert "emulator" in message  # and how to try without AWS
    assert not list(tmp_path.rglob("*.json"))


def test_a_loopback_endpoint_that_is_not_the_emulator_still_needs_credentials(no_credentials):
    # e.g. the user's own tunnel or proxy to AWS: its address alone proves nothing
    with (
        stand_in_server(claims_emulator=False) as (server, url),
        pytest.raises(InvalidArgumentError, match="is not the emulator"),
    ):
        ppk.list_applications(endpoint_url=url)
    assert server.seen == [(endpoint.EMULATOR_IDENTITY_PATH, None)]  # nothing else was sent


def test_a_real_endpoint_is_signed_with_the_users_credentials(no_credentials, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "users-secret")
    with stand_in_server(claims_emulator=False) as (server, url):
        make_client(endpoint_url=url).get_apps()
    assert "Credential=AKIAUSERSOWNKEY/" in server.seen[-1][1]


def test_an_endpoint_that_does_not_answer_is_named_in_the_error(no_credentials):
    # a stopped emulator: that it does not answer is the problem, not missing credentials
    with stand_in_server(claims_emulator=False) as (_, url):
        pass  # stopped: nothing listens there any more
    with pytest.raises(ppk.errors.EndpointUnreachableError) as caught:
        make_client(endpoint_url=url)
    assert str(caught.value).startswith(f"cannot reach Pinpoint at {url} (connection refused).")
    assert "credentials" not in str(caught.value)
    assert isinstance(caught.value, ppk.errors.ServiceError)  # the CLI's exit status 1
    assert (caught.value.endpoint, caught.value.reason) == (url, "connection refused")


def test_a_stopped_emulator_on_the_command_line_is_exit_1_not_credentials(no_credentials, capsys):
    from pinpoint_kpi_pandas import cli

    with stand_in_server(claims_emulator=False) as (_, url):
        pass
    status = cli.main(["campaigns", "a" * 32, "--endpoint-url", url])
    err = capsys.readouterr().err
    assert status == 1, err
    assert f"cannot reach Pinpoint at {url} (connection refused)" in err
    assert "credentials" not in err and "endpoint_url" not in err and "--endpoint-url" in err


def test_an_unanswered_probe_is_asked_again(emulator):
    with stand_in_server(claims_emulator=False) as (_, url):
        pass
    assert endpoint.probe_endpoint(url).problem is not None
    assert endpoint.probe_endpoint(url).problem is not None  # not remembered as "not emulator"


def test_the_configured_endpoint_follows_botocores_variables(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_PINPOINT", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://global:1")
    assert endpoint.configured_endpoint(None) == "http://global:1"
    monkeypatch.setenv("AWS_ENDPOINT_URL_PINPOINT", "http://pinpoint:2")
    assert endpoint.configured_endpoint(None) == "http://pinpoint:2"
    assert endpoint.configured_endpoint("http://given:3") == "http://given:3"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert endpoint.configured_endpoint(None) is None


class _WebPage(BaseHTTPRequestHandler):
    """A web server that is not Pinpoint: every path is a 404 HTML page of many lines."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        data = b"<!DOCTYPE HTML>\n<html lang='en'>\n<body>\n<h1>Not Found</h1>\n</body>\n</html>\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_web_server_that_is_not_pinpoint_is_said_in_one_line(capsys):
    from pinpoint_kpi_pandas import cli

    with stand_in_server(handler=_WebPage) as (_, url):
        with pytest.raises(ppk.errors.FetchError) as caught:
            ppk.read_pinpoint_kpi("a" * 32, KPI, *RANGE, endpoint_url=url)
        message = str(caught.value)
        assert "an HTML page, not a Pinpoint answer" in message and "Check endpoint_url" in message
        assert "Check the ids" not in message  # no id is at fault
        status = cli.main(["fetch", "a" * 32, KPI, "--start", RANGE[0], "--end", RANGE[1],
                           "--endpoint-url", url])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1 and len(err.strip().splitlines()) == 1, err
    assert "First:" not in err and "more; --debug" not in err and "Check --endpoint-url" in err
