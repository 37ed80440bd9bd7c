"""kpi_frame: the one conversion from typed strings to typed columns (pure, no server)."""

import copy
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.errors import InvalidArgumentError, PinpointKpiError, ResponseFormatError

WRAPPER = {
    "application": "ApplicationDateRangeKpiResponse",
    "campaign": "CampaignDateRangeKpiResponse",
    "journey": "JourneyDateRangeKpiResponse",
}


def entry(key, value, type_="Double"):
    return {"Key": key, "Type": type_, "Value": value}


def response(kpi_name, scope, rows, *, wrapped=True, start="2026-08-01T00:00:00Z"):
    inner = {
        "ApplicationId": "app1",
        "KpiName": kpi_name,
        "StartTime": start,
        "EndTime": "2026-08-31T23:59:59Z",
        "NextToken": None,
        "KpiResult": {"Rows": rows},
    }
    if scope == "campaign":
        inner["CampaignId"] = "camp1"
    if scope == "journey":
        inner["JourneyId"] = "jour1"
    return {WRAPPER[scope]: inner} if wrapped else inner


def date_rows(key, values, start="2026-08-01"):
    days = pd.date_range(start, periods=len(values), freq="D").strftime("%Y-%m-%d")
    return [
        {"GroupedBys": [entry("Date", d, "String")], "Values": [entry(key, v)]}
        for d, v in zip(days, values, strict=True)
    ]


def test_date_grouped_counts_become_integers_on_a_datetime_index():
    df = ppk.kpi_frame(
        response(
            "txn-emails-sent-grouped-by-date",
            "application",
            date_rows("TxnEmailsSent", ["1368.0", "12.0"]),
        )
    )
    assert df.index.name == "Date" and df.index.dtype == "datetime64[ns]"
    assert df.index.tolist() == [pd.Timestamp("2026-08-01"), pd.Timestamp("2026-08-02")]
    assert df["TxnEmailsSent"].dtype == np.int64
    assert df["TxnEmailsSent"].tolist() == [1368, 12]


def test_rates_stay_float_even_when_integral():
    df = ppk.kpi_frame(
        response(
            "successful-delivery-rate-grouped-by-date",
            "campaign",
            date_rows("SuccessfulDeliveryRate", ["1.0", "0.0"]),
        )
    )
    assert df["SuccessfulDeliveryRate"].dtype == np.float64


def test_counts_with_fractions_stay_float():
    df = ppk.kpi_frame(
        response(
            "txn-emails-sent-grouped-by-date",
            "application",
            date_rows("TxnEmailsSent", ["1.5", "2.0"]),
        )
    )
    assert df["TxnEmailsSent"].dtype == np.float64


def test_single_value_kpi_without_groupedbys_gives_one_row():
    rows = [{"Values": [entry("TxnEmailsSent", "42.0")]}]
    df = ppk.kpi_frame(response("txn-emails-sent", "application", rows))
    assert df.shape == (1, 1) and isinstance(df.index, pd.RangeIndex)
    assert df.loc[0, "TxnEmailsSent"] == 42
    # a null GroupedBys (the model says required; the service omits it) is the same
    rows = [{"GroupedBys": None, "Values": [entry("TxnEmailsSent", "42.0")]}]
    assert ppk.kpi_frame(response("txn-emails-sent", "application", rows)).equals(df)


def test_string_groupings_and_response_order_of_keys():
    rows = [
        {
            "GroupedBys": [entry("CampaignActivityId", "run2", "String")],
            "Values": [entry("Clicks", "5.0")],
        },
        {
            "GroupedBys": [entry("CampaignActivityId", "run1", "String")],
            "Values": [entry("Clicks", "7.0")],
        },
    ]
    df = ppk.kpi_frame(response("clicks-grouped-by-campaign-activity", "campaign", rows))
    assert df.index.name == "CampaignActivityId"
    assert df.index.tolist() == ["run2", "run1"]  # response order kept
    assert df["Clicks"].tolist() == [5, 7]


