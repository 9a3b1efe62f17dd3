"""Build the dbt project on a fakesnow server and read its models back (no pytest here)."""

from pathlib import Path

import pandas as pd
from snowflake.connector import SnowflakeConnection

from tests.engines.snowflake.server import FakesnowServer
from tests.support import run_dbt

MODEL_SCHEMA = "fullstory"


def run_dbt_on(
    server: FakesnowServer,
    database: str,
    args: list[str],
    target_path: Path,
    env: dict[str, str] | None = None,
) -> None:
    """Run dbt in-process with the ``snowflake`` target on ``server``, in ``database``.

    ``target_path`` keeps this target's manifest apart from DuckDB's (the reference build), so
    neither forces the other to parse the project again.
    """
    run_dbt(
        [*args, "--target-path", str(target_path)],
        target_path / "unused.duckdb",
        {**server.dbt_env(database), **(env or {})},
    )


def read_table(connection: SnowflakeConnection, relation: str) -> pd.DataFrame:
    """Every row of ``relation``, as the connector returns them (VARIANT as JSON text)."""
    with connection.cursor() as cursor:
        cursor.execute(f"select * from {relation}")
        columns = [column.name for column in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)
        # fakesnow's server returns a TIMESTAMP column that is NULL in every row as 1970-01-01
        # (count() on the engine says NULL): such columns are read back as the NULLs they are.
        counts = ", ".join(f'count("{name}")' for name in columns)
        cursor.execute(f"select {counts} from {relation}")
        (non_null,) = cursor.fetchall()
    for name, count in zip(columns, non_null, strict=True):
        if count == 0:
            frame[name] = None
    return frame


def read_model(connection: SnowflakeConnection, name: str) -> pd.DataFrame:
    """Every row of model ``name``."""
    return read_table(connection, f"{MODEL_SCHEMA}.{name}")
