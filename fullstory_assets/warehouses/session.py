"""What the Dagster side asks of a warehouse: a few queries, through one short-lived session.

Each warehouse module (duckdb, postgres, snowflake, bigquery) has a Dagster resource whose
``session()`` opens a connection, yields a ``WarehouseSession`` and closes it again.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from fullstory_assets.warehouses.dialect import Dialect


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be queried now (no DuckDB file yet, or another writer holds it)."""


class WarehouseSession(Protocol):
    """An open connection to the warehouse."""

    dialect: Dialect

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql``, its ``Dialect.param`` placeholders bound to ``params``."""
        ...

    def relations_in(self, schema: str) -> set[str]:
        """Lower-case names of the tables and views in ``schema`` (empty if it does not exist)."""
        ...
