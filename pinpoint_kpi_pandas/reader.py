"""The live reader, :func:`read_pinpoint_kpi` (``read_pinpoint_kpi_json`` lives in
:mod:`pinpoint_kpi_pandas.saved` and is importable from here too).

Data flows one way: arguments -> :func:`~pinpoint_kpi_pandas.plan.plan_kpi_requests` ->
:func:`~pinpoint_kpi_pandas.fetch.fetch_responses` (store, then boto3) ->
:func:`~pinpoint_kpi_pandas.parse.parse_answer` per answer ->
:func:`~pinpoint_kpi_pandas.frame.assemble_kpi_frame` -> DataFrame with its contract.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any, Literal

import pandas as pd

from .cache import open_store, report_unsaved
from .checks import check_bool
from .client import ClientOptions
from .client import client_options as resolve_client_options
from .dates import DateLike, provisional_days
from .errors import (
    ArgumentTypeError,
    FetchError,
    InvalidArgumentError,
    PartialResultWarning,
    StoreWarning,
    warn_user,
)
from .fetch import DEFAULT_MAX_WORKERS, UNREACHABLE_FIX, FetchOutcome, fetch_responses
from .frame import DtypeBackend, assemble_kpi_frame, check_dtype_backend
from .listing import item_names, name_map, project_listing, stored_names
from .parse import parse_answer
from .plan import KpiPlan, KpiRequest, plan_kpi_requests
from .retries import unreachable_endpoint
from .rows import KpiRows
from .saved import read_pinpoint_kpi_json
from .store import OFFLINE_NEEDS_CACHE

__all__ = ["PartialResultWarning", "read_pinpoint_kpi", "read_pinpoint_kpi_json"]

ALL = "all"
"""``campaign_id="all"`` / ``journey_id="all"``: every campaign / journey of the project."""


def read_pinpoint_kpi(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
    names: Any = None,
    dtype_backend: DtypeBackend | None = None,
    cache: str | os.PathLike | None = None,
    offline: bool = False,
    errors: Literal["raise", "warn"] = "raise",
    progress: bool | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    max_rate: float | None = None,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """Read Amazon Pinpoint KPIs into a typed DataFrame indexed by the grouped-by fields.

    Also available as ``pd.read_pinpoint_kpi`` once ``pinpoint_kpi_pandas`` is imported.

    Parameters
    ----------
    application_id : str
        The project id (the console's *Project ID*, 32 hex characters).
    kpi_name : str or list of str
        A standard KPI name, e.g. ``"successful-delivery-rate-grouped-by-date"``; see
        :func:`pinpoint_kpi_pandas.catalog.kpis`. A list gives one wide frame, joined on the
        index; the KPIs must share one grouping. Columns come in catalog order, whatever the
        order given (as :func:`pandas.read_csv`'s ``usecols``), so the frame equals
        :func:`read_pinpoint_kpi_json` of the saved answers; ``df.attrs["pinpoint"]["kpi_names"]``
        follows the same order.
    start_time, end_time : str, date, datetime or Timestamp, optional
        The inclusive range. Naive datetimes mean UTC, aware ones are converted; a date alone
        means the whole UTC day (a start at 00:00:00, an end at 23:59:59). Both None: the
        service's default, the preceding 31 days (not cached, since it moves). Only
        ``start_time``: up to now. Only ``end_time``: the 31 days ending then. Ranges over 31
        days are split into windows: the fewest, ``ceil(days / 31)`` counted from the start,
        without a ``cache=``; calendar months with one (full months are shared between reads,
        so the cache is reused when the start moves). The windows combine exactly:
        ``-grouped-by-date`` KPIs are stitched day by day (no day lost or repeated), counts and
        amounts of any grouping are summed per group, and rates read together with their
        numerator and denominator counts are recomputed from the summed counts. Unique counts,
        averages and rates without their counts are refused, with the reason, unless
        ``keep_windows=True``.
    campaign_id : str or list of str or "all", optional
        Read campaign-scope KPIs for this campaign. A list (or ``"all"``: every campaign of the
        project) adds a leading ``CampaignId`` index level; a single string adds none.
    journey_id : str or list of str or "all", optional
        Likewise for journeys (``JourneyId`` level). At most one of campaign_id / journey_id;
        with neither, application-scope KPIs are read.
    keep_windows : bool, default False
        Read any KPI over any range as calendar-month windows and keep the answers apart under
        a ``Window`` level (``start/end``), after the id level: for KPIs whose windows cannot
        be combined (unique counts, averages, rates without their counts), or to see each
        month. The accessor's ``total()`` and ``compare()`` then add counts across windows and
        recompute rates from them, and refuse what cannot be added.
    names : mapping, Series or DataFrame, optional
        Names of the campaigns or journeys (``{id: name}``, or what
        :func:`~pinpoint_kpi_pandas.list_campaigns` returns), carried in the frame's contract
        (``attrs["pinpoint"]["names"]``) so plots, ``compare()`` and the dashboard show them
        beside the ids. Without it the frame still carries the names the read knows: those of
        its own listing for ``"all"``, else those of a listing saved in ``cache``.
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`: None gives NumPy dtypes (counts as ``int64``, or
        nullable ``Int64`` where a KPI of a several-KPI read lacks rows the others have); the
        others give nullable or Arrow-backed columns.
    cache : str or path, optional
        A response-store directory (refused before any request if it cannot be created or
        written): answers found there are not fetched again, new answers are
        saved there (one AWS-CLI-shaped JSON file per request, readable by
        :func:`read_pinpoint_kpi_json`). Commit it beside a notebook for reproducible re-runs.
    offline : bool, default False
        Never call the service: answer from ``cache`` only, and raise
        :class:`~pinpoint_kpi_pandas.errors.MissingFromStoreError` naming every missing request.
    errors : {"raise", "warn"}, default "raise"
        When requests fail (after botocore's retries): ``"raise"`` waits for every other
        request, then raises one :class:`~pinpoint_kpi_pandas.errors.FetchError` listing each
        failure; ``"warn"`` returns the rows that succeeded, warns with the same list and records
        it in ``df.attrs["pinpoint"]["failed"]``.
    progress : bool, optional
        Show a tqdm progress bar counting requests. Default: only in notebooks and terminals, for
        reads making more than a few calls.
    max_workers : int, default 16
        Concurrent requests, sharing one client (lower it if other jobs share your quota).
    max_rate : float, optional
        Client-side ceiling in requests per second (Pinpoint's quota is 300/s per account and
        Region, shared with your other callers).
    client_options : ClientOptions, optional
        How to reach Pinpoint in one object (:class:`~pinpoint_kpi_pandas.client.ClientOptions`:
        client, session, region, endpoint, attempts per request), instead of or beside the next
        four arguments (a field given both ways must agree).
    client : botocore client, optional
        A ready ``boto3.client("pinpoint")``; overrides the next three arguments. Its own retry
        settings apply, including botocore's per-client retry budget, which the clients built
        here lift (see :mod:`pinpoint_kpi_pandas.client`).
    region_name : str, optional
        AWS Region for the client built here.
    endpoint_url : str, optional
        Another endpoint, e.g. the bundled emulator's; boto3 also honours
        ``AWS_ENDPOINT_URL_PINPOINT``.
    boto3_session : boto3.session.Session, optional
        Session (profile, credentials) to build the client from.

    Returns
    -------
    pandas.DataFrame
        Index: ``CampaignId`` / ``JourneyId`` when a list was asked for, then the KPI's
        grouped-by keys in response order (``Date`` as datetime64, UTC calendar days);
        single-value KPIs give one row per id. Columns: one per KPI, named by its value key
        (``SuccessfulDeliveryRate``), counts as integers, rates as fractions 0..1.
        ``df.attrs["pinpoint"]`` is the frame's :class:`~pinpoint_kpi_pandas.meta.FrameContract`:
        the query, each answer's window and origin (``coverage``), the ids with rows, the
        provisional days, where the answers came from (``api`` / ``cache``) and when.

    Warns
    -----
    ProvisionalDataWarning
        Once, when some days were not final when Pinpoint answered (its clock minus the ~2-hour
        data latency had not passed the end of those UTC days); they are listed in
        ``df.attrs["pinpoint"]["provisional_days"]``.
    PartialResultWarning
        ``errors="warn"`` and some requests failed.
    StoreWarning
        A ``cache=`` file was damaged (it is refetched), or (``errors="warn"``) answers could
        not be saved: once, naming the folder; the frame still holds every answer.
    UnservedRangeWarning
        The range lies wholly in the future (the frame is empty).
    LargeReadWarning
        The read makes so many requests that it takes over a minute at Pinpoint's quota.

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError, UnknownKpiError, KpiScopeError
        Bad arguments, before any request.
    FetchError
        Some requests failed (``errors="raise"``); ``.failures`` has one
        :class:`~pinpoint_kpi_pandas.errors.ServiceError` per request.
    MissingFromStoreError
        ``offline=True`` and the store lacks some requests.
    StoreWriteError
        ``errors="raise"`` and the store could not save some answers; raised once the frame is
        complete, which is in its ``.frame``.

    See Also
    --------
    read_pinpoint_kpi_json : The same frame from saved responses.
    kpi_frame : Convert one response.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> from pinpoint_kpi_pandas import emulator
    >>> with emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     df = pd.read_pinpoint_kpi(
    ...         app.id, "successful-delivery-rate-grouped-by-date",
    ...         start_time="2026-08-01", end_time="2026-10-28",
    ...         campaign_id=[c.id for c in app.campaigns[:2]],
    ...         endpoint_url=emu.endpoint_url)
    >>> df.index.names
    FrozenList(['CampaignId', 'Date'])
    >>> df.columns.tolist()
    ['SuccessfulDeliveryRate']
    """
    _check_options(errors, max_workers, max_rate, offline, progress, dtype_backend)
    if offline and cache is None:
        raise InvalidArgumentError(OFFLINE_NEEDS_CACHE)
    if offline and (start_time is None or end_time is None):
        raise InvalidArgumentError(
            "offline=True needs both start_time and end_time: an open-ended range moves with "
            "the clock (it ends now), so each run asks for a last window no store holds. Pass "
            "the range the online read used."
        )
    given_names = name_map(names)
    store = open_store(cache, offline=offline)
    if store is not None and start_time is None and end_time is None:
        # One side alone is filled in (end: now; start: 31 days before the end), and those
        # windows are stored like any other; no range at all asks for the service's default.
        warn_user(
            "cache= stores only answers of a known window: with no start_time and no end_time "
            "Pinpoint answers for its default window (the 31 days before it answers), which "
            "moves with the clock, so nothing of this read is saved. Pass start_time (and "
            "end_time) to keep its answers.",
            StoreWarning,
        )
    reach = resolve_client_options(
        client_options,
        client=client,
        boto3_session=boto3_session,
        region_name=region_name,
        endpoint_url=endpoint_url,
    )

    def client_factory() -> Any:
        return reach.make_client(max_pool_connections=max_workers)

    listed: dict[str, str] = {}

    def listing(name: str) -> list[dict]:
        items = project_listing(
            application_id, name, client_factory=client_factory, cache=store, offline=offline
        )
        listed.update(item_names(items))
        return items

    plan = _plan(
        application_id,
        kpi_name,
        start_time,
        end_time,
        ids={"campaign_id": campaign_id, "journey_id": journey_id},
        keep_windows=keep_windows,
        calendar_months=store is not None,  # a cache reuses full months between reads
        listing=listing,
    )
    outcome = fetch_responses(
        plan.requests,
        client_factory=client_factory,
        store=store,
        offline=offline,
        max_workers=max_workers,
        max_rate=max_rate,
        progress=progress,
    )
    if outcome.failures and errors == "raise":
        raise FetchError(
            _failure_summary(outcome.failures, len(plan.requests)), failures=outcome.failures
        )
    parts, left_out = _answered_rows(plan, outcome)
    used = {s for s in outcome.sources if s is not None}
    known = listed or stored_names(store, application_id, plan.scope)
    contract = plan.contract().replace(
        source="+".join(sorted(used)) if used else "api",
        calls=outcome.calls,
        failed=tuple(str(f) for f in outcome.failures),
        left_out=left_out,
        names={**known, **given_names},
    )
    if outcome.failures:
        also = (
            f" The {left_out} answers of the other KPIs for the same ids and windows are left out "
            "too, so every row's columns come from the same windows."
            if left_out
            else ""
        )
        warn_user(
            _failure_summary(outcome.failures, len(plan.requests))
            + " Their rows are missing from the frame; see df.attrs['pinpoint']['failed']."
            + also,
            PartialResultWarning,
        )
    frame = assemble_kpi_frame(parts, contract, dtype_backend=dtype_backend)
    report_unsaved(store, frame, errors)
    return frame


def _plan(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None,
    end_time: DateLike | None,
    *,
    ids: dict[str, Any],
    keep_windows: bool,
    calendar_months: bool,
    listing: Callable[[str], list[dict]],
) -> KpiPlan:
    """The read's plan; ``"all"`` ids are listed (after everything else is validated)."""

    def plan(chosen: dict[str, Any]) -> KpiPlan:
        return plan_kpi_requests(
            application_id,
            kpi_name,
            start_time,
            end_time,
            campaign_id=chosen["campaign_id"],
            journey_id=chosen["journey_id"],
            keep_windows=keep_windows,
            calendar_months=calendar_months,
        )

    wants_all = [k for k, v in ids.items() if isinstance(v, str) and v == ALL]
    if not wants_all:
        return plan(ids)
    argument = wants_all[0]
    stand_in = plan({**ids, argument: ["x"]})
    items = listing("campaigns" if argument == "campaign_id" else "journeys")
    found = [item["Id"] for item in items]
    if not found:  # a project without campaigns (journeys): the empty frame, through the same path
        return dataclasses.replace(stand_in, resource_ids=(), requests=())
    return plan({**ids, argument: found})


def _answered_rows(plan: KpiPlan, outcome: FetchOutcome) -> tuple[list[KpiRows], int]:
    """The rows of every answer, and how many answers were left out because another KPI's
    request for the same id and window failed (so the columns of a row always come from the
    same answers: a rate and its counts stay comparable)."""
    whole_id = plan.windows_summed  # a sum over windows is only right with every window
    failed = {_slot(f.request, whole_id) for f in outcome.failures}
    parts, left_out = [], 0
    for request, response, source, clock in zip(
        plan.requests, outcome.responses, outcome.sources, outcome.clocks, strict=True
    ):
        if response is None:
            continue
        if _slot(request, whole_id) in failed:
            left_out += 1
            continue
        header, rows = parse_answer(response, source=request.describe(), origin=source or "api")
        days = provisional_days(header.start_time, header.end_time, clock)
        if days:
            rows = dataclasses.replace(rows, provisional_days=tuple(d.isoformat() for d in days))
        parts.append(rows)
    return parts, left_out


def _slot(request: KpiRequest, whole_id: bool) -> tuple:
    """The id and window a request covers, whatever its KPI (the id alone when windows are
    summed)."""
    if whole_id:
        return (request.resource_id,)
    return (request.resource_id, request.start_time, request.end_time)


def _check_options(errors, max_workers, max_rate, offline, progress, dtype_backend) -> None:
    check_dtype_backend(dtype_backend)
    if errors not in ("raise", "warn"):
        raise InvalidArgumentError(f"errors must be 'raise' or 'warn', not {errors!r}.")
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise InvalidArgumentError(
            f"max_workers must be a positive int (e.g. 16), not {max_workers!r}."
        )
    if max_rate is not None and (
        isinstance(max_rate, bool) or not isinstance(max_rate, int | float) or not max_rate > 0
    ):
        raise InvalidArgumentError(
            f"max_rate must be a positive number of requests per second, or None; not {max_rate!r}."
        )
    check_bool(offline, "offline")
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentTypeError(f"progress must be True, False or None, not {progress!r}.")


def _failure_summary(failures, total: int, shown: int = 10) -> str:
    causes = {unreachable_endpoint(f.__cause__) if f.__cause__ else None for f in failures}
    if len(causes) == 1 and None not in causes:
        # One line: the endpoint, not the same connection error once per request; said as
        # when no request is made at all (no credentials) if none was answered.
        cause = causes.pop()
        if len(failures) == total:
            counted = "" if total == 1 else f" (none of the {total} Pinpoint requests answered)"
            return f"{cause}{counted}. " + UNREACHABLE_FIX
        return f"{len(failures)} of {total} Pinpoint requests failed: {cause}. " + UNREACHABLE_FIX
    lines = "\n  ".join(str(f) for f in failures[:shown])
    more = (
        f"\n  ... and {len(failures) - shown} more (every one is in .failures, or in "
        "df.attrs['pinpoint']['failed'] with errors='warn')"
        if len(failures) > shown
        else ""
    )
    return f"{len(failures)} of {total} Pinpoint requests failed:\n  {lines}{more}\n"
