"""An archive that does not cover a read's days (it begins later, a day's objects are missing)
or the lateness before them (a late SMS receipt of an earlier message would count as a send)
is said in a CoverageWarning naming the days and the fix; a covered range warns of nothing."""

from __future__ import annotations

import warnings

import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.errors import CoverageWarning

KPI = "txn-emails-sent-grouped-by-date"


def _read(source, app, start, end):
    app_id = app if isinstance(app, str) else app.id
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = ppk.read_pinpoint_events(source, app_id, KPI, start, end)
    return frame, [str(w.message) for w in caught if w.category is CoverageWarning]


def test_a_covered_range_warns_of_nothing(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    _, said = _read(emulator_archive, app, "2026-10-01", "2026-10-28")
    assert said == []


def test_a_range_that_begins_before_the_archive_names_the_days_it_has_no_object_for(
    small_emulator, emulator_archive
):
    app = small_emulator.world.applications[0]  # the archive begins on 2026-09-24
    frame, said = _read(emulator_archive, app, "2026-09-20", "2026-10-05")
    assert len(frame) == 12  # 24 Sep to 5 Oct: the four days before hold nothing
    days = next(s for s in said if "holds no object for" in s)
    assert "4 of the range's 16 days (2026-09-20, 2026-09-21, 2026-09-22, 2026-09-23)" in days
    assert "the archive's first object is later" in days
    assert any("first object in the 72 hours before the range" in s for s in said)


def test_a_day_missing_from_the_source_is_named(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    days = [emulator_archive / "2026" / "10" / f"{d:02d}" for d in (6, 7, 8, 9, 11)]
    frame, said = _read([str(d) for d in days], app, "2026-10-09", "2026-10-11")
    assert frame.index.strftime("%Y-%m-%d").tolist() == ["2026-10-09", "2026-10-11"]
    assert any("1 of the range's 3 days (2026-10-10)" in s for s in said), said


def test_an_archive_that_begins_within_the_lateness_says_late_receipts_may_count(
    small_emulator, emulator_archive
):
    app = small_emulator.world.applications[0]
    _, said = _read(emulator_archive, app, "2026-09-25", "2026-10-02")
    (text,) = said
    assert (
        "the 72 hours before the range (from 2026-09-22 00:00 UTC) is at 2026-09-24 00:00" in text
    )
    assert "start the range on or after 2026-09-27" in text


def test_without_pruning_nothing_is_said_of_the_lateness(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    lateness = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ppk.read_pinpoint_events(
            emulator_archive, app.id, KPI, "2026-09-25", "2026-10-02", lateness=lateness
        )
    assert not [w for w in caught if "72 hours" in str(w.message)]


def test_a_wrong_application_id_is_said_not_an_empty_frame_without_a_word(
    small_emulator, emulator_archive
):
    app = small_emulator.world.applications[0]
    wrong = app.id[:-1] + ("3" if app.id[-1] != "3" else "4")
    frame, said = _read(emulator_archive, wrong, "2026-10-01", "2026-10-05")
    assert frame.empty
    assert any(f"no message of application {wrong} was sent in the range" in s for s in said)


def test_a_day_missing_within_the_lateness_before_the_range_is_named(
    small_emulator, emulator_archive
):
    # late receipts of that day's messages would count as sends in the range
    app = small_emulator.world.applications[0]
    days = [emulator_archive / "2026" / "10" / f"{d:02d}" for d in (6, 7, 9, 10, 11)]
    _, said = _read([str(d) for d in days], app, "2026-10-10", "2026-10-11")
    assert any(
        "no object for 2026-10-08, within the 72 hours before the range" in s for s in said
    ), said


def test_a_range_outside_the_archive_says_where_the_archive_is(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    with pytest.raises(ppk.errors.InvalidArgumentError) as caught:
        ppk.read_pinpoint_events(emulator_archive, app.id, KPI, "2026-11-05", "2026-11-10")
    assert "its day prefixes run from 2026/09/24 to 2026/10/29" in str(caught.value)
    assert "matches no file" not in str(caught.value)
