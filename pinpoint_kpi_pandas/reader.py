"""The readers: :func:`read_pinpoint_kpi` (live, cached) and :func:`read_pinpoint_kpi_json` (saved).

Data flows one way: arguments -> :func:`~pinpoint_kpi_pandas.plan.plan_kpi_requests` ->
:func:`~pinpoint_kpi_pandas.fetch.fetch_responses` -> :func:`~pinpoint_kpi_pandas.frame.kpi_frame`
per answer -> :func:`~pinpoint_kpi_pandas.frame.assemble` -> attrs -> DataFrame.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import catalog
from .client import ClientOptions
from .client import client_options as resolve_client_options
from .dates import DateLike, format_instant
from .errors import (
    ArgumentTypeError,
    FetchError,
    InvalidArgumentError,
    ResponseFormatError,
)
from .fetch import DEFAULT_MAX_WORKERS, UNREACHABLE_FIX, fetch_responses
from .frame import (
    WINDOW_LEVEL,
    DtypeBackend,
    assemble,
    check_dtype_backend,
    kpi_frame,
    unwrap_response,
    window_label,
    with_window_level,
)
from .listing import LISTING_MEMBERS, project_listing
from .plan import ID_LEVEL, KpiPlan, plan_kpi_requests
from .retries import unreachable_endpoint
from .store import OFFLINE_NEEDS_CACHE, PROVISIONAL_SUFFIX, ResponseStore, StoreWarning

__all__ = ["read_pinpoint_kpi", "read_pinpoint_kpi_json"]

ALL = "all"
"""``campaign_id="all"`` / ``journey_id="all"``: every campaign / journey of the project."""


class PartialResultWarning(UserWarning):
    """``errors="warn"``: some requests failed and their rows are missing from the frame."""


def read_pinpoint_kpi(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
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
        days are split into calendar-month requests for ``-grouped-by-date`` KPIs and stitched
        (no day lost or repeated; full months are shared between reads, so a ``cache=`` is
        reused when the start moves); other KPIs cannot be stitched exactly and are refused
        unless ``keep_windows=True``.
    campaign_id : str or list of str or "all", optional
        Read campaign-scope KPIs for this campaign. A list (or ``"all"``: every campaign of the
        project) adds a leading ``CampaignId`` index level; a single string adds none.
    journey_id : str or list of str or "all", optional
        Likewise for journeys (``JourneyId`` level). At most one of campaign_id / journey_id;
        with neither, application-scope KPIs are read.
    keep_windows : bool, default False
        Read any KPI over any range as calendar-month windows and keep the answers apart under
        a ``Window`` level (``start/end``), after the id level. Use it for KPIs that cannot be
        stitched (rates, unique counts, per-run groupings) over more than 31 days: the
        accessor's ``total()`` and ``compare()`` then add counts across windows and recompute
        rates from them, and refuse what cannot be added.
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`: None gives NumPy dtypes; the others give nullable or
        Arrow-backed columns.
    cache : str or path, optional
        A response-store directory: answers found there are not fetched again, new answers are
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
        ``df.attrs["pinpoint"]`` records the query, where the answers came from
        (``api`` / ``cache``) and when.

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError, UnknownKpiError, KpiScopeError
        Bad arguments, before any request.
    FetchError
        Some requests failed (``errors="raise"``); ``.failures`` has one
        :class:`~pinpoint_kpi_pandas.errors.ServiceError` per request.
    MissingFromStoreError
        ``offline=True`` and the store lacks some requests.

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
            "the clock, so its answers are never stored. Pass the range the online read used."
        )
    store = ResponseStore(cache) if cache is not None else None
    reach = resolve_client_options(
        client_options,
        client=client,
        boto3_session=boto3_session,
        region_name=region_name,
        endpoint_url=endpoint_url,
    )

    def client_factory() -> Any:
        return reach.make_client(max_pool_connections=max_workers)

    plan_args: dict[str, Any] = dict(campaign_id=campaign_id, journey_id=journey_id)
    wants_all = {k: v for k, v in plan_args.items() if isinstance(v, str) and v == ALL}
    if wants_all:
        # Validate everything else first (with a stand-in id), then ask for the project's ids.
        argument = next(iter(wants_all))
        stand_in = plan_kpi_requests(
            application_id,
            kpi_name,
            start_time,
            end_time,
            keep_windows=keep_windows,
            **{**plan_args, argument: ["x"]},
        )
        items = project_listing(
            application_id,
            "campaigns" if argument == "campaign_id" else "journeys",
            client_factory=client_factory,
            cache=store,
            offline=offline,
        )
        ids = [item["Id"] for item in items]
        if ids:
            plan = plan_kpi_requests(
                application_id,
                kpi_name,
                start_time,
                end_time,
                keep_windows=keep_windows,
                **{**plan_args, argument: ids},
            )
        else:  # a project without campaigns (journeys): the empty frame, through the same path
            plan = dataclasses.replace(stand_in, resource_ids=(), requests=())
    else:
        plan = plan_kpi_requests(
            application_id, kpi_name, start_time, end_time, keep_windows=keep_windows, **plan_args
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

    # Where one KPI's request failed, leave out every KPI's rows for that id and window, so the
    # columns of a row always come from the same answers (a rate and its counts stay comparable).
    failed = {_slot(f.request) for f in outcome.failures}
    parts, left_out = [], 0
    for request, response, source in zip(
        plan.requests, outcome.responses, outcome.sources, strict=True
    ):
        if response is None:
            continue
        if _slot(request) in failed:
            left_out += 1
            continue
        frame = kpi_frame(response, dtype_backend=dtype_backend, source=source or "api")
        if plan.keep_windows:
            meta = frame.attrs["pinpoint"]
            frame = with_window_level(frame, window_label(meta["start_time"], meta["end_time"]))
        parts.append((request.kpi_name, request.resource_id, frame, request.describe()))
    result = assemble(
        parts,
        kpis=plan.kpis,
        kpi_names=[k.name for k in plan.kpis],
        id_level=plan.id_level,
        resource_ids=plan.resource_ids,
        window=plan.keep_windows,
    )
    result.attrs["pinpoint"] = _live_attrs(plan, outcome, parts)
    if outcome.failures:
        also = (
            f" The {left_out} answers of the other KPIs for the same ids and windows are left out "
            "too, so every row's columns come from the same windows."
            if left_out
            else ""
        )
        result.attrs["pinpoint"]["left_out"] = left_out
        warnings.warn(
            _failure_summary(outcome.failures, len(plan.requests))
            + " Their rows are missing from the frame; see df.attrs['pinpoint']['failed']."
            + also,
            PartialResultWarning,
            stacklevel=2,
        )
    return result


def _slot(request) -> tuple:
    """The id and window a request covers, whatever its KPI."""
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
    if not isinstance(offline, bool):
        raise ArgumentTypeError(f"offline must be True or False, not {offline!r}.")
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentTypeError(f"progress must be True, False or None, not {progress!r}.")


def _failure_summary(failures, total: int, shown: int = 10) -> str:
    causes = {unreachable_endpoint(f.__cause__) if f.__cause__ else None for f in failures}
    if len(causes) == 1 and None not in causes:
        # One line: the endpoint, not the same connection error once per request.
        return f"{len(failures)} of {total} Pinpoint requests failed: {causes.pop()}. " + (
            UNREACHABLE_FIX
        )
    lines = "\n  ".join(str(f) for f in failures[:shown])
    more = (
        f"\n  ... and {len(failures) - shown} more (every one is in .failures, or in "
        "df.attrs['pinpoint']['failed'] with errors='warn')"
        if len(failures) > shown
        else ""
    )
    return f"{len(failures)} of {total} Pinpoint requests failed:\n  {lines}{more}\n"


def _live_attrs(plan: KpiPlan, outcome, parts) -> dict:
    attrs = plan.query()
    used = {s for s in outcome.sources if s is not None}
    attrs["source"] = "+".join(sorted(used)) if used else "api"
    starts = [p[2].attrs["pinpoint"]["start_time"] for p in parts]
    ends = [p[2].attrs["pinpoint"]["end_time"] for p in parts]
    if attrs["start_time"] is None and starts and all(starts):
        # The service chose the window: record what it answered for.
        attrs["start_time"], attrs["end_time"] = min(starts), max(ends)
    attrs["requests"] = len(plan.requests)
    attrs["calls"] = outcome.calls
    attrs["failed"] = [str(f) for f in outcome.failures]
    attrs["retrieved_at"] = format_instant(datetime.now(UTC))
    return attrs


# --- saved responses -------------------------------------------------------------------------


def read_pinpoint_kpi_json(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Read saved Pinpoint KPI responses into the frame a live read would give.

    Every form a saved answer takes is accepted: AWS CLI v1 and v2 output, boto3 results dumped
    with ``json.dumps(result, default=str)``, bare HTTP bodies, with or without
    ``ResponseMetadata``; a file may also hold a JSON list of responses. Pinpoint's analytics
    ended on 2026-10-30, so for most users this is the main way in.

    Parameters
    ----------
    paths : str, path, or list of them
        Files, directories (searched recursively for ``*.json``, e.g. a ``cache=`` store) or glob
        patterns (``"exports/**/*.json"``).
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_pinpoint_kpi` returns: answers for several campaigns (journeys) stack
        under a ``CampaignId`` (``JourneyId``) level; windows of a ``-grouped-by-date`` KPI are
        stitched (a day saved twice with the same values is kept once); other KPIs saved for
        several windows get a ``Window`` level (``start/end`` in ISO 8601; after the id level,
        as ``keep_windows=True`` gives live) so windows are never merged; several KPIs of one
        grouping are joined side by side, in catalog order (as a live read orders them). Ids
        come in the order of the files: files do not record the order a live read asked for, so
        name (or sort) them in that order to get the live frame back.
        Reading a ``cache=`` folder skips the project listings saved there and warns about
        provisional answers. ``df.attrs["pinpoint"]["files"]`` lists the files read.

    Raises
    ------
    InvalidArgumentError
        A path matches no file.
    ResponseFormatError
        A file is not JSON or not a KPI response; the message names the file.
    ConflictingDataError
        The same row appears in two files with different values; both files are named.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> import pinpoint_kpi_pandas as ppk
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> saved = {"ApplicationDateRangeKpiResponse": {
    ...     "ApplicationId": "a1", "KpiName": "txn-emails-sent",
    ...     "StartTime": "2026-08-01T00:00:00+00:00", "EndTime": "2026-08-31T23:59:59+00:00",
    ...     "KpiResult": {"Rows": [{"Values": [
    ...         {"Key": "TxnEmailsSent", "Type": "Double", "Value": "1368.0"}]}]}}}
    >>> _ = (folder / "sent.json").write_text(json.dumps(saved, indent=4))
    >>> ppk.read_pinpoint_kpi_json(folder)
       TxnEmailsSent
    0           1368
    """
    files = _expand_paths(paths)
    entries, read = [], []
    for path, named in files.items():
        responses = _load_responses(path)
        if not named and _is_listing(responses[0]):
            continue  # a project listing that cache= saved beside the answers
        if path.name.endswith(PROVISIONAL_SUFFIX):
            warnings.warn(
                f"{path} is provisional: it was fetched within Pinpoint's ~2-hour data latency "
                "of its window's end, so its last day may be incomplete.",
                StoreWarning,
                stacklevel=2,
            )
        read.append(str(path))
        for number, response in enumerate(responses):
            label = str(path) if number == 0 else f"{path}[{number}]"
            try:
                _, scope = unwrap_response(response)
                frame = kpi_frame(response, dtype_backend=dtype_backend, source="file")
            except ResponseFormatError as exc:
                raise ResponseFormatError(f"{label}: {exc}") from None
            meta = frame.attrs["pinpoint"]
            resource = (meta["campaign_ids"] or meta["journey_ids"] or [None])[0]
            entries.append((meta, scope, resource, frame, label))
    if not entries:
        raise InvalidArgumentError(
            f"paths: {paths!r} holds no KPI response (only project listings saved by cache=)."
        )
    return _assemble_saved(entries, read)


