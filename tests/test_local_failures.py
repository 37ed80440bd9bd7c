"""Nothing fetched is lost to a local failure; reads that cost too much or give nothing say so.

A response store that cannot save (a file where one of its folders would be: found only when
the first answer is saved, after the up-front check of ``cache=`` passed) still gives the whole
frame: with ``errors="warn"`` and one warning naming the folder, with ``errors="raise"`` as the
``.frame`` of the error raised once the frame is complete. Real reads against the emulator.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli, fetch
from pinpoint_kpi_pandas.errors import (
    LargeReadWarning,
    MissingFromStoreError,
    StoreWarning,
    StoreWriteError,
    UnservedRangeWarning,
)

KPI = "successful-delivery-rate-grouped-by-date"
RANGE = ("2026-08-01", "2026-10-28")


@pytest.fixture
def blocked_store(tmp_path, sample_app):
    """A store folder where the campaign answers' folder is a file: saving them fails."""
    root = tmp_path / "kpi-cache"
    (root / sample_app.id).mkdir(parents=True)
    (root / sample_app.id / "campaign").write_text("in the way")
    return root


def _read(emulator, app, **kwargs):
    ids = [c.id for c in app.campaigns[:4]]
    return ppk.read_pinpoint_kpi(app.id, KPI, *RANGE, campaign_id=ids,
                                 endpoint_url=emulator.endpoint_url, **kwargs)  # fmt: skip


def test_a_store_that_cannot_save_still_gives_the_frame_with_one_warning(
    emulator, sample_app, blocked_store
):
    expected = _read(emulator, sample_app)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = _read(emulator, sample_app, cache=blocked_store, errors="warn")
    pd.testing.assert_frame_equal(frame, expected, check_like=True)
    about_store = [w for w in caught if issubclass(w.category, StoreWarning)]
    assert len(about_store) == 1  # once for the read, not once per answer
    message = str(about_store[0].message)
    assert f"could not save 12 files in the response store at {blocked_store}" in message
    assert "the answers are in the frame" in message


def test_errors_raise_keeps_the_frame_in_the_error(emulator, sample_app, blocked_store):
    expected = _read(emulator, sample_app)
    with pytest.raises(StoreWriteError) as info:
        _read(emulator, sample_app, cache=blocked_store)
    error = info.value
    assert isinstance(error, OSError)  # a local failure, as Python names those
    assert error.folder == blocked_store and len(error.unsaved) == 12
    assert str(blocked_store) in str(error) and ".frame" in str(error)
    pd.testing.assert_frame_equal(error.frame, expected, check_like=True)


def test_an_all_read_whose_listing_cannot_be_saved_still_gives_the_frame(
    emulator, sample_app, tmp_path
):
    root = tmp_path / "kpi-cache"
    root.mkdir()
    (root / sample_app.id).write_text("in the way")  # neither the listing nor any answer saves
    with pytest.warns(StoreWarning, match="could not save 37 files"):  # 36 answers + listing
        frame = ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all",
                                      cache=root, errors="warn",
                                      endpoint_url=emulator.endpoint_url)  # fmt: skip
    assert frame.index.get_level_values("CampaignId").nunique() > 0


def test_a_listing_whose_store_cannot_save_still_lists(emulator, sample_app, tmp_path):
    root = tmp_path / "kpi-cache"
    root.mkdir()
    (root / sample_app.id).write_text("in the way")
    with pytest.warns(StoreWarning, match=f"in the response store at {root}"):
        listed = ppk.list_campaigns(sample_app.id, cache=root, endpoint_url=emulator.endpoint_url)
    assert listed.index.tolist() == [c.id for c in sample_app.campaigns]


def test_the_command_line_writes_the_table_then_exits_1_when_the_store_fails(
    emulator, sample_app, blocked_store, tmp_path, capsys
):
    target = tmp_path / "daily.csv"
    ids = ",".join(c.id for c in sample_app.campaigns[:4])
    status = cli.main(["fetch", sample_app.id, KPI, "--start", RANGE[0], "--end", RANGE[1],
                       "--campaign", ids, "--cache", str(blocked_store), "-o", str(target),
                       "--endpoint-url", emulator.endpoint_url])  # fmt: skip
    _, err = capsys.readouterr()
    assert status == 1
    assert f"wrote {len(_read(emulator, sample_app))} rows to {target}" in err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and str(blocked_store) in errors[0] and "--cache" in errors[0]
    assert "the table was written all the same" in errors[0]
    assert not re.findall(r"\b[a-z_]+=", errors[0])  # no Python argument in the message
    assert len(pd.read_csv(target)) == len(_read(emulator, sample_app))


@pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")
def test_a_range_wholly_in_the_future_warns(emulator, sample_app):
    with pytest.warns(UnservedRangeWarning, match=r"start_time 2999-01-01T00:00:00Z is after"):
        frame = ppk.read_pinpoint_kpi(sample_app.id, "txn-emails-sent-grouped-by-date",
                                      "2999-01-01", "2999-01-05",
                                      endpoint_url=emulator.endpoint_url)  # fmt: skip
    assert frame.empty


def test_a_range_that_has_begun_does_not_warn(emulator, sample_app):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ppk.read_pinpoint_kpi(sample_app.id, "txn-emails-sent-grouped-by-date", "2026-10-01",
                              "2026-12-31", endpoint_url=emulator.endpoint_url)  # fmt: skip
    assert not [w for w in caught if issubclass(w.category, UnservedRangeWarning)]


def test_a_read_that_takes_minutes_at_the_quota_says_so(emulator, sample_app, monkeypatch):
    # 36 requests; the threshold lowered so that a read this size counts as large
    monkeypatch.setattr(fetch, "LARGE_READ_SECONDS", 0.1)
    with pytest.warns(LargeReadWarning) as caught:
        ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all",
                              endpoint_url=emulator.endpoint_url)  # fmt: skip
    message = str(caught[0].message)
    assert "this read makes 36 requests" in message and "300 requests/s" in message
    assert "at least 0.1 s" in message


def test_stored_answers_do_not_count(emulator, sample_app, monkeypatch, tmp_path):
    monkeypatch.setattr(fetch, "LARGE_READ_SECONDS", 0.1)
    with pytest.warns(LargeReadWarning):
        ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all", cache=tmp_path,
                              endpoint_url=emulator.endpoint_url)  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:  # the second read calls nobody
        warnings.simplefilter("always")
        ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all", cache=tmp_path,
                              endpoint_url=emulator.endpoint_url)  # fmt: skip
    assert not [w for w in caught if issubclass(w.category, LargeReadWarning)]


def test_the_warning_says_how_long_at_the_quota(emulator, sample_app, monkeypatch):
    # a quota of 0.36 requests/s makes these 36 requests 100 s: over the minute that warns
    monkeypatch.setattr(fetch, "SERVICE_QUOTA", 0.36)
    with pytest.warns(LargeReadWarning, match=r"36 requests.*takes at least 1 min 40 s"):
        ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all",
                              endpoint_url=emulator.endpoint_url)  # fmt: skip


def test_a_read_of_a_minute_or_less_does_not_warn(emulator, sample_app, monkeypatch):
    monkeypatch.setattr(fetch, "SERVICE_QUOTA", 0.7)  # 36 requests: 51 s
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id="all",
                              endpoint_url=emulator.endpoint_url)  # fmt: skip
    assert not [w for w in caught if issubclass(w.category, LargeReadWarning)]


def test_an_offline_miss_of_20000_requests_has_a_short_message(sample_app, tmp_path):
    ids = [f"c{i:06d}" for i in range(20_000)]
    with pytest.raises(MissingFromStoreError) as info:
        ppk.read_pinpoint_kpi(sample_app.id, KPI, "2026-10-01", "2026-10-28", campaign_id=ids,
                              cache=tmp_path, offline=True)  # fmt: skip
    message = str(info.value)
    assert len(message) < 3_000  # it grew with every request: 13 MB for 100,000 ids
    assert "lacks 20000 of 20000 requests" in message
    assert re.search(r"\.\.\. and 19990 more \(every one is in \.missing\)", message)
    assert len(info.value.missing) == 20_000


def test_a_cache_with_an_open_ended_range_says_nothing_is_saved(emulator, sample_app, tmp_path):
    # the store keeps fixed ranges only: a read with no range saved nothing, without a word
    with pytest.warns(ppk.errors.StoreWarning, match="nothing of this read is saved"):
        ppk.read_pinpoint_kpi(
            sample_app.id, "txn-emails-sent-grouped-by-date", cache=tmp_path,
            endpoint_url=emulator.endpoint_url, progress=False,
        )  # fmt: skip
    assert not list(tmp_path.rglob("*kpis*")) and not list(tmp_path.rglob("txn-emails-sent*"))


def test_a_cache_with_only_a_start_saves_its_windows_without_a_false_warning(
    emulator, sample_app, tmp_path
):
    # the end is filled in (now), so every window is known and stored: no "nothing is saved"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ppk.errors.StoreWarning)
        ppk.read_pinpoint_kpi(
            sample_app.id, "txn-emails-sent-grouped-by-date", "2026-10-20", cache=tmp_path,
            endpoint_url=emulator.endpoint_url, progress=False,
        )  # fmt: skip
    assert list(tmp_path.rglob("txn-emails-sent-grouped-by-date/20261020T000000Z--*.json"))
