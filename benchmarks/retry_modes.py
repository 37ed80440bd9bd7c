"""botocore's retry modes under a token-bucket quota: which one finishes nearest calls / limit?

400 GetCampaignDateRangeKpi calls from 16 threads sharing one client, against the emulator in
its own process with a 100 requests/s limit (burst 100, 429 past it, no Retry-After, like
Pinpoint's quota) and 25 ms latency. Three clients, side by side in one run:

- ``standard``: botocore's standard mode (exponential backoff with jitter);
- ``adaptive``: botocore's adaptive mode (standard plus a client-side rate limiter);
- ``standard + pacer``: what ``read_pinpoint_kpi`` does (standard mode, and its RequestPacer
  spacing every attempt at the service's observed rate after a 429).

Prints each wall time, its ratio to calls / limit, the 429s seen and any failed calls.

    python benchmarks/retry_modes.py [--calls 400] [--threads 16] [--rate-limit 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_many import WINDOWS, emulator_process

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.fetch import RequestPacer


def client(url: str, mode: str, threads: int):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "pinpoint",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            retries={"mode": mode, "total_max_attempts": 10}, max_pool_connections=threads
        ),
    )


def run(url: str, mode: str, pace: bool, app_id: str, ids: list[str], threads: int):
    c = client(url, mode, threads)
    c.get_apps()  # warm up outside the timing
    throttled = 0

    def count(response_dict=None, **_):
        nonlocal throttled
        if (response_dict or {}).get("status_code") == 429:
            throttled += 1

    c.meta.events.register("response-received.pinpoint", count)
    jobs = [(cid, start, end) for cid in ids for start, end in WINDOWS]
    failures = 0

    def call(job):
        nonlocal failures
        cid, start, end = job
        try:
            c.get_campaign_date_range_kpi(
                ApplicationId=app_id,
                CampaignId=cid,
                KpiName="unique-deliveries-grouped-by-date",
                StartTime=start,
                EndTime=end,
            )
        except Exception:
            failures += 1

    started = time.perf_counter()
    if pace:
        with RequestPacer().attached(c), ThreadPoolExecutor(threads) as pool:
            list(pool.map(call, jobs))
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(call, jobs))
    return time.perf_counter() - started, throttled, failures, len(jobs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--rate-limit", type=float, default=100)
    args = parser.parse_args()
    campaigns = args.calls // len(WINDOWS)
    world = ppk.emulator.build_world(seed=0, campaigns_per_project=campaigns)
    app = world.applications[0]
    ids = [c.id for c in app.campaigns][:campaigns]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {len(ids) * len(WINDOWS)} calls, {args.threads} "
        f"threads, limit {args.rate_limit:g} req/s, 25 ms latency"
    )
    bound = len(ids) * len(WINDOWS) / args.rate_limit
    print(f"calls / limit: {bound:.2f} s\n")
    print(f"{'client':18s} {'wall s':>7s} {'/bound':>7s} {'429s':>6s} {'failed':>7s}")
    for label, mode, pace in [
        ("standard", "standard", False),
        ("adaptive", "adaptive", False),
        ("standard + pacer", "standard", True),
    ]:
        options = ("--campaigns", str(campaigns), "--quiet", "--latency-ms", "25")
        with emulator_process(*options, "--rate-limit", str(args.rate_limit)) as url:
            seconds, throttled, failed, _ = run(url, mode, pace, app.id, ids, args.threads)
        print(f"{label:18s} {seconds:7.2f} {seconds / bound:6.2f}x {throttled:6d} {failed:7d}")


if __name__ == "__main__":
    main()
