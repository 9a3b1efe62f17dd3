"""Redshift, and PostgreSQL (the engine the Redshift suite runs on here), through psycopg2.

dagster-aws's ``RedshiftClientResource`` holds the connection settings; its client runs one
unparameterised statement per connection, so sessions open their own psycopg2 connection from
the same arguments.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from dagster_aws.redshift import RedshiftClientResource

from fullstory_assets.warehouses.dbapi import DbApiSession
from fullstory_assets.warehouses.dialect import DIALECTS


class RedshiftWarehouse(RedshiftClientResource):
    """Redshift (``dialect='redshift'``) or PostgreSQL (``dialect='postgres'``)."""

    dialect: str = "redshift"

    @contextmanager
    def session(self) -> Iterator[DbApiSession]:
        """An autocommit connection for the ``with`` block; its queries only read."""
        conn = psycopg2.connect(**self.get_client().conn_args)
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                # Event times are TIMESTAMPTZ there: the naive UTC bounds the queries bind must
                # not be read in the server's or the login's time zone.
                cursor.execute("set time zone 'UTC'")
            yield DbApiSession(conn, DIALECTS[self.dialect])
        finally:
            conn.close()
