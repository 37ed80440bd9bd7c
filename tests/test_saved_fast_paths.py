"""The saved-file reader's fast paths give exactly what the plain paths give.

- msgspec's typed decoding (``decoding.decode_answer``) against the standard library
  (``decoding.ENABLED = False``: ``json`` then ``parse_answer``): the same answers, frames and
  errors, on valid files and on every kind of malformed file (property-based, plus JSON-level
  damage a dict cannot express);
- ``files.load_files`` on a store with damaged files: every damaged file found, none dropped;
- the folder walk, and Arrow's casting against NumPy's, errors included.

Files are written as the AWS CLI writes them (``json.dumps(..., indent=4)``, wire key order).
"""

import contextlib
import json
import os
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_frame import (
    BAD_DAYS,
    broken_responses,
    date_rows,
    malformed_responses,
    response,
    valid_responses,
)

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import casting, decoding, files
from pinpoint_kpi_pandas.errors import BadFileError, PinpointKpiError

pytest.importorskip("msgspec")

APP = "a" * 32
KPIS = {
    "successful-delivery-rate-grouped-by-date": "SuccessfulDeliveryRate",
    "unique-deliveries-grouped-by-date": "UniqueDeliveries",
}
WINDOWS = [("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-30")]


@contextlib.contextmanager
def typed_decoding(enabled):
    """Switch msgspec's decoding on or off (plain assignment: hypothesis runs many examples)."""
    before = decoding.ENABLED
    decoding.ENABLED = enabled
    try:
        yield
    finally:
        decoding.ENABLED = before


def outcome(read):
    """What a read gives: the frame with its contract (less the clock), or the library error."""
    try:
        df = read()
    except PinpointKpiError as exc:
        return type(exc).__name__, str(exc), getattr(exc, "bad_files", None)
    contract = {k: v for k, v in df.attrs["pinpoint"].items() if k != "retrieved_at"}
    return df, json.dumps(contract, sort_keys=True, default=str)


def assert_same_outcome(a, b):
    if isinstance(a[0], pd.DataFrame) and isinstance(b[0], pd.DataFrame):
        pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
        assert a[1] == b[1]
    else:
        assert a == b


def both_ways(path):
    """load_file and read_pinpoint_kpi_json of one file, with msgspec and without."""
    with typed_decoding(True):
        fast = files.load_file(str(path)), outcome(lambda: ppk.read_pinpoint_kpi_json(path))
    with typed_decoding(False):
        plain = files.load_file(str(path)), outcome(lambda: ppk.read_pinpoint_kpi_json(path))
    return fast, plain


def assert_both_ways_equal(path):
    (fast_answers, fast_read), (plain_answers, plain_read) = both_ways(path)
    assert fast_answers == plain_answers
    assert_same_outcome(fast_read, plain_read)


def cli_text(answer):
    return json.dumps(answer, indent=4, default=str) + "\n"


# --- msgspec's typed decoding == the standard library ------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_responses(), st.sampled_from([None, 2, 4]))
def test_valid_files_read_the_same_with_and_without_msgspec(tmp_path_factory, case, indent):
    _, _, _, resp = case
    path = tmp_path_factory.mktemp("ok") / "saved.json"
    path.write_text(json.dumps(resp, indent=indent, default=str))
    decoded = decoding.decode_answer(path.read_bytes())
    # The typed path takes every wrapped answer of a catalog KPI (the AWS CLI's and boto3's
    # shapes); a bare HTTP body takes the detailed path. Either way, the same answers.
    assert (decoded is not None) == ("KpiResult" not in resp)
    assert_both_ways_equal(path)


def _dumped(payload):
    try:
        return json.dumps(payload, indent=4, default=str)
    except RecursionError:  # nesting json cannot write: the damage tests below write it by hand
        return None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(malformed_responses(), broken_responses()))
