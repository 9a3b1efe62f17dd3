"""BigQuery, through dagster-gcp's ``BigQueryResource``, with the bytes each query scans.

On BigQuery a query costs the bytes it scans: sessions add them up so callers can report them
(the sensor's tick log). Parameters are written into the SQL as typed literals: they are only
ever timestamps, dates and numbers the project computes (never text from outside), and crucible,
the BigQuery emulator the tests run on, has no query parameters.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from dagster_gcp import BigQueryResource
from google.api_core.client_options import ClientOptions
from google.api_core.exceptions import NotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from fullstory_assets.warehouses.dialect import DIALECTS


def literal(value: Any) -> str:
    """``value`` as a BigQuery literal of its type (timestamps in UTC).

    Raises:
        TypeError: Not a timestamp, date or number (text is never inlined).
    """
    if isinstance(value, datetime):  # before date: a datetime is a date
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return f"timestamp '{value.isoformat(sep=' ', timespec='microseconds')}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    raise TypeError(f"no BigQuery literal for {value!r}")


class BigQuerySession:
    """A ``WarehouseSession`` on one BigQuery client; ``bytes_scanned`` sums its queries."""

    dialect = DIALECTS["bigquery"]

    def __init__(self, client: bigquery.Client):
        self._client = client
        self.bytes_scanned = 0

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` with its ``@name`` placeholders replaced by ``params``' literals."""
        for name, value in sorted((params or {}).items(), key=lambda item: -len(item[0])):
            sql = sql.replace(f"@{name}", literal(value))
        job = self._client.query(sql)
        rows = [tuple(row.values()) for row in job.result()]
        self.bytes_scanned += job.total_bytes_processed or 0
        return rows

    def relations_in(self, schema: str) -> set[str]:
        """Lower-case names of the tables and views in dataset ``schema``."""
        try:
            return {table.table_id.lower() for table in self._client.list_tables(schema)}
        except NotFound:
            return set()


class BigQueryWarehouse(BigQueryResource):
    """BigQuery, at ``api_endpoint`` if set (a regional or private endpoint, or an emulator).

    Only an emulator (``emulator``) is reached without credentials.
    """

    api_endpoint: str | None = None
    emulator: bool = False

    @contextmanager
    def session(self) -> Iterator[BigQuerySession]:
        """A client for the ``with`` block."""
        if self.api_endpoint:
            client = bigquery.Client(
                project=self.project,
                location=self.location,
                credentials=AnonymousCredentials() if self.emulator else None,
                client_options=ClientOptions(api_endpoint=self.api_endpoint),
            )
            try:
                yield BigQuerySession(client)
            finally:
                client.close()
            return
        with self.get_client() as client:
            yield BigQuerySession(client)
