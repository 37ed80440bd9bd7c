"""The event record's schema, written once and rendered for each engine.

Pinpoint never publishes a schema for its event stream, and sample-based inference is unsafe
(DuckDB turned ``attributes`` into a STRUCT and failed on a key first seen after 30,000 rows),
so the fields the KPI definitions read are declared here, and only those: every engine then
parses the same columns with the same types, whatever the archive holds besides.

- :data:`FIREHOSE_JSON`: the raw Firehose objects (``attributes`` a string-to-string map,
  ``metrics`` a string-to-double map, as the JSON carries them);
- :data:`DUE_PARQUET`: the Parquet files of AWS's "digital user engagement events database"
  solution, whose Glue table ``all_events`` declares ``metrics`` as
  ``struct<price_in_millicents_usd:double>`` and adds the ``ingest_timestamp`` partition.

A type is ``"string"``, ``"int64"``, ``"float64"``, ``"timestamp"``, ``("map", value)`` or a
struct: a tuple of ``(name, type)`` pairs.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DUE_PARQUET",
    "FIREHOSE_JSON",
    "duckdb_columns",
    "ibis_schema",
    "spark_ddl",
]

Type = str | tuple[Any, ...]
"""A field type: a name, ``("map", value_type)`` or a struct of ``(name, type)`` pairs."""

_MAIL_EVENT: Type = (
    ("mail", (("message_id", "string"),)),
    ("click", (("link", "string"),)),
)

FIREHOSE_JSON: tuple[tuple[str, Type], ...] = (
    ("event_type", "string"),
    ("event_timestamp", "int64"),
    ("arrival_timestamp", "int64"),
    ("application", (("app_id", "string"),)),
    ("client", (("client_id", "string"),)),
    ("attributes", ("map", "string")),
    ("metrics", ("map", "float64")),
    ("facets", (("email_channel", (("mail_event", _MAIL_EVENT),)),)),
)
"""The fields read from Firehose JSON records (everything else in a record is skipped).

Examples
--------
>>> [name for name, _ in FIREHOSE_JSON][:3]
['event_type', 'event_timestamp', 'arrival_timestamp']
"""

DUE_PARQUET: tuple[tuple[str, Type], ...] = (
    *(field for field in FIREHOSE_JSON if field[0] != "metrics"),
    ("metrics", (("price_in_millicents_usd", "float64"),)),
    ("ingest_timestamp", "timestamp"),
)
"""The same fields as the DUE solution's Glue table ``all_events`` declares them."""

_DUCKDB = {"string": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE", "timestamp": "TIMESTAMP"}
_SPARK = {"string": "STRING", "int64": "BIGINT", "float64": "DOUBLE", "timestamp": "TIMESTAMP"}


def _render(kind: Type, names: dict[str, str], struct: str, field: str, mapping: str) -> str:
    if isinstance(kind, str):
        return names[kind]
    if kind[0] == "map":
        return mapping.format(_render(kind[1], names, struct, field, mapping))
    inner = ", ".join(
        field.format(name, _render(sub, names, struct, field, mapping)) for name, sub in kind
    )
    return struct.format(inner)


def duckdb_columns(schema: tuple[tuple[str, Type], ...] = FIREHOSE_JSON) -> dict[str, str]:
    """The ``columns=`` argument of DuckDB's ``read_json``: field name -> DuckDB type.

    Examples
    --------
    >>> duckdb_columns()["attributes"], duckdb_columns()["client"]
    ('MAP(VARCHAR, VARCHAR)', 'STRUCT("client_id" VARCHAR)')
    """
    return {
        name: _render(kind, _DUCKDB, "STRUCT({})", '"{}" {}', "MAP(VARCHAR, {})")
        for name, kind in schema
        if kind != "timestamp"
    }


def spark_ddl(schema: tuple[tuple[str, Type], ...] = FIREHOSE_JSON) -> str:
    """The schema as a Spark DDL string, for ``spark.read.schema(...)``.

    Examples
    --------
    >>> spark_ddl().split(", ")[:2]
    ['`event_type` STRING', '`event_timestamp` BIGINT']
    """
    return ", ".join(
        f"`{name}` " + _render(kind, _SPARK, "STRUCT<{}>", "`{}`: {}", "MAP<STRING, {}>")
        for name, kind in schema
        if kind != "timestamp"
    )


def ibis_schema(schema: tuple[tuple[str, Type], ...] = DUE_PARQUET):
    """The schema as an :class:`ibis.Schema` (for tables that exist elsewhere, e.g. Athena's).

    Examples
    --------
    >>> schema = ibis_schema()
    >>> schema["metrics"].is_struct(), schema["attributes"].is_map()
    (True, True)
    """
    import ibis
    import ibis.expr.datatypes as dt

    simple = {"string": dt.string, "int64": dt.int64, "float64": dt.float64}
    simple["timestamp"] = dt.Timestamp()

    def convert(kind: Type) -> dt.DataType:
        if isinstance(kind, str):
            return simple[kind]
        if kind[0] == "map":
            return dt.Map(dt.string, convert(kind[1]))
        return dt.Struct({name: convert(sub) for name, sub in kind})

    return ibis.schema({name: convert(kind) for name, kind in schema})