def test_malformed_files_are_judged_the_same_with_and_without_msgspec(tmp_path_factory, resp):
    text = _dumped(resp)
    assume(text is not None)
    path = tmp_path_factory.mktemp("bad") / "saved.json"
    path.write_text(text)
    assert decoding.decode_answer(path.read_bytes()) is None or files.load_file(str(path))[0].rows
    assert_both_ways_equal(path)


def _valid_text():
    """One valid answer on one line (the typed decoder ignores layout), so damage is easy to
    place; each damage below must change it."""
    rows = date_rows("UniqueDeliveries", ["1.0", "2.0", "3.0"])
    return json.dumps(response("unique-deliveries-grouped-by-date", "campaign", rows))


# JSON-level damage and oddities a dict cannot express; each is judged by both paths alike.
TEXT_DAMAGE = {
    "value given twice, a number last": lambda t: t.replace(
        '"Value": "2.0"', '"Value": "2.0", "Value": 2.0'
    ),
    "value given twice, a string last": lambda t: t.replace(
        '"Value": "2.0"', '"Value": 2.0, "Value": "2.0"'
    ),
    "key given twice": lambda t: t.replace(
        '"Key": "UniqueDeliveries"', '"Key": "Other", "Key": "UniqueDeliveries"', 1
    ),
    "KpiName given twice": lambda t: t.replace(
        '"KpiName": "unique-deliveries-grouped-by-date"',
        '"KpiName": "unique-deliveries-grouped-by-date", "KpiName": "txn-emails-sent"',
    ),
    "id given twice": lambda t: t.replace(
        '"CampaignId": "camp1"', '"CampaignId": 1, "CampaignId": "c"'
    ),
    "wrapper given twice": lambda t: t[:-1] + ', "CampaignDateRangeKpiResponse": {"KpiName": 7}}',
    "NaN literal": lambda t: t.replace('"Value": "2.0"', '"Value": NaN'),
    "NaN in an ignored member": lambda t: t.replace('"NextToken": null', '"NextToken": NaN'),
    "huge integer": lambda t: t.replace('"NextToken": null', '"NextToken": ' + "9" * 400),
    "lone surrogate": lambda t: t.replace('"Value": "2.0"', '"Value": "\\ud800"'),
    "escaped value": lambda t: t.replace('"Value": "2.0"', '"Value": "\\u0032.0"'),
    "byte-order mark": lambda t: "\ufeff" + t,
    "trailing garbage": lambda t: t + "}",
    "truncated": lambda t: t[: len(t) // 2],
    "whitespace only": lambda t: " \n\t ",
    "two answers in a list": lambda t: f"[{t}, {t}]",
    "an answer and junk in a list": lambda t: f"[{t}, 7]",
    "empty list": lambda t: "[]",
    "null wrapper": lambda t: '{"CampaignDateRangeKpiResponse": null}',
    "deep metadata": lambda t: (
        t.rstrip()[:-1] + ', "ResponseMetadata": ' + "[" * 50_000 + "]" * 50_000 + "}"
    ),
    "listing beside an answer": lambda t: t.rstrip()[:-1] + ', "CampaignsResponse": {}}',
    "a Long type": lambda t: t.replace('"Type": "Double"', '"Type": "Long"'),
    "one Long type": lambda t: t.replace('"Type": "Double"', '"Type": "Long"', 2),
    "no Type on a grouping": lambda t: t.replace('"Type": "String", ', ""),
    "a number as an id": lambda t: t.replace('"CampaignId": "camp1"', '"CampaignId": 7'),
    "an epoch StartTime": lambda t: t.replace(
        '"StartTime": "2026-08-01T00:00:00Z"', '"StartTime": 1785542400'
    ),
    "a day with a time": lambda t: t.replace('"2026-08-02"', '"2026-08-02T10:00:00"'),
    "an unknown KPI": lambda t: t.replace("unique-deliveries-grouped-by-date", "my-kpi"),
    "another scope's KPI": lambda t: t.replace(
        "unique-deliveries-grouped-by-date", "txn-emails-sent-grouped-by-date"
    ),
    "rows null": lambda t: re.sub(r'"Rows": \[.*\]\}', '"Rows": null}', t),
    "a row without GroupedBys": lambda t: t.replace(
        '"GroupedBys": [{"Key": "Date", "Type": "String", "Value": "2026-08-02"}], ', ""
    ),
    "GroupedBys null in a row": lambda t: t.replace(
        '[{"Key": "Date", "Type": "String", "Value": "2026-08-02"}]', "null"
    ),
    "an extra value in a row": lambda t: t.replace(
        '"Value": "2.0"}]', '"Value": "2.0"}, {"Key": "X", "Type": "Double", "Value": "1.0"}]'
    ),
}


@pytest.mark.parametrize("damage", TEXT_DAMAGE, ids=str)
def test_json_level_damage_is_judged_the_same_with_and_without_msgspec(tmp_path, damage):
    text = TEXT_DAMAGE[damage](_valid_text())
    path = tmp_path / "saved.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    assert text != _valid_text()
    assert_both_ways_equal(path)


def test_the_typed_path_takes_cli_output_and_boto3_dumps(tmp_path, pinpoint_client, sample_app):
    campaign = sample_app.campaign("Weekly Newsletter Email").id
    answer = pinpoint_client.get_campaign_date_range_kpi(
        ApplicationId=sample_app.id,
        CampaignId=campaign,
        KpiName="unique-deliveries-grouped-by-date",
        StartTime="2026-09-01T00:00:00Z",
        EndTime="2026-09-30T23:59:59Z",
    )
    from pinpoint_kpi_pandas.store import to_cli_shape

    cli = tmp_path / "cli.json"
    cli.write_text(cli_text(to_cli_shape(answer, "CampaignDateRangeKpiResponse")))
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(answer, default=str))  # keeps ResponseMetadata's Date header
    for path in (cli, dump):
        decoded = decoding.decode_answer(path.read_bytes())
        assert decoded is not None, path.name
        assert decoded.header.resource_id == campaign
        rows = answer["CampaignDateRangeKpiResponse"]["KpiResult"]["Rows"]
        assert len(decoded.values["UniqueDeliveries"]) == len(rows) > 0
        assert_both_ways_equal(path)
    assert decoding.decode_answer(dump.read_bytes()).clock is not None
    assert decoding.decode_answer(cli.read_bytes()).clock is None
    with typed_decoding(False):
        assert decoding.decode_answer(cli.read_bytes()) is None
        assert not decoding.msgspec_available()


