"""The library's argument names in its messages, said as the command line's flags.

The command line calls the same functions and checks as Python code, so their messages name
Python arguments (``start_time='2026-13-01'``, ``keep_windows=True``, ``kpi_name 'x'``). Before a
message reaches stderr, :func:`to_flags` rewrites those names to the flags a user typed
(``--start '2026-13-01'``, ``--keep-windows``, ``KPI 'x'``). It also rewrites pointers to Python
functions to the commands that do the same job, and drops pointers into a frame's attributes
(``df.attrs['pinpoint'][...]``): a command's user has a table, not a frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["FLAGS", "to_flags"]

FLAGS = {
    "application_id": "APP",
    "kpi_name": "KPI",
    "kpi_names": "KPI",
    "start_time": "--start",
    "end_time": "--end",
    "campaign_id": "--campaign",
    "campaign_ids": "--campaign",
    "journey_id": "--journey",
    "journey_ids": "--journey",
    "keep_windows": "--keep-windows",
    "cache": "--cache",
    "offline": "--offline",
    "endpoint_url": "--endpoint-url",
    "region_name": "--region",
    "boto3_session": "--profile",
    "metric": "--metric",
    "baseline": "--baseline",
    "alpha": "--alpha",
    "output": "--output",
    "png": "--png",
    "csv": "--csv",
    "unweighted_mean": "--unweighted-mean",
    "on_bad_file": "--on-bad-file",
    "lateness": "--lateness",
}
"""Each Python argument the commands pass on, and the flag (or positional) that sets it."""


def _kpi_list(match: re.Match[str]) -> str:
    return "KPI arguments " + " ".join(re.findall(r"'([^']+)'", match.group(1)))


# Pointers to Python functions, and the command that does the same job; Python's words for what
# the command line calls otherwise.
_PHRASES: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"\bkpi_name=\[([^\]]*)\]", _kpi_list),
    (r"\bthis frame\b", "this table"),
    (r"\bThis frame\b", "This table"),
    (r" or a timedelta\b", ""),  # a command line takes text
    (
        r"; the frame is in this error's \.frame \(errors='warn' returns it with a warning "
        r"instead\)",
        "; the table was written all the same",
    ),
    (r"\bunder a 'Window' level\b", "in a 'Window' column"),
    (r"pinpoint_kpi_pandas\.catalog\.kpis\(scope\)", "`pinpoint-kpi kpis --scope SCOPE`"),
    (r"(pinpoint_kpi_pandas\.)?catalog\.kpis\(\)", "`pinpoint-kpi kpis`"),
    (r"list_applications\(\)", "`pinpoint-kpi projects`"),
    (r"list_campaigns\((application_id|app_id)?\)", "`pinpoint-kpi campaigns APP`"),
    (r"list_journeys\((application_id|app_id)?\)", "`pinpoint-kpi campaigns APP --journeys`"),
    (r"\bdrop offline=True\b", "drop --offline"),
    (
        r"pinpoint_kpi_pandas\.read_pinpoint_events\(source, application_id, kpi_name, "
        r"\.\.\.\), where source is",
        "`pinpoint-kpi events SOURCE APP KPI`, where SOURCE is",
    ),
    # where a frame keeps what a warning is about (df.attrs[...]): the command line has no frame
    (
        r"They are listed in df\.attrs\['pinpoint'\]\['provisional_days'\]; read again later",
        "Run the command again later",
    ),
    (
        r"They are listed in df\.attrs\['pinpoint'\]\['provisional_days'\]; read again once",
        "Run the command again once",
    ),
    (r" ?df\.attrs\['pinpoint'\]\['coverage'\] lists every answer's window;", ""),
    (r"pinpoint_kpi_pandas\.inventory\(paths\)", "`pinpoint-kpi inventory PATH`"),
    (r"from the frame; see df\.attrs\['pinpoint'\]\['failed'\]\.", "from the table."),
    (r" \(listed in df\.attrs\['pinpoint'\]\['failed'\]\)", ""),
    (r" \(a read with errors='warn' may lack some: df\.attrs\['pinpoint'\]\['failed'\]\)", ""),
    (
        r" \(every one is in \.failures, or in df\.attrs\['pinpoint'\]\['failed'\] with "
        r"errors='warn'\)",
        " (--debug shows every one)",
    ),
    (r"\bboto3_session=boto3\.Session\(profile_name=\.\.\.\)", "--profile NAME"),
    # an event archive's storage options: one --storage-option KEY=VALUE each
    (r"storage_options=\{'key': \.\.\., 'secret': \.\.\.\}", "--storage-option key=..."),
    (r"storage_options=\{'anon': True\}", "--storage-option anon=true"),
    (r"\bstorage_options\b", "--storage-option values"),
)

# A word that is also plain English is rewritten only where it is clearly the argument: followed
# by '=' or by a quoted value, or before "must". Names with an underscore are rewritten anywhere.
_PLAIN_WORDS = {name for name in FLAGS if "_" not in name}


def _rules() -> list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]]:
    rules: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
        (re.compile(pattern), replacement) for pattern, replacement in _PHRASES
    ]
    for name, flag in FLAGS.items():
        is_switch = flag in ("--keep-windows", "--offline", "--unweighted-mean")
        # the name alone: not inside a word or a flag, with an optional [index]
        word = rf"(?<![\w-]){name}(?:\[\d+\])?"
        if is_switch:
            rules.append((re.compile(rf"{word}=True\b"), flag))
        # name= at the end of a clause ("pass campaign_id=)"), then name=value
        rules.append((re.compile(rf"{word}=(?=[\s),.;:]|$)"), flag))
        rules.append((re.compile(rf"{word}="), flag + " "))
        if name in _PLAIN_WORDS:
            rules.append((re.compile(rf"{word}(?= ['\"]| must\b)"), flag))
        else:
            rules.append((re.compile(rf"{word}(?![\w-])"), flag))
    return rules


_RULES = _rules()


def to_flags(message: str) -> str:
    """``message`` with the library's argument names said as the command line's flags.

    Examples
    --------
    >>> to_flags("keep_windows=True needs a range: pass start_time (and end_time).")
    '--keep-windows needs a range: pass --start (and --end).'
    >>> to_flags("start_time='2026-13-01' is not a valid calendar date.")
    "--start '2026-13-01' is not a valid calendar date."
    >>> to_flags("campaign_id[1]='a b' is not a Pinpoint id")
    "--campaign 'a b' is not a Pinpoint id"
    >>> to_flags("it is offered at campaign scope (pass campaign_id=).")
    'it is offered at campaign scope (pass --campaign).'
    >>> to_flags("metric 'Bogus' is not a column; the cache is fine")
    "--metric 'Bogus' is not a column; the cache is fine"
    >>> to_flags("offline=True answers from a store: pass cache='dir/'")
    "--offline answers from a store: pass --cache 'dir/'"
    >>> to_flags("add its counts, e.g. kpi_name=['a-rate', 'a-count']")
    'add its counts, e.g. KPI arguments a-rate a-count'
    """
    for pattern, replacement in _RULES:
        message = pattern.sub(replacement, message)
    return message