def _is_listing(document: Any) -> bool:
    return isinstance(document, dict) and bool(LISTING_MEMBERS & document.keys())


def _assemble_saved(entries, files: list[str]) -> pd.DataFrame:
    apps = list(dict.fromkeys(e[0]["application_id"] for e in entries))
    if len(apps) > 1:
        raise InvalidArgumentError(
            f"the files hold answers for {len(apps)} applications ({', '.join(map(str, apps))}); "
            "read each application's files separately."
        )
    scopes = list(dict.fromkeys(e[1] for e in entries))
    if len(scopes) > 1:
        raise InvalidArgumentError(
            f"the files mix {' and '.join(scopes)} answers; read each scope's files separately."
        )
    scope = scopes[0]
    # KPIs in catalog order (files have no request order); non-standard names last
    order = {k.name: i for i, k in enumerate(catalog.kpis(scope))}
    kpi_names = sorted(
        dict.fromkeys(e[0]["kpi_names"][0] for e in entries), key=lambda n: order.get(n, 1e9)
    )
    kpis = [catalog.find_kpi(n, scope) for n in kpi_names]
    groupings = {
        tuple(e[3].index.names) if not isinstance(e[3].index, pd.RangeIndex) else ()
        for e in entries
        if len(e[3])
    } | {(k.grouped_by,) if k and k.grouped_by else () for k in kpis if k}
    if len(groupings) > 1:
        raise InvalidArgumentError(
            f"the files hold KPIs of different groupings ({', '.join(kpi_names)}); read the "
            "files of each grouping separately (e.g. one glob per KPI)."
        )
    resources = list(dict.fromkeys(e[2] for e in entries))
    id_level = ID_LEVEL.get(scope) if len(resources) > 1 else None

    # Windows of KPIs that cannot be stitched stay apart under a Window level.
    windows_per_series: dict = {}
    for meta, _, resource, _, _ in entries:
        series = (meta["kpi_names"][0], resource)
        windows_per_series.setdefault(series, set()).add((meta["start_time"], meta["end_time"]))
    date_grouped = all(k is not None and k.is_date_grouped for k in kpis)
    window_level = not date_grouped and any(len(w) > 1 for w in windows_per_series.values())

    parts = []
    for meta, _, resource, frame, label in entries:
        if window_level:
            frame = with_window_level(frame, window_label(meta["start_time"], meta["end_time"]))
        parts.append((meta["kpi_names"][0], resource, frame, label))
    result = assemble(parts, kpis=kpis, kpi_names=kpi_names, id_level=id_level, window=window_level)
    if window_level and id_level is not None:
        result = result.sort_index(level=[id_level, WINDOW_LEVEL], sort_remaining=False)

    starts = [e[0]["start_time"] for e in entries if e[0]["start_time"]]
    ends = [e[0]["end_time"] for e in entries if e[0]["end_time"]]
    result.attrs["pinpoint"] = {
        "application_id": apps[0],
        "kpi_names": kpi_names,
        "scope": scope,
        "campaign_ids": [r for r in resources if r] if scope == "campaign" else None,
        "journey_ids": [r for r in resources if r] if scope == "journey" else None,
        "start_time": min(starts) if starts else None,
        "end_time": max(ends) if ends else None,
        "columns": {str(c): n for e in entries for c, n in e[0]["columns"].items()},
        "source": "file",
        "files": files,
        "retrieved_at": format_instant(datetime.now(UTC)),
    }
    return result