# --- workers == a serial loop --------------------------------------------------------------------


def write_store(root, campaigns=6):
    """A cache= layout (AWS CLI shape), with the debris real folders hold."""
    rng = np.random.default_rng(1)
    for number in range(campaigns):
        campaign = f"{number:032x}"
        for kpi, key in KPIS.items():
            for first, last in WINDOWS:
                days = pd.date_range(first, last).strftime("%Y-%m-%d")
                values = [f"{float(v)}" for v in rng.integers(0, 1000, len(days))]
                rows = [
                    {
                        "GroupedBys": [{"Key": "Date", "Type": "String", "Value": d}],
                        "Values": [{"Key": key, "Type": "Double", "Value": v}],
                    }
                    for d, v in zip(days, values, strict=True)
                ]
                inner = {"ApplicationId": APP, "CampaignId": campaign, "EndTime":
                         f"{last}T23:59:59Z", "KpiName": kpi, "KpiResult": {"Rows": rows},
                         "StartTime": f"{first}T00:00:00Z"}  # fmt: skip
                name = f"{first.replace('-', '')}T000000Z--{last.replace('-', '')}T235959Z.json"
                path = root / APP / "campaign" / campaign / kpi / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(cli_text({"CampaignDateRangeKpiResponse": inner}))
    return sorted(root.rglob("*.json"))


def damage_some(paths):
    paths[1].write_bytes(b"")
    paths[4].write_text(paths[4].read_text()[:500])
    text = paths[7].read_text()
    paths[7].write_text(text.replace('"Value": "1', '"Value": "x', 1))
    paths[10].write_text(paths[11].read_text())  # a file copied over another
    paths[12].write_text(paths[12].read_text().replace("2026-08-03", "2926-08-03"))


