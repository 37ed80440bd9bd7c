"""KPIs from an event archive: one call against the floor, a pandas loop, and Spark, in one run.

Writes the emulator's full-size event archive (millions of events, gzip NDJSON under hourly
prefixes; kept in --dir and reused when its parameters match), then measures, each in a child
process of its own (so each peak memory is its own):

1. **one call**: ``read_pinpoint_events`` of a month of every standard campaign KPI per run
   (the ten ``-grouped-by-campaign-activity`` KPIs, ``campaign_id="all"``), DuckDB embedded;
2. **the floor**: a bare DuckDB scan of the very objects that call read, with the same schema
   (``count(*)``: DuckDB parses every record but builds no column), and beside it a scan that
   builds the columns the KPIs read (the floor of any query of them);
3. **a pandas baseline**: the same objects read line by line, ``json.loads``, the fields into a
   DataFrame, ``groupby`` per message and per run (attempts, deliveries, opens, clicks: fewer
   KPIs than the call, so the ratio flatters pandas);
4. **Spark** (local mode, all cores): the same call with ``engine="spark"``, and the session's
   start apart.

It prints wall time and peak memory (max RSS) of each, and the ratios the goals are about: the
call within 1.5x the floor, at least 5x faster than pandas. Note ``uptime``'s load with them.

    python benchmarks/events.py [--dir DIR] [--scale 1] [--days 40] [--no-spark]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

APP_INDEX = 0
MONTH = ("2026-09-26", "2026-10-25")
KPIS = [
    "successful-delivery-rate-grouped-by-campaign-activity",
    "email-open-rate-grouped-by-campaign-activity",
    "hard-bounce-rate-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "unique-deliveries-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "attempted-deliveries-grouped-by-campaign-activity",
    "push-open-rate-grouped-by-campaign-activity",
    "direct-push-opens-grouped-by-campaign-activity",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="benchmark-events", help="archive folder (reused)")
    parser.add_argument("--scale", type=float, default=1.0, help="the world's scale (default 1)")
    parser.add_argument("--days", type=int, default=40, help="days written before the clock")
    parser.add_argument("--no-spark", action="store_true", help="leave Spark out")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.dir)))
        return
    write_archive(args.dir, args.scale, args.days)
    print(f"machine: {os.cpu_count()} cores; load before: {load()}")
    import duckdb

    print(f"duckdb {duckdb.__version__}; a month ({MONTH[0]}..{MONTH[1]}), {len(KPIS)} KPIs")
    order = ["call", "floor", "fields", "pandas"] + ([] if args.no_spark else ["spark"])
    results = {name: child(name, args.dir) for name in order}
    print()
    print(f"{'':28}{'wall s':>9}{'CPU s':>8}{'peak MB':>10}  notes")
    for name in order:
        r = results[name]
        print(
            f"{LABELS[name]:28}{r['wall']:9.2f}{r['cpu']:8.2f}{r['peak_mb']:10.0f}  "
            f"{r.get('note', '')}"
        )
    call, floor, pandas = results["call"], results["floor"], results["pandas"]
    print()
    # CPU time is the fairer measure on a shared machine (Spark's JVM is not counted in it).
    for what, key in (("wall", "wall"), ("CPU", "cpu")):
        print(
            f"one call / bare scan ({what}):       {call[key] / floor[key]:.2f}x   (goal <= 1.5x)"
        )
        print(f"pandas baseline / one call ({what}): {pandas[key] / call[key]:.1f}x   (goal >= 5x)")
    fields = results["fields"]
    print(f"one call / fields scan (CPU):      {call['cpu'] / fields['cpu']:.2f}x")
    if "spark" in results:
        print(f"Spark / one call (wall):            {results['spark']['wall'] / call['wall']:.1f}x")
    print(f"load after: {load()}")


LABELS = {
    "call": "one call (DuckDB)",
    "floor": "bare DuckDB scan (floor)",
    "fields": "scan of the fields read",
    "pandas": "pandas baseline",
    "spark": "Spark, the same call",
}


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def write_archive(directory: str, scale: float, days: int) -> None:
    from pinpoint_kpi_pandas.emulator.archive import write_event_archive
    from pinpoint_kpi_pandas.emulator.clock import Clock

    marker = os.path.join(directory, "_benchmark.json")
    wanted = {"scale": scale, "days": days, "seed": 0}
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f).get("params") == wanted:
                print(f"archive: reusing {directory}")
                return
    first = Clock().today() - dt.timedelta(days=days)
    started = time.perf_counter()
    summary = write_event_archive(directory, scale=scale, first_day=first, progress=True)
    seconds = time.perf_counter() - started
    note = {
        "params": wanted,
        "events": summary.events,
        "objects": summary.objects,
        "mb": round(summary.bytes / 1e6, 1),
        "seconds": round(seconds),
    }
    with open(marker, "w") as f:
        json.dump(note, f)
    print(f"archive: wrote {json.dumps(note)}")


def child(name: str, directory: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--dir", directory],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(name: str, directory: str) -> dict:
    import resource

    from pinpoint_kpi_pandas.emulator import build_world

    app = build_world(0).applications[APP_INDEX]
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    note = globals()[f"_{name}"](directory, app.id)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": after.ru_maxrss / 1024, "note": note}


def _objects(directory: str):
    """The objects the one call scans (the same pruning), for the floor and pandas."""
    from pinpoint_kpi_pandas.events.query import plan_event_query
    from pinpoint_kpi_pandas.events.sources import find_archive

    query = plan_event_query("a" * 32, KPIS, *MONTH, campaign_id="all")
    scan_from, scan_to = query.scan_span()
    return [o.path for o in find_archive(directory, scan_from=scan_from, scan_to=scan_to).objects]


def _call(directory: str, app_id: str) -> str:
    import pinpoint_kpi_pandas as ppk

    df = ppk.read_pinpoint_events(
        directory, app_id, KPIS, *MONTH, campaign_id="all", progress=False
    )
    return f"{len(df)} runs, {df.attrs['pinpoint']['objects']} objects"


def _floor(directory: str, app_id: str) -> str:
    import duckdb

    from pinpoint_kpi_pandas.events.schema import duckdb_columns

    paths = _objects(directory)
    count = duckdb.sql(
        f"select count(*) from read_json({paths!r}, columns={duckdb_columns()!r}, "
        "format='auto', compression='gzip')"
    ).fetchone()[0]
    return f"{count} records, {len(paths)} objects"


def _fields(directory: str, app_id: str) -> str:
    import duckdb

    from pinpoint_kpi_pandas.events.schema import duckdb_columns

    paths = _objects(directory)
    count = duckdb.sql(
        "select count(event_type), count(application.app_id), count(client.client_id), "
        "sum(event_timestamp), sum(arrival_timestamp), count(attributes), "
        "count(facets.email_channel.mail_event.mail.message_id) "
        f"from read_json({paths!r}, columns={duckdb_columns()!r}, format='auto', "
        "compression='gzip')"
    ).fetchone()[0]
    return f"{count} records: event type, ids, times, attributes, message ids"


def _pandas(directory: str, app_id: str) -> str:
    import gzip

    import pandas as pd

    rows = []
    for path in _objects(directory):
        with gzip.open(path, "rt") as f:
            for line in f:
                r = json.loads(line)
                if r["application"]["app_id"] != app_id:
                    continue
                a = r.get("attributes") or {}
                if "campaign_id" not in a:
                    continue
                mail = (
                    ((r.get("facets") or {}).get("email_channel") or {}).get("mail_event") or {}
                ).get("mail") or {}
                rows.append(
                    (
                        r["event_type"],
                        r["event_timestamp"],
                        r["arrival_timestamp"],
                        r["client"]["client_id"],
                        a["campaign_id"],
                        a.get("campaign_activity_id"),
                        mail.get("message_id")
                        or a.get("message_id")
                        or f"{r['client']['client_id']}|{r['event_timestamp']}",
                        a.get("campaign_send_status"),
                        a.get("delivery_type"),
                    )
                )
    df = pd.DataFrame(
        rows,
        columns=[
            "type",
            "at",
            "arrival",
            "endpoint",
            "campaign",
            "run",
            "message",
            "status",
            "channel",
        ],
    ).drop_duplicates()
    df["sent"] = df["type"].isin(["_email.send", "_SMS.BUFFERED"]) | (
        (df["type"] == "_campaign.send") & ~df["channel"].isin(["EMAIL", "SMS"])
    )
    df["delivered"] = df["type"].isin(["_email.delivered", "_SMS.SUCCESS"]) | (
        (df["type"] == "_campaign.send")
        & (df["status"] == "SUCCESS")
        & ~df["channel"].isin(["EMAIL", "SMS"])
    )
    df["opened"] = df["type"] == "_email.open"
    df["click"] = df["type"] == "_email.click"
    per = df.groupby(["campaign", "run", "message"]).agg(
        at=("at", "min"),
        sent=("sent", "max"),
        delivered=("delivered", "max"),
        opened=("opened", "max"),
        clicks=("click", "sum"),
    )
    start = pd.Timestamp(MONTH[0], tz="UTC").value // 10**6
    end = pd.Timestamp(MONTH[1], tz="UTC").value // 10**6 + 86_400_000
    per = per[(per["at"] >= start) & (per["at"] < end)]
    runs = per.groupby(level=["campaign", "run"])[["sent", "delivered", "opened", "clicks"]].sum()
    return f"{len(runs)} runs, {len(rows)} records kept"


def _spark(directory: str, app_id: str) -> str:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pinpoint_kpi_pandas as ppk
    from pinpoint_kpi_pandas.events.engines import local_session

    started = time.perf_counter()
    session = local_session()
    session.sparkContext.setLogLevel("ERROR")
    up = time.perf_counter() - started
    started = time.perf_counter()
    df = ppk.read_pinpoint_events(
        directory, app_id, KPIS, *MONTH, campaign_id="all", engine=session, progress=False
    )
    query = time.perf_counter() - started
    return f"session {up:.1f} s + query {query:.1f} s; {len(df)} runs (driver memory only)"


if __name__ == "__main__":
    main()
