"""The embedded DuckDB warehouse: short-lived connections and the raw-table operations.

DuckDB lets one process write a file at a time, and the webserver, the daemon and run workers are
separate processes: every helper here opens the file, does its work and closes it again.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from fullstory_assets.warehouses.raw_events import create_table_sql, merge_sql


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the DuckDB file for the length of a ``with`` block."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path), read_only=read_only)
    try:
        conn.execute("set timezone = 'UTC'")
        yield conn
    finally:
        conn.close()


def ensure_raw_table(conn: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Create the raw ``events`` table if it does not exist yet."""
    conn.execute(create_table_sql(schema))


def merge_into_raw(conn: duckdb.DuckDBPyConnection, schema: str, incoming: str) -> None:
    """Merge relation ``incoming`` into the raw table in one transaction (all or nothing)."""
    ensure_raw_table(conn, schema)
    conn.execute("begin transaction")
    try:
        conn.execute(merge_sql(schema, incoming))
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise


def relations_in(conn: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """The names of the tables and views in ``schema``."""
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {name for (name,) in rows}


def raw_table_exists(conn: duckdb.DuckDBPyConnection, schema: str) -> bool:
    """Whether the raw ``events`` table exists yet."""
    return "events" in relations_in(conn, schema)
