"""What every ``pinpoint-kpi`` command shares: the parser, errors as one line, common options."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn, TypeAlias

if TYPE_CHECKING:
    from ..client import ClientOptions

__all__ = [
    "Parser",
    "Subparsers",
    "client_options_of",
    "ids_argument",
    "one_line",
    "range_options",
    "run_command",
    "service_options",
    "store_options",
    "target_options",
]

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``add_subparsers()`` returns: each command module adds its parser to it."""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr (argparse prints usage too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def run_command(args: argparse.Namespace) -> int:
    """Run a subcommand: library errors become one line on stderr (a traceback with --debug).

    Argument errors found by the library (a bad date, an unknown KPI) exit 2 like argparse's
    own; service and other runtime errors exit 1.
    """
    from ..errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError

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
        print(f"{prog}: error: {one_line(exc)}", file=sys.stderr)
        return status


def one_line(exc: BaseException) -> str:
    """An exception's message on one line: its first line, and the start of the rest."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0]
    if len(lines) > 1:
        text += f" First: {lines[1]}"
        if len(lines) > 2:
            text += f" (and {len(lines) - 2} more; --debug shows all)"
    return text


def service_options() -> argparse.ArgumentParser:
    """A parent parser: how to reach Pinpoint (``--endpoint-url``, ``--region``, ``--profile``)."""
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


def range_options(parser: argparse.ArgumentParser) -> None:
    """``--start`` and ``--end``."""
    parser.add_argument(
        "--start", metavar="DATE", help="first day (UTC), e.g. 2026-08-01 (default: 31 days ago)"
    )
    parser.add_argument("--end", metavar="DATE", help="last day (UTC), included")


def target_options(parser: argparse.ArgumentParser, *, default_all: bool = False) -> None:
    """``--campaign`` or ``--journey``: ids, or ``all``."""
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


def store_options(parser: argparse.ArgumentParser) -> None:
    """``--cache`` and ``--offline``."""
    parser.add_argument("--cache", metavar="DIR", help="response store: reuse and save answers")
    parser.add_argument(
        "--offline", action="store_true", help="answer from --cache only, never call the service"
    )


def client_options_of(args: argparse.Namespace) -> ClientOptions:
    """The connection options of the command line as one :class:`ClientOptions`."""
    from ..client import ClientOptions

    session = None
    if args.profile:
        import boto3

        session = boto3.session.Session(profile_name=args.profile)
    return ClientOptions(
        endpoint_url=args.endpoint_url, region_name=args.region, boto3_session=session
    )


def ids_argument(values: list[str] | None) -> list[str] | str | None:
    """``--campaign`` / ``--journey`` values as the reader takes them (``"all"`` stays one str)."""
    if not values:
        return None
    return "all" if values == ["all"] else list(values)
