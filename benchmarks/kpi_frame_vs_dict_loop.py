"""kpi_frame vs the straightforward per-row dict loop, on a 50,000-row response.

Both build the same frame (checked with assert_frame_equal): a Date index and an integer count
column. Runs interleaved, best of several repeats, and prints the ratio.

    python benchmarks/kpi_frame_vs_dict_loop.py [--rows 50000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from pinpoint_kpi_pandas import kpi_frame


def make_response(n_rows: int) -> dict:
    rng = np.random.default_rng(0)
    days = pd.date_range("1900-01-01", periods=n_rows, freq="D").strftime("%Y-%m-%d")
    counts = rng.integers(0, 50_000, size=n_rows)
    rows = [
        {
            "GroupedBys": [{"Key": "Date", "Type": "String", "Value": day}],
            "Values": [{"Key": "UniqueDeliveries", "Type": "Double", "Value": f"{float(c)}"}],
        }
        for day, c in zip(days, counts, strict=True)
    ]
    return {
        "CampaignDateRangeKpiResponse": {
            "ApplicationId": "a" * 32,
            "CampaignId": "c" * 32,
            "KpiName": "unique-deliveries-grouped-by-date",
            "StartTime": "1900-01-01T00:00:00Z",
            "EndTime": f"{days[-1]}T23:59:59Z",
            "NextToken": None,
            "KpiResult": {"Rows": rows},
        }
    }


def dict_loop(response: dict) -> pd.DataFrame:
    """What a user writes by hand: a dict per row, a DataFrame, then to_numeric."""
    rows = response["CampaignDateRangeKpiResponse"]["KpiResult"]["Rows"]
    records = []
    for row in rows:
        record = {g["Key"]: g["Value"] for g in row.get("GroupedBys") or []}
        record.update({v["Key"]: v["Value"] for v in row["Values"]})
        records.append(record)
    df = pd.DataFrame(records)
    df["UniqueDeliveries"] = pd.to_numeric(df["UniqueDeliveries"]).astype("int64")
    df["Date"] = pd.to_datetime(df["Date"]).astype("datetime64[ns]")
    return df.set_index("Date")


def best_of(func, arg, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(arg)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    response = make_response(args.rows)
    pd.testing.assert_frame_equal(kpi_frame(response), dict_loop(response))

    library, baseline = [], []
    for _ in range(args.repeat):  # interleave so drift hits both alike
        library.append(best_of(kpi_frame, response, 1))
        baseline.append(best_of(dict_loop, response, 1))
    ours, theirs = min(library), min(baseline)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}"
    )
    print(f"rows: {args.rows}, best of {args.repeat}")
    print(f"kpi_frame:        {ours * 1000:8.1f} ms")
    print(f"dict loop:        {theirs * 1000:8.1f} ms")
    print(f"ratio (dict loop / kpi_frame): {theirs / ours:.2f}x  (target >= 2.5x)")


if __name__ == "__main__":
    main()
