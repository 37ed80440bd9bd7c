"""pinpoint-kpi events: what the table written from an archive leaves out is said on stderr."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pinpoint_kpi_pandas import cli


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A small world's archive (a fiftieth of the sample), its last nine days."""
    from pinpoint_kpi_pandas.emulator.archive import write_event_archive

    root = tmp_path_factory.mktemp("archive")
    write_event_archive(root, seed=0, scale=0.02, first_day=date(2026, 10, 20))
    return root


def test_events_says_which_campaigns_asked_for_have_no_rows(capsys, app, archive, tmp_path):
    # Spring Sale Email sent nothing in October: the archive has no event of it
    spring = app.campaign("Spring Sale Email").id
    asked = [spring, app.campaign("Cart Reminder SMS").id]
    path = tmp_path / "rates.csv"
    status = cli.main([
        "events", str(archive), app.id, "successful-delivery-rate-grouped-by-date",
        "--campaign", ",".join(asked), "--start", "2026-10-21", "--end", "2026-10-28",
        "-o", str(path),
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 0, err
    notes = [line for line in err.splitlines() if spring in line]  # said once, not twice
    assert len(notes) == 1, err
    assert notes[0].startswith(
        "pinpoint-kpi events: warning: no message of 1 of the 2 campaigns asked for was sent in "
        "the range"
    )
    assert "This table has no data for it" in notes[0]  # a command has a table
    assert set(pd.read_csv(path)["CampaignId"]) == {asked[1]}
