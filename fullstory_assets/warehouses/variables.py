"""The connection variables of each warehouse (listed in .env.example).

settings.py reads the optional ones; Dagster reads the required ones as ``EnvVar``.
"""

# Each warehouse's connection variables, read by its dbt target (dbt_models/profiles.yml) and its
# Dagster resource (warehouses/resources.py). Credentials, and what no connection can do without,
# Dagster reads as `EnvVar` when a run or a tick starts: definitions load without them and a
# missing one is named in that run's error. The optional rest is read here, with the same defaults
# as the dbt target.
REQUIRED_CONNECTION_VARIABLES = {
    "duckdb": (),
    "bigquery": ("BIGQUERY_PROJECT",),
    "snowflake": ("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_PASSWORD"),
    "redshift": ("REDSHIFT_HOST", "REDSHIFT_USER", "REDSHIFT_PASSWORD"),
    "postgres": ("POSTGRES_PASSWORD",),
}
OPTIONAL_CONNECTION_VARIABLES = {
    "duckdb": {},
    "bigquery": {
        "BIGQUERY_LOCATION": "US",
        "BIGQUERY_API_ENDPOINT": "",
        # Set by the tests' BigQuery emulator: no credentials, and its workarounds in dbt.
        "FULLSTORY_BIGQUERY_EMULATOR": "",
    },
    "snowflake": {
        "SNOWFLAKE_DATABASE": "FULLSTORY",
        "SNOWFLAKE_WAREHOUSE": "",
        "SNOWFLAKE_ROLE": "",
        "SNOWFLAKE_HOST": "",
        "SNOWFLAKE_PORT": "443",
        "SNOWFLAKE_PROTOCOL": "https",
    },
    "redshift": {
        "REDSHIFT_PORT": "5439",
        "REDSHIFT_DATABASE": "dev",
        "REDSHIFT_SSLMODE": "require",
    },
    "postgres": {
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_DATABASE": "postgres",
        "POSTGRES_SSLMODE": "prefer",
    },
}
