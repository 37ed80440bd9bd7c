"""The response store: a directory of JSON files, one per request, in the AWS CLI's own shape.

The same format serves as the reader's cache, as an archive of answers saved before Pinpoint's
analytics shut down, and as test fixtures: every file is exactly what
``aws pinpoint get-campaign-date-range-kpi ... > file.json`` would write (4-space indent, wire key
order, timestamps as ``2026-08-01T00:00:00Z``), so :func:`read_pinpoint_kpi_json` reads a store
directly and ``git diff`` shows what changed.

Layout::

    <root>/<application-id>/<scope>/<campaign-or-journey-id | "app">/<kpi-name>/<start>--<end>.json

Guarantees:

- files are written to a temporary name in the same directory, flushed to disk, then renamed, so a
  reader (or a second process filling the same store) never sees half a file; temporary files
  left by a writer that was killed are removed by the next write to that folder;
- a stored file that is damaged in any way (truncated, empty, not UTF-8, not JSON, nested too
  deeply, of the wrong shape or types, answering another request than its name says, a
  directory in its place) is reported with a :class:`StoreWarning` and treated as missing: it is
  refetched online, and named by :class:`~pinpoint_kpi_pandas.errors.MissingFromStoreError`
  offline. A file that cannot be written is reported and skipped; the read goes on;
- an answer is final only if its window ended before the service's clock (the answer's HTTP
  ``Date``) minus :data:`DATA_LATENCY`, judged on whole UTC days: a window ending inside an
  unfinished day may still grow. Such answers are stored as
  ``<start>--<end>.asof-<service clock>.provisional.json``, used only offline (their days are
  recorded as provisional in the frame), and replaced by the next online read.
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .casting import check_rows
from .dates import DATA_LATENCY, format_instant, parse_response_time
from .errors import InvalidArgumentError, PinpointKpiError, StoreWarning, warn_user
from .parse import answer_clock, parse_answer
from .plan import ID_LEVEL, KpiRequest

__all__ = [
    "DATA_LATENCY",
    "OFFLINE_NEEDS_CACHE",
    "PROVISIONAL_SUFFIX",
    "ResponseStore",
    "StorePath",
    "StoreWarning",
    "StoredAnswer",
    "parse_store_path",
    "to_cli_shape",
]

PROVISIONAL_SUFFIX = ".provisional.json"
"""Answers that were not final when fetched are stored under this suffix."""

OFFLINE_NEEDS_CACHE = (
    "offline=True answers from a response store: pass cache='dir/' (the folder an online read "
    "with cache= filled)."
)
"""The message of the InvalidArgumentError every reader raises for ``offline=True`` without a
``cache=``."""

_STAMP = r"\d{8}T\d{6}Z"
_FILE_NAME = re.compile(
    rf"^(?P<start>{_STAMP})--(?P<end>{_STAMP})"
    rf"(?:(?:\.asof-(?P<asof>{_STAMP}))?(?P<provisional>\.provisional))?\.json$",
    re.IGNORECASE,
)
_STALE_TEMP_SECONDS = 3600  # a temp file this old has no live writer, wherever it runs
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _from_compact(text: str) -> datetime:
    """``20260801T000000Z`` as an aware UTC datetime (ValueError if it is no such instant)."""
    return datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=UTC,
    )


def to_cli_shape(response: dict, response_key: str) -> dict:
    """A boto3 result (or bare body) as the AWS CLI prints it: wrapped, no ResponseMetadata,
    timestamps as ``...Z`` strings.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> result = {"CampaignDateRangeKpiResponse": {"StartTime": datetime(2026, 8, 1, tzinfo=UTC)},
    ...           "ResponseMetadata": {}}
    >>> to_cli_shape(result, "CampaignDateRangeKpiResponse")
    {'CampaignDateRangeKpiResponse': {'StartTime': '2026-08-01T00:00:00Z'}}
    """
    inner = response.get(response_key, response)
    shaped = {}
    for key, value in inner.items():
        if key in ("StartTime", "EndTime") and value is not None:
            value = format_instant(parse_response_time(value))
        shaped[key] = value
    return {response_key: shaped}


def fetched_at(response: dict) -> datetime:
    """The service's clock when it answered (the HTTP ``Date`` header), else the local clock."""
    return answer_clock(response) or datetime.now(UTC)


