"""read_pinpoint_kpi vs the sequential boto3 loop a user would write, on many campaigns.

100 campaigns x 2 KPIs x 62 days (two 31-day windows: July and August) = 400 calls against the
emulator with 25 ms latency per request, run as a separate process (``pinpoint-kpi emulator``)
so the server's CPU does not share the client's GIL. Both sides read the same rows, checked.

Then the same read against an emulator limited to 100 requests/s (burst 100, no Retry-After,
like Pinpoint's quota): the wall time is compared with calls / limit, and the rows with the
fault-free answer (zero rows missing).

    python benchmarks/fetch_many.py [--campaigns 100] [--latency-ms 25] [--rate-limit 100]

Loopback only; every loop is bounded and the emulators are stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import signal
import subprocess
import sys
import time

import pandas as pd

import pinpoint_kpi_pandas as ppk

KPIS = ["successful-delivery-rate-grouped-by-date", "unique-deliveries-grouped-by-date"]
CLOCK = "2026-09-10T12:00:00Z"  # so July 1 is within the service's 90 days
WINDOWS = [
    ("2026-07-01T00:00:00Z", "2026-07-31T23:59:59Z"),
    ("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
]
START, END = "2026-07-01", "2026-08-31"  # 62 days


@contextlib.contextmanager
def emulator_process(*options: str):
    """Start ``pinpoint-kpi emulator`` in its own process; yield its URL and the app id."""
    command = [
        sys.executable,
        "-m",
        "pinpoint_kpi_pandas.cli",
        "emulator",
        "--now",
        CLOCK,
        *options,
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the emulator did not start: {url!r}")
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def boto3_client(url: str):
    import boto3

    return boto3.client(
        "pinpoint",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def naive_loop(client, app_id: str, campaign_ids: list[str]) -> pd.DataFrame:
    """What a user writes first: one call after another, rows appended to a list."""
    records = []
    for campaign_id in campaign_ids:
        for kpi in KPIS:
            for start, end in WINDOWS:
                answer = client.get_campaign_date_range_kpi(
                    ApplicationId=app_id,
                    CampaignId=campaign_id,
                    KpiName=kpi,
                    StartTime=start,
                    EndTime=end,
                )["CampaignDateRangeKpiResponse"]
                for row in answer["KpiResult"]["Rows"]:
                    record = {"CampaignId": campaign_id, "Kpi": kpi}
                    record.update({g["Key"]: g["Value"] for g in row["GroupedBys"]})
                    record.update({v["Key"]: float(v["Value"]) for v in row["Values"]})
                    records.append(record)
    return pd.DataFrame(records)


def library_read(url: str, app_id: str, campaign_ids: list[str], **options) -> pd.DataFrame:
    return ppk.read_pinpoint_kpi(
        app_id,
        KPIS,
        START,
        END,
        campaign_id=campaign_ids,
        endpoint_url=url,
        progress=False,
        **options,
    )


def same_rows(naive: pd.DataFrame, frame: pd.DataFrame) -> bool:
    """The naive records and the library's frame hold the same (campaign, day, value) rows."""
    ours = frame.stack().dropna()
    theirs = naive.melt(
        id_vars=["CampaignId", "Kpi", "Date"],
        value_vars=["SuccessfulDeliveryRate", "UniqueDeliveries"],
    ).dropna()
    theirs = theirs.set_index(["CampaignId", pd.to_datetime(theirs["Date"]), "variable"])["value"]
    theirs.index.names = ours.index.names
    return len(ours) == len(theirs) and bool(
        (ours.astype(float).sort_index() - theirs.sort_index()).abs().max() < 1e-9
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=25)
    parser.add_argument("--rate-limit", type=float, default=100)
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    world = ppk.emulator.build_world(seed=0, campaigns_per_project=args.campaigns)
    app = world.applications[0]
    ids = [c.id for c in app.campaigns][: args.campaigns]
    calls = len(ids) * len(KPIS) * len(WINDOWS)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}"
    )
    print(f"{len(ids)} campaigns x {len(KPIS)} KPIs x 62 days = {calls} calls")

    common = ("--campaigns", str(args.campaigns), "--quiet")
    with emulator_process("--latency-ms", str(args.latency_ms), *common) as url:
        client = boto3_client(url)
        client.get_apps()  # warm the connection and the model, for both sides alike
        started = time.perf_counter()
        naive = naive_loop(client, app.id, ids)
        naive_seconds = time.perf_counter() - started
        started = time.perf_counter()
        frame = library_read(url, app.id, ids)
        library_seconds = time.perf_counter() - started
    assert same_rows(naive, frame), "the two reads disagree"
    print(f"\n[latency {args.latency_ms:g} ms]")
    print(f"sequential boto3 loop: {naive_seconds:7.2f} s")
    print(f"read_pinpoint_kpi:     {library_seconds:7.2f} s  ({len(frame)} rows, same rows)")
    print(f"speed-up: {naive_seconds / library_seconds:.1f}x  (target >= 8x)")

    bound = calls / args.rate_limit
    with emulator_process(
        "--latency-ms", str(args.latency_ms), "--rate-limit", str(args.rate_limit), *common
    ) as url:
        started = time.perf_counter()
        limited = library_read(url, app.id, ids)
        limited_seconds = time.perf_counter() - started
    missing = len(frame.stack().dropna()) - len(limited.stack().dropna())
    pd.testing.assert_frame_equal(limited, frame)
    print(f"\n[rate limit {args.rate_limit:g} requests/s, latency {args.latency_ms:g} ms]")
    print(f"calls / limit:         {bound:7.2f} s")
    print(f"read_pinpoint_kpi:     {limited_seconds:7.2f} s  (rows missing: {missing})")
    print(f"wall time / bound: {limited_seconds / bound:.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
