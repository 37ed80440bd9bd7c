"""What an archive folder holds besides its ``YYYY/MM/DD/HH`` prefixes is read too (objects
moved to another folder, a file with no hour prefix), a glob may name folders, and ids asked
for that sent nothing are said: none of these changes a number without a word."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.errors import CoverageWarning

KPI = "txn-emails-sent-grouped-by-date"
DAY = "2026-10-05"


def _read(source, app_id, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = ppk.read_pinpoint_events(source, app_id, *args, **kwargs)
    return frame, [str(w.message) for w in caught if w.category is CoverageWarning]


@pytest.fixture
def app(small_emulator):
    return small_emulator.world.applications[0]


@pytest.fixture
def moved(emulator_archive, app, tmp_path):
    """A copy of the archive with one of the day's objects of the project moved to a folder
    beside the year folders, and another to the root (no hour prefix at all)."""
    root = tmp_path / "archive"
    shutil.copytree(emulator_archive, root)
    first, second = sorted((root / "2026" / "10" / "05").glob(f"*/pinpoint-{app.id[:8]}*"))[:2]
    replay = root / "replay" / first.relative_to(root).parent
    replay.mkdir(parents=True)
    first.rename(replay / first.name)
    second.rename(root / second.name)
    return root


def test_objects_beside_the_year_folders_are_read(emulator_archive, moved, app):
    intact, _ = _read(emulator_archive, app.id, KPI, DAY, DAY)
    frame, said = _read(moved, app.id, KPI, DAY, DAY)
    pd.testing.assert_frame_equal(frame, intact)
    assert said == []


def test_a_glob_may_name_the_folders_to_read(emulator_archive, app):
    whole, _ = _read(emulator_archive, app.id, KPI, DAY, DAY)
    globbed, _ = _read(str(emulator_archive / "2026" / "*"), app.id, KPI, DAY, DAY)
    pd.testing.assert_frame_equal(globbed, whole)


def test_ids_asked_for_that_sent_nothing_are_said(small_emulator, emulator_archive, app):
    sent = app.campaigns[1].id
    typo = "0123456789abcdef0123456789abcdef"
    frame, said = _read(
        emulator_archive, app.id, "successful-deliveries-grouped-by-campaign-activity", DAY, DAY,
        campaign_id=[sent, typo],
    )  # fmt: skip
    assert frame.index.get_level_values("CampaignId").unique().tolist() == [sent]
    (text,) = said
    assert "no message of 1 of the 2 campaigns asked for was sent in the range" in text
    assert typo in text and "the API would have answered 404" in text
    _, quiet = _read(
        emulator_archive, app.id, "successful-deliveries-grouped-by-campaign-activity", DAY, DAY,
        campaign_id=[sent],
    )  # fmt: skip
    assert quiet == []