class StorePath(NamedTuple):
    """What a path in a store's layout says it holds.

    Examples
    --------
    >>> p = parse_store_path("kpi-cache/a1/campaign/c1/clicks-grouped-by-campaign-activity/"
    ...                      "20260901T000000Z--20260930T235959Z.json")
    >>> p.scope, p.resource_id, p.start_time.day, p.provisional
    ('campaign', 'c1', 1, False)
    """

    application_id: str
    scope: str
    resource_id: str | None
    kpi_name: str
    start_time: datetime
    end_time: datetime
    provisional: bool = False
    as_of: datetime | None = None


def parse_store_path(path: str | os.PathLike) -> StorePath | None:
    """What ``path`` holds according to the store's layout, or None when it is not laid out so.

    Used to check that a file holds what its path says (a file copied over another does not).

    Examples
    --------
    >>> p = parse_store_path("a1/application/app/txn-emails-sent-grouped-by-date/"
    ...     "20261001T000000Z--20261029T235959Z.asof-20261029T120000Z.provisional.json")
    >>> p.resource_id, p.provisional, p.as_of.isoformat()
    (None, True, '2026-10-29T12:00:00+00:00')
    >>> parse_store_path("exports/newsletter-september.json") is None
    True
    """
    parts = os.fspath(path).replace(os.sep, "/").rsplit("/", 5)
    if len(parts) < 5:
        return None
    application_id, scope, resource, kpi_name, name = parts[-5:]
    window = _window_of_name(name)
    if window is None or scope not in ("application", "campaign", "journey"):
        return None
    if (scope == "application") != (resource == "app"):
        return None
    start, end, provisional, as_of = window
    return StorePath(
        application_id=application_id,
        scope=scope,
        resource_id=None if scope == "application" else resource,
        kpi_name=kpi_name,
        start_time=start,
        end_time=end,
        provisional=provisional,
        as_of=as_of,
    )


@functools.lru_cache(maxsize=4096)  # a folder holds the same few windows for every id and KPI
def _window_of_name(name: str) -> tuple[datetime, datetime, bool, datetime | None] | None:
    match = _FILE_NAME.match(name)
    if match is None:
        return None
    try:
        start, end = _from_compact(match["start"]), _from_compact(match["end"])
        as_of = _from_compact(match["asof"]) if match["asof"] else None
    except ValueError:
        return None
    return start, end, bool(match["provisional"]), as_of


@dataclass(frozen=True)
class StoredAnswer:
    """An answer found in the store.

    Attributes
    ----------
    document : dict
        The answer, in AWS CLI shape.
    path : pathlib.Path
    as_of : datetime or None
        For a provisional answer, the service's clock when it was fetched (for one stored by an
        older version, which did not record it, the window's end); None for a final answer.

    Examples
    --------
    >>> StoredAnswer({}, Path("x.json")).provisional
    False
    """

    document: dict
    path: Path
    as_of: datetime | None = None

    @property
    def provisional(self) -> bool:
        """True when the answer was not final when fetched."""
        return self.as_of is not None


