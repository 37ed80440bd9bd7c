"""The ``pinpoint-kpi`` command line.

One subcommand per module: each private module here (``_emulator``, ``_fetch``, ``_events``,
``_kpis``, ``_projects``, ``_campaigns``, ``_compare``, ``_inventory``, ``_demo``) has an
``add_parser(subparsers)`` that registers its parser with ``func=run``, and :data:`COMMANDS`
lists them in ``--help`` order.
What they share (the parser class, errors and warnings as one line, exit statuses, the
connection, range, target and store options) is in ``_common``, how tables are written in
``_output``, and how the library's argument names are said as flags in ``_flags``. A new command
is a new module and one line in :data:`COMMANDS`. Heavy imports happen inside the ``run``
functions, so ``pinpoint-kpi --help`` stays fast.

Options and positional arguments may come in any order (``fetch --campaign all APP KPI``):
each command's arguments are parsed with argparse's ``parse_intermixed_args``. Exit statuses:
0 done, 1 the service (or writing a file) failed, 2 a usage error found before any request.

Examples
--------
$ pinpoint-kpi emulator --seed 0
http://127.0.0.1:54321
...
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .._version import __version__
from . import (
    _campaigns,
    _compare,
    _demo,
    _emulator,
    _events,
    _fetch,
    _inventory,
    _kpis,
    _projects,
)
from ._common import EXIT_USAGE, Parser, run_command
from ._flags import FLAGS, to_flags

__all__ = ["COMMANDS", "FLAGS", "build_parser", "main", "to_flags"]

COMMANDS = (
    _emulator,
    _fetch,
    _events,
    _kpis,
    _projects,
    _campaigns,
    _compare,
    _inventory,
    _demo,
)
"""The modules that each add one subcommand, in ``--help`` order."""


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
    >>> main(["kpis", "journey", "opens", "--grouping", "none"])
    scope    name                   grouping  kind   from  title
    journey  journey-emails-opened  none      count  api   Opens
    0
    """
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in parser.commands:
        # One command's arguments, options and positionals in any order.
        args = parser.commands[words[0]].parse_intermixed_args(words[1:])
    else:
        args = parser.parse_args(words)  # --help, --version, or an unknown command
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return run_command(args)


def build_parser() -> Parser:
    """The argument parser of ``pinpoint-kpi``, with every subcommand.

    Examples
    --------
    >>> args = build_parser().parse_args(["emulator", "--seed", "3"])
    >>> args.seed, args.host
    (3, '127.0.0.1')
    """
    parser = Parser(
        prog="pinpoint-kpi",
        description="Amazon Pinpoint KPIs as tidy tables, and a local Pinpoint emulator.",
        epilog="Exit status: 0 done, 1 the service (or writing a file) failed, 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    parser.commands = dict(subparsers.choices)
    return parser
