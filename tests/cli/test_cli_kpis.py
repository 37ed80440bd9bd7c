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


EVERY = catalog.kpis(include_events_only=True)


def _source(kpi):
    return "events" if kpi.events_only else "api"


def test_kpis_lists_the_whole_catalog_as_csv_event_only_ones_marked(capsys):
    status, out, err = _run(capsys, "kpis", "--csv")
    assert status == 0 and err == ""
    rows = _rows(out)
    assert list(rows[0]) == ["scope", "name", "grouping", "kind", "from", "title"]
    expected = [
        (k.scope, k.name, k.grouped_by or "none", k.kind, _source(k), k.title) for k in EVERY
    ]
    assert [tuple(r.values()) for r in rows] == expected
    sources = [r["from"] for r in rows]
    assert sources.count("api") == len(catalog.kpis()) == 84
    daily = {(r["scope"], r["name"]): r["from"] for r in rows}
    assert daily["campaign", "clicks-grouped-by-date"] == "events"  # the API had no such KPI


def test_kpis_from_filters_by_source(capsys):
    _, out, _ = _run(capsys, "kpis", "--from", "api", "--csv")
    assert [r["name"] for r in _rows(out)] == [k.name for k in catalog.kpis()]
    _, out, _ = _run(capsys, "kpis", "--from", "events", "--scope", "campaign", "--csv")
    names = [r["name"] for r in _rows(out)]
    assert names == [k.name for k in catalog.kpis("campaign", include_events_only=True)
                     if k.events_only]  # fmt: skip
    assert "direct-email-opens-grouped-by-date" in names


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
    assert names == [(k.scope, k.name) for k in EVERY if keep(k)]
    assert names  # every filter here matches something


def test_kpis_table_is_aligned_and_says_when_nothing_matches(capsys):
    status, out, _ = _run(capsys, "kpis", "--scope", "journey", "--grouping", "JourneyActivityId")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split() == ["scope", "name", "grouping", "kind", "from", "title"]
    assert len({line.index("JourneyActivityId") for line in lines[1:]}) == 1  # one column
    status, out, err = _run(capsys, "kpis", "no-such-words")
    assert status == 0 and out == "" and "no KPI matches" in err
