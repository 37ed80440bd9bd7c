"""The ``pinpoint-kpi`` command line.

One subcommand per job; each is a ``_cmd_<name>(args) -> int`` function registered by an
``_add_<name>(subparsers)`` function in :data:`_SUBCOMMANDS`. Heavy imports happen inside the
command functions, so ``pinpoint-kpi --help`` stays fast.

Examples
--------
$ pinpoint-kpi emulator --seed 0
http://127.0.0.1:54321
...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pinpoint-kpi`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status.

    Examples
    --------
    >>> main(["--help"])  # doctest: +SKIP
    usage: pinpoint-kpi [-h] {emulator} ...
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    return _run(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pinpoint-kpi``, with every subcommand.

    Examples
    --------
    >>> args = build_parser().parse_args(["emulator", "--seed", "3"])
    >>> args.seed, args.host
    (3, '127.0.0.1')
    """
    parser = _Parser(
        prog="pinpoint-kpi",
        description="Amazon Pinpoint KPIs as tidy tables, and a local Pinpoint emulator.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in _SUBCOMMANDS:
        add(subparsers)
    return parser


# ------------------------------------------------------------------------------------------
# pinpoint-kpi emulator


def _add_emulator(subparsers: argparse._SubParsersAction) -> None:
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
    p.add_argument("--quiet", action="store_true", help="print only the URL, not the world's ids")
    p.set_defaults(func=_cmd_emulator)


def _cmd_emulator(args: argparse.Namespace) -> int:
    import signal
    import threading

    from .emulator import Emulator
    from .emulator.options import CLI_FLAGS, check_options

    try:
        check_options(seed=args.seed, now=args.now, latency_ms=args.latency_ms,
                      rate_limit=args.rate_limit, burst=args.burst, error_rate=args.error_rate,
                      throttle_rate=args.throttle_rate, failing_ids=args.failing_ids,
                      campaigns_per_project=args.campaigns, host=args.host, port=args.port,
                      scale=args.scale, names=CLI_FLAGS)  # fmt: skip
        emu = Emulator(
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
        ).start()
    except (ValueError, TypeError, OSError) as exc:
        print(f"pinpoint-kpi emulator: {exc}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def _request_stop(signum, frame):
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


def _describe(emu) -> str:
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


# ------------------------------------------------------------------------------------------
# Argument errors: one line on stderr, exit status 2.


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr (argparse prints usage too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _run(args: argparse.Namespace) -> int:
    """Run a subcommand: library errors become one line on stderr (a traceback with --debug).

    Argument errors found by the library (a bad date, an unknown KPI) exit 2 like argparse's
    own; service and other runtime errors exit 1.
    """
    from .errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError

    prog = f"pinpoint-kpi {getattr(args, 'command', '')}".rstrip()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        known = isinstance(exc, PinpointKpiError | OSError | ValueError)
        if getattr(args, "debug", False) or not known:
            import traceback

            traceback.print_exc()
        status = 2 if isinstance(exc, InvalidArgumentError | ArgumentTypeError) else 1
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return status


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0]
    if len(lines) > 1:
        text += f" First: {lines[1]}"
        if len(lines) > 2:
            text += f" (and {len(lines) - 2} more; --debug shows all)"
    return text


# ------------------------------------------------------------------------------------------
# Options shared by the commands that talk to Pinpoint


def _service_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="another endpoint, e.g. the emulator's (default: boto3's; honours "
        "AWS_ENDPOINT_URL_PINPOINT)",
    )
    group.add_argument("--region", metavar="REGION", help="AWS Region (default: boto3's)")
    group.add_argument("--profile", metavar="NAME", help="AWS profile (default: boto3's)")
    common.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    return common


def _range_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--start", metavar="DATE", help="first day (UTC), e.g. 2026-08-01 (default: 31 days ago)"
    )
    parser.add_argument("--end", metavar="DATE", help="last day (UTC), included")


def _target_options(parser: argparse.ArgumentParser, *, default_all: bool = False) -> None:
    target = parser.add_mutually_exclusive_group()
    default = " (default: all)" if default_all else ""
    target.add_argument(
        "--campaign",
        dest="campaign_ids",
        action="extend",
        nargs="+",
        metavar="ID",
        help=f"campaign id(s), or 'all' for every campaign of the project{default}",
    )
    target.add_argument(
        "--journey",
        dest="journey_ids",
        action="extend",
        nargs="+",
        metavar="ID",
        help="journey id(s), or 'all'",
    )


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache", metavar="DIR", help="response store: reuse and save answers")
    parser.add_argument(
        "--offline", action="store_true", help="answer from --cache only, never call the service"
    )


def _client_kwargs(args: argparse.Namespace) -> dict:
    session = None
    if args.profile:
        import boto3

        session = boto3.session.Session(profile_name=args.profile)
    return {
        "endpoint_url": args.endpoint_url,
        "region_name": args.region,
        "boto3_session": session,
    }


def _ids(values: list[str] | None) -> list[str] | str | None:
    if not values:
        return None
    return "all" if values == ["all"] else list(values)


# ------------------------------------------------------------------------------------------
# pinpoint-kpi fetch

_OUTPUT_FORMATS = (".csv", ".parquet", ".json")


def _add_fetch(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "fetch",
        parents=[_service_options()],
        help="read KPIs into a table: CSV on stdout, or -o file.csv|.parquet|.json",
        description=(
            "Read one or more standard KPIs (one wide table, joined on the grouping) and write "
            "them as CSV to stdout, or to a .csv, .parquet or .json file. Ranges over 31 days "
            "are split at calendar months for '-grouped-by-date' KPIs; for other KPIs pass "
            "--keep-windows to get one answer per month."
        ),
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="standard KPI name(s)")
    _range_options(p)
    _target_options(p)
    _store_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (.csv, .parquet, .json)")
    p.add_argument(
        "--names", action="store_true", help="replace campaign / journey ids with their names"
    )
    p.add_argument(
        "--keep-windows",
        action="store_true",
        help="one answer per calendar month under a Window column, for KPIs that cannot be "
        "stitched over more than 31 days",
    )
    p.set_defaults(func=_cmd_fetch, command="fetch")


def _cmd_fetch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .errors import InvalidArgumentError
    from .reader import read_pinpoint_kpi

    if args.output and Path(args.output).suffix.lower() not in _OUTPUT_FORMATS:
        raise InvalidArgumentError(
            f"-o {args.output!r}: the file name must end in {', '.join(_OUTPUT_FORMATS)}."
        )
    kpis = args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names
    frame = read_pinpoint_kpi(
        args.application_id,
        kpis,
        args.start,
        args.end,
        campaign_id=_ids(args.campaign_ids),
        journey_id=_ids(args.journey_ids),
        keep_windows=args.keep_windows,
        cache=args.cache,
        offline=args.offline,
        progress=False,
        **_client_kwargs(args),
    )
    if args.names:
        frame = frame.pinpoint.label(cache=args.cache, offline=args.offline, **_client_kwargs(args))
    _write_frame(frame, args.output)
    return 0


def _needs_windows(kpis, start: str | None, end: str | None) -> bool:
    """Whether a read must keep calendar-month windows apart: a KPI that cannot be stitched,
    over more than the API's 31 days (the range resolved as the reader resolves it: only
    ``--start`` runs up to now, only ``--end`` is the 31 days ending then)."""
    from .dates import MAX_WINDOW_DAYS, days_spanned
    from .plan import resolve_range

    if all(k.is_date_grouped for k in kpis):
        return False
    span = resolve_range(start, end)
    return span is not None and days_spanned(*span) > MAX_WINDOW_DAYS


def _write_frame(frame, output: str | None) -> None:
    from pathlib import Path

    import pandas as pd

    keep_index = not isinstance(frame.index, pd.RangeIndex)
    if output is None:
        frame.to_csv(sys.stdout, index=keep_index)
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=keep_index)
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        flat = frame.reset_index() if keep_index else frame.copy()
        for column in flat.columns:
            if pd.api.types.is_datetime64_any_dtype(flat[column]):
                flat[column] = flat[column].dt.strftime("%Y-%m-%d")
        flat.to_json(path, orient="records", indent=2)
    print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)


# ------------------------------------------------------------------------------------------
# pinpoint-kpi campaigns


