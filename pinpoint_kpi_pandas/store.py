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
  reader (or a second process filling the same store) never sees half a file;
- a file that does not parse, or does not answer the request its name says, is reported with a
  :class:`StoreWarning` and treated as missing (and so refetched); so is a saved project listing
  that does not parse or is not shaped as :meth:`ResponseStore.save_listing` wrote it;
- an answer whose window ends within :data:`DATA_LATENCY` of the service's clock at fetch time may
  still grow; it is stored as ``<name>.provisional.json``, used only offline, and replaced by the
  next online read.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from .dates import format_instant, parse_response_time
from .errors import InvalidArgumentError
from .plan import ID_LEVEL, KpiRequest

__all__ = ["DATA_LATENCY", "PROVISIONAL_SUFFIX", "ResponseStore", "StoreWarning", "to_cli_shape"]

DATA_LATENCY = timedelta(hours=2)
"""Pinpoint's documented data latency: answers for windows ending later than this before the
service's clock may still change."""

PROVISIONAL_SUFFIX = ".provisional.json"
"""Answers fetched within the data latency of their window's end are stored under this suffix."""


OFFLINE_NEEDS_CACHE = (
    "offline=True answers from a response store: pass cache='dir/' (the folder an online read "
    "with cache= filled)."
)
"""The message of the InvalidArgumentError every reader raises for ``offline=True`` without a
``cache=``."""


class StoreWarning(UserWarning):
    """A store file was unreadable or stale and will be refetched (or is provisional)."""


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    date_header = headers.get("date")
    if date_header:
        try:
            return parsedate_to_datetime(date_header).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


class ResponseStore:
    """A directory of saved KPI responses, used as the reader's cache.

    Parameters
    ----------
    root : str or os.PathLike
        The directory; created on first write.

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
        self.served_provisional: list[Path] = []
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

    def _provisional_path(self, request: KpiRequest) -> Path:
        final = self.path(request)
        return final.with_name(final.name[: -len(".json")] + PROVISIONAL_SUFFIX)

    def get(self, request: KpiRequest, *, allow_provisional: bool = False) -> dict | None:
        """The stored answer to ``request`` (in AWS CLI shape), or None.

        A corrupt file, or one that answers another request, is reported with a
        :class:`StoreWarning` and treated as missing. A provisional answer is returned only when
        ``allow_provisional`` (offline reads), and its path is added to
        :attr:`served_provisional` so the read can say so once.
        """
        if not self.cacheable(request):
            return None
        final = self.path(request)
        found = self._load(final, request)
        if found is not None:
            return found
        if allow_provisional:
            provisional = self._provisional_path(request)
            found = self._load(provisional, request)
            if found is not None:
                self.served_provisional.append(provisional)
                return found
        return None

    def _load(self, path: Path, request: KpiRequest) -> dict | None:
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            warnings.warn(f"cannot read {path} ({exc}); refetching.", StoreWarning, stacklevel=5)
            return None
        try:
            saved = json.loads(text)
            inner = saved[request.response_key]
            matches = (
                inner["ApplicationId"] == request.application_id
                and inner["KpiName"] == request.kpi_name
                and inner.get(ID_LEVEL.get(request.scope, "-")) == request.resource_id
                and parse_response_time(inner["StartTime"]) == request.start_time
                and parse_response_time(inner["EndTime"]) == request.end_time
                and isinstance(inner["KpiResult"]["Rows"], list)
            )
        except (ValueError, KeyError, TypeError) as exc:
            warnings.warn(
                f"{path} is corrupt or truncated ({type(exc).__name__}: {str(exc)[:80]}); "
                "it will be refetched.",
                StoreWarning,
                stacklevel=5,
            )
            return None
        if not matches:
            warnings.warn(
                f"{path} does not answer {request.describe()}; it will be refetched.",
                StoreWarning,
                stacklevel=5,
            )
            return None
        return saved

    def put(self, request: KpiRequest, response: dict) -> Path | None:
        """Save a live answer atomically; returns its path (None if not cacheable).

        Answers still within the data latency at fetch time are saved as provisional.
        """
        if request.end_time is None or not self.cacheable(request):
            return None
        shaped = to_cli_shape(response, request.response_key)
        final = self.path(request)
        provisional = self._provisional_path(request)
        is_final = request.end_time <= fetched_at(response) - DATA_LATENCY
        target = final if is_final else provisional
        _atomic_write(target, json.dumps(shaped, indent=4, ensure_ascii=False) + "\n")
        if is_final:
            provisional.unlink(missing_ok=True)
        return target

    def save_listing(self, application_id: str, name: str, payload: dict) -> Path:
        """Save a listing (e.g. the project's campaigns) beside the KPI answers."""
        target = self.root / application_id / f"{name}.json"
        _atomic_write(target, json.dumps(payload, indent=4, ensure_ascii=False, default=str) + "\n")
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
            saved = json.loads(target.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            warnings.warn(f"{target} is corrupt ({exc}); ignoring it.", StoreWarning, stacklevel=3)
            return None
        problem = _listing_problem(saved, member)
        if problem is not None:
            warnings.warn(
                f"{target} is corrupt ({problem}); ignoring it.", StoreWarning, stacklevel=3
            )
            return None
        return saved


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
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
