"""A ``WarehouseSession`` on any DB-API connection whose driver binds ``%(name)s`` parameters.

psycopg2 (PostgreSQL, Redshift) and the Snowflake connector (its default pyformat style) both do,
and both list relations in ``information_schema``.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from fullstory_assets.warehouses.dialect import Dialect

# Snowflake folds unquoted names to upper case, PostgreSQL to lower: compared lower-cased.
_RELATIONS = """
    select lower(table_name) from information_schema.tables
    where lower(table_schema) = lower(%(schema)s)"""


class DbApiSession:
    """A ``WarehouseSession`` on one open DB-API connection."""

    def __init__(self, conn, dialect: Dialect):
        self._conn = conn
        self.dialect = dialect

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` with ``%(name)s`` parameters bound."""
        with self._conn.cursor() as cursor:
            cursor.execute(sql, dict(params or {}))
            return cursor.fetchall()

    def relations_in(self, schema: str) -> set[str]:
        """Lower-case names of the tables and views in ``schema``."""
        return {name for (name,) in self.fetchall(_RELATIONS, {"schema": schema})}
