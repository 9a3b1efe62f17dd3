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


# The connector's type codes of TIMESTAMP_LTZ, TIMESTAMP_TZ and TIMESTAMP_NTZ.
TIMESTAMP_TYPE_CODES = {6, 7, 8}


def read_table(connection: SnowflakeConnection, relation: str) -> pd.DataFrame:
    """Every row of ``relation``, as the connector returns them (VARIANT as JSON text)."""
    with connection.cursor() as cursor:
        cursor.execute(f"select * from {relation} limit 0")
        columns = [column.name for column in cursor.description]
        # fakesnow's server returns some NULL TIMESTAMP values as 1970-01-01 (the engine's own
        # `is null` says NULL): each timestamp column comes with its `is null`, and NULLs are
        # read back as the NULLs they are.
        times = [c.name for c in cursor.description if c.type_code in TIMESTAMP_TYPE_CODES]
        flags = "".join(f', "{name}" is null as "__null_{i}"' for i, name in enumerate(times))
        cursor.execute(f"select *{flags} from {relation}")
        rows = cursor.fetchall()
    frame = pd.DataFrame([row[: len(columns)] for row in rows], columns=columns, dtype=object)
    for i, name in enumerate(times):
        is_null = [bool(row[len(columns) + i]) for row in rows]
        frame[name] = frame[name].where(~pd.Series(is_null, index=frame.index, dtype=bool), None)
    return frame


def read_model(connection: SnowflakeConnection, name: str) -> pd.DataFrame:
    """Every row of model ``name``."""
    return read_table(connection, f"{MODEL_SCHEMA}.{name}")
