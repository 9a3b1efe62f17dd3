"""The embedded DuckDB warehouse: short-lived connections and the raw-table operations.

DuckDB lets one process write a file at a time, and the webserver, the daemon and run workers are
separate processes: every helper here opens the file, does its work and closes it again.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from dagster import ConfigurableResource

from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.dialect import DIALECTS
from fullstory_assets.warehouses.raw_events import create_table_sql, merge_sql
from fullstory_assets.warehouses.session import WarehouseUnavailable


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


class DuckDBSession:
    """A read-only ``WarehouseSession`` on the DuckDB file."""

    dialect = DIALECTS["duckdb"]

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self._conn = conn

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` with ``$name`` parameters bound."""
        return self._conn.execute(sql, dict(params or {})).fetchall()

    def relations_in(self, schema: str) -> set[str]:
        """Lower-case names of the tables and views in ``schema``."""
        return {name.lower() for name in relations_in(self._conn, schema)}


class DuckDBWarehouse(ConfigurableResource):
    """The embedded DuckDB file, opened read-only per session.

    Attributes:
        path: The file; by default ``FULLSTORY_DUCKDB_PATH`` as each session starts.
    """

    path: str | None = None

    @contextmanager
    def session(self) -> Iterator[DuckDBSession]:
        """Open the file read-only for the ``with`` block.

        Raises:
            WarehouseUnavailable: The file does not exist yet, or a writer holds it (DuckDB has
                one writing process per file; a run or a sync is writing).
        """
        path = Path(self.path) if self.path else load_settings().duckdb_path
        if not path.exists():
            raise WarehouseUnavailable(f"no warehouse file yet at {path}")
        try:
            with connect(path, read_only=True) as conn:
                yield DuckDBSession(conn)
        except duckdb.IOException as exc:
            raise WarehouseUnavailable(f"warehouse busy: {exc}") from exc
