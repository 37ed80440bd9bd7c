"""``pinpoint-kpi emulator``: run a local Pinpoint analytics server (its URL first)."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import Subparsers

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "emulator",
        help="run a local Pinpoint analytics server (prints its URL first)",
        description=(
            "Serve Amazon Pinpoint's analytics API on loopback from a seeded, deterministic "
            "world. The first line of output is the endpoint URL, for boto3's endpoint_url or "
            "the AWS CLI's --endpoint-url. Serves until Ctrl-C / SIGTERM."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    p.add_argument("--seed", type=int, default=0, help="seed of the world (default 0)")
    p.add_argument(
        "--now",
        default=None,
        metavar="ISO",
        help="frozen clock, e.g. 2026-10-29T12:00:00Z, or 'system' for the wall clock "
        "(default: frozen at 2026-10-29T12:00:00Z)",
    )
    p.add_argument("--latency-ms", type=float, default=0, metavar="MS", help="delay per request")
    p.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="RPS",
        help="requests/s per operation before 429 TooManyRequestsException (default: none)",
    )
    p.add_argument("--burst", type=float, default=None, help="rate-limit burst (default: RPS)")
    p.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="seeded share of requests answered 500 (default 0)",
    )
    p.add_argument(
        "--throttle-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="seeded share of requests answered 429, whatever the rate (default 0)",
    )
    p.add_argument(
        "--campaigns", type=int, default=12, metavar="N", help="campaigns in the sample project"
    )
    p.add_argument(
        "--failing-id",
        dest="failing_ids",
        action="extend",
        nargs="+",
        default=[],
        metavar="ID",
        help="application/campaign/journey id whose KPI requests always answer 500",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="FRACTION",
        help="shrink every audience and volume of the world, 0 < FRACTION <= 1 (default 1)",
    )
    p.add_argument(
        "--events",
        metavar="DIR",
        default=None,
        help="write the world's event archive to DIR (Firehose layout) and exit, instead of "
        "serving: the same --seed, --now, --scale give the same world",
    )
    p.add_argument(
        "--events-format",
        choices=("json", "parquet"),
        default="json",
        help="gzip NDJSON as Firehose writes it (default), or DUE Parquet",
    )
    p.add_argument(
        "--events-from",
        metavar="DATE",
        default=None,
        help="with --events: the first UTC day to write (default: the world's first, 100 days "
        "before the clock)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the URL, not the world's ids")
    p.add_argument("--debug", action="store_true", help="show the full traceback on failure")
    p.set_defaults(func=run, command="emulator")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C / SIGTERM, printing the URL first (and the world's ids); or, with
    ``--events DIR``, write the world's event archive and exit."""
    import signal
    import threading

    if args.events is not None:
        return _write_events(args)
    if args.events_from is not None:
        from ..errors import InvalidArgumentError

        raise InvalidArgumentError(
            "--events-from says from which day --events DIR writes an archive; add --events "
            "DIR, or leave --events-from out to run the server."
        )

    from ..emulator import Emulator
    from ..emulator.options import CLI_FLAGS, check_options

    # Every option is checked first; the messages name the flags (--burst, --port).
    check_options(seed=args.seed, now=args.now, latency_ms=args.latency_ms,
                  rate_limit=args.rate_limit, burst=args.burst, error_rate=args.error_rate,
                  throttle_rate=args.throttle_rate, failing_ids=args.failing_ids,
                  campaigns_per_project=args.campaigns, host=args.host, port=args.port,
                  scale=args.scale, names=CLI_FLAGS)  # fmt: skip
    emulator = Emulator(
        seed=args.seed,
        now=args.now,
        latency_ms=args.latency_ms,
        rate_limit=args.rate_limit,
        burst=args.burst,
        error_rate=args.error_rate,
        throttle_rate=args.throttle_rate,
        failing_ids=args.failing_ids,
        campaigns_per_project=args.campaigns,
        host=args.host,
        port=args.port,
        scale=args.scale,
    )
    try:
        emu = emulator.start()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise OSError(
            f"cannot serve on {args.host} port {args.port}: {exc.strerror or exc}; pass "
            "another --port (0 picks a free one) or --host"
        ) from exc

    stop = threading.Event()

    def _request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(emu.endpoint_url, flush=True)
        if not args.quiet:
            print(_describe(emu), flush=True)
        while not stop.wait(timeout=0.5):
            pass
    finally:
        emu.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _describe(emu: Any) -> str:
    clock = emu.clock
    when = (
        "system clock" if clock.is_system else f"clock frozen at {clock.now():%Y-%m-%dT%H:%M:%SZ}"
    )
    lines = [f"# Pinpoint emulator: seed {emu.seed}, {when}. Ctrl-C to stop."]
    for app in emu.world.applications:
        lines.append(
            f"# project  {app.id}  {app.name} "
            f"({len(app.campaigns)} campaigns, {len(app.journeys)} journeys)"
        )
        for campaign in app.campaigns:
            lines.append(f"#   campaign {campaign.id}  {campaign.name} ({campaign.channel})")
        for journey in app.journeys:
            lines.append(f"#   journey  {journey.id}  {journey.name}")
    sample = emu.world.applications[0]
    lines.append(
        f"# try: aws pinpoint get-application-date-range-kpi --endpoint-url {emu.endpoint_url} "
        f"--application-id {sample.id} --kpi-name txn-emails-sent-grouped-by-date"
    )
    return "\n".join(lines)


def _write_events(args: argparse.Namespace) -> int:
    """``--events DIR``: the world's archive, then exit (the library's errors become one line)."""
    from ..dates import parse_instant
    from ..emulator.archive import write_event_archive
    from ..emulator.options import CLI_FLAGS, check_options

    check_options(seed=args.seed, now=args.now, campaigns_per_project=args.campaigns,
                  scale=args.scale, names=CLI_FLAGS)  # fmt: skip
    first_day = None
    if args.events_from is not None:
        first_day = parse_instant(args.events_from, argument="--events-from", end=False).date()
    _check_archive_folder(args.events)
    summary = write_event_archive(
        args.events,
        seed=args.seed,
        now=args.now,
        scale=args.scale,
        campaigns_per_project=args.campaigns,
        format=args.events_format,
        first_day=first_day,
        progress=not args.quiet,
    )
    print(
        f"wrote {summary.events} events ({summary.duplicates} delivered twice) in "
        f"{summary.objects} objects, {summary.bytes / 1e6:.1f} MB, {summary.first_day} to "
        f"{summary.last_day}, to {summary.directory}",
        flush=True,
    )
    return 0


def _check_archive_folder(folder: str) -> None:
    """``--events DIR`` must be a new or empty folder: objects written beside an archive that
    is there (another seed, scale or clock) would be read as one world's events."""
    from pathlib import Path

    from ..errors import InvalidArgumentError

    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise InvalidArgumentError(f"--events {folder!r} is a file; give a folder to write to.")
    if target.is_dir() and any(target.iterdir()):
        raise InvalidArgumentError(
            f"--events {folder!r} is not empty: the archive would be written beside what is "
            "there, and a read would count both as one world's events. Give a new or empty "
            "folder (or remove this one)."
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidArgumentError(
            f"--events {folder!r} cannot be created ({exc.strerror or exc}); give a folder you "
            "can write to."
        ) from None
