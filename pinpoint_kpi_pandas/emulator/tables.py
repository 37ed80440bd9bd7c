"""Per-day tables of the world's slots, so a KPI over any window costs one lookup per group.

A :class:`DayTable` holds, for one family of senders at one scope (one campaign's runs, every
campaign of a project, one journey's activities, a project's transactional email or SMS), the
**prefix sums** over the world's days of every counter, per label (run, campaign, journey
activity, country) and in total, plus every slot's endpoint spans per day for unique counts.
A window's total is then ``prefix[last + 1] - prefix[first]``, whatever its length.

Tables cover full days. The clock's own day is partial, so its share comes from
:meth:`World.sendings` at the clock's fraction (:meth:`DayTable.partial`), added by the engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from .audiences import Sending, Span
from .counters import Counters
from .world import HISTORY_DAYS, Application, World

__all__ = ["DayTable", "Partial", "TableKey", "Tables", "table_key"]

TableKey = tuple[str, str]
"""``(kind, id)``: ``("campaign", campaign id)``, ``("campaigns", app id)``,
``("journey", journey id)``, ``("txn-email", app id)`` or ``("txn-sms", app id)``."""


@dataclass
class Partial:
    """The clock's partial day for one table: counters and endpoint spans, per label."""

    counters: dict[str, Counters] = field(default_factory=dict)
    spans: dict[str, dict[str, list[Span]]] = field(default_factory=dict)


class DayTable:
    """Prefix sums of counters over the world's days, per label and in total.

    Parameters
    ----------
    first_day : date
        The world's first day (day index 0).
    days : int
        How many days the table covers.

    Examples
    --------
    >>> import datetime as dt
    >>> table = DayTable(dt.date(2026, 10, 1), 3)
    >>> table.add(0, "a", {"sent": 5})
    >>> table.add(2, "a", {"sent": 7})
    >>> table.add(2, "b", {"sent": 1})
    >>> table.freeze()
    >>> table.total("sent", 0, 3), table.total("sent", 1, 3, "a"), table.labels
    (13, 7, ['a', 'b'])
    """

    def __init__(self, first_day: dt.date, days: int):
        self.first_day = first_day
        self.days = days
        self.labels: list[str] = []
        self.label_days: dict[str, tuple[int, int]] = {}
        """The first and last day index each label has slots on."""
        self._by_label: dict[str, dict[str, list[int]]] = {}
        self._all: dict[str, list[int]] = {}
        self._spans: list[list[tuple[str, dict[str, list[Span]]]]] = [[] for _ in range(days)]

    def add(
        self, index: int, label: str, counters: Counters, spans: dict[str, list[Span]] | None = None
    ) -> None:
        """Add one slot's counters (and endpoint spans) to day ``index`` under ``label``."""
        per_label = self._by_label.get(label)
        if per_label is None:
            self.labels.append(label)
            per_label = self._by_label[label] = {}
            self.label_days[label] = (index, index)
        first, last = self.label_days[label]
        self.label_days[label] = (min(first, index), max(last, index))
        for name, value in counters.items():
            row = per_label.get(name)
            if row is None:
                row = per_label[name] = [0] * (self.days + 1)
            row[index + 1] += value
            total = self._all.get(name)
            if total is None:
                total = self._all[name] = [0] * (self.days + 1)
            total[index + 1] += value
        if spans is not None:
            self._spans[index].append((label, spans))

    def freeze(self) -> None:
        """Turn the per-day values into prefix sums (call once, after the last :meth:`add`)."""
        rows = [row for per_label in self._by_label.values() for row in per_label.values()]
        for row in [*rows, *self._all.values()]:
            running = 0
            for i, value in enumerate(row):
                running += value
                row[i] = running

    def total(self, name: str, first: int, stop: int, label: str | None = None) -> int:
        """The sum of counter ``name`` over day indices ``first .. stop - 1`` (one label or all)."""
        row = (self._all if label is None else self._by_label.get(label, {})).get(name)
        if row is None or stop <= first:
            return 0
        return row[stop] - row[first]

    def spans(self, first: int, stop: int) -> Iterable[tuple[int, str, dict[str, list[Span]]]]:
        """``(day index, label, spans by kind)`` of each slot on days ``first .. stop - 1``."""
        for index in range(max(first, 0), min(stop, self.days)):
            for label, spans in self._spans[index]:
                yield index, label, spans

    def index(self, day: dt.date) -> int:
        """The index of a day (may fall outside ``0 .. days - 1``)."""
        return (day - self.first_day).days


class Tables:
    """The day tables of a world, built on first use (thread-safe), and its partial days.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(0)
    >>> app = world.applications[0]
    >>> table = Tables(world).table(("txn-email", app.id))
    >>> day = world.anchor
    >>> i = table.index(day)
    >>> table.total("sent", i, i + 1) == world.counters(app.txn_email_key, day)[0][1]["sent"]
    True
    """

    def __init__(self, world: World):
        self.world = world
        self._tables: dict[TableKey, DayTable] = {}
        self._lock = threading.Lock()
        self.partial = functools.lru_cache(maxsize=4096)(self._partial)

    def table(self, key: TableKey) -> DayTable:
        """The table of a key, built the first time it is asked for."""
        found = self._tables.get(key)
        if found is None:
            with self._lock:
                found = self._tables.get(key)
                if found is None:
                    found = self._tables[key] = self._build(key)
        return found

    def _senders(self, key: TableKey) -> list[tuple[str, str | None]]:
        """``(sender key, label to file its slots under, or None for the slot's own)``."""
        kind, ident = key
        if kind == "campaigns":
            app = self.world.application(ident)
            return [(c.id, c.id) for c in app.campaigns]
        if kind in ("txn-email", "txn-sms"):
            return [(f"{ident}/{kind}", None)]
        return [(ident, None)]  # one campaign's runs, one journey's activities

    def _build(self, key: TableKey) -> DayTable:
        world = self.world
        senders = self._senders(key)
        first_day = world.anchor - dt.timedelta(days=HISTORY_DAYS)
        last_day = max((max(world.days(s), default=first_day) for s, _ in senders),
                       default=first_day)  # fmt: skip
        table = DayTable(first_day, (last_day - first_day).days + 1)
        for sender, label in senders:
            for day in world.days(sender):
                for sending in world.sendings(sender, day):
                    table.add(table.index(day), label or sending.label, sending.counters,
                              _spans(sending))  # fmt: skip
        table.freeze()
        return table

    def _partial(self, key: TableKey, day: dt.date, permille: int) -> Partial:
        out = Partial()
        for sender, label in self._senders(key):
            for sending in self.world.sendings(sender, day, permille / 1000):
                name = label or sending.label
                totals = out.counters.setdefault(name, {})
                for counter, value in sending.counters.items():
                    totals[counter] = totals.get(counter, 0) + value
                spans = out.spans.setdefault(name, {})
                for kind, found in _spans(sending).items():
                    spans.setdefault(kind, []).extend(found)
        return out


def table_key(kpi_family: str, app: Application, entity_id: str | None) -> TableKey:
    """The table a KPI reads: by its family, project and campaign / journey id.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> app = build_world(0).applications[0]
    >>> table_key("campaigns", app, None) == ("campaigns", app.id)
    True
    """
    if kpi_family in ("campaign", "journey"):
        return (kpi_family, entity_id or "")
    return (kpi_family, app.id)


def _spans(sending: Sending) -> dict[str, list[Span]]:
    return {
        "reached": sending.spans("reached"),
        "opened": sending.spans("opened"),
        "clicked": sending.spans("clicked"),
    }
