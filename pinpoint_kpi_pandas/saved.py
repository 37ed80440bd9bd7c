"""Saved answers: :func:`read_pinpoint_kpi_json` (the frame a live read would give) and
:func:`inventory` (what a folder holds, file by file, before reading it).

Data flows one way: paths -> :func:`~pinpoint_kpi_pandas.files.find_files` ->
:func:`~pinpoint_kpi_pandas.files.load_file` per file (parsed, or bad with the reason) ->
``on_bad_file`` -> one group of application, scope and grouping ->
:func:`~pinpoint_kpi_pandas.frame.assemble_kpi_frame` -> DataFrame with its contract.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from . import catalog
from .errors import (
    BadFileError,
    BadFileWarning,
    InvalidArgumentError,
    ResponseFormatError,
    warn_user,
)
from .files import SavedAnswer, find_files, gc_paused, load_file, load_files
from .frame import DtypeBackend, assemble_kpi_frame, check_dtype_backend
from .listing import name_map, saved_listing_names
from .meta import FrameContract
from .plan import ID_LEVEL

__all__ = ["inventory", "read_pinpoint_kpi_json"]

OnBadFile = Literal["raise", "warn", "skip"]
PathsLike = str | os.PathLike | Sequence[str | os.PathLike]


def read_pinpoint_kpi_json(
    paths: PathsLike,
    *,
    on_bad_file: OnBadFile = "raise",
    names: Any = None,
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Read saved Pinpoint KPI responses into the frame a live read would give.

    Every form a saved answer takes is accepted: AWS CLI v1 and v2 output, boto3 results dumped
    with ``json.dumps(result, default=str)``, bare HTTP bodies, with or without
    ``ResponseMetadata``; a file may also hold a JSON list of responses. Pinpoint's analytics
    ended on 2026-10-30, so for most users this is the main way in.

    Parameters
    ----------
    paths : str, path, or list (or pandas Series) of them
        Files, folders (searched recursively for ``*.json`` in any case, skipping hidden files
        and folders: a ``cache=`` store is such a folder) or glob patterns
        (``"exports/**/*.json"``).
    on_bad_file : {"raise", "warn", "skip"}, default "raise"
        What to do with files that cannot be read as KPI answers (empty, truncated, not JSON,
        not a KPI answer such as a stray ``package.json``, malformed values, or a ``cache=``
        file whose content disagrees with its path), as pandas' ``on_bad_lines``: ``"raise"``
        a :class:`~pinpoint_kpi_pandas.errors.BadFileError` listing **every** bad file and why;
        ``"warn"`` read the others and name the skipped ones in a
        :class:`~pinpoint_kpi_pandas.errors.BadFileWarning`; ``"skip"`` read the others
        silently. Skipped files are listed in ``df.attrs["pinpoint"]["skipped_files"]``.
    names : mapping, Series or DataFrame, optional
        Names of the campaigns or journeys (``{id: name}``, or what
        :func:`~pinpoint_kpi_pandas.list_campaigns` returns), carried in the frame's contract
        (``attrs["pinpoint"]["names"]``) so plots, ``compare()`` and the dashboard show them
        beside the ids. Listings found among the files are read for names too: ``aws pinpoint
        get-campaigns`` (``list-journeys``, ``get-apps``) output saved beside the answers, or
        the listings a ``cache=`` store keeps; ``names`` wins over them.
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_pinpoint_kpi` returns for the same question. Campaign and journey
        answers always stack under a ``CampaignId`` (``JourneyId``) level, one id or many (a
        file cannot say whether a list was asked for, so the frame has the shape of a live read
        of a list). Windows combine as a live read's do: days of ``-grouped-by-date`` KPIs are
        stitched (a day saved twice with equal values is kept once); counts whose windows tile
        a range are summed per group (rates recomputed from their counts); anything else
        saved for several windows keeps them apart under a ``Window`` level, with a
        :class:`~pinpoint_kpi_pandas.errors.CoverageWarning` when they overlap or leave gaps.
        KPIs come in catalog order, ids in the order of the files. ``df.attrs["pinpoint"]`` is
        the frame's :class:`~pinpoint_kpi_pandas.meta.FrameContract`: ``files`` read,
        ``coverage`` (each answer's window, rows and file) and ``provisional_days``.

    Warns
    -----
    CoverageWarning
        Once, when windows of a KPI overlap (kept apart) or leave gaps, or KPIs or ids were saved
        for different days.
    ProvisionalDataWarning
        Once, when some days were not final when fetched (a ``cache=`` provisional file, or a
        boto3 dump whose ``Date`` header says so).
    BadFileWarning
        ``on_bad_file="warn"`` and some files were skipped.

    Raises
    ------
    InvalidArgumentError
        A path matches no file; the files mix applications, scopes or groupings (the message
        lists the files of each group, to read separately).
    BadFileError
        ``on_bad_file="raise"`` and some files are bad (all are listed), or every file is bad.
    ConflictingDataError
        The same row appears in two files with different values; both files are named.

    See Also
    --------
    inventory : What each file holds, with a status, before reading.

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
    >>> _ = (folder / "package.json").write_text('{"name": "dashboard"}')
    >>> ppk.read_pinpoint_kpi_json(folder, on_bad_file="skip")
       TxnEmailsSent
    0           1368
    """
    _check_on_bad_file(on_bad_file)
    check_dtype_backend(dtype_backend)
    given = name_map(names)
    with gc_paused():  # parsing builds many small objects and no cycles: collect once, after
        return _read(paths, on_bad_file, dtype_backend, given)


