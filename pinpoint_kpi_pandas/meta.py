"""The frame contract: what a KPI frame is, as one typed object.

Every frame the readers return carries a :class:`FrameContract` serialised in
``df.attrs["pinpoint"]`` (:meth:`FrameContract.to_attrs`). Read it back with
:meth:`FrameContract.from_frame` rather than by hand, and write it with
:meth:`FrameContract.write_to`: this module is the one place the dict is written.

What the contract records:

- the question: ``application_id``, ``scope``, ``kpi_names`` (column order), the ids asked for
  (``campaign_ids`` / ``journey_ids``) and whether they form an index level (``id_level``), the
  inclusive range (``start_time`` / ``end_time``, ISO 8601 UTC), ``keep_windows``;
- the columns: ``columns`` maps each value column to its KPI name;
- the answers: ``coverage``, one :class:`KpiWindow` per answer (KPI, id, window, days, rows,
  the file or request it came from, its provisional days); ``combined`` says per KPI how its
  windows were put together (``"one window"``, ``"stitched"`` days, ``"summed"`` counts, or
  ``"kept apart"`` under a ``Window`` level); ``provisional_days`` (ISO dates not final when
  answered); ``ids_with_rows`` (the ids asked for that have any row);
- where it came from: ``source`` (``api``, ``cache``, ``api+cache``, ``file``, ``events``,
  ``response``), ``files`` and ``skipped_files`` (saved reads), ``requests``, ``calls``,
  ``failed``, ``left_out`` (live reads), ``retrieved_at``;
- labels: ``names`` (id -> name, for legends and tables);
- what analysis did to the frame: ``aggregated``, ``unweighted_mean``, ``unweighted_mean_of``,
  ``compare``, ``labels``;
- ``extra``: keys this version does not know, kept so they survive a round trip.

The serialised form holds only JSON types (str, int, bool, None, lists, dicts) and never
credentials. The per-answer ``coverage`` list is immutable and shared between a frame and the
frames pandas derives from it (pandas deep-copies ``attrs`` on every operation; a frame read from
10,000 files would otherwise copy 10,000 records each time).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

__all__ = ["ATTRS_KEY", "CoverageGap", "FrameContract", "KpiWindow"]

ATTRS_KEY = "pinpoint"
"""The ``df.attrs`` key holding the serialised contract."""

_LIST_FIELDS = ("kpi_names", "files", "failed", "provisional_days", "aggregated", "unweighted_mean")
_OPTIONAL_LIST_FIELDS = ("campaign_ids", "journey_ids", "ids_with_rows")
_DICT_FIELDS = ("columns", "combined", "names")


class _Frozen(tuple):
    """An immutable, JSON-serialisable list that deep copies as itself."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> _Frozen:
        return self

    def __copy__(self) -> _Frozen:
        return self


