"""How many KPI requests per second the emulator serves to a concurrent boto3 client, per scope.

The emulator stands in for Amazon Pinpoint in tests, notebooks and the demo, so it must keep up
with the real quota: 300 requests/s (burst 300) per operation. This script starts the emulator
in a subprocess through ``pinpoint-kpi emulator`` (so the server's CPU time is not shared with
the client's under one GIL; ``--in-process`` runs it in a thread instead), then, for each scope
in turn (application, campaign, journey), sends ``--requests`` KPI calls through one real boto3
client shared by ``--threads`` threads. KPI names (every catalog KPI of the scope), projects,
campaigns, journeys and windows are drawn at random (seeded), so most answers are computed, not
served from a cache of answers. Loopback only; it stops by itself.

Run::

    python benchmarks/emulator_throughput.py [--requests 3000] [--threads 8] [--in-process]

It prints, per scope, the measured requests/s, the ratio to the 300 requests/s quota and the
server's CPU time per request, and the machine's load average (the figures drop when other work
shares the two cores). Side by side, the same calls against a server whose every answer was
computed before the run (``--serve-precomputed``: the emulator's own HTTP core and service,
answers looked up by path and window): what caching every answer could at best give, so the
gap shows what computing answers costs (use ``--no-precomputed`` to skip it).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import platform
import random
import signal
import subprocess
import sys
import time

QUOTA = 300.0  # requests/s, Pinpoint's quota for "all other operations"
SCOPES = ("application", "campaign", "journey")
OPERATIONS = {
    "application": "get_application_date_range_kpi",
    "campaign": "get_campaign_date_range_kpi",
    "journey": "get_journey_date_range_kpi",
}


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


def _plan(world, scope: str, count: int, seed: int = 0) -> list[dict]:
    """``count`` random calls at one scope: (kpi, entity, window) drawn with a seeded generator."""
    from pinpoint_kpi_pandas import catalog

    rng = random.Random(f"{seed}|{scope}")
    names = sorted({k.name for k in catalog.kpis(scope)})
    apps = [a for a in world.applications if a.campaigns]  # the projects with traffic
    today = dt.date(2026, 10, 29)
    calls = []
    for _ in range(count):
        app = rng.choice(apps)
        length = rng.randint(1, 31)
        start = today - dt.timedelta(days=rng.randint(length - 1, 85))
        end = start + dt.timedelta(days=length - 1)
        call = {
            "ApplicationId": app.id,
            "KpiName": rng.choice(names),
            "StartTime": dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC),
            "EndTime": dt.datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=dt.UTC),
        }
        if scope == "campaign":
            call["CampaignId"] = rng.choice(app.campaigns).id
        elif scope == "journey":
            call["JourneyId"] = rng.choice(app.journeys).id
        calls.append(call)
    return calls


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) used so far by a process (Linux), or by this one."""
    if pid is None:
        return time.process_time()
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(client, world, scope: str, args, server_pid: int | None) -> tuple[float, float, int]:
    """Requests/s, server CPU ms per request, and how many answered 200."""
    call = getattr(client, OPERATIONS[scope])
    warmup = _plan(world, scope, 50, seed=1)
    calls = _plan(world, scope, args.requests)
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda kw: call(**kw), warmup))
        cpu = _cpu_seconds(server_pid)
        started = time.perf_counter()
        results = list(pool.map(lambda kw: call(**kw), calls))
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(server_pid) - cpu
    ok = sum(r["ResponseMetadata"]["HTTPStatusCode"] == 200 for r in results)
    return args.requests / elapsed, 1000 * cpu / args.requests, ok


def _report(endpoint_url: str, world, args, server_pid: int | None, label: str) -> None:
    client = _client(endpoint_url, args.threads)
    for scope in args.scopes:
        rate, cpu_ms, ok = _measure(client, world, scope, args, server_pid)
        server = f", server CPU {cpu_ms:.2f} ms/request" if server_pid is not None else ""
        print(
            f"{label}{scope:>11} scope: {rate:6.0f} requests/s ({rate / QUOTA:.2f}x the 300/s "
            f"quota){server}, {ok}/{args.requests} answered 200"
        )


