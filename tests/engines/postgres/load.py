"""Load a raw Fullstory events table into PostgreSQL, typed as Redshift delivers it."""

import io

import psycopg2
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg2 import sql

# Fullstory's Redshift destination (ARCHITECTURE.md §2); the JSON columns (SUPER there) are text.
RAW_COLUMN_TYPES = {
    "event_id": "varchar",
    "event_time": "timestamptz",
    "processed_time": "timestamptz",
    "updated_time": "timestamptz",
    "device_id": "bigint",
    "session_id": "bigint",
    "view_id": "bigint",
    "event_type": "varchar",
    "event_properties": "varchar",
    "source_type": "varchar",
    "source_properties": "varchar",
}


def load_raw(
    conn_params: dict, table: pa.Table, schema: str = "fullstory_raw", name: str = "events"
) -> None:
    """Replace the rows of ``schema.name`` with ``table``'s, in one transaction, through COPY.

    The table is created if missing, else emptied and kept, so the views built on it (staging)
    stay valid, as they do when Fullstory's sync merges into the warehouse's table.

    Args:
        conn_params: Keyword arguments for ``psycopg2.connect``.
        table: Raw events with (a subset of) RAW_COLUMN_TYPES' columns; naive timestamps are UTC.
        schema: Schema of the raw table, created if missing.
        name: The table's name.
    """
    unknown = set(table.column_names) - set(RAW_COLUMN_TYPES)
    if unknown:
        raise ValueError(f"not raw Fullstory columns: {sorted(unknown)}")
    relation = sql.Identifier(schema, name)
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in table.column_names)
    definition = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(RAW_COLUMN_TYPES[c]))
        for c in table.column_names
    )
    # pyarrow quotes every string and writes NULL as an empty unquoted field, which is what
    # COPY's csv format reads as NULL; an empty string stays "".
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)
    buffer.seek(0)
    connection = psycopg2.connect(**conn_params)
    try:
        with connection, connection.cursor() as cursor:  # one transaction: commit or roll back
            cursor.execute("set local timezone to 'UTC'")  # naive timestamps are UTC
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            create = sql.SQL("create table if not exists {} ({})")
            cursor.execute(create.format(relation, definition))
            cursor.execute(sql.SQL("truncate {}").format(relation))
            copy = sql.SQL("copy {} ({}) from stdin with (format csv, header true)")
            cursor.copy_expert(copy.format(relation, columns).as_string(cursor), buffer)
            cursor.execute(sql.SQL("analyze {}").format(relation))
    finally:
        connection.close()