class ResponseStore:
    """A directory of saved KPI responses, used as the reader's cache.

    Parameters
    ----------
    root : str or os.PathLike
        The directory; created on first write.

    Attributes
    ----------
    unsaved : list of (pathlib.Path, OSError)
        Files that could not be written, for the read that opened the store to report once
        (:func:`pinpoint_kpi_pandas.cache.report_unsaved`).

    Examples
    --------
    >>> import tempfile
    >>> from pinpoint_kpi_pandas.store import ResponseStore
    >>> store = ResponseStore(tempfile.mkdtemp())
    >>> store.root.is_dir()
    True
    """

    def __init__(self, root: str | os.PathLike):
        if not isinstance(root, str | os.PathLike):
            raise InvalidArgumentError(
                f"cache must be a directory path (str or pathlib.Path), not {type(root).__name__}."
            )
        self.root = Path(root)
        self.unsaved: list[tuple[Path, OSError]] = []
        if self.root.exists() and not self.root.is_dir():
            raise InvalidArgumentError(
                f"cache={str(root)!r} is a file; pass a directory path (it is created if needed)."
            )

    def __repr__(self) -> str:
        return f"ResponseStore({str(self.root)!r})"

    @staticmethod
    def cacheable(request: KpiRequest) -> bool:
        """Only requests with an explicit window are reproducible, so only they are stored."""
        return request.start_time is not None and request.end_time is not None

    def path(self, request: KpiRequest) -> Path:
        """Where the final answer to ``request`` lives (requests with a window only)."""
        if request.start_time is None or request.end_time is None:
            raise InvalidArgumentError(
                f"{request.describe()} has no window, so it is never stored (see cacheable())."
            )
        folder = self.root / request.application_id / request.scope / (request.resource_id or "app")
        name = f"{_compact(request.start_time)}--{_compact(request.end_time)}.json"
        return folder / request.kpi_name / name

    def _provisional_paths(self, request: KpiRequest) -> list[Path]:
        final = self.path(request)
        stem = final.name[: -len(".json")]
        try:
            found = [p for p in final.parent.glob(f"{stem}*{PROVISIONAL_SUFFIX}")]
        except OSError:
            return []
        return sorted(found, key=lambda p: p.name, reverse=True)  # the latest as-of first

    def get(self, request: KpiRequest, *, allow_provisional: bool = False) -> dict | None:
        """The stored answer to ``request`` (in AWS CLI shape), or None; see :meth:`lookup`."""
        found = self.lookup(request, allow_provisional=allow_provisional)
        return found.document if found is not None else None

    def lookup(
        self, request: KpiRequest, *, allow_provisional: bool = False
    ) -> StoredAnswer | None:
        """The stored answer to ``request``, or None.

        A damaged file, or one that answers another request, is reported with a
        :class:`StoreWarning` and treated as missing. A provisional answer is returned only when
        ``allow_provisional`` (offline reads), with the service's clock it was fetched at.
        """
        if not self.cacheable(request):
            return None
        final = self.path(request)
        document = self._load(final, request)
        if document is not None:
            return StoredAnswer(document, final)
        if not allow_provisional:
            return None
        for path in self._provisional_paths(request):
            document = self._load(path, request)
            if document is not None:
                described = parse_store_path(path)
                as_of = described.as_of if described is not None else None
                return StoredAnswer(document, path, as_of or request.end_time)
        return None

    def _load(self, path: Path, request: KpiRequest) -> dict | None:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # a file where a folder would be: not
            return None  # stored (saving there fails, and is reported once by the read)
        except OSError as exc:
            warn_user(f"cannot read {path} ({exc}); it will be refetched.", StoreWarning)
            return None
        problem, saved = _stored_problem(data, request)
        if problem is not None:
            warn_user(f"{path} is {problem}; it will be refetched.", StoreWarning)
            return None
        return saved

    def put(self, request: KpiRequest, response: dict) -> Path | None:
        """Save a live answer atomically; returns its path (None if not cacheable or if it
        could not be written, which is recorded in :attr:`unsaved` for the read to report once).

        Answers that were not final when fetched (judged on whole UTC days against the
        service's clock) are saved as provisional, with that clock in the file name.
        """
        if request.end_time is None or not self.cacheable(request):
            return None
        shaped = to_cli_shape(response, request.response_key)
        final = self.path(request)
        clock = fetched_at(response)
        is_final = request.end_time.date() < (clock - DATA_LATENCY).date()
        stem = final.name[: -len(".json")]
        target = (
            final
            if is_final
            else final.with_name(f"{stem}.asof-{_compact(clock)}{PROVISIONAL_SUFFIX}")
        )
        text = json.dumps(shaped, indent=4, ensure_ascii=False) + "\n"
        try:
            _atomic_write(target, text)
            for stale in self._provisional_paths(request):
                if stale != target:
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            self.unsaved.append((target, exc))
            return None
        return target

    def save_listing(self, application_id: str, name: str, payload: dict) -> Path | None:
        """Save a listing (e.g. the project's campaigns) beside the KPI answers; None if it
        could not be written (recorded in :attr:`unsaved`)."""
        target = self.root / application_id / f"{name}.json"
        text = json.dumps(payload, indent=4, ensure_ascii=False, default=str) + "\n"
        try:
            _atomic_write(target, text)
        except OSError as exc:
            self.unsaved.append((target, exc))
            return None
        return target

    def load_listing(self, application_id: str, name: str, member: str) -> dict | None:
        """A listing saved by :meth:`save_listing`, or None.

        ``member`` is the payload member the listing is wrapped in (``"CampaignsResponse"``). A
        file that does not parse, or does not hold ``{member: {"Item": [{"Id": str, ...}, ...]}}``,
        is reported with a :class:`StoreWarning` and treated as missing.

        Examples
        --------
        >>> import tempfile
        >>> store = ResponseStore(tempfile.mkdtemp())
        >>> listing = {"CampaignsResponse": {"Item": [{"Id": "c1"}]}}
        >>> _ = store.save_listing("a1", "campaigns", listing)
        >>> store.load_listing("a1", "campaigns", "CampaignsResponse")
        {'CampaignsResponse': {'Item': [{'Id': 'c1'}]}}
        """
        target = self.root / application_id / f"{name}.json"
        try:
            saved = json.loads(target.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as exc:
            warn_user(f"{target} is corrupt ({str(exc)[:80]}); ignoring it.", StoreWarning)
            return None
        problem = _listing_problem(saved, member)
        if problem is not None:
            warn_user(f"{target} is corrupt ({problem}); ignoring it.", StoreWarning)
            return None
        return saved


def _stored_problem(data: bytes, request: KpiRequest) -> tuple[str | None, Any]:
    """What is wrong with a stored answer to ``request`` (None if nothing), and the answer."""
    if not data.strip():
        return "empty", None
    try:
        saved = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text (damaged)", None
    except ValueError as exc:
        return f"corrupt or truncated (not valid JSON: {str(exc)[:60]})", None
    except RecursionError:
        return "corrupt (nested too deeply)", None
    if not isinstance(saved, dict) or not isinstance(saved.get(request.response_key), dict):
        return f"corrupt (not a {request.response_key})", None
    try:
        header, rows = parse_answer(saved, source="the file")
        check_rows(rows)  # every value typed, as a read would
    except (PinpointKpiError, RecursionError) as exc:
        return f"corrupt ({str(exc)[:120]})", None
    inner = saved[request.response_key]
    matches = (
        header.application_id == request.application_id
        and header.kpi_name == request.kpi_name
        and inner.get(ID_LEVEL.get(request.scope, "-")) == request.resource_id
        and header.start_time == request.start_time
        and header.end_time == request.end_time
    )
    if not matches:
        return f"not an answer to {request.describe()}", None
    return None, saved


def _listing_problem(saved: object, member: str) -> str | None:
    """What is wrong with the shape of a saved listing, or None."""
    if not isinstance(saved, dict):
        return f"a JSON object was expected, not {type(saved).__name__}"
    page = saved.get(member)
    if not isinstance(page, dict):
        return f"no {member!r} object"
    items = page.get("Item")
    if not isinstance(items, list):
        return f"{member}.Item must be a list, not {type(items).__name__}"
    for number, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("Id"), str):
            return f"{member}.Item[{number}] has no string 'Id'"
    return None


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target.parent)
    prefix = f".{target.name}.{_HOST}.{os.getpid()}."
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _remove_stale_temps(folder: Path) -> None:
    """Remove temporary files whose writer is gone: a process of this host that no longer runs,
    or any writer, once the file is an hour old. A live writer's file is never touched."""
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and p.suffix == ".tmp"]
    except OSError:
        return
    for path in candidates:
        if _writer_gone(path):
            path.unlink(missing_ok=True)


def _writer_gone(path: Path) -> bool:
    pieces = path.name.split(".")
    # .<name>.json.<host>.<pid>.<random>.tmp
    if len(pieces) >= 6 and pieces[-4] == _HOST and pieces[-3].isdigit():
        try:
            os.kill(int(pieces[-3]), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError, OSError):
            pass
    try:
        return time.time() - path.stat().st_mtime > _STALE_TEMP_SECONDS
    except OSError:
        return False
