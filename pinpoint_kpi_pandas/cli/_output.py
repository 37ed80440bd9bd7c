"""Tables as the command line writes them: CSV on stdout, or a .csv, .parquet or .json file.

One flat table for every format, so a file read back anywhere (pandas, DuckDB, Spark, jq) has
the same columns in the same order:

- the key columns first (the frame's index levels, in order: ``CampaignId``, ``Date``...),
  each campaign or journey id followed by its name when names were asked for
  (``CampaignName`` beside ``CampaignId``: the ids stay, to join on);
- then the values; counts stay integers, nullable (``Int64``) where a row has no value, so CSV
  never shows ``10297.0`` and Parquet stores ``int64``;
- JSON keeps every float's full precision (Python's shortest round-trip form).

A file is written to a temporary name beside it and renamed, so a half-written file is never
left under the name asked for. If the write fails all the same (a full disk), the table is
written to a file in the temporary folder and the message says where: fetched data is never
lost to a local failure.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NAME_COLUMNS",
    "OUTPUT_FORMATS",
    "flat_table",
    "warn_of_ids_without_rows",
    "write_atomically",
    "write_table",
]

OUTPUT_FORMATS = (".csv", ".parquet", ".json")
"""The file endings ``-o`` accepts; the ending sets the format."""

NAME_COLUMNS = {"CampaignId": "CampaignName", "JourneyId": "JourneyName"}
"""The id columns ``--names`` puts a name column beside, and that column's name."""

_COUNT_KINDS = ("count", "unique_count", "amount")  # amounts: whole millicents


