"""The same archive through every source and engine: Parquet, s3:// on a real S3 server on
loopback (moto's server mode), Spark in local mode, a table of the engine; and Athena SQL."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.events import athena_sql

from .conftest import SMALL_SCALE

pytestmark = pytest.mark.filterwarnings(
    "ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning",
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:The copy keyword is deprecated:DeprecationWarning",  # pyspark on pandas 3
    "ignore:The 'future.infer_string' option is deprecated:DeprecationWarning",  # ibis
)

SPAN = ("2026-10-04", "2026-10-04")
# The days of prefixes the span's scan reads (72 hours of lateness and an hour on each side).
SCANNED_DAYS = tuple(
    f"2026/{d}" for d in ("09/30", "10/01", "10/02", "10/03", "10/04", "10/05", "10/06", "10/07")
)


def groupings(scope):
    out: dict = {}
    for kpi in catalog.kpis(scope):
        out.setdefault(kpi.grouped_by, []).append(kpi.name)
    return sorted(out.items(), key=lambda item: str(item[0]))


def ids_of(app, scope):
    return {
        "campaign": {"campaign_id": [c.id for c in app.campaigns]},
        "journey": {"journey_id": [j.id for j in app.journeys]},
    }.get(scope, {})


# --- Parquet ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_archive(tmp_path_factory):
    from pinpoint_kpi_pandas.emulator.archive import write_event_archive

    root = tmp_path_factory.mktemp("parquet-archive")
    write_event_archive(root, scale=SMALL_SCALE, first_day=date(2026, 9, 30), format="parquet")
    return root


@pytest.mark.parametrize("scope", ["application", "campaign", "journey"])
def test_due_parquet_archives_give_the_same_frames_as_json(
    small_emulator, emulator_archive, parquet_archive, scope
):
    app = small_emulator.world.applications[0]
    assert next(parquet_archive.rglob("*.parquet")).read_bytes()[:4] == b"PAR1"
    for grouping, names in groupings(scope)[-1:]:  # the JSON tests cover every grouping
        parquet = ppk.read_pinpoint_events(
            parquet_archive, app.id, names, *SPAN, **ids_of(app, scope)
        )
        json = ppk.read_pinpoint_events(
            emulator_archive, app.id, names, *SPAN, **ids_of(app, scope)
        )
        pd.testing.assert_frame_equal(parquet, json, check_exact=True, obj=str(grouping))


# --- S3, on a real server on loopback -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_archive(emulator_archive):
    """The archive's prefixes around SPAN, uploaded to a moto S3 server (a process of its own,
    started and stopped here): (url, storage_options, endpoint)."""
    import boto3

    port = _free_port()
    moto = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        for _ in range(100):
            try:
                client.create_bucket(Bucket="firehose")
                break
            except Exception:  # not listening yet
                time.sleep(0.1)
        for path in sorted(emulator_archive.rglob("*.gz")):
            key = path.relative_to(emulator_archive).as_posix()
            if key.startswith(SCANNED_DAYS):
                client.upload_file(str(path), "firehose", f"pinpoint/{key}")
        options = {"key": "testing", "secret": "testing", "endpoint_url": endpoint}
        yield "s3://firehose/pinpoint/", options, endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("scope", ["application", "campaign", "journey"])
def test_s3_archives_equal_the_api_for_every_catalog_kpi(small_emulator, s3_archive, scope):
    url, options, _ = s3_archive
    app = small_emulator.world.applications[0]
    for grouping, names in groupings(scope):
        events = ppk.read_pinpoint_events(
            url, app.id, names, *SPAN, storage_options=options, **ids_of(app, scope)
        )
        api = ppk.read_pinpoint_kpi(
            app.id, names, *SPAN, endpoint_url=small_emulator.endpoint_url, **ids_of(app, scope)
        )
        pd.testing.assert_frame_equal(
            events.sort_index(), api.sort_index(), check_exact=True, obj=str(grouping)
        )
        assert events.attrs["pinpoint"]["archive"] == url


def test_s3_endpoint_from_the_environment(small_emulator, s3_archive, monkeypatch):
    url, _, endpoint = s3_archive
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    app = small_emulator.world.applications[0]
    df = ppk.read_pinpoint_events(url, app.id, "txn-emails-sent", *SPAN)
    assert df["TxnEmailsSent"].iloc[0] > 0


# --- Spark --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run (UTC, loopback, quiet)."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("pinpoint-kpi-pandas tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.files.openCostInBytes", str(64 * 1024))
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


SPARK_READS = [
    # one read per scope covers each family: campaigns, transactional email and SMS (by date),
    # journeys; the campaign scope goes through an ibis PySpark backend, the others a session
    (
        "application",
        [
            "successful-delivery-rate-grouped-by-date",
            "unique-deliveries-grouped-by-date",
            "txn-emails-sent-grouped-by-date",
            "txn-emails-unique-opens-grouped-by-date",
            "txn-sms-sent-grouped-by-date",
        ],
    ),
    (
        "campaign",
        [
            "successful-deliveries-grouped-by-campaign-activity",
            "unique-deliveries-grouped-by-campaign-activity",
        ],
    ),
    (
        "journey",
        ["emails-sent-grouped-by-journey-activity", "emails-opened-grouped-by-journey-activity"],
    ),
]


@pytest.mark.parametrize(("scope", "names"), SPARK_READS, ids=[s for s, _ in SPARK_READS])
def test_spark_gives_the_apis_frames(small_emulator, emulator_archive, spark, scope, names):
    import ibis

    app = small_emulator.world.applications[0]
    engine = ibis.pyspark.connect(spark) if scope == "campaign" else spark
    events = ppk.read_pinpoint_events(
        emulator_archive, app.id, names, *SPAN, engine=engine, **ids_of(app, scope)
    )
    api = ppk.read_pinpoint_kpi(
        app.id, names, *SPAN, endpoint_url=small_emulator.endpoint_url, **ids_of(app, scope)
    )
    assert events.attrs["pinpoint"]["engine"] == "spark"
    pd.testing.assert_frame_equal(events.sort_index(), api.sort_index(), check_exact=True)


# --- other engines' tables, Athena --------------------------------------------------------------


def test_a_duckdb_connection_of_ones_own_runs_the_read(small_emulator, emulator_archive):
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET memory_limit = '400MB'")
    app = small_emulator.world.applications[0]
    mine = ppk.read_pinpoint_events(
        emulator_archive, app.id, "txn-emails-sent", *SPAN, engine=connection
    )
    default = ppk.read_pinpoint_events(emulator_archive, app.id, "txn-emails-sent", *SPAN)
    pd.testing.assert_frame_equal(mine, default)
    assert connection.execute("select current_setting('memory_limit')").fetchone()[0] in (
        "400.0 MB",
        "381.4 MiB",
    )


def test_a_table_of_the_engine_is_a_source(small_emulator, parquet_archive):
    import ibis

    backend = ibis.duckdb.connect()
    files = [str(p) for p in sorted(parquet_archive.rglob("*.parquet"))]
    backend.con.execute(f"create table all_events as select * from read_parquet({files!r})")
    app = small_emulator.world.applications[0]
    from_table = ppk.read_pinpoint_events(
        "all_events", app.id, "txn-sms-sent", *SPAN, engine=backend
    )
    from_files = ppk.read_pinpoint_events(parquet_archive, app.id, "txn-sms-sent", *SPAN)
    assert from_table["TxnSmsSent"].tolist() == from_files["TxnSmsSent"].tolist()


def test_athena_sql_compiles_the_same_definitions_for_glue_tables():
    sql = athena_sql(
        "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
        [
            "email-open-rate-grouped-by-campaign-activity",
            "direct-email-opens-grouped-by-campaign-activity",
        ],
        "2025-06-01",
        "2025-06-30",
        campaign_id="c0ffee",
        database="due_eventdb",
    )
    assert sql.startswith("SELECT")
    assert '"due_eventdb"."all_events"' in sql
    assert "ingest_timestamp" in sql  # partitions pruned
    assert "EmailOpenRate" in sql and "CampaignActivityId" in sql
    assert '"metrics"."price_in_millicents_usd"' in athena_sql("a1", "sms-spend", campaign_id="c1")
    raw_json = athena_sql("a1", "sms-spend", campaign_id="c1", metrics_as_map=True)
    assert "ELEMENT_AT" in raw_json.upper() or '"metrics"[\'' in raw_json  # a map instead
