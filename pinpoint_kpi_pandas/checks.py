"""The argument checks that the readers, the analysis and the command line share.

Each check refuses a bad value with the library's error
(:class:`~pinpoint_kpi_pandas.errors.InvalidArgumentError` or
:class:`~pinpoint_kpi_pandas.errors.ArgumentTypeError`) before any request or scan. The message
names the argument and says how to fix it. Every check takes the argument's name, so one check
serves each argument that needs it. The command line runs the same checks before it calls the
service, and its messages name its flags (``--cache`` where Python says ``cache=``).

Nothing here imports pandas or boto3: the checks are cheap and run first.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ArgumentTypeError, InvalidArgumentError

__all__ = [
    "ID_PATTERN",
    "REGION_PATTERN",
    "check_alpha",
    "check_bool",
    "check_endpoint_url",
    "check_folder",
    "check_id",
    "check_id_list",
    "check_listed_id",
    "check_output_file",
    "check_region",
    "shown",
]

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""What a Pinpoint id may be. It is matched with ``fullmatch``: nothing may come before or
after it, not even a newline (``^...$`` would let a trailing ``\\n`` through into the URL path and
the cache's folder names)."""


REGION_PATTERN = re.compile(r"(?![0-9]+\Z)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
"""What botocore accepts as a Region name (a DNS label), matched whole."""


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters, so a message stays one readable line.

    Examples
    --------
    >>> shown("x" * 100)[-6:], shown(3)
    ('xxx...', '3')
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_id_list(
    value: object, argument: str, *, empty_hint: str, also: str = ""
) -> tuple[tuple[str, ...], bool]:
    """``(ids, given_as_list)`` for an id or a list of ids (a list, tuple, array, Index or
    Series), every one checked; duplicates dropped, first occurrence kept. ``empty_hint`` ends
    the message for an empty list; ``also`` names what else the argument takes.

    Examples
    --------
    >>> check_id_list(["a1", "b2", "a1"], "campaign_id", empty_hint="or None.")
    (('a1', 'b2'), True)
    >>> check_id_list("a1", "campaign_id", empty_hint="or None.")
    (('a1',), False)
    """
    if isinstance(value, str):
        return (check_id(value, argument),), False
    if isinstance(value, Sequence) or hasattr(value, "__array__"):
        items = list(value)  # type: ignore[call-overload]
        if not items:
            raise InvalidArgumentError(
                f"{argument} is an empty list; pass at least one id, {empty_hint}"
            )
        checked = (check_listed_id(v, f"{argument}[{i}]") for i, v in enumerate(items))
        return tuple(dict.fromkeys(checked)), True
    raise ArgumentTypeError(
        f"{argument} must be a str{also} or a list of str, not {type(value).__name__}."
    )


def check_listed_id(value: object, argument: str) -> str:
    """:func:`check_id` for an id inside a list, where ``"all"`` is not an id but a mistake:
    ``campaign_id="all"`` (alone) means every campaign; inside a list it would be sent as the id
    of a campaign named "all".

    Examples
    --------
    >>> check_listed_id("3f2a9c", "campaign_id[0]")
    '3f2a9c'
    >>> try:
    ...     check_listed_id("ALL", "campaign_id[1]")
    ... except ValueError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    campaign_id[1] is 'ALL' inside a list; pass campaign_id='all' alone for every one, or a
    list of ids.
    """
    checked = check_id(value, argument)
    if checked.lower() == "all":
        name = argument.split("[", 1)[0]
        raise InvalidArgumentError(
            f"{argument} is {checked!r} inside a list; pass {name}='all' alone for every one, "
            "or a list of ids."
        )
    return checked


def check_id(value: object, argument: str) -> str:
    """Refuse an id that is not a plain string of ``[A-Za-z0-9_-]`` (no path or URL injection).

    Parameters
    ----------
    value : object
        The id to check.
    argument : str
        The argument's name in messages, e.g. ``"campaign_id"`` or ``"campaign_id[2]"``.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ArgumentTypeError
        ``value`` is not a str.
    InvalidArgumentError
        ``value`` is empty, too long, or has a character ids never have (a newline, a slash).

    Examples
    --------
    >>> check_id("3f2a9c", "campaign_id")
    '3f2a9c'
    >>> check_id("3f2a9c\\n", "campaign_id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: campaign_id='3f2a9c\\n' is not a Pinpoint id...
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{argument} must be a str (a Pinpoint id), not {type(value).__name__} {shown(value)}."
        )
    if not ID_PATTERN.fullmatch(value):
        raise InvalidArgumentError(
            f"{argument}={shown(value)} is not a Pinpoint id: ids are 1 to 128 characters of "
            "letters, digits, '-' and '_' (the console's 32-character hex Project/Campaign ID); "
            "check for spaces or a line break copied with it."
        )
    return value


def check_bool(value: object, argument: str) -> bool:
    """True or False, nothing else (not ``"yes"``, not 1).

    Examples
    --------
    >>> check_bool(True, "offline")
    True
    >>> check_bool("yes", "offline")
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.ArgumentTypeError: offline must be True or False, not 'yes'.
    """
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"{argument} must be True or False, not {shown(value)}.")
    return value


def check_endpoint_url(value: object, argument: str = "endpoint_url") -> str:
    """An endpoint URL botocore will accept: ``http://`` or ``https://``, and a host.

    Examples
    --------
    >>> check_endpoint_url("http://127.0.0.1:4566")
    'http://127.0.0.1:4566'
    >>> check_endpoint_url("127.0.0.1:4566")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: endpoint_url='127.0.0.1:4566' is not a URL...
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{argument} must be a str (e.g. 'http://127.0.0.1:4566'), not "
            f"{type(value).__name__} {shown(value)}."
        )
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port  # a bad port raises here
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in value):
        raise InvalidArgumentError(
            f"{argument}={shown(value)} is not a URL of an endpoint: pass http:// or https:// "
            "and a host, e.g. 'http://127.0.0.1:4566' (the emulator prints its URL first)."
        )
    return value