def _read(
    paths: PathsLike, on_bad_file: str, dtype_backend: DtypeBackend | None, given: dict[str, str]
) -> pd.DataFrame:
    answers = load_files(find_files(paths))
    names: dict[str, str] = {}  # from the listings among the files; names= wins
    for listing in dict.fromkeys(a.path for a in answers if a.listing):
        names.update(saved_listing_names(listing))
    listed = {resource_id: i for i, resource_id in enumerate(names)}  # the listings' order
    names.update(given)
    answers = [a for a in answers if not a.listing]
    if not answers:
        raise InvalidArgumentError(
            f"paths: {paths!r} holds no KPI response (only project listings saved by cache=)."
        )
    bad = [a for a in answers if a.bad]
    if bad and on_bad_file == "raise":
        bad = _value_checked(answers)  # the error lists every bad file, not only the first kind
    good, bad = _policy(answers, bad, on_bad_file)
    try:
        return _assembled(good, bad, dtype_backend, names, listed)
    except ResponseFormatError:
        # Some file's values do not type: find every such file, then apply the policy again.
        newly_bad = _value_checked(answers)
        if len(newly_bad) == len(bad):
            raise
        good, bad = _policy(answers, newly_bad, on_bad_file)
        return _assembled(good, bad, dtype_backend, names, listed)


def _value_checked(answers: list[SavedAnswer]) -> list[SavedAnswer]:
    """Every bad answer, the ones whose values do not type included (read again, checked)."""
    checked = [load_file(a.path, check_values=True)[0] if not a.bad else a for a in answers]
    return [a for a in checked if a.bad]


def _check_on_bad_file(on_bad_file: object) -> None:
    if on_bad_file not in ("raise", "warn", "skip"):
        raise InvalidArgumentError(
            f"on_bad_file must be 'raise', 'warn' or 'skip' (as pandas' on_bad_lines), not "
            f"{on_bad_file!r}."
        )


def _policy(
    answers: list[SavedAnswer], bad: list[SavedAnswer], on_bad_file: str
) -> tuple[list[SavedAnswer], list[SavedAnswer]]:
    """The answers to read, and the bad files skipped, after ``on_bad_file``."""
    bad_paths = {a.path for a in bad}
    good = [a for a in answers if a.path not in bad_paths]
    if not bad:
        return good, []
    listed = _bad_list(bad)
    if on_bad_file == "raise" or not good:
        every = " (every file is bad)" if not good else ""
        raise BadFileError(
            f"{len(bad)} of {len({a.path for a in answers})} files cannot be read as Pinpoint KPI "
            f"answers{every}:\n  {listed}\nFix or remove them, pass on_bad_file='warn' (or "
            "'skip') to read the others, or see pinpoint_kpi_pandas.inventory(paths) for the "
            "whole folder.",
            bad_files=[(a.path, a.problem or "") for a in bad],
        )
    if on_bad_file == "warn":
        warn_user(
            f"skipped {len(bad)} file{'s' * (len(bad) != 1)} that cannot be read as Pinpoint "
            f"KPI answers:\n  {listed}",
            BadFileWarning,
        )
    return good, bad


def _bad_list(bad: list[SavedAnswer], shown: int = 20) -> str:
    lines = [f"{a.path}: {a.problem}" for a in bad[:shown]]
    if len(bad) > shown:
        lines.append(f"... and {len(bad) - shown} more (BadFileError.bad_files lists them all)")
    return "\n  ".join(lines)


