"""Parquet in the layout of AWS's "digital user engagement events database" solution.

That solution's Firehose converts each record to Snappy Parquet with its Glue table
``all_events``: ``attributes`` a ``map<string,string>``, ``metrics`` a
``struct<price_in_millicents_usd:double>``, the email facets a struct. :func:`due_parquet`
writes records that way (the fields the KPIs read, :data:`~.schema.DUE_PARQUET`), so the
emulator's archives can come in that form too. Needs pyarrow.
"""

from __future__ import annotations

__all__ = ["due_arrow_schema", "due_parquet"]


def due_parquet(records: list[dict]) -> bytes:
    """Event records (JSON-shaped dicts) as Snappy Parquet in the DUE ``all_events`` layout.

    Examples
    --------
    >>> import json
    >>> from pinpoint_kpi_pandas.events import example_records
    >>> records = [json.loads(line) for line in example_records().splitlines()]
    >>> due_parquet(records)[:4]
    b'PAR1'
    """
    import io

    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    rows = []
    for r in records:
        mail_event = (r.get("facets") or {}).get("email_channel", {}).get("mail_event")
        facets = None
        if mail_event is not None:
            mail = mail_event["mail"]
            facets = {
                "email_channel": {
                    "mail_event": {
                        "mail": {
                            "message_id": mail["message_id"],
                            "message_send_timestamp": mail["message_send_timestamp"],
                            "from_address": mail["from_address"],
                            "destination": mail["destination"],
                        },
                        "click": {"link": (mail_event.get("click") or {}).get("link")},
                        "bounce": {
                            "bounce_type": (mail_event.get("bounce") or {}).get("bounce_type")
                        },
                    }
                }
            }
        price = (r.get("metrics") or {}).get("price_in_millicents_usd")
        rows.append(
            {
                "event_type": r["event_type"],
                "event_timestamp": r["event_timestamp"],
                "arrival_timestamp": r["arrival_timestamp"],
                "event_version": r["event_version"],
                "application": {"app_id": r["application"]["app_id"]},
                "client": {"client_id": r["client"]["client_id"]},
                "attributes": list(r["attributes"].items()),
                "awsAccountId": r["awsAccountId"],
                "facets": facets,
                "metrics": {"price_in_millicents_usd": price},
            }
        )
    table = pa.Table.from_pylist(rows, schema=due_arrow_schema())
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue()


def due_arrow_schema():
    """The fields the KPIs read, as pyarrow types in the DUE Glue table's layout.

    Examples
    --------
    >>> str(due_arrow_schema().field("metrics").type)
    'struct<price_in_millicents_usd: double>'
    """
    import pyarrow as pa

    string = pa.string()
    mail = pa.struct(
        [
            ("message_id", string),
            ("message_send_timestamp", pa.int64()),
            ("from_address", string),
            ("destination", pa.list_(string)),
        ]
    )
    mail_event = pa.struct(
        [
            ("mail", mail),
            ("click", pa.struct([("link", string)])),
            ("bounce", pa.struct([("bounce_type", string)])),
        ]
    )
    return pa.schema(
        [
            ("event_type", string),
            ("event_timestamp", pa.int64()),
            ("arrival_timestamp", pa.int64()),
            ("event_version", string),
            ("application", pa.struct([("app_id", string)])),
            ("client", pa.struct([("client_id", string)])),
            ("attributes", pa.map_(string, string)),
            ("awsAccountId", string),
            ("facets", pa.struct([("email_channel", pa.struct([("mail_event", mail_event)]))])),
            ("metrics", pa.struct([("price_in_millicents_usd", pa.float64())])),
        ]
    )
