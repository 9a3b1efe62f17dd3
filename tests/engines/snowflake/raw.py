"""Load a raw Data Destinations events table into Snowflake (or fakesnow) through the connector."""

import json

import pyarrow as pa
from snowflake.connector import SnowflakeConnection

# Snowflake Data Destinations' types (ARCHITECTURE.md §2); JSON columns are VARIANT.
COLUMNS = {
    "event_id": "varchar",
    "event_time": "timestamp_ntz",
    "processed_time": "timestamp_ntz",
    "updated_time": "timestamp_ntz",
    "device_id": "bigint",
    "session_id": "bigint",
    "view_id": "bigint",
    "event_type": "varchar",
    "event_properties": "variant",
    "source_type": "varchar",
    "source_properties": "variant",
}
# Rows per statement: keeps each bound document a few MB, far below Snowflake's value size limit.
CHUNK_ROWS = 5000


def load_raw(
    connection: SnowflakeConnection,
    table: pa.Table,
    schema: str = "FULLSTORY_RAW",
    json_type: str = "variant",
) -> None:
    """Replace ``<schema>.EVENTS`` in the connection's database with the rows of ``table``.

    Each chunk of rows is sent as one JSON array in a single bound value and unpacked by
    ``flatten``, so a statement stays short whatever the row count: fakesnow transpiles every
    statement with sqlglot, which made multi-row ``values`` lists cost about 5 ms a row (15 s for
    3,000 rows) and row-by-row ``executemany`` more; this takes about 0.5 s for 3,000 rows.
    Every value travels as a JSON string (ids too, so they never pass through a float) and is
    cast to its column's type on the server; JSON columns are parsed with ``parse_json``.
    A ``qmark``/``numeric`` connection binds the document server-side; with the connector's
    default ``pyformat`` it is interpolated client-side (correct, but slow on fakesnow).

    Args:
        connection: An open connection whose current database receives the table.
        table: The raw events, with at least the columns of ``COLUMNS``.
        schema: The raw schema (created if missing).
        json_type: ``variant`` as Data Destinations delivers them, or ``varchar`` to load the
            JSON columns as text (the shape of a text-typed copy of the table).
    """
    types = {name: json_type if kind == "variant" else kind for name, kind in COLUMNS.items()}
    selected = [
        f"parse_json(value:{name}::varchar)" if kind == "variant" else f"value:{name}::{kind}"
        for name, kind in types.items()
    ]
    placeholder = "%s" if connection.is_pyformat else "?"
    rows = table.select(list(types)).to_pylist()
    with connection.cursor() as cursor:
        cursor.execute(f"create schema if not exists {schema}")
        cursor.execute(
            f"create or replace table {schema}.events ("
            + ", ".join(f"{name} {kind}" for name, kind in types.items())
            + ")"
        )
        for start in range(0, len(rows), CHUNK_ROWS):
            document = json.dumps(
                [
                    {name: None if value is None else str(value) for name, value in row.items()}
                    for row in rows[start : start + CHUNK_ROWS]
                ]
            )
            cursor.execute(
                f"insert into {schema}.events ({', '.join(types)}) "
                f"select {', '.join(selected)} "
                f"from table(flatten(input => parse_json({placeholder})))",
                (document,),
            )
