"""The dashboard's data from an event archive, through ``read_pinpoint_events``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import catalog
from ..analysis import frame_meta, name_map
from ..errors import InvalidArgumentError
from ..plan import ID_LEVEL
from ._selection import Selection
from ._sources import OnDemandSource, Progress

__all__ = ["EventsSource"]


class EventsSource(OnDemandSource):
    """The data is recomputed from an event archive on demand, through
    :func:`~pinpoint_kpi_pandas.read_pinpoint_events`, cached per KPI and range.

    Every KPI events can give is offered, the event-only ones too (daily and per-treatment
    counts per campaign...); the campaigns (journeys) are those found in the archive's last 31
    days, or in ``start_time``..``end_time``.

    Parameters
    ----------
    archive : str, path or list
        The archive, as for ``read_pinpoint_events``.
    application_id : str
        The project.
    scope : {"campaign", "journey"}, default "campaign"
    names : mapping, Series or DataFrame, optional
        Names of the ids (events hold ids only; e.g. a saved listing).
    start_time, end_time : date, optional
        The days shown first, and where ids are looked for; default the archive's last 31 days.
    events_kwargs : mapping, optional
        Other arguments of ``read_pinpoint_events`` (``storage_options``, ``engine``, ...).

    Examples
    --------
    >>> import pathlib, tempfile, datetime as dt
    >>> from pinpoint_kpi_pandas.events import example_records
    >>> from pinpoint_kpi_pandas.widgets import EventsSource
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "events.json").write_text(example_records())
    >>> source = EventsSource(folder, "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
    ...                       start_time=dt.date(2019, 3, 1), end_time=dt.date(2019, 7, 31))
    >>> source.ids
    ['52dc44b35c4742c98c5935269example', '4f8d6097c2e8400fa3081d875example']
    """

    has_dates = True

    def __init__(
        self,
        archive: Any,
        application_id: str,
        *,
        scope: str = "campaign",
        names: Any = None,
        start_time: dt.date | None = None,
        end_time: dt.date | None = None,
        events_kwargs: Mapping[str, Any] | None = None,
    ):
        if scope not in ID_LEVEL:
            raise InvalidArgumentError(
                f"scope must be 'campaign' or 'journey' (what the dashboard compares), not "
                f"{scope!r}."
            )
        self.archive = archive
        self.application_id = application_id
        self.scope = scope
        self.id_level = ID_LEVEL[scope]
        self.noun = scope
        self.events_kwargs = dict(events_kwargs or {})
        self.cache = {}
        self.calls = 0
        self._bounds = self._days(start_time, end_time)
        self.labels = name_map(names) if names is not None else {}
        self.ids = list(self.labels) if names is not None else self._found_ids()
        self.first_ids = self.ids[:3]
        self.subtitle = f"Project {application_id}, from its event archive"

    def _days(self, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
        if end is None:
            from ..events.sources import find_archive

            listed = find_archive(
                self.archive, storage_options=self.events_kwargs.get("storage_options")
            )
            clock = listed.as_of
            end = (clock - dt.timedelta(seconds=1)).date() if clock else dt.date.today()
        return (start or end - dt.timedelta(days=30), end)

    def _found_ids(self) -> list[str]:
        from ..events import read_pinpoint_events

        campaigns = self.scope == "campaign"
        kpi = "attempted-deliveries-grouped-by-date" if campaigns else "journey-emails-sent"
        options: dict[str, Any] = {f"{self.scope}_id": "all", **self.events_kwargs}
        found = read_pinpoint_events(
            self.archive, self.application_id, kpi, *self._bounds, progress=False, **options
        )
        self.calls += 1
        return list(frame_meta(found).get(f"{self.scope}_ids") or [])

    def kpi_options(self) -> list[catalog.Kpi]:
        return list(catalog.kpis(self.scope, include_events_only=True))

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        return self._bounds

    def fixed_range(self) -> None:
        return None

    def _read(self, selection: Selection, ids: list[str], progress: Progress) -> pd.DataFrame:
        from ..events import read_pinpoint_events

        progress(True, f"Scanning the events of {len(ids)} {self.noun}{'s' * (len(ids) > 1)}…")
        try:
            options: dict[str, Any] = {f"{self.scope}_id": ids, **self.events_kwargs}
            new = read_pinpoint_events(
                self.archive,
                self.application_id,
                list(selection.kpi_names),
                selection.start,
                selection.end,
                progress=False,
                **options,
            )
            self.calls += 1
        finally:
            progress(False, "")
        return new