@pytest.fixture
def store(tmp_path):
    paths = write_store(tmp_path / "store")
    damage_some(paths)
    (tmp_path / "store" / "package.json").write_text('{"name": "dashboard"}')
    return tmp_path / "store"


def test_loading_a_damaged_store_finds_every_bad_file(store):
    loaded = files.load_files(files.find_files(store))
    # Found while loading: empty, truncated, copied over another, package.json; the bad value
    # and the far-future day are found when the values are typed (the read below).
    assert [a.problem is not None for a in loaded].count(True) == 4
    with pytest.raises(BadFileError) as raised:
        ppk.read_pinpoint_kpi_json(store)
    assert len(raised.value.bad_files) == 6


def test_the_folder_walk_finds_what_os_walk_finds(tmp_path):
    root = tmp_path / "exports"
    for relative in ["a.json", "b.JSON", "c.Json", "notes.txt", "sub/d.json", "sub/deeper/e.json",
                     ".hidden.json", ".git/f.json", "sub/.cache/g.json", "x.json.bak"]:  # fmt: skip
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    (root / "linked").symlink_to(root / "sub", target_is_directory=True)  # never followed
    (root / "alias.json").symlink_to(root / "a.json")  # a file, read as such
    (root / "broken.json").symlink_to(root / "missing.json")  # listed, then reported bad

    expected = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        expected += [
            os.path.join(folder, n)
            for n in names
            if n.lower().endswith(".json") and not n.startswith(".")
        ]
    found = [path for path, _ in files.find_files(root)]
    assert found == sorted(expected)
    assert [os.path.relpath(p, root) for p in found] == [
        "a.json", "alias.json", "b.JSON", "broken.json", "c.Json", "sub/d.json",
        "sub/deeper/e.json",
    ]  # fmt: skip


# --- Arrow's casting == NumPy's, errors included -------------------------------------------------

BIG = 600  # above casting.ARROW_MIN_ROWS


@pytest.mark.parametrize(
    ("member", "bad"),
    [("Values", None), ("Values", 7), ("Values", "x"), ("Values", ["1.0"]), ("Values", " 1.0 "),
     ("GroupedBys", None), ("GroupedBys", 20260801), ("GroupedBys", "2026-08-01T00:00:00"),
     *(("GroupedBys", day) for day in BAD_DAYS[:3])],
)  # fmt: skip
def test_arrow_and_numpy_casting_agree_on_bad_values(monkeypatch, member, bad):
    pytest.importorskip("pyarrow")
    assert BIG >= casting.ARROW_MIN_ROWS
    rows = date_rows("TxnEmailsSent", ["1.0"] * BIG, start="2024-01-01")
    rows[BIG - 1][member][0]["Value"] = bad
    answer = response("txn-emails-sent-grouped-by-date", "application", rows)

    def result():
        try:
            return ppk.kpi_frame(answer)
        except PinpointKpiError as exc:
            return str(exc)

    with_arrow = result()
    monkeypatch.setattr(casting, "ARROW_MIN_ROWS", 10**9)
    without = result()
    if isinstance(with_arrow, str) or isinstance(without, str):
        assert with_arrow == without
        assert f"row {BIG - 1}" in with_arrow
    else:
        pd.testing.assert_frame_equal(with_arrow, without, check_exact=True)


def test_days_out_of_order_in_an_answer_come_out_in_time_order(tmp_path):
    rows = date_rows("UniqueDeliveries", ["1.0", "2.0", "3.0"])[::-1]
    path = tmp_path / "reversed.json"
    path.write_text(cli_text(response("unique-deliveries-grouped-by-date", "campaign", rows)))
    df = ppk.read_pinpoint_kpi_json(path)
    assert df["UniqueDeliveries"].tolist() == [1, 2, 3]
    assert df.index.get_level_values("Date").is_monotonic_increasing