class _FrozenRecord(dict):
    """An immutable, JSON-serialisable dict that deep copies as itself."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "the frame contract's coverage records are read-only; build a new contract with "
            "FrameContract.replace(...) instead."
        )

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict) -> _FrozenRecord:
        return self

    def __copy__(self) -> _FrozenRecord:
        return self

    def __reduce__(self) -> tuple:
        return (_FrozenRecord, (dict(self),))


@dataclass(frozen=True)
class KpiWindow:
    """One answer in a frame: which KPI and id, which window, where it came from.

    Attributes
    ----------
    kpi_name : str
    id : str or None
        The campaign or journey id (None at application scope).
    start_time, end_time : str or None
        The answer's window, ISO 8601 UTC (``2026-08-01T00:00:00Z``); None when unknown (the
        service's default window, before it answered).
    rows : int
        Rows the answer held.
    source : str
        The file, request or engine query it came from.
    origin : str
        ``"api"``, ``"cache"``, ``"file"``, ``"events"`` or ``"response"``.
    provisional_days : tuple of str
        ISO dates of the window that were not final when it was answered.

    Examples
    --------
    >>> w = KpiWindow("clicks-grouped-by-campaign-activity", "c1", "2026-09-01T00:00:00Z",
    ...               "2026-09-30T23:59:59Z", rows=4, source="sep.json", origin="file")
    >>> w.first_day, w.last_day, w.days
    (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), 30)
    """

    kpi_name: str
    id: str | None
    start_time: str | None
    end_time: str | None
    rows: int = 0
    source: str = ""
    origin: str = "response"
    provisional_days: tuple[str, ...] = ()

    @property
    def first_day(self) -> date | None:
        """The window's first UTC day."""
        return _day(self.start_time) if self.start_time else None

    @property
    def last_day(self) -> date | None:
        """The window's last UTC day (inclusive)."""
        return _day(self.end_time) if self.end_time else None

    @property
    def days(self) -> int:
        """Calendar days covered, both ends included (0 when the window is unknown)."""
        first, last = self.first_day, self.last_day
        return (last - first).days + 1 if first and last else 0

    @property
    def label(self) -> str:
        """``start/end``: the ``Window`` index label of this answer."""
        return f"{self.start_time}/{self.end_time}"

    def overlaps(self, other: KpiWindow) -> bool:
        """True when both windows share a day (unknown windows overlap nothing)."""
        a, b, c, d = self.first_day, self.last_day, other.first_day, other.last_day
        return None not in (a, b, c, d) and a <= d and c <= b  # type: ignore[operator]

    def to_record(self) -> dict:
        """The JSON record stored in ``attrs["pinpoint"]["coverage"]``."""
        return {
            "kpi_name": self.kpi_name,
            "id": self.id,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "first_day": self.start_time[:10] if self.start_time else None,
            "last_day": self.end_time[:10] if self.end_time else None,
            "rows": self.rows,
            "source": self.source,
            "origin": self.origin,
            "provisional_days": list(self.provisional_days),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> KpiWindow:
        """Read one coverage record (tolerating missing keys)."""
        return cls(
            kpi_name=str(record.get("kpi_name", "")),
            id=record.get("id"),
            start_time=record.get("start_time"),
            end_time=record.get("end_time"),
            rows=int(record.get("rows") or 0),
            source=str(record.get("source", "")),
            origin=str(record.get("origin", "response")),
            provisional_days=tuple(record.get("provisional_days") or ()),
        )


@dataclass(frozen=True)
class CoverageGap:
    """Days between two answers of one KPI and id that no answer covers.

    Examples
    --------
    >>> CoverageGap("txn-emails-sent-grouped-by-date", None, date(2026, 9, 1),
    ...             date(2026, 9, 30)).describe()
    'txn-emails-sent-grouped-by-date: no answer covers 2026-09-01..2026-09-30'
    """

    kpi_name: str
    id: str | None
    first_day: date
    last_day: date

    def describe(self) -> str:
        """One line for messages."""
        who = f" for {self.id}" if self.id else ""
        return (
            f"{self.kpi_name}{who}: no answer covers "
            f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"
        )


@dataclass(frozen=True)
class FrameContract:
    """What a KPI frame is; ``df.attrs["pinpoint"]`` is its serialised form.

    Build one with the fields below (every field has a default), attach it with
    :meth:`write_to`, read it with :meth:`from_frame`. See the module docstring for what each
    field means; :meth:`to_attrs` keeps every key older versions wrote.

    Examples
    --------
    >>> import pandas as pd
    >>> contract = FrameContract(application_id="a1", scope="campaign",
    ...                          kpi_names=("unique-deliveries",), campaign_ids=("c1", "c2"),
    ...                          ids_with_rows=("c1",))
    >>> df = contract.write_to(pd.DataFrame({"UniqueDeliveries": [5]}))
    >>> df.attrs["pinpoint"]["campaign_ids"]
    ['c1', 'c2']
    >>> FrameContract.from_frame(df).ids_without_rows
    ('c2',)
    """

    application_id: str | None = None
    kpi_names: tuple[str, ...] = ()
    scope: str | None = None
    campaign_ids: tuple[str, ...] | None = None
    journey_ids: tuple[str, ...] | None = None
    id_level: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    source: str = "response"
    keep_windows: bool = False
    combined: Mapping[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    skipped_files: tuple[tuple[str, str], ...] = ()
    requests: int | None = None
    calls: int | None = None
    failed: tuple[str, ...] = ()
    left_out: int = 0
    retrieved_at: str | None = None
    coverage: tuple[KpiWindow, ...] = ()
    provisional_days: tuple[str, ...] = ()
    ids_with_rows: tuple[str, ...] | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    aggregated: tuple[str, ...] = ()
    unweighted_mean: tuple[str, ...] = ()
    unweighted_mean_of: str | None = None
    compare: Mapping[str, Any] | None = None
    labels: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    # --- reading and writing ------------------------------------------------------------------

    def to_attrs(self) -> dict:
        """The JSON-friendly dict stored in ``df.attrs["pinpoint"]``.

        Examples
        --------
        >>> FrameContract(kpi_names=("txn-emails-sent",)).to_attrs()["kpi_names"]
        ['txn-emails-sent']
        """
        out: dict[str, Any] = {
            item.name: _write_field(item.name, getattr(self, item.name))
            for item in dataclasses.fields(self)
            if item.name != "extra"
        }
        for key, value in self.extra.items():
            out.setdefault(key, _plain(value))
        return out

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any] | None) -> FrameContract:
        """Read a serialised contract, tolerating older or hand-made dicts (missing keys take
        their defaults; unknown keys are kept in ``extra``).

        Examples
        --------
        >>> FrameContract.from_attrs({"scope": "journey", "journey_ids": ["j1"]}).ids
        ('j1',)
        """
        if not isinstance(attrs, Mapping):
            return cls()
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values: dict[str, Any] = {k: _read_field(k, v) for k, v in attrs.items() if k in known}
        values["extra"] = {k: v for k, v in attrs.items() if k not in known}
        return cls(**values)

    @classmethod
    def from_frame(cls, df: pd.DataFrame | pd.Series) -> FrameContract:
        """The contract of a frame (an empty one when it has none).

        Examples
        --------
        >>> import pandas as pd
        >>> FrameContract.from_frame(pd.DataFrame()).kpi_names
        ()
        """
        return cls.from_attrs(df.attrs.get(ATTRS_KEY))

    def write_to(self, df: pd.DataFrame) -> pd.DataFrame:
        """Store this contract in ``df.attrs["pinpoint"]`` (in place) and return ``df``.

        Other ``attrs`` keys are left alone.

        Examples
        --------
        >>> import pandas as pd
        >>> FrameContract(scope="application").write_to(pd.DataFrame()).attrs["pinpoint"]["scope"]
        'application'
        """
        df.attrs[ATTRS_KEY] = self.to_attrs()
        return df

    def replace(self, **changes: Any) -> FrameContract:
        """A copy with some fields changed (``dataclasses.replace``).

        Examples
        --------
        >>> FrameContract(source="api").replace(source="cache").source
        'cache'
        """
        return dataclasses.replace(self, **changes)

    # --- questions analysis asks ----------------------------------------------------------------

    @property
    def ids(self) -> tuple[str, ...]:
        """The campaign or journey ids asked for (for saved files: the ids the files hold)."""
        return tuple(self.campaign_ids or self.journey_ids or ())

    @property
    def ids_without_rows(self) -> tuple[str, ...]:
        """Ids asked for that have no row in the frame ("no data in range", not "not asked")."""
        if self.ids_with_rows is None:
            return ()
        present = set(self.ids_with_rows)
        return tuple(i for i in self.ids if i not in present)

    def windows_of(
        self, kpi_name: str | None = None, resource_id: str | None = None
    ) -> tuple[KpiWindow, ...]:
        """The answers of one KPI and/or id, in time order.

        Examples
        --------
        >>> c = FrameContract(coverage=(KpiWindow("k", "c1", "2026-09-01T00:00:00Z",
        ...                                       "2026-09-30T23:59:59Z"),))
        >>> len(c.windows_of("k", "c1")), len(c.windows_of("k", "c2"))
        (1, 0)
        """
        found = [
            w
            for w in self.coverage
            if (kpi_name is None or w.kpi_name == kpi_name)
            and (resource_id is None or w.id == resource_id)
        ]
        return tuple(sorted(found, key=lambda w: (w.start_time or "", w.end_time or "")))

    def covered_days(self, kpi_name: str, resource_id: str | None = None) -> list[date]:
        """Every UTC day some answer of ``kpi_name`` (for ``resource_id``) covers, in order."""
        days: set[date] = set()
        for w in self.windows_of(kpi_name, resource_id):
            if w.first_day and w.last_day:
                days.update(w.first_day + timedelta(days=i) for i in range(w.days))
        return sorted(days)

    def overlaps(self) -> list[tuple[KpiWindow, KpiWindow]]:
        """Pairs of answers of one KPI and id whose (different) windows share days.

        Examples
        --------
        >>> month = KpiWindow("k", "c1", "2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z")
        >>> half = KpiWindow("k", "c1", "2026-09-16T00:00:00Z", "2026-09-30T23:59:59Z")
        >>> [(a.first_day.day, b.first_day.day) for a, b in
        ...  FrameContract(coverage=(month, half)).overlaps()]
        [(1, 16)]
        """
        pairs = []
        for series in _series(self.coverage).values():
            for i, first in enumerate(series):
                last_day = (first.end_time or "")[:10]
                for second in series[i + 1 :]:
                    if (second.start_time or "")[:10] > last_day:
                        break  # in time order: no later window can overlap ``first``
                    same = (first.start_time, first.end_time) == (
                        second.start_time,
                        second.end_time,
                    )
                    if not same and first.overlaps(second):
                        pairs.append((first, second))
        return pairs

    def gaps(self) -> list[CoverageGap]:
        """Days between the answers of one KPI and id that no answer covers.

        Examples
        --------
        >>> aug = KpiWindow("k", None, "2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z")
        >>> oct = KpiWindow("k", None, "2026-10-01T00:00:00Z", "2026-10-31T23:59:59Z")
        >>> [g.describe() for g in FrameContract(coverage=(aug, oct)).gaps()]
        ['k: no answer covers 2026-09-01..2026-09-30']
        """
        found = []
        for (kpi_name, resource_id), series in _series(self.coverage).items():
            reach: date | None = None
            for w in series:
                if w.first_day is None or w.last_day is None:
                    continue
                if reach is not None and w.first_day > reach + timedelta(days=1):
                    first, last = reach + timedelta(days=1), w.first_day - timedelta(days=1)
                    found.append(CoverageGap(kpi_name, resource_id, first, last))
                reach = w.last_day if reach is None else max(reach, w.last_day)
        return found


