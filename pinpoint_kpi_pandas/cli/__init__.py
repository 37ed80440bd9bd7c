"""The ``pinpoint-kpi`` command line.

One subcommand per module: each private module here (``_emulator``, ``_fetch``,
``_campaigns``, ``_compare``, ``_demo``) has an ``add_parser(subparsers)`` that registers its
parser with ``func=run``, and :data:`COMMANDS` lists them in ``--help`` order; what they share
(the parser class, errors as one line, the connection, range, target and store options) is in
``_common``. A new command is a new module and one line in :data:`COMMANDS`. Heavy imports
happen inside the ``run`` functions, so ``pinpoint-kpi --help`` stays fast.

Examples
--------
$ pinpoint-kpi emulator --seed 0
http://127.0.0.1:54321
...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _campaigns, _compare, _demo, _emulator, _fetch
from ._common import Parser, run_command

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = (_emulator, _fetch, _campaigns, _compare, _demo)
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
    >>> main(["--help"])  # doctest: +SKIP
    usage: pinpoint-kpi [-h] {emulator} ...
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    return run_command(args)


def build_parser() -> argparse.ArgumentParser:
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
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser
