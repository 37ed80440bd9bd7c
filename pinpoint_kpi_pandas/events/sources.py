"""Where the events are: the objects of an archive, listed once, pruned by arrival hour.

Kinesis Data Firehose writes objects under ``YYYY/MM/DD/HH/`` prefixes of the UTC hour it
**received** the records, not of the events' own time; AWS's DUE events database solution
writes its Parquet files under the same prefixes (``events/YYYY/MM/DD/HH/``). A read of a range
therefore lists only the prefixes from an hour before its start (an arrival can precede its
event time by a little) to ``lateness`` after its end (SMS receipts come up to 72 hours late),
and keeps objects whose path has no hour prefix at all.

Local folders, files and globs are listed with fsspec's local filesystem, ``s3://`` (and other
fsspec URLs) with the matching fsspec filesystem, built from ``storage_options`` as pandas'
readers do; ``AWS_ENDPOINT_URL_S3`` (or ``AWS_ENDPOINT_URL``) is honoured for S3.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import ArgumentTypeError, InvalidArgumentError, PinpointKpiError, ServiceError

__all__ = [
    "DEFAULT_LATENESS",
    "EARLY_MARGIN",
    "Archive",
    "ArchiveObject",
    "find_archive",
    "open_filesystem",
]

DEFAULT_LATENESS = timedelta(hours=72)
"""How long after a range's end its events may still arrive: SMS carrier receipts come up to
72 hours after sending (then the status becomes UNKNOWN). Complaints can come weeks later, in
digests: pass a longer ``lateness`` to count them."""

EARLY_MARGIN = timedelta(hours=1)
"""How long before a range's start its events may arrive (``arrival_timestamp`` can precede
``event_timestamp`` slightly; a record at 00:00:00.1 may land in the previous hour's prefix)."""

_HOUR = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/(\d{2})(?=/|$)")
_PARQUET_SUFFIXES = (".parquet", ".parq")
_GZIP_SUFFIXES = (".gz", ".gzip")
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
_FORMATS = (None, "json", "parquet")


@dataclass(frozen=True)
class ArchiveObject:
    """One object (file) of an event archive.

    Attributes
    ----------
    path : str
        A local path, or a URL such as ``s3://bucket/key``.
    format : {"json", "parquet"}
        How to read it.
    compression : {"gzip", None}
        For JSON: gzip, or plain.
    hour : datetime or None
        The arrival hour of its ``YYYY/MM/DD/HH/`` prefix (aware, UTC), if its path has one.

    Examples
    --------
    >>> obj = ArchiveObject("a/2026/10/01/09/x.gz", "json", "gzip", None)
    >>> obj.format, obj.compression
    ('json', 'gzip')
    """

    path: str
    format: str
    compression: str | None
    hour: datetime | None


@dataclass(frozen=True)
class Archive:
    """The objects a read scans, and how they were found.

    Attributes
    ----------
    objects : tuple of ArchiveObject
        In path order.
    filesystem : fsspec filesystem or None
        The remote filesystem the objects live on (None for local files).
    listed : int
        Objects listed (the dated prefixes of the span, or everything), before pruning.
    source : str
        The source as given, for messages and ``attrs``.

    Examples
    --------
    >>> Archive(objects=(), filesystem=None, listed=3, source="events/").listed
    3
    """

    objects: tuple[ArchiveObject, ...]
    filesystem: Any
    listed: int
    source: str
    protocol: str = field(default="file")

    @property
    def as_of(self) -> datetime | None:
        """The archive's clock, as far as its prefixes tell: the end of its newest arrival hour
        (None without hour prefixes). Days it cannot have seen the end of are provisional."""
        hours = [o.hour for o in self.objects if o.hour is not None]
        return max(hours) + timedelta(hours=1) if hours else None


def open_filesystem(url: str, storage_options: dict | None = None):
    """The fsspec filesystem for a URL (``s3://...``), built from ``storage_options``.

    For S3, ``AWS_ENDPOINT_URL_S3`` (else ``AWS_ENDPOINT_URL``) sets the endpoint unless
    ``storage_options`` gives one (``{"endpoint_url": ...}`` or ``client_kwargs``), so a local
    S3 such as moto's server works as it does with boto3.

    Examples
    --------
    >>> open_filesystem("/tmp").protocol[0]
    'file'
    """
    import fsspec

    protocol = _protocol(url)
    options = dict(storage_options or {})
    if protocol == "s3":
        _require("s3fs", "s3:// sources")
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        given = options.get("endpoint_url") or (options.get("client_kwargs") or {}).get(
            "endpoint_url"
        )
        if endpoint and not given:
            options["endpoint_url"] = endpoint
    elif protocol == "file" and options:
        raise InvalidArgumentError(
            f"storage_options={storage_options!r} apply to remote sources (s3://...), "
            f"not to the local path {url!r}; drop them."
        )
    try:
        return fsspec.filesystem(protocol, **options)
    except TypeError as exc:  # an option the filesystem does not take
        raise InvalidArgumentError(
            f"storage_options={storage_options!r} are not options of the {protocol}:// "
            f"filesystem ({exc}); s3fs takes key, secret, token, anon, "
            "client_kwargs, ..."
        ) from exc


def _listing(fs, item: str, protocol: str, scan_from, scan_to) -> list[str]:
    """:func:`_list`, with a remote store's refusal (no credentials, access denied, no such
    bucket) said as the library's error, naming the source and the fix."""
    try:
        return _list(fs, item, protocol, scan_from, scan_to)
    except (PinpointKpiError, KeyboardInterrupt):
        raise
    except TypeError as exc:  # s3fs builds its session lazily: an unknown option shows here
        if protocol == "file":
            raise
        raise InvalidArgumentError(
            f"storage_options are not all options of the {protocol}:// filesystem ({exc}); "
            "s3fs takes key, secret, token, anon, client_kwargs, ... (s3fs.S3FileSystem's)"
        ) from exc
    except Exception as exc:
        if protocol == "file":
            raise
        raise ServiceError(
            f"cannot list {item!r}: {type(exc).__name__}: {exc}. Check the bucket and its "
            "credentials (`aws configure`, AWS_PROFILE, or storage_options={'key': ..., "
            "'secret': ...}; storage_options={'anon': True} for a public bucket; "
            "AWS_ENDPOINT_URL_S3 for a local S3)."
        ) from exc


def find_archive(
    source: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    scan_from: datetime | None = None,
    scan_to: datetime | None = None,
    storage_options: dict | None = None,
    file_format: str | None = None,
) -> Archive:
    """List the objects of an event archive, keeping those whose arrival hour may hold the range.

    Parameters
    ----------
    source : str, path, or list of them
        Folders (searched recursively), files, glob patterns (``"events/2026/**/*.gz"``), or
        URLs of the same (``"s3://bucket/events/"``). Names starting with ``.`` or ``_``
        (``_SUCCESS``, in-progress files) are skipped, as Spark and Hive skip them.
    scan_from, scan_to : datetime, optional
        The span of arrival hours to keep; None keeps everything on that side.
    storage_options : dict, optional
        For remote sources, handed to the fsspec filesystem (s3fs: ``key``, ``secret``,
        ``endpoint_url``, ``client_kwargs``, ``anon``...).
    file_format : {None, "json", "parquet"}
        Force one format; by default it comes from each name (``.parquet``, ``.gz``, ``.json``)
        or, without a known suffix, from the first bytes (Firehose writes plain JSON objects
        without an extension).

    Returns
    -------
    Archive

    Raises
    ------
    InvalidArgumentError
        A source matches no object, or the sources mix local and remote filesystems.

    Examples
    --------
    >>> import gzip, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for hour in ("2026/10/01/09", "2026/10/09/23"):
    ...     (root / hour).mkdir(parents=True)
    ...     _ = (root / hour / "stream-1.gz").write_bytes(gzip.compress(b"{}\\n"))
    >>> from datetime import datetime, UTC
    >>> archive = find_archive(root, scan_from=datetime(2026, 10, 1, tzinfo=UTC),
    ...                        scan_to=datetime(2026, 10, 4, tzinfo=UTC))
    >>> [o.path[-25:] for o in archive.objects]
    ['2026/10/01/09/stream-1.gz']
    """
    if file_format not in _FORMATS:
        raise InvalidArgumentError(
            f"format must be None (from each file's name), 'json' or 'parquet'; not "
            f"{file_format!r}."
        )
    items = _items(source)
    protocols = {_protocol(item) for item in items}
    if len(protocols) > 1:
        raise InvalidArgumentError(
            f"source mixes filesystems ({', '.join(sorted(protocols))}); read each one "
            "separately and pd.concat the frames' counts, or copy the files to one place."
        )
    protocol = protocols.pop()
    fs = open_filesystem(items[0], storage_options)
    found: dict[str, datetime | None] = {}
    for item in items:
        matches = _listing(fs, item, protocol, scan_from, scan_to)
        if not matches:
            raise InvalidArgumentError(
                f"source: {item!r} matches no file; check the path (a folder, a file, a glob "
                "such as 'archive/2026/**/*.gz', or an s3:// URI)."
            )
        for path in matches:
            found.setdefault(path, _hour(path))
    kept = sorted(path for path, hour in found.items() if _within(hour, scan_from, scan_to))
    formats = _formats(fs, kept, file_format)
    objects = (ArchiveObject(p, f, c, found[p]) for p, (f, c) in zip(kept, formats, strict=True))
    return Archive(
        objects=tuple(objects),
        filesystem=None if protocol == "file" else fs,
        listed=len(found),
        source=", ".join(str(i) for i in items),
        protocol=protocol,
    )


