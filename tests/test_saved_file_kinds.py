"""What a folder of saved answers may hold besides answers, and how the reader meets it: a named
pipe (never waited on), a broken link and a file of blank lines (each reported as bad, by name,
with what it is), a file larger than one read returns (read whole), and the rows a subclass of
``KpiRows`` holds (counted as for ``KpiRows``)."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import files
from pinpoint_kpi_pandas.errors import BadFileError, BadFileWarning
from pinpoint_kpi_pandas.rows import KpiRows
from pinpoint_kpi_pandas.store import to_cli_shape

DELIVERIES = "successful-deliveries-grouped-by-campaign-activity"
WINDOW = ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")


@pytest.fixture
def folder(pinpoint_client, sample_app, tmp_path):
    """One answer, and beside it a named pipe, a broken link and a file of blank lines."""
    answer = pinpoint_client.get_campaign_date_range_kpi(
        ApplicationId=sample_app.id, CampaignId=sample_app.campaigns[1].id, KpiName=DELIVERIES,
        StartTime=WINDOW[0], EndTime=WINDOW[1],
    )  # fmt: skip
    good = tmp_path / "good.json"  # as `aws pinpoint get-campaign-date-range-kpi > good.json`
    good.write_text(json.dumps(to_cli_shape(answer, "CampaignDateRangeKpiResponse"), indent=4))
    os.mkfifo(tmp_path / "pipe.json")  # no writer: opening it for reading would wait forever
    (tmp_path / "moved.json").symlink_to(tmp_path / "gone" / "answer.json")
    (tmp_path / "blank.json").write_text("\n\n")
    return tmp_path, good


def test_a_pipe_a_broken_link_and_blank_lines_are_bad_files_not_a_hang(folder):
    root, good = folder
    with pytest.raises(BadFileError) as caught:
        ppk.read_pinpoint_kpi_json(root)
    reasons = dict(caught.value.bad_files)
    assert reasons == {
        str(root / "blank.json"): "only whitespace, no JSON: an interrupted `aws ... > file.json`?",
        str(root / "moved.json"): "a broken symbolic link (its target does not exist)",
        str(root / "pipe.json"): files.NOT_REGULAR,
    }
    with pytest.warns(BadFileWarning, match="3 files"):
        rest = ppk.read_pinpoint_kpi_json(root, on_bad_file="warn")
    pd.testing.assert_frame_equal(rest, ppk.read_pinpoint_kpi_json(good))
    statuses = ppk.inventory(root).set_index("path")["status"]
    assert statuses.to_dict() == {
        str(root / "blank.json"): "bad",
        str(root / "good.json"): "ok",
        str(root / "moved.json"): "bad",
        str(root / "pipe.json"): "bad",
    }


@pytest.mark.parametrize("name", ["pipe.json", "moved.json", "p*.json"])
def test_a_pipe_or_broken_link_named_or_globbed_is_reported_as_what_it_is(folder, name):
    root, _ = folder
    with pytest.raises(BadFileError, match=r"named pipe|broken symbolic link"):
        ppk.read_pinpoint_kpi_json(root / name)


def test_a_file_larger_than_one_read_is_read_whole(folder, monkeypatch):
    # Linux returns at most about 2 GiB per read(): a short first read is not the end. Here
    # every read returns at most 64 bytes.
    _, good = folder
    expected = ppk.read_pinpoint_kpi_json(good)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 64)))
    pd.testing.assert_frame_equal(ppk.read_pinpoint_kpi_json(good), expected)


def test_rows_of_a_dataclass_subclass_are_counted():
    @dataclasses.dataclass(frozen=True)
    class Tagged(KpiRows):
        tag: str = ""

    day = datetime(2026, 10, 1, tzinfo=UTC)
    rows = Tagged("k", None, day, day, {"Date": ["2026-10-01", "2026-10-02"]}, {}, tag="t")
    assert rows.n_rows == 2 and rows.tag == "t"
    assert dataclasses.replace(rows, groups={}).n_rows == 0


def test_a_cache_of_every_campaign_reads_back_in_the_live_order(emulator, sample_app, tmp_path):
    # Campaign ids sort otherwise than the project lists them; compare() takes the first with
    # data as its baseline, so an order by path gave other differences than the live read.
    kpis = [DELIVERIES, "direct-email-opens-grouped-by-campaign-activity"]
    live = ppk.read_pinpoint_kpi(
        sample_app.id, kpis, "2026-10-01", "2026-10-28", campaign_id="all", cache=tmp_path,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    listed = [c.id for c in sample_app.campaigns]
    assert listed != sorted(listed)
    saved = ppk.read_pinpoint_kpi_json(tmp_path)
    pd.testing.assert_frame_equal(saved, live)
    assert saved.attrs["pinpoint"]["campaign_ids"] == live.attrs["pinpoint"]["campaign_ids"]
    pd.testing.assert_frame_equal(
        saved.pinpoint.compare("EmailOpenRate"), live.pinpoint.compare("EmailOpenRate")
    )
