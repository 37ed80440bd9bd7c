"""pinpoint-kpi campaigns, end to end on the emulator."""

from __future__ import annotations

import io

import pandas as pd

from pinpoint_kpi_pandas import cli


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_campaigns_lists_names(capsys, emulator, app):
    status, out, err = _run(capsys, "campaigns", app.id, "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    for campaign in app.campaigns:
        assert campaign.id in out and campaign.name in out
    status, out, _ = _run(
        capsys, "campaigns", app.id, "--journeys", "--csv", "--endpoint-url", emulator.endpoint_url
    )
    assert status == 0
    listed = pd.read_csv(io.StringIO(out))
    assert sorted(listed["Name"]) == sorted(j.name for j in app.journeys)