def _add_campaigns(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "campaigns",
        parents=[_service_options()],
        help="list a project's campaigns (or journeys)",
        description="List a project's campaigns (or, with --journeys, its journeys) as a table.",
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("--journeys", action="store_true", help="list journeys instead")
    p.add_argument("--csv", action="store_true", help="CSV instead of an aligned table")
    p.set_defaults(func=_cmd_campaigns, command="campaigns")


def _cmd_campaigns(args: argparse.Namespace) -> int:
    from .listing import list_campaigns, list_journeys

    listing = list_journeys if args.journeys else list_campaigns
    frame = listing(args.application_id, **_client_kwargs(args))
    if args.csv:
        frame.to_csv(sys.stdout)
        return 0
    shown = [c for c in ("Name", "Channel", "State", "StartTime", "Activities") if c in frame]
    table = frame[shown].copy()
    if "StartTime" in table:
        table["StartTime"] = table["StartTime"].dt.strftime("%Y-%m-%d %H:%M")
    print(table.to_string() if len(table) else f"no {'journeys' if args.journeys else 'campaigns'}")
    return 0


# ------------------------------------------------------------------------------------------
# pinpoint-kpi compare


def _add_compare(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "compare",
        parents=[_service_options()],
        help="compare campaigns on a KPI against a baseline (table, and a PNG chart)",
        description=(
            "Compare campaigns (or journeys) on one metric against a baseline. Give the rate "
            "with its count KPIs (e.g. the -grouped-by-campaign-activity counts) to get Wilson "
            "intervals and two-proportion tests; ranges over 31 days are read window by window "
            "and combined exactly (counts summed, rates recomputed from them)."
        ),
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="standard KPI name(s)")
    _range_options(p)
    _target_options(p, default_all=True)
    _store_options(p)
    p.add_argument("--metric", help="the column to compare, e.g. EmailOpenRate (default: a rate)")
    p.add_argument("--baseline", metavar="ID|NAME", help="what to compare against (default: first)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--png", metavar="FILE", help="also draw the comparison into FILE")
    p.add_argument("--csv", metavar="FILE", help="also write the comparison table to FILE")
    p.add_argument("--no-names", action="store_true", help="show ids, not names")
    p.set_defaults(func=_cmd_compare, command="compare")


def _cmd_compare(args: argparse.Namespace) -> int:
    from . import catalog
    from .demo import format_comparison
    from .reader import read_pinpoint_kpi

    if not 0 < args.alpha < 1:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"--alpha must be between 0 and 1, not {args.alpha}.")
    journeys = _ids(args.journey_ids)
    campaigns = None if journeys is not None else (_ids(args.campaign_ids) or "all")
    scope = "journey" if journeys is not None else "campaign"
    kpis = [catalog.get_kpi(name, scope) for name in args.kpi_names]
    names = args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names
    frame = read_pinpoint_kpi(
        args.application_id,
        names,
        args.start,
        args.end,
        campaign_id=campaigns,
        journey_id=journeys,
        # windows of KPIs that cannot be stitched are kept apart (compare() adds them up)
        keep_windows=_needs_windows(kpis, args.start, args.end),
        cache=args.cache,
        offline=args.offline,
        progress=False,
        **_client_kwargs(args),
    )
    if not args.no_names:
        frame = frame.pinpoint.label(cache=args.cache, offline=args.offline, **_client_kwargs(args))
    table = frame.pinpoint.compare(args.baseline, args.metric, alpha=args.alpha)
    print(format_comparison(table))
    if args.csv:
        table.to_csv(args.csv)
        print(f"wrote {args.csv}", file=sys.stderr)
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ax = table.pinpoint.plot_compare()
        ax.figure.savefig(args.png, dpi=120)
        plt.close(ax.figure)
        print(f"wrote {args.png}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------------
# pinpoint-kpi demo


def _add_demo(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo",
        help="compare the emulator's sample campaigns over 90 days: table, charts, CSV",
        description=(
            "Start the bundled emulator in-process, compare the sample project's 12 campaigns "
            "on delivery, email-open and push-open rates over 90 days (2026-08-01 to "
            "2026-10-29), print the comparison, and write PNG charts and a CSV."
        ),
    )
    p.add_argument(
        "--output", default="demo-output", metavar="DIR", help="folder (default: demo-output)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the emulator's world (default 0)")
    p.add_argument("--debug", action="store_true", help="show the full traceback on failure")
    p.set_defaults(func=_cmd_demo, command="demo")


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(args.output, seed=args.seed)
    return 0


_SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_emulator,
    _add_fetch,
    _add_campaigns,
    _add_compare,
    _add_demo,
]
"""Functions that each add one subcommand, in ``--help`` order."""


if __name__ == "__main__":
    sys.exit(main())
