"""Snowflake, through dagster-snowflake's ``SnowflakeResource``."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from dagster_snowflake import SnowflakeResource

from fullstory_assets.warehouses.dialect import DIALECTS

# Snowflake folds unquoted names to upper case; the models' names are unquoted.
_RELATIONS = """
    select lower(table_name) from information_schema.tables
    where lower(table_schema) = lower(%(schema)s)"""


class SnowflakeSession:
    """A ``WarehouseSession`` on one Snowflake connection (the connector's pyformat style)."""

    dialect = DIALECTS["snowflake"]

    def __init__(self, conn):
        self._conn = conn

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` with ``%(name)s`` parameters bound."""
        with self._conn.cursor() as cursor:
            cursor.execute(sql, dict(params or {}))
            return cursor.fetchall()

    def relations_in(self, schema: str) -> set[str]:
        """Lower-case names of the tables and views in ``schema`` of the connection's database."""
        return {name for (name,) in self.fetchall(_RELATIONS, {"schema": schema})}


class SnowflakeWarehouse(SnowflakeResource):
    """Snowflake; ``additional_snowflake_connection_args`` carries host/port/protocol if set."""

    @contextmanager
    def session(self) -> Iterator[SnowflakeSession]:
        """A connection for the ``with`` block."""
        with self.get_connection() as conn:
            yield SnowflakeSession(conn)
