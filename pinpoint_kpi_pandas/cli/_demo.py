"""``pinpoint-kpi demo``: compare the emulator's sample campaigns over 89 days."""

from __future__ import annotations

import argparse

from ._common import Subparsers

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "demo",
        help="compare the emulator's sample campaigns over 89 days: table, charts, CSV",
        description=(
            "Start the bundled emulator in-process, compare the sample project's 12 campaigns "
            "on delivery, email-open and push-open rates over 89 days (2026-08-01 to "
            "2026-10-28, the last final day: the emulator's clock is frozen on 2026-10-29), "
            "print the comparison, and write PNG charts and a CSV."
        ),
    )
    p.add_argument(
        "--output", default="demo-output", metavar="DIR", help="folder (default: demo-output)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the emulator's world (default 0)")
    p.add_argument("--debug", action="store_true", help="show the full traceback on failure")
    p.set_defaults(func=run, command="demo")


def run(args: argparse.Namespace) -> int:
    """Run the demo into the output folder (checked first: it must be a folder we can write)."""
    from ..checks import check_folder
    from ..demo import run_demo

    check_folder(args.output, "output")

    run_demo(args.output, seed=args.seed)
    return 0