def test_every_wrapped_and_bare_form_gives_the_same_frame():
    rows = date_rows("UniqueDeliveries", ["3.0", "4.0"])
    base = ppk.kpi_frame(response("unique-deliveries-grouped-by-date", "campaign", rows))
    bare = ppk.kpi_frame(
        response("unique-deliveries-grouped-by-date", "campaign", rows, wrapped=False)
    )
    with_meta = response("unique-deliveries-grouped-by-date", "campaign", rows)
    with_meta["ResponseMetadata"] = {"HTTPStatusCode": 200}
    dumped = json.loads(
        json.dumps(
            response(
                "unique-deliveries-grouped-by-date",
                "campaign",
                rows,
                start="2026-08-01 00:00:00+00:00",
            ),
            default=str,
        )
    )
    for other in (bare, ppk.kpi_frame(with_meta), ppk.kpi_frame(dumped)):
        pd.testing.assert_frame_equal(other, base)
        assert other.attrs["pinpoint"]["start_time"] == "2026-08-01T00:00:00Z"
    meta = base.attrs["pinpoint"]
    assert meta["scope"] == "campaign" and meta["campaign_ids"] == ["camp1"]
    assert meta["kpi_names"] == ["unique-deliveries-grouped-by-date"]
    assert meta["columns"] == {"UniqueDeliveries": "unique-deliveries-grouped-by-date"}


def test_empty_answer_has_catalog_index_and_columns():
    df = ppk.kpi_frame(response("email-open-rate-grouped-by-campaign-activity", "campaign", []))
    assert df.empty and df.index.name == "CampaignActivityId"
    assert df.columns.tolist() == ["EmailOpenRate"] and df["EmailOpenRate"].dtype == np.float64
    df = ppk.kpi_frame(response("txn-sms-sent-grouped-by-date", "application", []))
    assert df.index.dtype == "datetime64[ns]" and df["TxnSmsSent"].dtype == np.int64
    # and the next line of a notebook works
    assert df.resample("W").sum().empty


def test_unknown_types_are_kept_as_strings():
    rows = [{"Values": [entry("TxnEmailsSent", "lots", "Mystery")]}]
    df = ppk.kpi_frame(response("txn-emails-sent", "application", rows))
    assert df.loc[0, "TxnEmailsSent"] == "lots"


def test_long_and_integer_types_are_integers():
    rows = [{"Values": [entry("TxnEmailsSent", "42", "Long")]}]
    assert ppk.kpi_frame(response("txn-emails-sent", "application", rows)).dtypes.iloc[0] == "int64"


@pytest.mark.parametrize(
    ("backend", "int_dtype", "float_dtype"),
    [("numpy_nullable", "Int64", "Float64"), ("pyarrow", "int64[pyarrow]", "double[pyarrow]")],
)
def test_dtype_backend(backend, int_dtype, float_dtype):
    pytest.importorskip("pyarrow")
    counts = ppk.kpi_frame(
        response(
            "txn-emails-sent-grouped-by-date", "application", date_rows("TxnEmailsSent", ["1.0"])
        ),
        dtype_backend=backend,
    )
    rates = ppk.kpi_frame(
        response(
            "txn-emails-delivery-rate-grouped-by-date",
            "application",
            date_rows("TxnEmailsDeliveryRate", ["0.5"]),
        ),
        dtype_backend=backend,
    )
    assert str(counts.dtypes.iloc[0]) == int_dtype
    assert str(rates.dtypes.iloc[0]) == float_dtype


def test_bad_dtype_backend_is_refused():
    with pytest.raises(InvalidArgumentError, match="dtype_backend"):
        ppk.kpi_frame(response("txn-emails-sent", "application", []), dtype_backend="arrow")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("KpiResult"), "KpiResult"),
        (lambda r: r.__setitem__("KpiResult", {"Rows": "nope"}), "Rows must be a list"),
        (
            lambda r: r["KpiResult"]["Rows"][1]["Values"][0].__setitem__("Value", "x"),
            "not a number",
        ),
        (
            lambda r: r["KpiResult"]["Rows"][1]["Values"][0].__setitem__("Value", 3.0),
            "must be a string",
        ),
        (lambda r: r["KpiResult"]["Rows"][1].pop("Values"), "row 1"),
        (
            lambda r: r["KpiResult"]["Rows"][1]["GroupedBys"][0].__setitem__("Value", "2026-08-01"),
            "duplicate",
        ),
        (
            lambda r: r["KpiResult"]["Rows"][0]["GroupedBys"][0].__setitem__("Value", "soon"),
            "calendar day like",
        ),
        (lambda r: r.__setitem__("KpiName", 7), "KpiName"),
        (lambda r: r.__setitem__("StartTime", "whenever"), "StartTime"),
    ],
)
def test_malformed_responses_raise_response_format_error(mutate, message):
    bad = response(
        "txn-emails-sent-grouped-by-date",
        "application",
        date_rows("TxnEmailsSent", ["1.0", "2.0"]),
        wrapped=False,
    )
    mutate(bad)
    with pytest.raises(ResponseFormatError, match=message):
        ppk.kpi_frame(bad)


def test_not_a_response_at_all():
    with pytest.raises(ResponseFormatError, match="expected a 'KpiResult'"):
        ppk.kpi_frame({"Item": []})
    with pytest.raises(ResponseFormatError, match="JSON object"):
        ppk.kpi_frame([1, 2])


def test_overlapping_windows_keep_identical_days_once_and_refuse_conflicts():
    from pinpoint_kpi_pandas.frame import assemble_kpi_frame
    from pinpoint_kpi_pandas.meta import FrameContract
    from pinpoint_kpi_pandas.parse import parse_answer

    def rows(values, start, label):
        answer = response(
            "txn-emails-sent-grouped-by-date",
            "application",
            date_rows("TxnEmailsSent", values, start=start),
            start=f"{start}T00:00:00Z",
        )
        return parse_answer(answer, source=label)[1]

    asked = FrameContract(scope="application", kpi_names=("txn-emails-sent-grouped-by-date",))
    a = rows(["1.0", "2.0"], "2026-08-01", "a.json")
    b = rows(["2.0", "3.0"], "2026-08-02", "b.json")
    stitched = assemble_kpi_frame([b, a], asked)
    assert stitched["TxnEmailsSent"].tolist() == [1, 2, 3]
    c = rows(["9.0"], "2026-08-02", "c.json")
    with pytest.raises(ppk.errors.ConflictingDataError, match=r"a.json and c.json"):
        assemble_kpi_frame([a, c], asked)


# --- property-based ------------------------------------------------------------------------

SAFE_KPIS = [k for k in catalog.kpis()]


@st.composite
def valid_responses(draw):
    kpi = draw(st.sampled_from(SAFE_KPIS))
    n = 1 if kpi.grouped_by is None else draw(st.integers(0, 40))
    if kpi.grouped_by == "Date":
        first = draw(
            st.dates(
                min_value=pd.Timestamp("2020-01-01").date(),
                max_value=pd.Timestamp("2030-01-01").date(),
            )
        )
        groups = sorted(
            {
                (first + pd.Timedelta(days=i)).isoformat()
                for i in draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
            }
        )
    elif kpi.grouped_by:
        groups = sorted(
            set(
                draw(
                    st.lists(st.from_regex(r"[a-f0-9]{6}", fullmatch=True), min_size=n, max_size=n)
                )
            )
        )
    else:
        groups = [None]
    if kpi.kind in ("count", "unique_count"):
        numbers = draw(st.lists(st.integers(0, 10**9), min_size=len(groups), max_size=len(groups)))
        values = [f"{float(v)}" for v in numbers]
    else:
        numbers = draw(
            st.lists(st.floats(0, 1e6, allow_nan=False), min_size=len(groups), max_size=len(groups))
        )
        values = [repr(float(v)) for v in numbers]
    rows = []
    for group, value in zip(groups, values, strict=True):
        row = {"Values": [entry(kpi.value_key, value)]}
        if group is not None:
            row["GroupedBys"] = [entry(kpi.grouped_by, group, "String")]
        rows.append(row)
    form = draw(st.sampled_from(["wrapped", "bare", "dumped"]))
    resp = response(kpi.name, kpi.scope, rows, wrapped=form != "bare")
    if form == "dumped":
        resp = json.loads(json.dumps(resp, default=str))
    return kpi, groups, numbers, resp


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_responses())
def test_valid_responses_round_trip(case):
    kpi, groups, numbers, resp = case
    df = ppk.kpi_frame(resp)
    assert df.columns.tolist() == [kpi.value_key]
    assert len(df) == len(groups)
    np.testing.assert_allclose(
        df[kpi.value_key].to_numpy(dtype=float), np.asarray(numbers, dtype=float)
    )
    if kpi.grouped_by == "Date":
        assert df.index.strftime("%Y-%m-%d").tolist() == groups
    elif kpi.grouped_by:
        assert df.index.name == kpi.grouped_by and df.index.tolist() == groups


def _mutations():
    junk = st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    return junk


@st.composite
def malformed_responses(draw):
    _, _, _, resp = draw(valid_responses())
    resp = copy.deepcopy(resp)
    inner = next(iter(resp.values())) if "KpiResult" not in resp else resp
    rows = inner["KpiResult"]["Rows"]
    target = draw(
        st.sampled_from(
            ["result", "rows", "row", "entry", "value", "key", "type", "group", "kpiname"]
        )
    )
    junk = draw(_mutations())
    if target == "result":
        inner["KpiResult"] = junk if not isinstance(junk, dict) else {"Rows": junk}
    elif target == "rows":
        inner["KpiResult"]["Rows"] = junk if not isinstance(junk, list | type(None)) else 5
    elif target == "kpiname":
        inner["KpiName"] = junk if not isinstance(junk, str) else None
    elif not rows:
        inner["KpiResult"]["Rows"] = [junk]
    else:
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if target == "row":
            row.pop("Values")
        elif target == "entry":
            row["Values"][0] = junk
        elif target == "type":  # any str Type is legal (unknown ones stay strings)
            row["Values"][0]["Type"] = draw(
                st.one_of(st.none(), st.integers(), st.lists(st.integers(), max_size=2))
            )
        elif target == "group":
            if row.get("GroupedBys"):
                row["GroupedBys"][0] = draw(
                    st.one_of(
                        st.none(),
                        st.integers(),
                        st.fixed_dictionaries({"Key": st.integers(), "Value": st.text()}),
                        st.fixed_dictionaries(
                            {
                                "Key": st.just(row["GroupedBys"][0]["Key"]),
                                "Type": st.just("String"),
                                "Value": st.one_of(
                                    st.none(), st.integers(), st.lists(st.integers())
                                ),
                            }
                        ),
                    )
                )
            else:
                row["GroupedBys"] = draw(st.one_of(st.integers(1), st.text(min_size=1)))
        elif target == "value":
            row["Values"][0]["Value"] = draw(
                st.one_of(st.none(), st.integers(), st.text(alphabet="xyz!", min_size=1))
            )
        else:
            row["Values"][0]["Key"] = draw(st.one_of(st.none(), st.integers()))
    return resp


@settings(max_examples=200, deadline=None)
@given(malformed_responses())
def test_malformed_responses_raise_only_library_errors(resp):
    with pytest.raises(PinpointKpiError):
        ppk.kpi_frame(resp)


@settings(max_examples=60, deadline=None)
@given(st.one_of(malformed_responses(), st.binary(max_size=40), st.text(max_size=40)))
def test_read_json_of_malformed_files_raises_only_library_errors(tmp_path_factory, payload):
    folder = tmp_path_factory.mktemp("bad")
    path = folder / "saved.json"
    if isinstance(payload, bytes):
        path.write_bytes(payload)
    elif isinstance(payload, str):
        path.write_text(payload)
    else:
        path.write_text(json.dumps(payload))
    with pytest.raises(PinpointKpiError):
        ppk.read_pinpoint_kpi_json(path)


@settings(max_examples=60, deadline=None)
@given(valid_responses())
def test_read_json_of_valid_files_equals_kpi_frame(tmp_path_factory, case):
    kpi, _, _, resp = case
    path = tmp_path_factory.mktemp("ok") / "saved.json"
    path.write_text(json.dumps(resp, indent=4, default=str))
    saved = ppk.read_pinpoint_kpi_json(path)
    if kpi.scope != "application":  # saved answers always carry their id level
        level, resource = {"campaign": ("CampaignId", "camp1"), "journey": ("JourneyId", "jour1")}[
            kpi.scope
        ]
        assert saved.index.names[0] == level
        assert set(saved.index.get_level_values(level)) <= {resource}
        saved = saved.droplevel(0) if saved.index.nlevels > 1 else saved.reset_index(drop=True)
    pd.testing.assert_frame_equal(saved, ppk.kpi_frame(resp))


def test_arrow_and_numpy_parsing_paths_agree(monkeypatch):
    pytest.importorskip("pyarrow")
    from pinpoint_kpi_pandas import casting as frame_module

    values = [f"{v}.0" for v in range(700)]
    rows = date_rows("UniqueDeliveries", values, start="2024-01-01")
    rates = date_rows("SuccessfulDeliveryRate", [repr(v / 701) for v in range(700)], "2024-01-01")
    big = response("unique-deliveries-grouped-by-date", "campaign", rows)
    big_rates = response("successful-delivery-rate-grouped-by-date", "campaign", rates)
    assert len(values) >= frame_module.ARROW_MIN_ROWS
    with_arrow = [ppk.kpi_frame(big), ppk.kpi_frame(big_rates)]
    monkeypatch.setattr(frame_module, "ARROW_MIN_ROWS", 10**9)
    without = [ppk.kpi_frame(big), ppk.kpi_frame(big_rates)]
    for a, b in zip(with_arrow, without, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


# --- strict parsing (issue 9): the shapes fuzzing found, and the library's error only ---------

BAD_DAYS = ["2926-08-01", "1600-01-01", "2026-08-01T10:00:00", "2026-08-01 00:00", "2026-8-1",
            "20260801", "2026-02-30", " 2026-08-01", "2026-08-01Z", ""]  # fmt: skip
JUNK = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
    st.booleans(),
)


def _deep(depth=5_000):
    nested: list = []
    for _ in range(depth):
        nested = [nested]
    return nested


