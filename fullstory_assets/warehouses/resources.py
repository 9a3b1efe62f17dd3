"""The Dagster resource of the configured warehouse (``FULLSTORY_WAREHOUSE``).

Its ``session()`` is what the late-data sensor, the row counts and the bad-input checks query.
Credentials are ``EnvVar``s, resolved only when a run or a tick uses the resource.
"""

from dagster import EnvVar

from fullstory_assets.settings import Settings
from fullstory_assets.warehouses.duckdb import DuckDBWarehouse

WAREHOUSE_RESOURCE_KEY = "warehouse"


def warehouse_resource(settings: Settings):
    """The resource for ``settings.warehouse``, configured from the same variables as dbt."""
    # Each client library is imported only for its warehouse: Snowflake's and Google's take
    # seconds to import, which every code-server load and run worker would pay.
    options = settings.connection
    if settings.warehouse == "bigquery":
        from fullstory_assets.warehouses.bigquery import BigQueryWarehouse

        return BigQueryWarehouse(
            project=EnvVar("BIGQUERY_PROJECT"),
            location=options["BIGQUERY_LOCATION"],
            api_endpoint=options["BIGQUERY_API_ENDPOINT"] or None,
            emulator=bool(options["FULLSTORY_BIGQUERY_EMULATOR"]),
        )
    if settings.warehouse == "snowflake":
        from fullstory_assets.warehouses.snowflake import SnowflakeWarehouse

        endpoint = {
            "host": options["SNOWFLAKE_HOST"],
            "port": int(options["SNOWFLAKE_PORT"]),
            "protocol": options["SNOWFLAKE_PROTOCOL"],
        }
        return SnowflakeWarehouse(
            account=EnvVar("SNOWFLAKE_ACCOUNT"),
            user=EnvVar("SNOWFLAKE_USER"),
            password=EnvVar("SNOWFLAKE_PASSWORD"),
            database=options["SNOWFLAKE_DATABASE"],
            warehouse=options["SNOWFLAKE_WAREHOUSE"] or None,
            role=options["SNOWFLAKE_ROLE"] or None,
            # A host is set only to reach an endpoint other than <account>.snowflakecomputing.com.
            additional_snowflake_connection_args=endpoint if endpoint["host"] else None,
        )
    if settings.warehouse in ("redshift", "postgres"):
        from fullstory_assets.warehouses.postgres import RedshiftWarehouse

        prefix = settings.warehouse.upper()
        return RedshiftWarehouse(
            dialect=settings.warehouse,
            host=options.get(f"{prefix}_HOST") or EnvVar(f"{prefix}_HOST"),
            port=int(options[f"{prefix}_PORT"]),
            user=options.get(f"{prefix}_USER") or EnvVar(f"{prefix}_USER"),
            password=EnvVar(f"{prefix}_PASSWORD"),
            database=options[f"{prefix}_DATABASE"],
            sslmode=options[f"{prefix}_SSLMODE"],
        )
    # The file follows FULLSTORY_DUCKDB_PATH when a session starts, as the dbt runs do.
    return DuckDBWarehouse()