def flat_table(frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` as the flat table every output format writes.

    Parameters
    ----------
    frame : pandas.DataFrame
        A KPI frame.
    names : mapping, optional
        ``{id: name}``: a ``CampaignName`` (``JourneyName``) column is added after each
        ``CampaignId`` (``JourneyId``) column; ids without a name get an empty value.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("c1", "r1"), ("c2", "r2")],
    ...                                 names=["CampaignId", "CampaignActivityId"])
    >>> df = pd.DataFrame({"DirectEmailOpens": [5.0, float("nan")]}, index=idx)
    >>> table = flat_table(df, {"c1": "Welcome"})
    >>> table.columns.tolist()
    ['CampaignId', 'CampaignName', 'CampaignActivityId', 'DirectEmailOpens']
    >>> str(table["DirectEmailOpens"].dtype), table["DirectEmailOpens"].tolist()
    ('Int64', [5, <NA>])
    """
    import pandas as pd

    from ..analysis import column_kpis

    kinds = {column: (kpi.kind if kpi else None) for column, kpi in column_kpis(frame).items()}
    keyed = not isinstance(frame.index, pd.RangeIndex)
    table = frame.reset_index() if keyed else frame.copy()
    for column in list(table.columns):
        if kinds.get(str(column)) in _COUNT_KINDS:
            table[column] = _as_integers(table[column])
    if names is not None:
        for id_column, name_column in NAME_COLUMNS.items():
            if id_column in table.columns and name_column not in table.columns:
                position = list(table.columns).index(id_column) + 1
                values = table[id_column].map(lambda i: names.get(str(i)))
                table.insert(position, name_column, values.astype("string"))
    return table


def _as_integers(values: pd.Series) -> pd.Series:
    """Counts as integers: int64 when complete, Int64 with gaps; unchanged if any is fractional."""
    import pandas as pd

    if not pd.api.types.is_float_dtype(values.dtype):
        return values
    present = values.dropna()
    if not bool((present == present.round()).all()):
        return values
    return values.astype("int64") if len(present) == len(values) else values.astype("Int64")


def write_table(frame: pd.DataFrame, output: str | None, names: Mapping[str, str] | None) -> None:
    """Write ``frame`` as CSV to stdout, or to ``output`` (.csv, .parquet or .json records).

    A campaign (journey) asked for that has no rows is absent from a flat table: a warning
    names it (:func:`warn_of_ids_without_rows`), on stderr, and the table's format stays.
    """
    table = flat_table(frame, names)
    if output is None:
        table.to_csv(sys.stdout, index=False)
    else:
        path = Path(output)
        write_atomically(path, lambda target: _write_file(table, target, path.suffix.lower()))
        rows = len(table)
        print(f"wrote {rows} row{'' if rows == 1 else 's'} to {path}", file=sys.stderr)
    warn_of_ids_without_rows(frame)


def warn_of_ids_without_rows(frame: pd.DataFrame, *, shown: int = 5) -> None:
    """Warn, in one line, of the campaigns (journeys) asked for that have no rows in ``frame``.

    Names (the frame's contract's) and ids of the first ``shown``, and how many more.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> df = pd.DataFrame({"Clicks": [3]}, index=pd.Index(["c1"], name="CampaignId"))
    >>> df.attrs["pinpoint"] = {"scope": "campaign", "campaign_ids": ["c1", "c2"],
    ...     "ids_with_rows": ["c1"], "names": {"c2": "Sale"},
    ...     "start_time": "2026-10-01T00:00:00Z", "end_time": "2026-10-28T23:59:59Z"}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_of_ids_without_rows(df)
    >>> message = str(caught[0].message)
    >>> message.startswith("1 of the 2 campaigns read had no data from 2026-10-01 to 2026-10-28")
    True
    >>> message.split(": ")[-1]
    'Sale (c2)'
    """
    from ..analysis import frame_contract, frame_names, ids_without_rows
    from ..errors import PinpointKpiWarning, warn_user

    contract = frame_contract(frame)
    if contract.source == "events":
        return  # read_pinpoint_events said it already, naming the objects scanned
    level = {"campaign": "CampaignId", "journey": "JourneyId"}.get(contract.scope or "")
    missing = ids_without_rows(frame, level) if level else []
    if not missing or level is None:
        return
    names = frame_names(frame)
    listed = ", ".join(f"{names[i]} ({i})" if names.get(i) else i for i in missing[:shown])
    if len(missing) > shown:
        listed += f" and {len(missing) - shown} more"
    kind = level.removesuffix("Id").lower() + "s"
    days = ""
    if contract.start_time and contract.end_time:
        days = f" from {contract.start_time[:10]} to {contract.end_time[:10]}"
    them = "it" if len(missing) == 1 else "them"
    if len(contract.ids) == 1:
        counted = f"the one {kind.removesuffix('s')} read had"
    else:
        counted = f"{len(missing)} of the {len(contract.ids)} {kind} read had"
    warn_user(
        f"{counted} no data{days}, so the table has no rows for {them}: {listed}",
        PinpointKpiWarning,
    )


def _write_file(table: pd.DataFrame, target: Path, suffix: str) -> None:
    if suffix == ".csv":
        table.to_csv(target, index=False)
    elif suffix == ".parquet":
        table.to_parquet(target, index=False)
    else:
        target.write_text(json.dumps(_records(table), indent=2, allow_nan=False) + "\n", "utf-8")


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN and NA as null, days as ``YYYY-MM-DD``, floats unrounded."""
    import pandas as pd

    columns: dict[str, list[Any]] = {}
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            text = values.dt.strftime("%Y-%m-%d")
            columns[str(column)] = [None if pd.isna(v) else v for v in text]
        else:
            columns[str(column)] = [_plain(v) for v in values.tolist()]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    return value


def write_atomically(path: Path, write: Any) -> None:
    """Call ``write(temporary_path)`` beside ``path``, then rename it to ``path``.

    If that fails, ``write`` is tried once more into the temporary folder, and an ``OSError``
    names both the failure and where the data now is.
    """
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix
        )
        os.close(handle)
        os.chmod(temporary, 0o666 & ~_umask())  # as a plain open() would have made it
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            _remove(temporary)
        rescue = _rescue(path, write)
        where = f"; the table is saved in {rescue}" if rescue else ""
        raise OSError(f"could not write {path} ({exc.strerror or exc}){where}") from exc
    except BaseException:
        if temporary is not None:
            _remove(temporary)
        raise


def _rescue(path: Path, write: Any) -> str | None:
    try:
        handle, rescue = tempfile.mkstemp(prefix="pinpoint-kpi-", suffix=path.suffix)
        os.close(handle)
        write(Path(rescue))
    except OSError:
        return None
    return rescue


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
