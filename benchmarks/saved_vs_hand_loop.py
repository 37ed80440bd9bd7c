"""read_pinpoint_kpi_json vs the plain loop a user writes, on 600 and 10,000 saved files.

The files are a ``cache=`` store exactly as the AWS CLI writes answers (4-space indent, wire key
order): campaigns x 2 date-grouped KPIs x 3 windows (August, September, October 1-28), so 100
campaigns give 600 files and 1,667 give 10,002. The plain loop is what the issue describes:
``json.load`` per file, a list of dicts (one per row), ``pd.DataFrame``, ``pd.to_datetime``,
``groupby`` (to join the two KPIs' columns). Both give the same frame (checked with
``assert_frame_equal``). Runs are interleaved (library, loop, floors, in turn), best of
``--repeat``, and both wall time and CPU time are printed (from ``getrusage``): the machine these
run on is shared, so CPU time is the steadier figure.

Two floors show where the library's time goes: ``json.loads`` alone of the same files (what the
loop cannot avoid), and finding, reading and decoding them with the library's own typed msgspec
decoder (``decoding.decode_answer``: what the library cannot avoid; the rest is building the
frame and its contract).

    python benchmarks/saved_vs_hand_loop.py [--sizes 600 10000] [--repeat 5]

The files are written to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import decoding, files

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
    """The loop's floor: finding the files and parsing their JSON, nothing else."""
    count = 0
    for path in sorted(glob.glob(str(root / "**" / "*.json"), recursive=True)):
        with open(path, "rb") as handle:
            count += len(json.loads(handle.read()))
    return count


def typed_decode_only(root: Path) -> int:
    """The library's floor: finding, reading and decoding the files as it does, nothing else."""
    count = 0
    for path, _ in files.find_files(root):
        fd = os.open(path, os.O_RDONLY)
        try:
            data = os.read(fd, os.fstat(fd).st_size + 1)
        finally:
            os.close(fd)
        count += decoding.decode_answer(data) is not None
    return count


def library(root: Path) -> pd.DataFrame:
    return ppk.read_pinpoint_kpi_json(root)


def cpu_seconds() -> float:
    """CPU time of this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed(func, root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    func(root)
    return time.perf_counter() - wall, cpu_seconds() - cpu


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pandas "
        f"{pd.__version__}, msgspec typed decoding: {decoding.msgspec_available()}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    folder = Path(tempfile.mkdtemp(prefix="saved-bench-"))
    try:
        for size in args.sizes:
            root = folder / str(size)
            found = write_store(root, size)
            ours, theirs = library(root), hand_loop(root)  # also warms the page cache
            pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
            timings: dict[str, list[tuple[float, float]]] = {
                "read_pinpoint_kpi_json": [],
                "plain loop": [],
                "json.loads alone": [],
                "library's decode alone": [],
            }
            funcs = [library, hand_loop, decode_only, typed_decode_only]
            for _ in range(args.repeat):  # interleave so drift hits all alike
                for name, func in zip(timings, funcs, strict=True):
                    timings[name].append(timed(func, root))
            figures = {name: best(runs) for name, runs in timings.items()}
            notes = {
                "read_pinpoint_kpi_json": "",
                "plain loop": "(same frame)",
                "json.loads alone": "(the loop's floor)",
                "library's decode alone": "(find, read, msgspec typed decode)",
            }
            print(f"\n{len(found)} files, {len(ours)} rows, best of {args.repeat} "
                  f"(load {os.getloadavg()[0]:.2f}):")  # fmt: skip
            print(f"  {'':24s} {'wall':>9s} {'CPU':>9s}")
            for name, (wall, cpu) in figures.items():
                print(f"  {name + ':':24s} {wall * 1000:7.0f}ms {cpu * 1000:7.0f}ms  {notes[name]}")
            (lib_wall, lib_cpu), (loop_wall, loop_cpu) = (
                figures["read_pinpoint_kpi_json"],
                (figures["plain loop"]),
            )
            print(f"  ratio (loop / library): wall {loop_wall / lib_wall:.2f}x, CPU "
                  f"{loop_cpu / lib_cpu:.2f}x  (target >= 3x)")  # fmt: skip
            floor_cpu = figures["library's decode alone"][1]
            print(f"  the library's decode floor is {floor_cpu / lib_cpu:.0%} of its CPU time; "
                  f"at that floor the ratio would be {loop_cpu / floor_cpu:.2f}x")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
