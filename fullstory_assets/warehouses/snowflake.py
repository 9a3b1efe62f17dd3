"""Snowflake, through dagster-snowflake's ``SnowflakeResource``."""

from collections.abc import Iterator
from contextlib import contextmanager

from dagster_snowflake import SnowflakeResource

from fullstory_assets.warehouses.dbapi import DbApiSession
from fullstory_assets.warehouses.dialect import DIALECTS


class SnowflakeWarehouse(SnowflakeResource):
    """Snowflake; ``additional_snowflake_connection_args`` carries host/port/protocol if set."""

    @contextmanager
    def session(self) -> Iterator[DbApiSession]:
        """A connection for the ``with`` block (the connector's default pyformat binding)."""
        with self.get_connection() as conn:
            yield DbApiSession(conn, DIALECTS["snowflake"])
