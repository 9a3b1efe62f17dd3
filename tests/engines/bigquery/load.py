"""Load a raw events table into BigQuery (or crucible) as Fullstory's Data Destinations writes it.

The table gets Data Destinations' BigQuery types (ARCHITECTURE.md §2: STRING ids and JSON text,
TIMESTAMP times, INT64 ids) and is partitioned by the day of event_time. Rows go in with one CSV
load job: crucible's load jobs take CSV only (no Parquet, Avro or JSON lines) and no
timePartitioning in the job, so the partitioned table is created by DDL first and the load
appends to it. crucible inserts a load's rows one by one: the reference's 3,025 rows take 7 s
(up to 18 s on a busy machine), still faster than INSERT ... VALUES (2 s per 100 rows); it
supports no query parameters.
"""

import io
from datetime import UTC, datetime

import pyarrow as pa

# Fullstory's column order and Data Destinations' BigQuery types.
RAW_COLUMNS = {
    "event_id": "STRING",
    "event_time": "TIMESTAMP",
    "processed_time": "TIMESTAMP",
    "updated_time": "TIMESTAMP",
    "device_id": "INT64",
    "session_id": "INT64",
    "view_id": "INT64",
    "event_type": "STRING",
    "event_properties": "STRING",
    "source_type": "STRING",
    "source_properties": "STRING",
}


def empty_raw() -> pa.Table:
    """A raw table with no rows, for a warehouse that only needs the table to exist."""
    arrow_types = {"STRING": pa.string(), "TIMESTAMP": pa.timestamp("us"), "INT64": pa.int64()}
    return pa.table({name: pa.array([], arrow_types[kind]) for name, kind in RAW_COLUMNS.items()})


def load_raw(client, arrow_table: pa.Table, dataset: str = "fullstory_raw") -> None:
    """Replace ``<dataset>.events`` with the rows of ``arrow_table`` (RAW_COLUMNS, any order).

    Args:
        client: A ``google.cloud.bigquery.Client``; its project holds the dataset.
        arrow_table: The raw rows, e.g. ``reference.raw``; naive timestamps are UTC.
        dataset: The raw dataset, created when missing.
    """
    from google.cloud import bigquery

    client.create_dataset(dataset, exists_ok=True)
    table = f"`{client.project}`.`{dataset}`.`events`"
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS.items())
    client.query(
        f"create or replace table {table} ({columns}) partition by timestamp_trunc(event_time, day)"
    ).result()
    if arrow_table.num_rows == 0:
        return  # crucible refuses an empty file ("CSV blank line 1"); the table is there
    job = client.load_table_from_file(
        io.BytesIO(_csv(arrow_table)),
        f"{client.project}.{dataset}.events",
        job_config=bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.CSV,
            schema=[bigquery.SchemaField(name, kind) for name, kind in RAW_COLUMNS.items()],
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        ),
    )
    job.result()


def _csv(arrow_table: pa.Table) -> bytes:
    """RFC 4180 CSV in RAW_COLUMNS order, spelled as BigQuery's CSV loader reads it.

    NULL is an empty unquoted field and every string is quoted, so an empty string stays ''.
    Integers are written from Python ints, never through a float (ids use all 64 bits).
    """
    columns = [arrow_table.column(name).to_pylist() for name in RAW_COLUMNS]
    lines = []
    for row in zip(*columns, strict=True):
        fields = [
            _field(value, kind) for value, kind in zip(row, RAW_COLUMNS.values(), strict=True)
        ]
        lines.append(",".join(fields))
    return ("\n".join(lines) + "\n").encode()


def _field(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "STRING":
        if "\n" in value or "\r" in value:
            # crucible splits lines before reading quotes; BigQuery would need allowQuotedNewlines.
            raise ValueError(f"a line break in a raw string value: {value!r}")
        return '"' + value.replace('"', '""') + '"'
    if kind == "TIMESTAMP":
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(int(value))
