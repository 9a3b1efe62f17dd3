"""Redshift, and PostgreSQL (the engine the Redshift suite runs on here), through psycopg2.

dagster-aws's ``RedshiftClientResource`` holds the connection settings; its client runs one
unparameterised statement per connection, so sessions open their own psycopg2 connection from
the same arguments.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg2
from dagster_aws.redshift import RedshiftClientResource

from fullstory_assets.warehouses.dialect import DIALECTS, Dialect

_RELATIONS = """
    select lower(table_name) from information_schema.tables
    where lower(table_schema) = lower(%(schema)s)"""


class PostgresSession:
    """A read-only ``WarehouseSession`` on one psycopg2 connection."""

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


class RedshiftWarehouse(RedshiftClientResource):
    """Redshift (``dialect='redshift'``) or PostgreSQL (``dialect='postgres'``)."""

    dialect: str = "redshift"

    @contextmanager
    def session(self) -> Iterator[PostgresSession]:
        """A read-only autocommit connection for the ``with`` block."""
        conn = psycopg2.connect(**self.get_client().conn_args)
        try:
            conn.set_session(readonly=True, autocommit=True)
            with conn.cursor() as cursor:
                # Event times are TIMESTAMPTZ there: the naive UTC bounds and watermarks the
                # queries bind must not be read in the server's or the login's time zone.
                cursor.execute("set time zone 'UTC'")
            yield PostgresSession(conn, DIALECTS[self.dialect])
        finally:
            conn.close()
