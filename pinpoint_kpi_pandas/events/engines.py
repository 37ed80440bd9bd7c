"""The engines that run the definitions: DuckDB embedded (the default) and Spark.

Each engine does three things, and only these: turn an :class:`~.sources.Archive` into raw
ibis tables with the declared schema (:mod:`.schema`), execute one ibis expression into a small
pandas frame (the aggregation streams inside the engine; nothing the size of the archive ever
reaches pandas), and name the objects it cannot read. The KPI definitions themselves
(:mod:`.definitions`) never depend on the engine.

- **DuckDB** (``engine=None`` / ``"duckdb"``, a ``duckdb`` connection or an ibis DuckDB
  backend): reads local files natively and ``s3://`` through the fsspec filesystem
  registered on its connection (no httpfs extension needed). A tqdm bar follows DuckDB's own
  query progress.
- **Spark** (``"spark"``, a ``SparkSession`` or an ibis PySpark backend): reads the same paths
  with ``spark.read.schema(...).json`` / ``.parquet``; what AWS Glue, EMR and Databricks run
  when an archive outgrows one machine (there ``s3://`` paths are read by the cluster itself).
"""

from __future__ import annotations

import itertools
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any

from ..errors import ArgumentTypeError, InvalidArgumentError
from .schema import DUE_PARQUET, FIREHOSE_JSON, duckdb_columns, spark_ddl
from .sources import Archive, ArchiveObject

__all__ = ["DuckDBEngine", "Engine", "SparkEngine", "resolve_engine"]

_VIEW_NUMBERS = itertools.count()
_PARQUET_COLUMNS = [name for name, kind in DUE_PARQUET if kind != "timestamp"]


class Engine:
    """What an engine offers the reader (see :class:`DuckDBEngine`, :class:`SparkEngine`).

    Examples
    --------
    >>> DuckDBEngine().name
    'duckdb'
    """

    name = "engine"
    backend: Any

    def raw_tables(self, objects: list[ArchiveObject], archive: Archive) -> list[Any]:
        """One raw ibis table per kind of object (JSON gzip, JSON plain, Parquet)."""
        raise NotImplementedError

    def execute(self, expr: Any, *, progress: bool) -> Any:
        """Run one ibis expression; a pandas DataFrame."""
        raise NotImplementedError

    def unreadable(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the engine saying a file could not be read."""
        raise NotImplementedError


class DuckDBEngine(Engine):
    """DuckDB embedded, through ibis; a fresh in-memory database unless one is given.

    Parameters
    ----------
    backend : ibis DuckDB backend or duckdb connection, optional

    Examples
    --------
    >>> engine = DuckDBEngine()
    >>> engine.execute(engine.backend.sql("select 42 as answer"), progress=False)
       answer
    0      42
    """

    name = "duckdb"

    def __init__(self, backend: Any = None):
        import ibis

        self.owned = backend is None  # settings are ours to choose only on our own database
        if backend is None:
            backend = ibis.duckdb.connect()
        elif not hasattr(backend, "con"):  # a bare duckdb connection
            backend = ibis.duckdb.from_connection(backend)
        self.backend = backend
        self._filesystems: list[Any] = []
        # Insertion order is never needed here, and keeping it costs memory on large scans.
        backend.con.execute("SET preserve_insertion_order = false")
        if self.owned:
            # Past its memory limit (80% of RAM by default) DuckDB spills the aggregation to disk;
            # an in-memory database needs a place for that.
            import tempfile

            spill = os.path.join(tempfile.gettempdir(), "pinpoint-kpi-duckdb")
            backend.con.execute(f"SET temp_directory = '{spill}'")

    def raw_tables(self, objects: list[ArchiveObject], archive: Archive) -> list[Any]:
        self._register(archive)
        tables = []
        for (kind, compression), paths in _groups(objects).items():
            view = f"pinpoint_events_{next(_VIEW_NUMBERS)}"
            scan = _duckdb_scan(kind, compression, paths)
            self.backend.con.execute(f"create or replace temp view {view} as {scan}")
            with warnings.catch_warnings():  # ibis 12 asks duckdb 1.5 for a renamed method
                warnings.simplefilter("ignore", DeprecationWarning)
                tables.append(self.backend.table(view))
        return tables

    def execute(self, expr: Any, *, progress: bool) -> Any:
        import ibis

        sql = str(ibis.to_sql(expr, dialect="duckdb"))
        connection = self.backend.con
        if self.owned:
            # DuckDB tracks the scan's progress only for our tqdm bar (tracking costs a little),
            # and never draws a bar of its own, in a notebook or a terminal.
            connection.execute(f"SET enable_progress_bar = {str(progress).lower()}")
            connection.execute("SET enable_progress_bar_print = false")
        if not progress:
            return connection.sql(sql).df()
        return _with_progress(lambda: connection.sql(sql).df(), connection.query_progress)

    def unreadable(self, exc: BaseException) -> bool:
        import duckdb

        return isinstance(exc, duckdb.IOException | duckdb.InvalidInputException)

    def probe(self, objects: list[ArchiveObject], archive: Archive) -> None:
        """Read every record of ``objects`` (parsing only); raise on the first that fails."""
        self._register(archive)
        for (kind, compression), paths in _groups(objects).items():
            scan = _duckdb_scan(kind, compression, paths)
            self.backend.con.execute(f"select count(event_type) from ({scan})").fetchall()

    def _register(self, archive: Archive) -> None:
        fs = archive.filesystem
        if fs is None or fs in self._filesystems:
            return
        connection = self.backend.con
        protocols = fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)
        for name in protocols:  # a filesystem given before for this protocol gives way
            if connection.filesystem_is_registered(name):
                connection.unregister_filesystem(name)
        connection.register_filesystem(fs)
        self._filesystems.append(fs)
        if self.owned:  # remote objects: more reads in flight than cores (DuckDB's advice)
            threads = connection.execute("select current_setting('threads')").fetchone()[0]
            connection.execute(f"SET threads = {max(int(threads), 8)}")


def _duckdb_scan(kind: str, compression: str | None, paths: list[str]) -> str:
    if kind == "parquet":
        columns = ", ".join(f'"{c}"' for c in _PARQUET_COLUMNS)
        return f"select {columns} from read_parquet({paths!r}, union_by_name = true)"
    # format 'auto' reads newline-delimited records and back-to-back objects alike, per file,
    # as fast as 'newline_delimited' (measured); 'unstructured' was 3x slower.
    return (
        f"select * from read_json({paths!r}, columns = {duckdb_columns()!r}, format = 'auto', "
        f"compression = '{compression or 'uncompressed'}')"
    )


class SparkEngine(Engine):
    """Spark, through ibis's PySpark backend (one session; created in local mode if not given).

    Parameters
    ----------
    backend : ibis PySpark backend or SparkSession, optional

    Examples
    --------
    >>> SparkEngine.name  # SparkEngine() starts (or reuses) a local session
    'spark'
    """

    name = "spark"

    def __init__(self, backend: Any = None):
        import ibis

        if backend is None:
            backend = ibis.pyspark.connect(local_session())
        elif not hasattr(backend, "_session"):  # a SparkSession
            backend = ibis.pyspark.connect(backend)
        self.backend = backend
        self.session = backend._session

    def raw_tables(self, objects: list[ArchiveObject], archive: Archive) -> list[Any]:
        tables = []
        for (kind, _compression), paths in _groups(objects).items():
            uris = [p if "://" in p else f"file://{p}" for p in paths]
            if kind == "parquet":
                frame = self.session.read.parquet(*uris).select(*_PARQUET_COLUMNS)
            else:
                # Spark decompresses by the .gz suffix and reads one record per line.
                reader = self.session.read.schema(spark_ddl(FIREHOSE_JSON))
                frame = reader.option("mode", "FAILFAST").json(uris)
            view = f"pinpoint_events_{next(_VIEW_NUMBERS)}"
            frame.createOrReplaceTempView(view)
            tables.append(self.backend.table(view))
        return tables

    def execute(self, expr: Any, *, progress: bool) -> Any:
        return self.backend.execute(expr)

    def unreadable(self, exc: BaseException) -> bool:
        text = f"{type(exc).__name__}: {exc}"
        return any(
            word in text
            for word in ("Malformed", "FAILFAST", "not a Parquet", "EOFException", "ZipException")
        )


def local_session():
    """A local SparkSession for this machine (UTC, one core per task, quiet), reused if running.

    Examples
    --------
    >>> callable(local_session)
    True
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.master("local[*]")
        .appName("pinpoint-kpi-pandas events")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        # Firehose objects are small: at Spark's default open cost every one is its own task.
        .config("spark.sql.files.openCostInBytes", str(64 * 1024))
        # ... and listing thousands of them is the driver's job, not a job of its own.
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.log.level", "ERROR")
        .getOrCreate()
    )


