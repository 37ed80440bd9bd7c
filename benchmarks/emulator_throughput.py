"""How many KPI requests per second the emulator serves to a concurrent boto3 client.

The emulator stands in for Amazon Pinpoint in tests, notebooks and the demo, so it must keep up
with the real quota: 300 requests/s (burst 300) per operation. This script starts the emulator
(by default in a subprocess through ``pinpoint-kpi emulator``, so the server's CPU time is not
shared with the client's under one GIL; ``--in-process`` runs it in a thread instead), then sends
``--requests`` GetCampaignDateRangeKpi calls through one real boto3 client shared by
``--threads`` threads. Campaigns, KPI names and windows are drawn at random (seeded), so most
answers are computed, not served from the emulator's cache. Loopback only; it stops by itself.

Run::

    python benchmarks/emulator_throughput.py [--requests 3000] [--threads 8] [--in-process]

It prints the measured requests/s and the ratio to the 300 requests/s quota.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time

QUOTA = 300.0  # requests/s, Pinpoint's quota for "all other operations"

CAMPAIGN_KPIS = (
    "successful-delivery-rate",
    "successful-delivery-rate-grouped-by-date",
    "successful-delivery-rate-grouped-by-campaign-activity",
    "attempted-deliveries-grouped-by-campaign-activity",
    "unique-deliveries-grouped-by-date",
    "unique-deliveries",
    "email-open-rate-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
)


def _client(endpoint_url: str, threads: int):
    import boto3
    import botocore.config

    return boto3.session.Session().client(
        "pinpoint",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            max_pool_connections=max(10, threads),
        ),
    )


def _plan(world, count: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    app = world.applications[0]
    today = dt.date(2026, 10, 29)
    calls = []
    for _ in range(count):
        campaign = rng.choice(app.campaigns)
        length = rng.randint(1, 31)
        start = today - dt.timedelta(days=rng.randint(length - 1, 85))
        end = start + dt.timedelta(days=length - 1)
        calls.append(
            {
                "ApplicationId": app.id,
                "CampaignId": campaign.id,
                "KpiName": rng.choice(CAMPAIGN_KPIS),
                "StartTime": dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC),
                "EndTime": dt.datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=dt.UTC),
            }
        )
    return calls


def _measure(endpoint_url: str, world, requests: int, threads: int) -> tuple[float, int]:
    client = _client(endpoint_url, threads)
    warmup = _plan(world, 50, seed=1)
    calls = _plan(world, requests)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda kw: client.get_campaign_date_range_kpi(**kw), warmup))
        started = time.perf_counter()
        results = list(pool.map(lambda kw: client.get_campaign_date_range_kpi(**kw), calls))
        elapsed = time.perf_counter() - started
    ok = sum(r["ResponseMetadata"]["HTTPStatusCode"] == 200 for r in results)
    return requests / elapsed, ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--in-process", action="store_true", help="serve from a thread here")
    args = parser.parse_args(argv)

    from pinpoint_kpi_pandas.emulator import Emulator, build_world

    world = build_world(0)  # the same world the server builds (same seed, same frozen clock)
    if args.in_process:
        where = "in-process (server thread shares the client's GIL)"
        with Emulator(seed=0) as emu:
            rate, ok = _measure(emu.endpoint_url, world, args.requests, args.threads)
    else:
        where = "subprocess (pinpoint-kpi emulator)"
        cmd = [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--quiet"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
        try:
            endpoint_url = proc.stdout.readline().strip()
            rate, ok = _measure(endpoint_url, world, args.requests, args.threads)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)
    print(f"server: {where}; client: boto3, {args.threads} threads sharing one client")
    print(f"requests: {args.requests} GetCampaignDateRangeKpi, {ok} answered 200")
    print(f"throughput: {rate:.0f} requests/s")
    print(f"ratio to the 300 requests/s quota: {rate / QUOTA:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
