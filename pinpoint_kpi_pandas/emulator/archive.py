"""Event archives of the emulator's world: what Kinesis Data Firehose would have written to S3.

:func:`write_event_archive` writes, for every message the world sent up to its clock, the
records Pinpoint streams (the shapes of AWS's documented examples): ``_email.*`` (send,
delivered, soft and hard bounces, rejections, opens, clicks, complaints, unsubscribes),
``_SMS.*`` (BUFFERED, then SUCCESS or FAILURE with its record status, one price per message),
``_campaign.send`` (every channel; for push the only delivery record) and
``_campaign.opened_notification``, ``_journey.send``. They are consistent with the world's
counters message by message, to the very endpoints the API's unique counts count
(:meth:`~.world.World.sendings`), so ``read_pinpoint_events`` of the archive equals
``read_pinpoint_kpi`` against an emulator of the same ``seed``, ``now`` and ``scale``.

The layout is Firehose's: one object per project stream and UTC hour of **arrival**, under
``YYYY/MM/DD/HH/``, gzip NDJSON (or Parquet in the DUE events database's schema), with what
real archives have: records arriving hours after their event (opens, SMS receipts up to about
70 hours later, never after the clock), a few arriving a little *before* their event time, a
share of duplicate deliveries (Firehose is at-least-once), push sends held out or in quiet time
(``_campaign.send`` statuses that never count as attempts), soft bounces delivered on retry.
Every object is written to a hidden temporary name and renamed, so no reader sees half of one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..errors import InvalidArgumentError
from .clock import Clock
from .event_records import sending_records
from .options import check_scale
from .world import HISTORY_DAYS, build_world

__all__ = ["DEFAULT_DUPLICATES", "ArchiveSummary", "write_event_archive"]

DEFAULT_DUPLICATES = 0.003
"""Share of records Firehose delivers twice (at-least-once delivery)."""

_HOUR = 3_600_000


@dataclass(frozen=True)
class ArchiveSummary:
    """What :func:`write_event_archive` wrote.

    Examples
    --------
    >>> ArchiveSummary("out", "json", 10, 2, 1, 300, "2026-10-01", "2026-10-02").events
    10
    """

    directory: str
    format: str
    events: int
    objects: int
    duplicates: int
    bytes: int
    first_day: str
    last_day: str


def write_event_archive(
    directory: str | os.PathLike,
    *,
    seed: int = 0,
    now: datetime | str | None = None,
    scale: float = 1.0,
    campaigns_per_project: int = 12,
    format: str = "json",
    duplicates: float = DEFAULT_DUPLICATES,
    first_day: date | None = None,
    progress: bool = False,
) -> ArchiveSummary:
    """Write the event archive of the emulator's world, up to its clock.

    Parameters
    ----------
    directory : str or path
        Where to write (created if missing); objects go under ``YYYY/MM/DD/HH/``.
    seed, now, scale, campaigns_per_project
        The world, as for :class:`~.server.Emulator` and ``pinpoint-kpi emulator``: the same
        values describe the same world, so the archive and the server agree.
    format : {"json", "parquet"}, default "json"
        Gzip NDJSON as Firehose writes it, or Snappy Parquet in the DUE events database's
        ``all_events`` schema.
    duplicates : float, default 0.003
        Share of records written twice.
    first_day : date, optional
        Write from this UTC day (default: the world's first day, 100 days before the clock).
    progress : bool, default False
        Count the days written on stderr.

    Returns
    -------
    ArchiveSummary

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> summary = write_event_archive(out, scale=0.01, first_day=date(2026, 10, 27))
    >>> summary.first_day, summary.last_day, summary.events > 1000
    ('2026-10-27', '2026-10-29', True)
    """
    if format not in ("json", "parquet"):
        raise InvalidArgumentError(f"format must be 'json' or 'parquet', not {format!r}.")
    if not 0 <= duplicates < 1:
        raise InvalidArgumentError(f"duplicates must be a share in [0, 1), not {duplicates!r}.")
    scale = check_scale(scale)
    clock = Clock(now)
    world = build_world(seed, clock.today(), campaigns_per_project, scale)
    today, now_ms = clock.today(), int(clock.now().timestamp() * 1000)
    first = first_day or today - timedelta(days=HISTORY_DAYS)
    writer = _Writer(Path(directory), format, seed)
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    bar = _Progress(len(days), progress)
    for day in days:
        fraction = clock.day_fraction() if day == today else 1.0
        for app in world.applications:
            for key in world.sender_keys(app):
                for number, sending in enumerate(world.sendings(key, day, fraction)):
                    rng = random.Random(f"{seed}|{key}|{day}|{sending.label}|{number}")
                    for record in sending_records(sending, rng, now_ms, fraction):
                        writer.add(app.id, record, rng.random() < duplicates)
        # Nothing sent later can arrive more than a little before its own day: flush older hours.
        writer.flush(before=_ms(day + timedelta(days=1)) - 2 * _HOUR)
        bar.update()
    writer.flush(before=None)
    bar.close()
    return ArchiveSummary(
        str(directory),
        format,
        writer.events,
        writer.objects,
        writer.duplicates,
        writer.bytes,
        first.isoformat(),
        today.isoformat(),
    )


class _Writer:
    """Buffers records by (stream, arrival hour) and writes each hour's object once."""

    def __init__(self, root: Path, format: str, seed: int):
        self.root, self.format, self.seed = root, format, seed
        self.hours: dict[tuple[str, int], list[dict]] = {}
        self.events = self.objects = self.duplicates = self.bytes = 0

    def add(self, app_id: str, item: tuple[int, dict], twice: bool) -> None:
        arrival, record = item
        hour = arrival // _HOUR * _HOUR
        self.hours.setdefault((app_id, hour), []).append(record)
        self.events += 1
        if twice:  # a retried delivery lands in the next object of the stream
            self.hours.setdefault((app_id, hour + _HOUR), []).append(record)
            self.duplicates += 1

    def flush(self, before: int | None) -> None:
        for key in sorted(k for k in self.hours if before is None or k[1] < before):
            self._write(*key, self.hours.pop(key))

    def _write(self, app_id: str, hour: int, records: list[dict]) -> None:
        moment = datetime.fromtimestamp(hour / 1000, UTC)
        folder = self.root / moment.strftime("%Y/%m/%d/%H")
        folder.mkdir(parents=True, exist_ok=True)
        tag = hashlib.md5(f"{self.seed}|{app_id}|{hour}".encode()).hexdigest()
        stem = f"pinpoint-{app_id[:8]}-1-{moment:%Y-%m-%d-%H}-00-00-{tag[:8]}-{tag[8:12]}"
        if self.format == "json":
            text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
            data, name = gzip.compress(text.encode(), compresslevel=6), f"{stem}.gz"
        else:
            from ..events.due import due_parquet  # pyarrow: only for Parquet archives

            data, name = due_parquet(records), f"{stem}.parquet"
        temporary = folder / f".{name}.tmp"
        temporary.write_bytes(data)
        temporary.replace(folder / name)
        self.objects += 1
        self.bytes += len(data)


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


class _Progress:
    """Days written, on one stderr line (the emulator stays stdlib-only: no tqdm here)."""

    def __init__(self, total: int, shown: bool):
        self.total, self.done, self.shown = total, 0, shown

    def update(self) -> None:
        self.done += 1
        if self.shown:
            print(f"\rwriting events: {self.done}/{self.total} days", end="", file=sys.stderr)

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)
