"""What every ``pinpoint-kpi`` command shares: the parser, errors as one line, common options.

Exit statuses, for every command: 0 done; 1 the service (or the machine: a file that could not
be written) failed; 2 the command line was wrong, found before any request; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from ._flags import to_flags

if TYPE_CHECKING:
    import pandas as pd

    from ..client import ClientOptions
    from ..plan import KpiPlan

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SERVICE",
    "EXIT_USAGE",
    "IdList",
    "Parser",
    "Subparsers",
    "client_options_of",
    "ids_argument",
    "one_line",
    "plan_of",
    "range_options",
    "read_kpis",
    "run_command",
    "service_options",
    "store_options",
    "target_options",
]

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
"""The exit statuses (``docs/cli.md`` documents them)."""

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``add_subparsers()`` returns: each command module adds its parser to it."""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr (argparse prints usage too).

    ``commands`` maps each subcommand's name to its parser (filled by ``build_parser``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[str, argparse.ArgumentParser] = {}

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class IdList(argparse.Action):
    """``--campaign ID[,ID...]``: one value per flag, repeatable, commas separating ids.

    A flag taking any number of values would swallow the positional arguments after it
    (``fetch --campaign all APP KPI``); one value per flag parses in any order. Ids never hold
    a comma (:data:`~pinpoint_kpi_pandas.checks.ID_PATTERN`), so it is a safe separator.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        ids = list(getattr(namespace, self.dest, None) or [])
        parts = str(values).split(",")  # no stripping: an id with a space is refused, not mended
        if not all(parts):
            parser.error(f"{option_string} {values!r}: an empty id between commas")
        setattr(namespace, self.dest, ids + parts)


def run_command(args: argparse.Namespace) -> int:
    """Run a subcommand: library errors become one line on stderr (a traceback with --debug).

    Argument errors the library finds (a bad date, an unknown KPI) exit 2 like argparse's own,
    with the library's argument names said as flags; service and other runtime errors exit 1.
    The library's warnings are one line each on stderr too. A closed stdout (``| head``) ends
    the command quietly.
    """
    from ..errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError

    prog = f"pinpoint-kpi {getattr(args, 'command', '')}".rstrip()
    try:
        with _warnings_as_lines(prog):
            status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _detach_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        known = isinstance(exc, PinpointKpiError | OSError | ValueError)
        if getattr(args, "debug", False) or not known:
            import traceback

            traceback.print_exc()
        usage = isinstance(exc, InvalidArgumentError | ArgumentTypeError)
        print(f"{prog}: error: {to_flags(one_line(exc))}", file=sys.stderr)
        return EXIT_USAGE if usage else EXIT_SERVICE


@contextlib.contextmanager
def _warnings_as_lines(prog: str) -> Iterator[None]:
    """The library's warnings, each once, as one line on stderr: ``prog: warning: ...``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            yield
        finally:
            shown: set[str] = set()
            for warning in caught:
                text = to_flags(one_line(warning.message))
                if text not in shown:
                    shown.add(text)
                    print(f"{prog}: warning: {text}", file=sys.stderr)