def _write_field(name: str, value: Any) -> Any:
    if name == "coverage":
        return _Frozen(_FrozenRecord(w.to_record()) for w in value)
    if name == "skipped_files":
        return [{"path": path, "reason": reason} for path, reason in value]
    if value is None:
        return None
    if name in _LIST_FIELDS or name in _OPTIONAL_LIST_FIELDS:
        return list(value)
    if name in _DICT_FIELDS or name in ("compare", "labels"):
        return dict(value)
    return value


def _read_field(name: str, value: Any) -> Any:
    if name == "coverage":
        return tuple(KpiWindow.from_record(r) for r in value or () if isinstance(r, Mapping))
    if name == "skipped_files":
        records = [r for r in value or () if isinstance(r, Mapping)]
        return tuple((str(r.get("path")), str(r.get("reason"))) for r in records)
    if name in _LIST_FIELDS:
        return tuple(value or ())
    if name in _OPTIONAL_LIST_FIELDS:
        return tuple(value) if value is not None else None
    if name in _DICT_FIELDS:
        return dict(value or {})
    if name == "keep_windows":
        return bool(value)
    if name == "left_out":
        return int(value or 0)
    return value


@functools.lru_cache(maxsize=4096)  # a frame's windows share a few bounds; read many times
def _day(instant: str) -> date:
    return date.fromisoformat(instant[:10])


def _series(coverage: Iterable[KpiWindow]) -> dict[tuple[str, str | None], list[KpiWindow]]:
    out: dict[tuple[str, str | None], list[KpiWindow]] = {}
    for w in coverage:
        out.setdefault((w.kpi_name, w.id), []).append(w)
    for series in out.values():
        if len(series) > 1:
            series.sort(key=_time_order)
    return out


def _time_order(w: KpiWindow) -> tuple[str, str]:
    return (w.start_time or "", w.end_time or "")


def _plain(value: Any) -> Any:
    """Nested mappings and sequences as plain dicts and lists (JSON types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_plain(v) for v in value]
    return value
