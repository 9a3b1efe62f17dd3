"""dbt on the local PostgreSQL server (the `postgres` target), and its tables read back."""

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import psycopg2
import psycopg2.extras
from dbt.cli.main import dbtRunner, dbtRunnerResult

from fullstory_assets.settings import DBT_PROJECT_DIR
from tests.engines.postgres.server import PostgresServer


def invoke_dbt(args: list[str], env: Mapping[str, str], target_path: Path) -> dbtRunnerResult:
    """Run dbt in-process with ``env`` set; raise with dbt's messages unless it succeeds.

    Each adapter gets its own ``target_path``: a shared one would make every switch of target
    re-parse the project (and mix compiled SQL of two warehouses).
    """
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir", str(DBT_PROJECT_DIR),
                "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(target_path),
                "--quiet",
            ]
        )  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not result.success:
        failures = [
            f"{r.node.name}: {r.message}"
            for r in getattr(result.result, "results", None) or []
            if r.status in ("error", "fail")
        ]
        raise AssertionError(f"dbt {' '.join(args)} failed: {failures or result.exception}")
    return result


def window_env(day: str, next_day: str) -> dict[str, str]:
    """The partition window of a Dagster run, [day, next_day) (macros/partition_window.sql)."""
    return {"FULLSTORY_PARTITION_START": day, "FULLSTORY_PARTITION_END": next_day}


def dbt_on_postgres(
    server: PostgresServer,
    args: list[str],
    target_path: Path,
    database: str | None = None,
    env: Mapping[str, str] | None = None,
) -> dbtRunnerResult:
    """Run dbt against ``server`` (in ``database``, default the server's)."""
    connection = server.dbt_env() | {"POSTGRES_DATABASE": database or server.database}
    return invoke_dbt(args, connection | dict(env or {}), target_path)


def read_relation(conn_params: dict, relation: str) -> pd.DataFrame:
    """Every row of ``relation``: psycopg2's types (aware datetimes, Decimal), JSON as text.

    jsonb stays text, as other warehouses' JSON arrives: decoded, the string "x" would come
    out as the bare Python str x, which no longer reads as JSON.
    """
    with psycopg2.connect(**conn_params) as connection, connection.cursor() as cursor:
        psycopg2.extras.register_default_jsonb(cursor, loads=lambda text: text)
        psycopg2.extras.register_default_json(cursor, loads=lambda text: text)
        cursor.execute(f"select * from {relation}")
        columns = [description.name for description in cursor.description]
        rows = cursor.fetchall()
    connection.close()
    return pd.DataFrame(rows, columns=columns, dtype=object)


def create_database(server: PostgresServer, name: str) -> dict:
    """A new, empty database on ``server``; returns its connection parameters."""
    connection = psycopg2.connect(**server.conn_params())
    connection.autocommit = True  # create database cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'drop database if exists "{name}"')
            cursor.execute(f'create database "{name}"')
    finally:
        connection.close()
    return server.conn_params() | {"dbname": name}
