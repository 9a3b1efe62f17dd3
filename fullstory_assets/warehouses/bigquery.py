"""BigQuery, through dagster-gcp's ``BigQueryResource``, with the bytes each query scans.

On BigQuery a query costs the bytes it scans: sessions add them up so callers can report them
(the sensor's tick log, the checks' metadata).
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from dagster_gcp import BigQueryResource
from google.api_core.client_options import ClientOptions
from google.api_core.exceptions import NotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from fullstory_assets.warehouses.dialect import DIALECTS

_PARAM_TYPES = (
    (bool, "BOOL"),
    (int, "INT64"),
    (float, "FLOAT64"),
    (datetime, "TIMESTAMP"),
    (date, "DATE"),
    (str, "STRING"),
)


def _parameter(name: str, value: Any) -> bigquery.ScalarQueryParameter:
    for kind, type_name in _PARAM_TYPES:  # datetime before date: it is a date subclass
        if isinstance(value, kind):
            return bigquery.ScalarQueryParameter(name, type_name, value)
    raise TypeError(f"no BigQuery parameter type for {name}={value!r}")


class BigQuerySession:
    """A ``WarehouseSession`` on one BigQuery client; ``bytes_scanned`` sums its queries."""

    dialect = DIALECTS["bigquery"]

    def __init__(self, client: bigquery.Client):
        self._client = client
        self.bytes_scanned = 0

    def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` with ``@name`` parameters bound."""
        config = bigquery.QueryJobConfig(
            query_parameters=[_parameter(k, v) for k, v in (params or {}).items()]
        )
        job = self._client.query(sql, job_config=config)
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
    """BigQuery; ``api_endpoint`` points at another endpoint (an emulator: no credentials)."""

    api_endpoint: str | None = None

    @contextmanager
    def session(self) -> Iterator[BigQuerySession]:
        """A client for the ``with`` block."""
        if self.api_endpoint:
            client = bigquery.Client(
                project=self.project,
                location=self.location,
                credentials=AnonymousCredentials(),
                client_options=ClientOptions(api_endpoint=self.api_endpoint),
            )
            try:
                yield BigQuerySession(client)
            finally:
                client.close()
            return
        with self.get_client() as client:
            yield BigQuerySession(client)