@st.composite
def broken_responses(draw):
    """Valid responses broken in one way the service never answers (every one is invalid)."""
    kpi, _, _, resp = draw(valid_responses())
    resp = copy.deepcopy(resp)
    inner = next(iter(resp.values())) if "KpiResult" not in resp else resp
    rows = inner["KpiResult"]["Rows"]
    targets = ["header", "time", "nesting", "wrapper"]
    if rows and kpi.grouped_by == "Date":
        targets.append("day")
    elif rows and kpi.grouped_by:
        targets.append("id")
    target = draw(st.sampled_from(targets))
    if target == "header":
        member = draw(st.sampled_from(["ApplicationId", "KpiName", "CampaignId", "JourneyId"]))
        if member in ("CampaignId", "JourneyId") and member not in inner:
            member = "ApplicationId"
        inner[member] = draw(JUNK)
    elif target == "time":
        member = draw(st.sampled_from(["StartTime", "EndTime"]))
        inner[member] = draw(st.one_of(JUNK, st.sampled_from(["2026-13-01T00:00:00Z", "soon"])))
        if member == "EndTime" and isinstance(inner[member], bool | int | float):
            inner[member] = "2026-13-01T00:00:00Z"  # a number may be a valid epoch
        if member == "StartTime" and isinstance(inner[member], bool | int | float):
            inner[member] = "2999-01-01T00:00:00Z"  # after EndTime
    elif target == "nesting":
        member = draw(st.sampled_from(["KpiResult", "Rows", "row"]))
        if member == "KpiResult":
            inner["KpiResult"] = _deep()
        elif member == "Rows" or not rows:
            inner["KpiResult"]["Rows"] = [_deep()]
        else:
            rows[0]["Values"] = _deep()
    elif target == "wrapper":
        if "KpiResult" in resp:
            resp["KpiResult"] = draw(st.one_of(JUNK, st.just(_deep())))
        else:
            resp[next(iter(resp))] = draw(st.one_of(JUNK, st.just(_deep())))
    elif target == "day":
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row["GroupedBys"][0]["Value"] = draw(st.sampled_from(BAD_DAYS))
    else:
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row["GroupedBys"][0]["Value"] = draw(JUNK)
    return resp


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_responses())
def test_broken_responses_raise_only_the_library_error(resp):
    with pytest.raises(ResponseFormatError):
        ppk.kpi_frame(resp)


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_date_that_is_not_a_calendar_day_names_the_file_and_row(tmp_path, day):
    rows = date_rows("TxnEmailsSent", ["1.0", "2.0", "3.0"])
    rows[2]["GroupedBys"][0]["Value"] = day
    path = tmp_path / "sent.json"
    path.write_text(json.dumps(response("txn-emails-sent-grouped-by-date", "application", rows)))
    with pytest.raises(ResponseFormatError, match=r"row 2: GroupedBys Date must be a calendar day"):
        ppk.kpi_frame(json.loads(path.read_text()))
    with pytest.raises(
        ppk.errors.BadFileError, match=r"sent\.json: row 2: GroupedBys Date"
    ) as info:
        ppk.read_pinpoint_kpi_json(path)
    assert day[:10] in str(info.value) or not day


def test_a_far_future_date_is_refused_not_wrapped_around():
    # 2926-08-01 is outside pandas' nanosecond range; it used to come back as 1757-06-22
    rows = date_rows("TxnEmailsSent", ["1.0"] * 600, start="2024-01-01")  # the Arrow path too
    rows[599]["GroupedBys"][0]["Value"] = "2926-08-01"
    with pytest.raises(ResponseFormatError, match=r"row 599.*2926-08-01"):
        ppk.kpi_frame(response("txn-emails-sent-grouped-by-date", "application", rows))


@pytest.mark.parametrize("value", [["r1"], {"Id": "r1"}, 7, None])
def test_ids_must_be_strings(tmp_path, value):
    rows = [
        {"GroupedBys": [entry("CampaignActivityId", run, "String")], "Values": [entry("Clicks", n)]}
        for run, n in [("r0", "5.0"), (value, "7.0")]
    ]
    bad = response("clicks-grouped-by-campaign-activity", "campaign", rows)
    with pytest.raises(ResponseFormatError, match="row 1: GroupedBys CampaignActivityId"):
        ppk.kpi_frame(bad)
    (tmp_path / "runs.json").write_text(json.dumps(bad, indent=4))
    with pytest.raises(ppk.errors.BadFileError, match=r"runs\.json: row 1"):
        ppk.read_pinpoint_kpi_json(tmp_path)