def _target(call: dict, scope: str) -> tuple[str, str, str]:
    """The key a precomputed answer is found by: path, start-time and end-time as sent."""
    from urllib.parse import quote

    path = f"/v1/apps/{quote(call['ApplicationId'])}"
    if scope == "campaign":
        path += f"/campaigns/{quote(call['CampaignId'])}"
    elif scope == "journey":
        path += f"/journeys/{quote(call['JourneyId'])}"
    path += f"/kpis/daterange/{quote(call['KpiName'])}"
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return path, call["StartTime"].strftime(iso), call["EndTime"].strftime(iso)


def serve_precomputed(args) -> int:
    """Serve every planned call's answer, computed before serving; print the URL, serve forever."""
    import threading

    from pinpoint_kpi_pandas.emulator import Emulator, build_world
    from pinpoint_kpi_pandas.emulator.httpcore import HttpServer, Request
    from pinpoint_kpi_pandas.emulator.service import split_target

    world = build_world(0, campaigns_per_project=args.campaigns)
    service = Emulator(seed=0, campaigns_per_project=args.campaigns)._service
    headers = {"authorization": "AWS4-HMAC-SHA256 Credential=testing"}
    answers = {}
    for scope in SCOPES:
        for call in _plan(world, scope, 50, seed=1) + _plan(world, scope, args.requests):
            path, start, end = _target(call, scope)
            target = f"{path}?start-time={start}&end-time={end}"
            request = Request("GET", target, "HTTP/1.1", headers)
            answers[(path, start, end)] = service.answer(request)

    class Precomputed:
        def answer(self, request):
            path, query = split_target(request.target)
            found = answers.get((path, query.get("start-time"), query.get("end-time")))
            return found if found is not None else service.answer(request)

        def malformed(self, error):
            return service.malformed(error)

        def http_date(self):
            return service.http_date()

    server = HttpServer(("127.0.0.1", 0), Precomputed())
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        server.shutdown()
    return 0


def _run_server(cmd: list[str], world, args, label: str) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert proc.stdout is not None
        _report(proc.stdout.readline().strip(), world, args, proc.pid, label)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="calls per scope")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--scopes", nargs="+", choices=SCOPES, default=list(SCOPES))
    parser.add_argument(
        "--campaigns", type=int, default=12, help="campaigns in the sample project (default 12)"
    )
    parser.add_argument("--in-process", action="store_true", help="serve from a thread here")
    parser.add_argument(
        "--no-precomputed", action="store_true", help="skip the precomputed-answers comparison"
    )
    parser.add_argument("--serve-precomputed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_precomputed:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        return serve_precomputed(args)

    from pinpoint_kpi_pandas.emulator import Emulator, build_world

    # The same world the server builds (same seed, same frozen clock, same campaigns).
    world = build_world(0, campaigns_per_project=args.campaigns)
    where = "subprocess (pinpoint-kpi emulator)"
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()}")
    print(f"client: boto3, {args.threads} threads sharing one client, {args.requests} calls/scope")
    print(f"world: seed 0, {args.campaigns} campaigns in the sample project")
    if args.in_process:
        where = "in-process (the server thread shares the client's GIL)"
        print(f"server: {where}")
        with Emulator(seed=0, campaigns_per_project=args.campaigns) as emu:
            _report(emu.endpoint_url, world, args, None, "")
        return 0
    print(f"server: {where}")
    cmd = [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--quiet",
           "--campaigns", str(args.campaigns)]  # fmt: skip
    _run_server(cmd, world, args, "emulator     ")
    if not args.no_precomputed:
        cmd = [sys.executable, __file__, "--serve-precomputed", "--requests", str(args.requests),
               "--campaigns", str(args.campaigns)]  # fmt: skip
        _run_server(cmd, world, args, "precomputed  ")
    print(f"load afterwards {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