def check_region(value: object, argument: str = "region_name") -> str:
    """An AWS Region name such as ``us-east-1`` (what botocore accepts).

    Examples
    --------
    >>> check_region("eu-west-1")
    'eu-west-1'
    >>> check_region("us east 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: region_name='us east 1' is not a Region...
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{argument} must be a str (e.g. 'us-east-1'), not {type(value).__name__} "
            f"{shown(value)}."
        )
    if not REGION_PATTERN.fullmatch(value):
        raise InvalidArgumentError(
            f"{argument}={shown(value)} is not a Region name: pass one such as 'us-east-1' "
            "(letters, digits and '-')."
        )
    return value


def check_alpha(alpha: object, argument: str = "alpha") -> float:
    """A significance level: a number strictly between 0 and 1.

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    >>> check_alpha(5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: alpha=5 is outside (0, 1); ...
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ArgumentTypeError(
            f"{argument} must be a number between 0 and 1 (e.g. {argument}=0.05), not "
            f"{type(alpha).__name__} {shown(alpha)}."
        )
    if not (math.isfinite(alpha) and 0.0 < float(alpha) < 1.0):
        raise InvalidArgumentError(
            f"{argument}={alpha!r} is outside (0, 1); it is the significance level, e.g. 0.05 "
            "for tests at 5% and 95% intervals."
        )
    return float(alpha)


def check_folder(path: object, argument: str, *, writable: bool = True) -> Path:
    """A folder that exists, or can be created, and (``writable``) can be written to.

    Nothing is created. With ``writable``, the nearest folder that exists is tried with a
    temporary file, removed at once, so read-only file systems and permissions are found as the
    real write would find them.

    Parameters
    ----------
    path : str or os.PathLike
        The folder, e.g. a ``cache=`` response store.
    argument : str
        The argument's name in messages.
    writable : bool, default True
        Also check that files can be written there (not for a store only read from).

    Returns
    -------
    pathlib.Path
        ``path``, with ``~`` expanded.

    Raises
    ------
    ArgumentTypeError
        ``path`` is not a str or path.
    InvalidArgumentError
        ``path`` is empty, is a file, lies under a file, or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_folder(folder + "/new/store", "cache").name
    'store'
    >>> check_folder("", "cache")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: cache='' is empty; ...
    """
    if not isinstance(path, str | os.PathLike) or isinstance(path, bytes):
        raise ArgumentTypeError(
            f"{argument} must be a folder path (str or pathlib.Path), not "
            f"{type(path).__name__} {shown(path)}."
        )
    text = os.fspath(path)
    if not str(text).strip():
        raise InvalidArgumentError(
            f"{argument}={text!r} is empty; pass a folder such as {argument}='kpi-cache/' "
            "(the current folder must be named '.')."
        )
    folder = Path(text).expanduser()
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == folder else f"lies under the file {existing}"
        raise InvalidArgumentError(
            f"{argument}={text!r} {where}, so it cannot be a folder; pass a folder path."
        )
    if writable:
        _try_writing(existing, f"{argument}={text!r}", "folder")
    return folder


def check_output_file(
    path: object, argument: str, *, suffixes: Collection[str] | None = None
) -> Path:
    """A file that can be written: its folder exists and is writable, it is not a folder.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    argument : str
        The argument's name in messages.
    suffixes : collection of str, optional
        The endings allowed (``".csv"``...), compared without case.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ArgumentTypeError, InvalidArgumentError

    Examples
    --------
    >>> import tempfile
    >>> check_output_file(tempfile.mkdtemp() + "/kpis.csv", "output", suffixes=[".csv"]).name
    'kpis.csv'
    >>> check_output_file("/nonexistent/dir/x.csv", "output")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: output='/nonexistent/dir/x.csv': the folder ...
    """
    if not isinstance(path, str | os.PathLike) or isinstance(path, bytes):
        raise ArgumentTypeError(
            f"{argument} must be a file path (str or pathlib.Path), not "
            f"{type(path).__name__} {shown(path)}."
        )
    text = os.fspath(path)
    file = Path(text).expanduser()
    named = f"{argument}={text!r}"
    if not str(text).strip() or file.name in ("", ".", ".."):
        raise InvalidArgumentError(f"{named} names no file; pass a file name such as 'kpis.csv'.")
    if file.is_dir():
        raise InvalidArgumentError(f"{named} is a folder; pass a file path inside it.")
    if suffixes is not None and file.suffix.lower() not in {s.lower() for s in suffixes}:
        raise InvalidArgumentError(
            f"{named}: the file name must end in {', '.join(suffixes)}, which sets the format."
        )
    folder = file.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InvalidArgumentError(
            f"{named} lies under the file {existing}, which cannot hold files; pass a path in a "
            "folder."
        )
    if not folder.is_dir():
        raise InvalidArgumentError(
            f"{named}: the folder {str(folder)!r} does not exist; create it first "
            f"(mkdir -p {folder}) or pass a path in an existing folder."
        )
    _try_writing(folder, named, "file")
    return file


def _try_writing(folder: Path, named: str, what: str) -> None:
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".pinpoint-kpi-probe-")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidArgumentError(
            f"{named} cannot be written: {folder} refuses new files ({reason}); pass a {what} "
            "path where you can write."
        ) from None
    os.close(handle)
    os.unlink(probe)