def resolve_engine(engine: Any) -> Engine:
    """The engine for ``read_pinpoint_events(engine=...)``.

    Examples
    --------
    >>> resolve_engine(None).name, resolve_engine("duckdb").name
    ('duckdb', 'duckdb')
    """
    if isinstance(engine, Engine):
        return engine
    if engine is None or (isinstance(engine, str) and engine == "duckdb"):
        return DuckDBEngine()
    if isinstance(engine, str):
        if engine == "spark":
            return SparkEngine()
        raise InvalidArgumentError(
            f"engine={engine!r} is not an engine; pass None or 'duckdb' (embedded, the default), "
            "'spark', a SparkSession, a duckdb connection or an ibis DuckDB / PySpark backend."
        )
    module = type(engine).__module__.lstrip("_")  # duckdb's connection class lives in _duckdb
    name = getattr(engine, "name", None)
    if module.startswith("duckdb") or (module.startswith("ibis") and name == "duckdb"):
        return DuckDBEngine(engine)
    if module.startswith("pyspark") or (module.startswith("ibis") and name == "pyspark"):
        return SparkEngine(engine)
    raise ArgumentTypeError(
        f"engine must be None, 'duckdb', 'spark', a SparkSession, a duckdb connection or an "
        f"ibis DuckDB / PySpark backend, not {type(engine).__name__}."
    )


def _groups(objects: list[ArchiveObject]) -> dict[tuple[str, str | None], list[str]]:
    groups: dict[tuple[str, str | None], list[str]] = {}
    for obj in objects:
        groups.setdefault((obj.format, obj.compression), []).append(obj.path)
    return groups


def _with_progress(run: Callable[[], Any], progress: Callable[[], float]) -> Any:
    from tqdm.auto import tqdm

    bar = tqdm(total=100, desc="Scanning events", unit="%", leave=False)
    done = threading.Event()

    def follow() -> None:
        while not done.wait(0.25):
            value = progress()
            if value is not None and value >= 0:
                bar.n = min(100.0, round(value, 1))
                bar.refresh()

    watcher = threading.Thread(target=follow, daemon=True)
    watcher.start()
    try:
        return run()
    finally:
        done.set()
        watcher.join()
        bar.close()
