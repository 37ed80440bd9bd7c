"""read_pinpoint_kpi_json vs the plain loop a user writes, on 600 and 10,000 saved files.

The files are a ``cache=`` store exactly as the AWS CLI writes answers (4-space indent, wire key
order): campaigns x 2 date-grouped KPIs x 3 windows (August, September, October 1-28), so 100
campaigns give 600 files and 1,667 give 10,002. The plain loop is what the issue describes:
``json.load`` per file, a list of dicts (one per row), ``pd.DataFrame``, ``pd.to_datetime``,
``groupby`` (to join the two KPIs' columns). Both give the same frame (checked with
``assert_frame_equal``). Runs interleaved, best of several repeats, and prints the ratios,
and the time ``json.loads`` alone takes on the same files: no reader can be faster than the
parsing of its files (the library uses msgspec's decoder when it is installed).

    python benchmarks/saved_vs_hand_loop.py [--sizes 600 10000] [--repeat 5]

The files are written to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import pinpoint_kpi_pandas as ppk

APP = "a" * 32
KPIS = {  # kpi name -> value key
    "successful-delivery-rate-grouped-by-date": "SuccessfulDeliveryRate",
    "unique-deliveries-grouped-by-date": "UniqueDeliveries",
}
WINDOWS = [
    ("2026-08-01", "2026-08-31"),
    ("2026-09-01", "2026-09-30"),
    ("2026-10-01", "2026-10-28"),
]


def write_store(root: Path, n_files: int) -> list[str]:
    """A cache= store of about ``n_files`` answers, as the AWS CLI writes them."""
    rng = np.random.default_rng(0)
    campaigns = -(-n_files // (len(KPIS) * len(WINDOWS)))
    for number in range(campaigns):
        campaign = f"{number:032x}"
        for kpi, value_key in KPIS.items():
            for first, last in WINDOWS:
                days = pd.date_range(first, last).strftime("%Y-%m-%d")
                if value_key == "UniqueDeliveries":
                    values = [f"{float(v)}" for v in rng.integers(0, 30_000, len(days))]
                else:
                    values = [repr(float(v)) for v in rng.uniform(0.9, 1.0, len(days))]
                answer = {
                    "CampaignDateRangeKpiResponse": {
                        "ApplicationId": APP,
                        "CampaignId": campaign,
                        "EndTime": f"{last}T23:59:59Z",
                        "KpiName": kpi,
                        "KpiResult": {
                            "Rows": [
                                {
                                    "GroupedBys": [{"Key": "Date", "Type": "String", "Value": d}],
                                    "Values": [{"Key": value_key, "Type": "Double", "Value": v}],
                                }
                                for d, v in zip(days, values, strict=True)
                            ]
                        },
                        "StartTime": f"{first}T00:00:00Z",
                    }
                }
                start = first.replace("-", "") + "T000000Z"
                end = last.replace("-", "") + "T235959Z"
                path = root / APP / "campaign" / campaign / kpi / f"{start}--{end}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(answer, indent=4) + "\n")
    return sorted(glob.glob(str(root / "**" / "*.json"), recursive=True))


def hand_loop(root: Path) -> pd.DataFrame:
    """What a user writes: json.load per file, a dict per row, one DataFrame, groupby."""
    records = []
    for path in sorted(glob.glob(str(root / "**" / "*.json"), recursive=True)):
        with open(path) as handle:
            answer = json.load(handle)["CampaignDateRangeKpiResponse"]
        for row in answer["KpiResult"]["Rows"]:
            record = {"CampaignId": answer["CampaignId"]}
            record.update({g["Key"]: g["Value"] for g in row["GroupedBys"]})
            record.update({v["Key"]: float(v["Value"]) for v in row["Values"]})
            records.append(record)
    df = pd.DataFrame(records)
    df["Date"] = pd.to_datetime(df["Date"]).astype("datetime64[ns]")
    df = df.groupby(["CampaignId", "Date"]).first()  # one row per campaign and day
    df["UniqueDeliveries"] = df["UniqueDeliveries"].astype("int64")
    return df[["SuccessfulDeliveryRate", "UniqueDeliveries"]]


def decode_only(root: Path) -> int:
    """The floor any reader pays: finding the files and parsing their JSON, nothing else."""
    count = 0
    for path in sorted(glob.glob(str(root / "**" / "*.json"), recursive=True)):
        with open(path, "rb") as handle:
            count += len(json.loads(handle.read()))
    return count


def library(root: Path) -> pd.DataFrame:
    return ppk.read_pinpoint_kpi_json(root)


def timed(func, root: Path) -> float:
    started = time.perf_counter()
    func(root)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}; load {os.getloadavg()[0]:.2f}"
    )
    folder = Path(tempfile.mkdtemp(prefix="saved-bench-"))
    try:
        for size in args.sizes:
            root = folder / str(size)
            files = write_store(root, size)
            ours, theirs = library(root), hand_loop(root)  # also warms the page cache
            pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
            lib, loop, floor = [], [], []
            for _ in range(args.repeat):  # interleave so drift hits both alike
                lib.append(timed(library, root))
                loop.append(timed(hand_loop, root))
                floor.append(timed(decode_only, root))
            best_lib, best_loop, best_floor = min(lib), min(loop), min(floor)
            print(f"\n{len(files)} files, {len(ours)} rows, best of {args.repeat}:")
            print(f"  read_pinpoint_kpi_json: {best_lib:7.3f} s")
            print(f"  plain loop:             {best_loop:7.3f} s   (same frame)")
            print(f"  json.loads alone:       {best_floor:7.3f} s   (finding, parsing the files)")
            print(f"  ratio (loop / library): {best_loop / best_lib:.1f}x  (target >= 3x)")
            print(f"  the loop is {best_loop / best_floor:.1f}x the JSON parsing it cannot avoid")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
