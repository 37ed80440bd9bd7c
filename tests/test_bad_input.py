"""Every bad input refused before any request, in Python and on the command line (issue 12).

One table per face. Each Python case must raise the library's error (a ``PinpointKpiError``
that is also a ``ValueError`` or ``TypeError``), name the argument in its message, and leave the
emulator's request log empty. Each command-line case must exit 2 with exactly one line on
stderr that names the flag (and no Python argument name), print nothing on stdout, and leave the
request log empty. The cases marked "issue" are the ones issue 12 names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli
from pinpoint_kpi_pandas.cli import FLAGS
from pinpoint_kpi_pandas.client import ClientOptions
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError

DAILY = "successful-delivery-rate-grouped-by-date"
RATE_BY_RUN = "email-open-rate-grouped-by-campaign-activity"
RUN_COUNTS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]
MONTH = ("2026-10-01", "2026-10-28")


@dataclass
class Env:
    """What a case may use: the sample project, the emulator, and files in a fresh folder."""

    app: str
    campaigns: list[str]
    url: str
    folder: Any
    a_file: Any = field(init=False)

    def __post_init__(self) -> None:
        self.a_file = self.folder / "a-file.txt"
        self.a_file.write_text("not a folder")


@pytest.fixture
def env(emulator, sample_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a cache='' that slips through must not write into the repo
    emulator.clear_log()
    return Env(sample_app.id, [c.id for c in sample_app.campaigns], emulator.endpoint_url,
               tmp_path)  # fmt: skip


def read(e: Env, *args: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("endpoint_url", e.url)
    return ppk.read_pinpoint_kpi(*args, **kwargs)


def label_of(e: Env, **kwargs: Any) -> Any:
    """label() of a real frame of the sample project, fetching names with ``kwargs``."""
    ids = pd.Index(e.campaigns[:2], name="CampaignId")
    frame = pd.DataFrame({"SuccessfulDeliveryRate": [0.9, 0.8]}, index=ids)
    frame.attrs["pinpoint"] = {"application_id": e.app, "scope": "campaign"}
    return frame.pinpoint.label(endpoint_url=e.url, **kwargs)


def a_frame() -> pd.DataFrame:
    ids = pd.Index(["c1", "c2"], name="CampaignId")
    return pd.DataFrame({"SuccessfulDeliveries": [9, 8], "AttemptedDeliveries": [10, 10]}, ids)


# (id, call, the argument the message must name)
PYTHON_CASES = [
    # named by the issue
    ("issue: id with a trailing newline", lambda e: read(e, e.app + "\n", DAILY), "application_id"),
    ("issue: campaign id with a trailing newline",
     lambda e: read(e, e.app, DAILY, campaign_id=e.campaigns[0] + "\n"), "campaign_id"),
    ("issue: cache=''", lambda e: read(e, e.app, DAILY, *MONTH, cache=""), "cache"),
    ("issue: cache under a file",
     lambda e: read(e, e.app, DAILY, *MONTH, cache=e.a_file / "sub"), "cache"),
    ("issue: cache not writable", lambda e: read(e, e.app, DAILY, *MONTH, cache="/sys/kpi-cache"),
     "cache"),
    ("issue: boto3_session='x'", lambda e: read(e, e.app, DAILY, boto3_session="x"),
     "boto3_session"),
    ("issue: json dtype_backend checked before parsing",
     lambda e: ppk.read_pinpoint_kpi_json(e.a_file, dtype_backend="x"), "dtype_backend"),
    # ids
    ("application_id int", lambda e: read(e, 123, DAILY), "application_id"),
    ("application_id empty", lambda e: read(e, "", DAILY), "application_id"),
    ("application_id with a slash", lambda e: read(e, "a/b", DAILY), "application_id"),
    ("application_id too long", lambda e: read(e, "a" * 129, DAILY), "application_id"),
    ("application_id with a space", lambda e: read(e, "a b", DAILY), "application_id"),
    ("campaign_id with a slash", lambda e: read(e, e.app, DAILY, campaign_id="../x"),
     "campaign_id"),
    ("campaign_id list item bad",
     lambda e: read(e, e.app, DAILY, campaign_id=[e.campaigns[0], "a?b"]), "campaign_id[1]"),
    ("campaign_id empty list", lambda e: read(e, e.app, DAILY, campaign_id=[]), "campaign_id"),
    ("campaign_id 'all' inside a list",
     lambda e: read(e, e.app, DAILY, campaign_id=[e.campaigns[0], "ALL"]), "campaign_id[1]"),
    ("campaign_id int", lambda e: read(e, e.app, DAILY, campaign_id=5), "campaign_id"),
    ("journey_id list item with a newline",
     lambda e: read(e, e.app, "journey-emails-sent", journey_id=["j1", "j2\n"]),
     "journey_id[1]"),
    ("journey_id list item int", lambda e: read(e, e.app, "journey-emails-sent",
                                                journey_id=["j1", 3]), "journey_id[1]"),
    ("campaign_id and journey_id",
     lambda e: read(e, e.app, DAILY, campaign_id="c", journey_id="j"), "journey_id"),
    ("list_campaigns id int", lambda e: ppk.list_campaigns(5, endpoint_url=e.url),
     "application_id"),
    ("list_journeys id with a newline",
     lambda e: ppk.list_journeys(e.app + "\n", endpoint_url=e.url), "application_id"),
    # KPI names
    ("kpi_name unknown", lambda e: read(e, e.app, "sucessful-delivery-rate"), "kpi_name"),
    ("kpi_name empty list", lambda e: read(e, e.app, []), "kpi_name"),
    ("kpi_name list item int", lambda e: read(e, e.app, [DAILY, 7]), "kpi_name[1]"),
    ("kpi_name int", lambda e: read(e, e.app, 7), "kpi_name"),
    ("kpi_name at the wrong scope",
     lambda e: read(e, e.app, "txn-emails-sent", campaign_id=e.campaigns[0]), "kpi_name"),
    ("kpi_name of two groupings",
     lambda e: read(e, e.app, [DAILY, "successful-delivery-rate"]), "kpi_name"),
    # dates and windows
    ("start_time not a date", lambda e: read(e, e.app, DAILY, "2026-13-01"), "start_time"),
    ("start_time words", lambda e: read(e, e.app, DAILY, "last week"), "start_time"),
    ("start_time int", lambda e: read(e, e.app, DAILY, 20261001), "start_time"),
    ("end_time not a date", lambda e: read(e, e.app, DAILY, "2026-10-01", "2026-10-32"),
     "end_time"),
    ("end_time before start_time", lambda e: read(e, e.app, DAILY, "2026-10-10", "2026-10-01"),
     "start_time"),
    ("start_time NaT", lambda e: read(e, e.app, DAILY, pd.NaT), "start_time"),
    ("keep_windows not a bool", lambda e: read(e, e.app, DAILY, *MONTH, keep_windows="yes"),
     "keep_windows"),
    ("keep_windows without a range", lambda e: read(e, e.app, DAILY, keep_windows=True),
     "keep_windows"),
    ("90 days of a rate per run",
     lambda e: read(e, e.app, RATE_BY_RUN, "2026-08-01", "2026-10-28",
                    campaign_id=e.campaigns[0]), "keep_windows"),
    # reading options
    ("dtype_backend unknown", lambda e: read(e, e.app, DAILY, dtype_backend="arrow"),
     "dtype_backend"),
    ("errors unknown", lambda e: read(e, e.app, DAILY, errors="ignore"), "errors"),
    ("max_workers 0", lambda e: read(e, e.app, DAILY, max_workers=0), "max_workers"),
    ("max_workers True", lambda e: read(e, e.app, DAILY, max_workers=True), "max_workers"),
    ("max_rate 0", lambda e: read(e, e.app, DAILY, max_rate=0), "max_rate"),
    ("max_rate str", lambda e: read(e, e.app, DAILY, max_rate="fast"), "max_rate"),
    ("progress str", lambda e: read(e, e.app, DAILY, progress="no"), "progress"),
    ("offline str", lambda e: read(e, e.app, DAILY, offline="yes"), "offline"),
    ("offline without cache", lambda e: read(e, e.app, DAILY, *MONTH, offline=True), "cache"),
    ("offline with an open range",
     lambda e: read(e, e.app, DAILY, "2026-10-01", cache=e.folder, offline=True), "end_time"),
    ("cache int", lambda e: read(e, e.app, DAILY, *MONTH, cache=5), "cache"),
    ("cache a file", lambda e: read(e, e.app, DAILY, *MONTH, cache=e.a_file), "cache"),
    ("cache blank", lambda e: read(e, e.app, DAILY, *MONTH, cache="  "), "cache"),
    ("offline cache under a file",
     lambda e: read(e, e.app, DAILY, *MONTH, cache=e.a_file / "s", offline=True), "cache"),
    ("list_campaigns cache ''", lambda e: ppk.list_campaigns(e.app, cache="", endpoint_url=e.url),
     "cache"),
    ("list_journeys cache not writable",
     lambda e: ppk.list_journeys(e.app, cache="/sys/kpi-cache", endpoint_url=e.url), "cache"),
    ("label cache under a file",
     lambda e: label_of(e, cache=e.a_file / "s"), "cache"),
    # how to reach Pinpoint
    ("client not a client", lambda e: read(e, e.app, DAILY, client="x"), "client"),
    ("client_options not ClientOptions", lambda e: read(e, e.app, DAILY, client_options={}),
     "client_options"),
    ("client_options clashing with region_name",
     lambda e: read(e, e.app, DAILY, client_options=ClientOptions(region_name="eu-west-1"),
                    region_name="us-east-1"), "region_name"),
    ("region_name int", lambda e: read(e, e.app, DAILY, region_name=1), "region_name"),
    ("region_name with spaces", lambda e: read(e, e.app, DAILY, region_name="us east 1"),
     "region_name"),
    ("endpoint_url without a scheme", lambda e: read(e, e.app, DAILY, endpoint_url="127.0.0.1:9"),
     "endpoint_url"),
    ("endpoint_url bad port", lambda e: read(e, e.app, DAILY, endpoint_url="http://h:99999"),
     "endpoint_url"),
    ("max_attempts 0", lambda e: ClientOptions(max_attempts=0), "max_attempts"),
    ("boto3_session a botocore session",
     lambda e: read(e, e.app, DAILY, boto3_session=__import__("botocore.session").session
                    .get_session()), "boto3_session"),
    # saved files
    ("json paths empty list", lambda e: ppk.read_pinpoint_kpi_json([]), "paths"),
    ("json paths int", lambda e: ppk.read_pinpoint_kpi_json(5), "paths"),
    ("json paths match nothing", lambda e: ppk.read_pinpoint_kpi_json(e.folder / "none/*.json"),
     "paths"),
    # analysis
    ("compare alpha 2", lambda e: a_frame().pinpoint.compare(alpha=2), "alpha"),
    ("compare alpha str", lambda e: a_frame().pinpoint.compare(alpha="5%"), "alpha"),
    ("compare baseline list", lambda e: a_frame().pinpoint.compare(baseline=["c1", "c2"]),
     "baseline"),
    ("compare metric unknown", lambda e: a_frame().pinpoint.compare(metric="Bogus"), "metric"),
    ("label names int", lambda e: a_frame().pinpoint.label(names=5), "names"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "argument"), [c[1:] for c in PYTHON_CASES],
                         ids=[c[0] for c in PYTHON_CASES])  # fmt: skip
def test_python_refuses_before_any_request(env, emulator, call, argument):
    with pytest.raises(PinpointKpiError) as info:
        call(env)
    assert isinstance(info.value, InvalidArgumentError | ArgumentTypeError)
    assert argument in str(info.value), str(info.value)
    assert len(emulator.request_log) == 0, [r.path for r in emulator.request_log]


# (id, argv with {app}, {c1}, {c2}, {url}, {file}, {folder} filled in, the flag to name)
CLI_CASES = [
    # named by the issue
    ("issue: -o into a folder that does not exist",
     "fetch {app} DAILY -o /nonexistent/dir/x.csv", "--output"),
    ("issue: --png into a folder that does not exist",
     "compare {app} RUN_COUNTS --campaign {c1},{c2} --png /nonexistent/x.png", "--png"),
    ("issue: --baseline nosuch",
     "compare {app} RUN_COUNTS --campaign {c1},{c2} --no-names --baseline nosuch", "--baseline"),
    ("issue: --metric Bogus", "compare {app} RUN_COUNTS --campaign {c1},{c2} --metric Bogus",
     "--metric"),
    ("issue: --profile nosuch", "fetch {app} DAILY --profile nosuch", "--profile"),
    ("issue: emulator --port -1", "emulator --port -1", "--port"),
    ("issue: emulator --port 70000", "emulator --port 70000", "--port"),
    ("issue: emulator --burst 0", "emulator --rate-limit 10 --burst 0", "--burst"),
    ("issue: --burst without --rate-limit", "emulator --burst 5", "--rate-limit"),
    ("issue: --keep-windows named as the flag",
     "fetch {app} RATE_BY_RUN --start 2026-08-01 --end 2026-10-28 --campaign {c1}",
     "--keep-windows"),
    ("issue: --start named as the flag", "fetch {app} DAILY --start 2026-13-01", "--start"),
    ("issue: APP with a trailing newline", "fetch {app}\n DAILY", "APP"),
    # output and comparison options
    ("-o with an unknown ending", "fetch {app} DAILY -o out.xlsx", "--output"),
    ("-o a folder", "fetch {app} DAILY -o {folder}", "--output"),
    ("-o under a file", "fetch {app} DAILY -o {file}/x.csv", "--output"),
    ("--png with an unknown ending",
     "compare {app} RUN_COUNTS --campaign {c1},{c2} --png chart.bogus", "--png"),
    ("--csv into a folder that does not exist",
     "compare {app} RUN_COUNTS --campaign {c1},{c2} --csv /nonexistent/t.csv", "--csv"),
    ("--baseline neither id nor name of the ids",
     "compare {app} RUN_COUNTS --campaign {c1} --no-names --baseline {c2}", "--baseline"),
    ("--alpha 2", "compare {app} RUN_COUNTS --alpha 2", "--alpha"),
    ("--alpha nan", "compare {app} RUN_COUNTS --alpha nan", "--alpha"),
    ("--alpha not a number", "compare {app} RUN_COUNTS --alpha five", "--alpha"),
    ("--metric a rate without its counts over 90 days",
     "compare {app} RATE_BY_RUN --start 2026-08-01 --end 2026-10-28", "KPI"),
    ("--names with no id column", "fetch {app} txn-emails-sent-grouped-by-date --names",
     "--names"),
    # dates and windows
    ("--end not a date", "fetch {app} DAILY --start 2026-10-01 --end 2026-10-32", "--end"),
    ("--start words", "fetch {app} DAILY --start yesterday", "--start"),
    ("--end before --start", "fetch {app} DAILY --start 2026-10-10 --end 2026-10-01", "--start"),
    ("--keep-windows without a range", "fetch {app} DAILY --keep-windows", "--keep-windows"),
    # ids and KPIs
    ("--campaign with a space", "fetch {app} DAILY --campaign 'a b'", "--campaign"),
    ("--campaign with an empty id", "fetch {app} DAILY --campaign {c1},", "--campaign"),
    ("--campaign with a newline", "fetch {app} DAILY --campaign {c1}\n", "--campaign"),
    ("--campaign all beside an id", "fetch {app} DAILY --campaign all --campaign {c1}",
     "--campaign"),
    ("--journey with a slash", "fetch {app} journey-emails-sent --journey a/b", "--journey"),
    ("--campaign and --journey", "fetch {app} DAILY --campaign {c1} --journey j", "--journey"),
    ("APP with a slash", "fetch a/b DAILY", "APP"),
    ("KPI unknown", "fetch {app} sucessful-delivery-rate", "KPI"),
    ("KPI at the wrong scope", "fetch {app} RATE_BY_RUN", "--campaign"),
    ("KPIs of two groupings", "fetch {app} DAILY successful-delivery-rate", "KPI"),
    ("KPI missing", "fetch {app}", "KPI"),
    ("compare KPI unknown", "compare {app} nope", "KPI"),
    ("compare KPI at the wrong scope", "compare {app} journey-emails-sent --campaign {c1}",
     "--journey"),
    ("campaigns APP with a newline", "campaigns {app}\n", "APP"),
    # store and connection
    ("--cache ''", "fetch {app} DAILY --start 2026-10-01 --end 2026-10-28 --cache ''",
     "--cache"),
    ("--cache under a file", "fetch {app} DAILY --start 2026-10-01 --cache {file}/store",
     "--cache"),
    ("--cache not writable", "fetch {app} DAILY --start 2026-10-01 --cache /sys/kpi-cache",
     "--cache"),
    ("--offline without --cache", "fetch {app} DAILY --start 2026-10-01 --end 2026-10-28 "
     "--offline", "--cache"),
    ("--offline with an open range", "fetch {app} DAILY --start 2026-10-01 --cache {folder} "
     "--offline", "--end"),
    ("--endpoint-url not a URL", "fetch {app} DAILY --endpoint-url localhost:4566",
     "--endpoint-url"),
    ("--region with spaces", "fetch {app} DAILY --region 'us east 1'", "--region"),
    ("campaigns --profile nosuch", "campaigns {app} --profile nosuch", "--profile"),
    ("an unknown flag", "fetch {app} DAILY --bogus", "--bogus"),
    # the kpis command
    ("kpis --kind unknown", "kpis --kind ratio", "--kind"),
    ("kpis --scope unknown", "kpis --scope project", "--scope"),
    ("kpis --grouping unknown", "kpis --grouping Week", "--grouping"),
    # the emulator's flags
    ("emulator --error-rate 2", "emulator --error-rate 2", "--error-rate"),
    ("emulator --scale 0", "emulator --scale 0", "--scale"),
    ("emulator --now not a time", "emulator --now soon", "--now"),
    ("emulator --latency-ms negative", "emulator --latency-ms -5", "--latency-ms"),
    ("emulator --campaigns negative", "emulator --campaigns -3", "--campaigns"),
    ("emulator --port not a number", "emulator --port http", "--port"),
    ("demo --seed not a number", "demo --seed x", "--seed"),
    ("demo --output under a file", "demo --output {file}/out", "--output"),
    ("an unknown command", "fetchh {app} DAILY", "fetchh"),
]  # fmt: skip

_WORDS = {"DAILY": [DAILY], "RATE_BY_RUN": [RATE_BY_RUN], "RUN_COUNTS": RUN_COUNTS}
_PYTHON_NAMES = [name for name in FLAGS if "_" in name]


def _argv(template: str, env: Env) -> list[str]:
    import shlex

    filled = template.format(app=env.app, c1=env.campaigns[0], c2=env.campaigns[1], url=env.url,
                             file=env.a_file, folder=env.folder)  # fmt: skip
    # a newline in a template stays inside its argument
    words = [w.replace("<NL>", "\n") for w in shlex.split(filled.replace("\n", "<NL>"))]
    argv = [item for word in words for item in _WORDS.get(word, [word])]
    if argv[0] in ("fetch", "compare", "campaigns") and "--endpoint-url" not in argv:
        argv += ["--endpoint-url", env.url]
    return argv


@pytest.mark.parametrize(("template", "flag"), [c[1:] for c in CLI_CASES],
                         ids=[c[0] for c in CLI_CASES])  # fmt: skip
def test_command_line_refuses_before_any_request(env, emulator, capsys, template, flag):
    argv = _argv(template, env)
    try:
        status = cli.main(argv)
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    out, err = capsys.readouterr()
    assert status == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert flag in err, err
    leaked = [n for n in _PYTHON_NAMES if re.search(rf"\b{n}\b", err)]
    leaked += re.findall(r"\b[a-z]+(?:_[a-z]+)*=", err)  # any Python keyword argument
    assert not leaked, f"a Python argument name in a command-line message: {leaked}: {err}"
    assert len(emulator.request_log) == 0, [r.path for r in emulator.request_log]


def test_the_tables_have_the_issue_cases_and_forty_more_each():
    for cases in (PYTHON_CASES, CLI_CASES):
        named = [c for c in cases if c[0].startswith("issue:")]
        assert len(cases) - len(named) >= 40
    assert len(PYTHON_CASES) + len(CLI_CASES) >= 100