def _items(source: Any) -> list[str]:
    if isinstance(source, str | os.PathLike):
        values = [source]
    elif isinstance(source, Sequence) and not isinstance(source, bytes):
        values = list(source)
        if not values:
            raise InvalidArgumentError("source is an empty list; pass a folder, a glob or a URL.")
    else:
        raise ArgumentTypeError(
            "source must be a path, a glob, an s3:// URI or a list of them, not "
            f"{type(source).__name__}."
        )
    items = []
    for value in values:
        if not isinstance(value, str | os.PathLike):
            raise ArgumentTypeError(f"each source must be a str or a path, not {value!r:.60}.")
        text = os.fspath(value)
        items.append(text if "://" in text else os.path.expanduser(text))
    return items


def _protocol(url: str) -> str:
    if "://" not in url:
        return "file"
    scheme = url.split("://", 1)[0].lower()
    if scheme == "file":
        return "file"
    return "s3" if scheme in ("s3", "s3a", "s3n") else scheme


def _require(module: str, what: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ImportError(
            f"{what} need {module}: pip install 'pinpoint-kpi-pandas[events]' (or {module})."
        )


def _list(fs, item: str, protocol: str, scan_from, scan_to) -> list[str]:
    path = fs._strip_protocol(item)
    if _has_magic(path):  # a folder it matches ("archive/2026/10/*") is searched whole
        days = _days(scan_from, scan_to)
        found: list[str] = []
        for match in fs.glob(path):
            found += _found_under(fs, match, days) if fs.isdir(match) else [match]
        return _qualify([p for p in found if _is_data(p)], protocol)
    if fs.isfile(path):
        return _qualify([path], protocol)
    if not fs.isdir(path):
        return []
    root = path.rstrip("/")
    days = _days(scan_from, scan_to)
    found = _found_under(fs, root, days)
    if not found and days is not None and _has_years(fs, root):
        # the archive is there, the range is not: say where the archive is
        first, last = _extent(fs, root)
        raise InvalidArgumentError(
            f"source: {item!r} holds no object under the day prefixes {days[0]:%Y/%m/%d} "
            f"to {days[-1]:%Y/%m/%d} (the range, with the lateness around it); its day "
            f"prefixes run from {first} to {last}. Choose a range within them."
        )
    return _qualify([p for p in found if _is_data(p)], protocol)


def _found_under(fs, root: str, days: list[datetime] | None) -> list[str]:
    """Every object under ``root``. In the dated layout (``YYYY/`` folders) only the day
    prefixes of the span are listed (one listing per day), and everything beside the year
    folders too: files (no hour prefix: always read) and other folders (``replay/2026/...``),
    searched the same way."""
    entries = _entries(fs, root) if days is not None else []
    if not any(_is_year(e) for e in entries):
        return list(fs.find(root))
    found = []
    for day in days or ():
        prefix = f"{root}/{day:%Y/%m/%d}"
        if fs.isdir(prefix):
            found += fs.find(prefix)
    for entry in entries:
        if not _is_year(entry):  # a year folder's days of the span are listed above
            found += _found_under(fs, entry, days) if fs.isdir(entry) else [entry]
    return found


def _extent(fs, root: str) -> tuple[str, str]:
    """The first and last ``YYYY/MM/DD`` day prefixes under ``root`` (three listings per end)."""
    ends = []
    for pick in (min, max):
        path, parts = root, []
        for width in (4, 2, 2):
            names = [n.rstrip("/").rsplit("/", 1)[-1] for n in fs.ls(path, detail=False)]
            numbers = [n for n in names if re.fullmatch(rf"\d{{{width}}}", n)]
            if not numbers:
                break
            parts.append(pick(numbers))
            path = f"{path}/{parts[-1]}"
        ends.append("/".join(parts) or "?")
    return ends[0], ends[1]


def _qualify(paths: list[str], protocol: str) -> list[str]:
    if protocol == "file":
        return paths
    return [f"{protocol}://{p}" for p in paths]


def _has_magic(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def _is_data(path: str) -> bool:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(name) and not name.startswith((".", "_")) and not name.endswith(".crc")


def _has_years(fs, root: str) -> bool:
    return any(_is_year(e) for e in _entries(fs, root))


def _entries(fs, root: str) -> list[str]:
    """What ``root`` holds, one listing (none when it is not a folder)."""
    try:
        return [e.rstrip("/") for e in fs.ls(root, detail=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _is_year(path: str) -> bool:
    return re.fullmatch(r"\d{4}", path.rsplit("/", 1)[-1]) is not None


def _days(scan_from: datetime | None, scan_to: datetime | None) -> list[datetime] | None:
    if scan_from is None or scan_to is None:
        return None
    day = scan_from.replace(hour=0, minute=0, second=0, microsecond=0)
    days = []
    while day <= scan_to:
        days.append(day)
        day += timedelta(days=1)
    return days


def _hour(path: str) -> datetime | None:
    matches = list(_HOUR.finditer(path))
    if not matches:
        return None
    year, month, day, hour = (int(g) for g in matches[-1].groups())
    try:
        return datetime(year, month, day, hour, tzinfo=UTC)
    except ValueError:  # 2026/13/45/99: not an arrival prefix after all
        return None


def _within(hour: datetime | None, scan_from: datetime | None, scan_to: datetime | None) -> bool:
    if hour is None:
        return True
    if scan_from is not None and hour + timedelta(hours=1) <= scan_from:
        return False
    return scan_to is None or hour <= scan_to


def _formats(fs, paths: list[str], forced: str | None) -> list[tuple[str, str | None]]:
    """(format, compression) per path: from the suffix, else from the first bytes."""
    out: list[tuple[str, str | None] | None] = []
    unknown = []
    for number, path in enumerate(paths):
        name = path.lower()
        if forced == "parquet" or (forced is None and name.endswith(_PARQUET_SUFFIXES)):
            out.append(("parquet", None))
        elif name.endswith(_GZIP_SUFFIXES):
            out.append(("json", "gzip"))
        elif forced == "json" or name.endswith(_JSON_SUFFIXES):
            out.append(("json", None))
        else:
            out.append(None)
            unknown.append(number)
    if unknown:
        stripped = [fs._strip_protocol(paths[i]) for i in unknown]
        heads = fs.cat_ranges(stripped, [0] * len(stripped), [4] * len(stripped))
        for number, head in zip(unknown, heads, strict=True):
            if isinstance(head, Exception):
                raise InvalidArgumentError(f"source: {paths[number]} cannot be read ({head}).")
            out[number] = _sniff(head)
    return [item for item in out if item is not None]


def _sniff(head: bytes) -> tuple[str, str | None]:
    if head.startswith(b"PAR1"):
        return "parquet", None
    if head.startswith(b"\x1f\x8b"):
        return "json", "gzip"
    return "json", None