def _grouping(answer: SavedAnswer, kpis: dict[tuple[str, str], catalog.Kpi | None]) -> tuple:
    header = answer.header
    assert header is not None and answer.rows is not None
    known = (header.kpi_name, header.scope)
    if known not in kpis:
        kpis[known] = catalog.find_kpi(*known)
    kpi = kpis[known]
    grouped = kpi.grouped_by if kpi is not None else ("/".join(answer.rows.groups) or None)
    return (header.application_id, header.scope, grouped)


def _one_group(good: list[SavedAnswer]) -> tuple:
    groups: dict[tuple, list[str]] = {}
    kpis: dict[tuple[str, str], catalog.Kpi | None] = {}  # thousands of files, a few KPIs
    for answer in good:
        groups.setdefault(_grouping(answer, kpis), []).append(answer.label)
    if len(groups) == 1:
        return next(iter(groups))
    lines = []
    for (application_id, scope, grouped), labels in groups.items():
        files = ", ".join(labels[:4]) + (f", ... ({len(labels)} files)" if len(labels) > 4 else "")
        lines.append(
            f"application {application_id}, {scope} scope, "
            f"{'grouped by ' + grouped if grouped else 'ungrouped'}: {files}"
        )
    raise InvalidArgumentError(
        f"the files hold {len(groups)} kinds of answers that do not fit one frame (one "
        "application, scope and grouping per frame); read each kind separately, e.g. one glob "
        "or list of files per kind (pinpoint_kpi_pandas.inventory(paths) lists every file):\n  "
        + "\n  ".join(lines)
    )


def _assembled(
    good: list[SavedAnswer],
    bad: list[SavedAnswer],
    dtype_backend: DtypeBackend | None,
    id_names: dict[str, str],
    listed: dict[str, int],
) -> pd.DataFrame:
    application_id, scope, _ = _one_group(good)
    parts = [a.rows for a in good if a.rows is not None]
    order = {k.name: i for i, k in enumerate(catalog.kpis(scope))}
    names = sorted(dict.fromkeys(p.kpi_name for p in parts), key=lambda n: order.get(n, 10**9))
    found = dict.fromkeys(p.resource_id for p in parts if p.resource_id is not None)
    # In the order of a project listing saved beside them (a cache= read of campaign_id="all"
    # saves it: the live read's order, so compare()'s default baseline is the same), then as
    # found (by path).
    ids = tuple(sorted(found, key=lambda i: listed.get(i, len(listed))))
    contract = FrameContract(
        application_id=application_id,
        kpi_names=tuple(names),
        scope=scope,
        campaign_ids=ids if scope == "campaign" else None,
        journey_ids=ids if scope == "journey" else None,
        id_level=ID_LEVEL.get(scope),
        source="file",
        files=tuple(dict.fromkeys(a.path for a in good)),
        skipped_files=tuple((a.path, a.problem or "") for a in bad),
        names=id_names,  # the assembly keeps those of the frame's ids
    )
    return assemble_kpi_frame(parts, contract, dtype_backend=dtype_backend)


# --- inventory -------------------------------------------------------------------------------

INVENTORY_COLUMNS = (
    "path",
    "scope",
    "application_id",
    "id",
    "kpi_name",
    "start_time",
    "end_time",
    "rows",
    "status",
    "reason",
)


def inventory(paths: PathsLike) -> pd.DataFrame:
    """What saved files hold, one row per file, with a status: look before you read.

    Parameters
    ----------
    paths : str, path, or list of them
        As for :func:`read_pinpoint_kpi_json`: files, folders, glob patterns.

    Returns
    -------
    pandas.DataFrame
        One row per file (per answer, for a file holding a JSON list), in path order, with a
        RangeIndex and the columns ``path``, ``scope``, ``application_id``, ``id`` (the
        campaign or journey), ``kpi_name``, ``start_time`` and ``end_time`` (the window,
        ``datetime64[ns, UTC]``), ``rows``, ``status`` and ``reason``. ``status`` is one of:

        - ``"ok"``;
        - ``"provisional"``: some of its days were not final when fetched (``reason`` lists them);
        - ``"duplicate"``: the same KPI, id and window as an earlier file (``reason`` names it,
          and says whether the values differ, which the reader refuses);
        - ``"overlaps"``: its window shares days with another file's of the same KPI and id
          (``reason`` names them; days of ``-grouped-by-date`` KPIs are kept once, other KPIs'
          windows are kept apart and never added);
        - ``"listing"``: a project listing beside the answers (saved by ``cache=``, or ``aws
          pinpoint get-campaigns`` output): not an answer; the reader takes names from it;
        - ``"bad"``: not readable as a KPI answer (``reason`` says why).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> import pinpoint_kpi_pandas as ppk
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "empty.json").write_text("")
    >>> _ = (folder / "sent.json").write_text(json.dumps({"ApplicationDateRangeKpiResponse": {
    ...     "ApplicationId": "a1", "KpiName": "txn-emails-sent",
    ...     "StartTime": "2026-08-01T00:00:00Z", "EndTime": "2026-08-31T23:59:59Z",
    ...     "KpiResult": {"Rows": []}}}))
    >>> ppk.inventory(folder)[["kpi_name", "rows", "status"]]
              kpi_name  rows status
    0              NaN  <NA>    bad
    1  txn-emails-sent     0     ok
    """
    answers = [
        a
        for path, named in find_files(paths)
        for a in load_file(path, named=named, check_values=True)
    ]
    statuses = _statuses(answers)
    records = [_record(a, *statuses[i]) for i, a in enumerate(answers)]
    table = pd.DataFrame.from_records(records, columns=list(INVENTORY_COLUMNS))
    for column in ("start_time", "end_time"):
        table[column] = pd.to_datetime(table[column], utc=True).astype("datetime64[ns, UTC]")
    table["rows"] = table["rows"].astype("Int64")
    for column in ("path", "scope", "application_id", "id", "kpi_name", "status", "reason"):
        table[column] = table[column].astype("str").where(table[column].notna())
    return table


def _record(answer: SavedAnswer, status: str, reason: str) -> dict[str, Any]:
    header = answer.header
    return {
        "path": answer.label,
        "scope": header.scope if header else None,
        "application_id": header.application_id if header else None,
        "id": header.resource_id if header else None,
        "kpi_name": header.kpi_name if header else None,
        "start_time": header.start_time if header else None,
        "end_time": header.end_time if header else None,
        "rows": answer.rows.n_rows if answer.rows is not None else None,
        "status": status,
        "reason": reason,
    }


def _statuses(answers: list[SavedAnswer]) -> list[tuple[str, str]]:
    series: dict[tuple, list[SavedAnswer]] = {}
    for answer in answers:
        h = answer.header
        if not answer.listing and not answer.bad and h is not None and answer.rows is not None:
            series.setdefault((h.application_id, h.scope, h.resource_id, h.kpi_name), []).append(
                answer
            )
    out: list[tuple[str, str]] = []
    for answer in answers:
        h = answer.header
        if answer.listing:
            out.append(("listing", "a project listing: its names are read, it is not a KPI answer"))
        elif answer.bad or h is None or answer.rows is None:
            out.append(("bad", answer.problem or ""))
        else:
            out.append(
                _status(answer, series[(h.application_id, h.scope, h.resource_id, h.kpi_name)])
            )
    return out


def _window(answer: SavedAnswer) -> tuple:
    assert answer.header is not None
    return (answer.header.start_time, answer.header.end_time)


def _status(answer: SavedAnswer, series: list[SavedAnswer]) -> tuple[str, str]:
    header, rows = answer.header, answer.rows
    assert header is not None and rows is not None and header.start_time and header.end_time
    earlier = series[: series.index(answer)]
    for other in earlier:
        if _window(other) == _window(answer):
            assert other.rows is not None
            same = (dict(other.rows.groups), dict(other.rows.values)) == (
                dict(rows.groups),
                dict(rows.values),
            )
            how = "identical" if same else "with different values, which the reader refuses"
            return "duplicate", f"same KPI, id and window as {other.label} ({how})"
    first, last = header.start_time.date(), header.end_time.date()
    overlapping = []
    for other in series:
        start, end = _window(other)
        different = other is not answer and _window(other) != _window(answer)
        if different and start.date() <= last and first <= end.date():
            overlapping.append(other)
    if overlapping:
        kpi = catalog.find_kpi(header.kpi_name, header.scope)
        effect = (
            "days answered twice are kept once if they agree"
            if kpi is not None and kpi.is_date_grouped
            else "the reader keeps the windows apart and never adds them"
        )
        names = ", ".join(o.label for o in overlapping[:3])
        return "overlaps", f"its window shares days with {names} ({effect})"
    if rows.provisional_days:
        days = rows.provisional_days
        more = " ..." if len(days) > 5 else ""
        return "provisional", f"not final when fetched: {', '.join(days[:5])}{more}"
    return "ok", ""