def _expand_paths(paths) -> dict[Path, bool]:
    """Every file to read, in order, and whether it was named explicitly (not found by a folder
    or glob search)."""
    if isinstance(paths, str | os.PathLike):
        items = [paths]
    elif isinstance(paths, Sequence):
        items = list(paths)
        if not items:
            raise InvalidArgumentError("paths is an empty list; pass at least one file or folder.")
    else:
        raise ArgumentTypeError(
            f"paths must be a path, a glob pattern or a list of them, not {type(paths).__name__}."
        )
    found: dict[Path, bool] = {}
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise ArgumentTypeError(
                f"each path must be a str or a path, not {type(item).__name__}."
            )
        text = os.fspath(item)
        path = Path(text).expanduser()
        named = False
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            matches, named = [path], True
        elif glob.has_magic(text):
            matches = sorted(
                Path(p)
                for p in glob.glob(os.path.expanduser(text), recursive=True)
                if Path(p).is_file()
            )
        else:
            matches = []
        if not matches:
            raise InvalidArgumentError(
                f"paths: {text!r} matches no file"
                + (" (a folder with no .json files)" if path.is_dir() else "")
                + "; check the path, or use a glob such as 'exports/**/*.json'."
            )
        for match in matches:
            found.setdefault(match.resolve(), named)
    return found


def _load_responses(path: Path) -> list:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResponseFormatError(
            f"{path}: not UTF-8 text ({exc}); is it a saved response?"
        ) from None
    except OSError as exc:
        raise ResponseFormatError(f"{path}: cannot be read ({exc}).") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ResponseFormatError(
            f"{path}: not valid JSON ({exc}); is the file truncated, or not a saved response?"
        ) from None
    if isinstance(data, list):
        if not data:
            raise ResponseFormatError(f"{path}: an empty list holds no response.")
        return data
    return [data]