def _detach_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a file (a test's capture): nothing will flush it later


def one_line(exc: BaseException | str) -> str:
    r"""An exception's (or a warning's) message on one line: its first line, the first item
    under it, how many more items there are, and the advice that follows the list.

    A long list ends with a line ``... and N more``: that line counts N items, not one. Items
    are the indented lines; a line that is not indented after them is what to do, kept whole.

    Examples
    --------
    >>> one_line("3 of 3 requests failed:\n  a failed\n  b failed\n  c failed")
    '3 of 3 requests failed: First: a failed (and 2 more; --debug shows all)'
    >>> one_line("12 of 12 requests failed:\n  a\n  b\n  ... and 10 more (all in .failures)")
    '12 of 12 requests failed: First: a (and 11 more; --debug shows all)'
    >>> one_line("2 objects cannot be read:\n  a: bad\n  b: bad\nRepair them.")
    '2 objects cannot be read: First: a: bad (and 1 more; --debug shows all). Repair them.'
    >>> one_line("1 of 1 requests failed:\n  a failed")
    '1 of 1 requests failed: a failed'
    >>> one_line("one line only")
    'one line only'
    """
    raw = [line for line in str(exc).splitlines() if line.strip()]
    if not raw:
        return type(exc).__name__
    text = raw[0].strip()
    items = [line.strip() for line in raw[1:] if line[:1].isspace()]
    advice = [line.strip() for line in raw[1:] if not line[:1].isspace()]
    if not any(line[:1].isspace() for line in raw[1:]):  # a message not laid out as a list
        items, advice = [line.strip() for line in raw[1:]], []
    if items:
        trailer = _MORE.match(items[-1]) if len(items) > 1 else None
        more = len(items) - 2 + int(trailer.group(1)) if trailer else len(items) - 1
        text += (
            f" First: {items[0]} (and {more} more; --debug shows all)" if more else f" {items[0]}"
        )
    if advice and not text.endswith((".", "!", "?", ":")):
        text += "."  # the list's last item ends where the advice begins
    return " ".join([text, *advice])


_MORE = re.compile(r"\.\.\. and (\d+) more\b")
"""The line that ends a long list in the library's messages: ``... and N more (...)``."""


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


def range_options(parser: argparse.ArgumentParser, *, archive: bool = False) -> None:
    """``--start`` and ``--end`` (``archive``: their defaults are an event archive's ends)."""
    if archive:
        start = "first day (UTC), e.g. 2026-08-01 (default: the archive's first)"
        end = "last day (UTC), included (default: the archive's last)"
    else:
        start = (
            "first day (UTC), e.g. 2026-08-01 (default: 31 days before --end; with neither, "
            "Pinpoint's own window: the 31 days before it answers)"
        )
        end = "last day (UTC), included (default: now, by this machine's clock)"
    parser.add_argument("--start", metavar="DATE", help=start)
    parser.add_argument("--end", metavar="DATE", help=end)


def target_options(parser: argparse.ArgumentParser, *, default_all: bool = False) -> None:
    """``--campaign`` or ``--journey``: ids (repeated, or separated by commas), or ``all``."""
    target = parser.add_mutually_exclusive_group()
    default = " (default: all)" if default_all else ""
    target.add_argument(
        "--campaign",
        dest="campaign_ids",
        action=IdList,
        metavar="ID[,ID...]",
        help="campaign id(s), repeatable or comma-separated, or 'all' for every campaign of "
        f"the project{default}",
    )
    target.add_argument(
        "--journey",
        dest="journey_ids",
        action=IdList,
        metavar="ID[,ID...]",
        help="journey id(s), repeatable or comma-separated, or 'all'",
    )


def store_options(parser: argparse.ArgumentParser) -> None:
    """``--cache`` and ``--offline``."""
    parser.add_argument("--cache", metavar="DIR", help="response store: reuse and save answers")
    parser.add_argument(
        "--offline", action="store_true", help="answer from --cache only, never call the service"
    )


def client_options_of(args: argparse.Namespace) -> ClientOptions:
    """The connection options of the command line as one :class:`ClientOptions`.

    A ``--profile`` that is not configured is refused here, before any request.
    """
    from ..client import ClientOptions

    session = _profile_session(args.profile) if args.profile is not None else None
    return ClientOptions(
        endpoint_url=args.endpoint_url, region_name=args.region, boto3_session=session
    )


def _profile_session(profile: str) -> Any:
    import boto3
    import botocore.exceptions

    from ..errors import InvalidArgumentError

    try:
        return boto3.session.Session(profile_name=profile)
    except botocore.exceptions.ProfileNotFound:
        known = boto3.session.Session().available_profiles
        listed = ", ".join(sorted(known)) if known else "none"
        raise InvalidArgumentError(
            f"--profile {profile!r} is not a profile of your AWS configuration (configured: "
            f"{listed}); create it with `aws configure --profile {profile}`, or leave "
            "--profile out for the default credentials."
        ) from None


def ids_argument(values: list[str] | None) -> list[str] | str | None:
    """``--campaign`` / ``--journey`` values as the reader takes them (``"all"`` stays one str)."""
    if not values:
        return None
    return "all" if values == ["all"] else list(values)


def plan_of(
    args: argparse.Namespace,
    kpi_names: Sequence[str],
    *,
    campaign_id: Any,
    journey_id: Any,
    keep_windows: bool,
) -> KpiPlan:
    """The read's plan, validated by the library, before any request.

    ``"all"`` stands for ids the service lists, so a stand-in id is planned in its place: every
    other argument is checked as the read will check it.
    """
    from ..plan import plan_kpi_requests

    def planned(ids: Any) -> Any:
        return ["stand-in"] if ids == "all" else ids

    return plan_kpi_requests(
        args.application_id,
        list(kpi_names),
        args.start,
        args.end,
        campaign_id=planned(campaign_id),
        journey_id=planned(journey_id),
        keep_windows=keep_windows,
    )


def read_kpis(**arguments: Any) -> tuple[pd.DataFrame, Exception | None]:
    """:func:`~pinpoint_kpi_pandas.read_pinpoint_kpi`, keeping the frame when the store fails.

    A store that could not save some answers raises after the frame is complete; the command
    still writes its table from that frame, then ends with the error (status 1).
    """
    from ..errors import StoreWriteError
    from ..reader import read_pinpoint_kpi

    try:
        return read_pinpoint_kpi(**arguments), None
    except StoreWriteError as exc:
        return exc.frame, exc
