"""``pinpoint-kpi emulator --events DIR`` and ``pinpoint-kpi events``, as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from pinpoint_kpi_pandas.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")

CLI = [sys.executable, "-m", "pinpoint_kpi_pandas.cli"]
NOW = "2026-10-25T18:00:00Z"


def test_the_emulator_writes_the_archive_of_the_world_it_serves(tmp_path, small_emulator):
    out = tmp_path / "archive"
    done = subprocess.run(
        [
            *CLI,
            "emulator",
            "--events",
            str(out),
            "--scale",
            "0.02",
            "--now",
            NOW,
            "--events-from",
            "2026-10-20",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.startswith("wrote ") and "2026-10-20 to 2026-10-25" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == ["2026"]
    assert (
        next(out.rglob("*.gz")).parent.relative_to(out).as_posix().count("/") == 3
    )  # YYYY/MM/DD/HH

    from pinpoint_kpi_pandas import emulator

    app = small_emulator.world.applications[0]
    table = tmp_path / "events.csv"
    code = main(
        [
            "events",
            str(out),
            app.id,
            "txn-emails-sent-grouped-by-date",
            "txn-sms-sent-grouped-by-date",
            "--start",
            "2026-10-22",
            "--end",
            "2026-10-25",
            "-o",
            str(table),
        ]
    )
    assert code == 0
    with emulator.running(seed=0, scale=0.02, now=NOW) as emu:
        fetched = tmp_path / "fetched.csv"
        assert (
            main(
                [
                    "fetch",
                    app.id,
                    "txn-emails-sent-grouped-by-date",
                    "txn-sms-sent-grouped-by-date",
                    "--start",
                    "2026-10-22",
                    "--end",
                    "2026-10-25",
                    "--endpoint-url",
                    emu.endpoint_url,
                    "-o",
                    str(fetched),
                ]
            )
            == 0
        )
    pd.testing.assert_frame_equal(pd.read_csv(table), pd.read_csv(fetched))


def test_events_writes_csv_to_stdout_like_fetch(emulator_archive, small_emulator, capsys):
    app = small_emulator.world.applications[0]
    code = main(
        [
            "events",
            str(emulator_archive),
            app.id,
            "clicks-grouped-by-date",
            "--campaign",
            "all",
            "--start",
            "2026-10-01",
            "--end",
            "2026-10-03",
        ]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "CampaignId,Date,Clicks" and len(lines) > 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clicks-grouped-by-date"], "not offered at application scope"),
        (["txn-emails-sent", "--storage-option", "novalue"], "KEY=VALUE"),
        (["txn-emails-sent", "--lateness", "soon"], "duration"),
    ],
)
def test_events_errors_are_one_line_and_exit_2(
    emulator_archive, small_emulator, capsys, argv, message
):
    app = small_emulator.world.applications[0]
    assert main(["events", str(emulator_archive), app.id, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pinpoint-kpi events: error:") and message in err


def test_an_s3_archive_without_credentials_is_one_line_and_exit_1(capsys, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance role to look for
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    argv = ["events", "s3://no-such-bucket/x/", "a" * 32, "txn-emails-sent-grouped-by-date",
            "--start", "2026-10-01", "--end", "2026-10-02"]  # fmt: skip
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot list 's3://no-such-bucket/x/'" in err and "--storage-option" in err
    status = main([*argv, "--storage-option", "bogus=1"])
    err = capsys.readouterr().err
    assert status == 2 and "--storage-option values are not all options" in err


def test_the_emulator_refuses_to_write_an_archive_beside_another(tmp_path):
    # objects of two worlds in one folder would be read as one world's events
    out = tmp_path / "archive"
    (out / "2026").mkdir(parents=True)
    status = main(["emulator", "--events", str(out), "--quiet"])
    assert status == 2 and sorted(p.name for p in out.iterdir()) == ["2026"]


def test_events_from_without_events_is_refused_not_ignored(capsys):
    done = subprocess.run(  # a process of its own: the old code started the server here
        [*CLI, "emulator", "--events-from", "2026-10-20", "--quiet"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "add --events DIR" in done.stderr
