"""pinpoint-kpi kpis: the catalog, filtered."""

from __future__ import annotations

import csv
import io

import pytest

from pinpoint_kpi_pandas import catalog, cli


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _rows(out):
    return list(csv.DictReader(io.StringIO(out)))


def test_kpis_lists_the_whole_catalog_as_csv(capsys):
    status, out, err = _run(capsys, "kpis", "--csv")
    assert status == 0 and err == ""
    rows = _rows(out)
    assert list(rows[0]) == ["scope", "name", "grouping", "kind", "title"]
    expected = [(k.scope, k.name, k.grouped_by or "none", k.kind, k.title) for k in catalog.kpis()]
    assert [tuple(r.values()) for r in rows] == expected


@pytest.mark.parametrize(
    ("flags", "keep"),
    [
        (["--scope", "journey"], lambda k: k.scope == "journey"),
        (["--kind", "unique_count"], lambda k: k.kind == "unique_count"),
        (["--grouping", "Date"], lambda k: k.grouped_by == "Date"),
        (["--grouping", "none"], lambda k: k.grouped_by is None),
        (["OPEN", "rate"], lambda k: "open" in f"{k.name} {k.title}".lower()
         and "rate" in f"{k.name} {k.title}".lower()),
        (["--scope", "campaign", "--kind", "count", "run"],
         lambda k: k.scope == "campaign" and k.kind == "count" and "run" in k.title),
    ],
    ids=["scope", "kind", "grouping", "ungrouped", "words", "combined"],
)  # fmt: skip
def test_kpis_filters_combine(capsys, flags, keep):
    status, out, _ = _run(capsys, "kpis", *flags, "--csv")
    assert status == 0
    names = [(r["scope"], r["name"]) for r in _rows(out)]
    assert names == [(k.scope, k.name) for k in catalog.kpis() if keep(k)]
    assert names  # every filter here matches something


def test_kpis_table_is_aligned_and_says_when_nothing_matches(capsys):
    status, out, _ = _run(capsys, "kpis", "--scope", "journey", "--grouping", "JourneyActivityId")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["scope", "name", "grouping", "kind", "title"]
    assert len({line.index("JourneyActivityId") for line in lines[1:]}) == 1  # one column
    status, out, err = _run(capsys, "kpis", "no-such-words")
    assert status == 0 and out == "" and "no KPI matches" in err
