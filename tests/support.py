"""Helpers the tests share: build the dbt project against a DuckDB file, read tables back."""

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd
from dbt.cli.main import dbtRunner

from fullstory_assets.settings import DBT_PROJECT_DIR

PEER_DIR = Path(__file__).resolve().parents[2] / "shared" / "peer_fixtures" / "dbt_fullstory"
PEER_SEED = PEER_DIR / "fullstory_events_integration_seeds.csv"
MART_MODELS = (
    "events", "devices", "identifies", "identified_users", "anonymous_users", "sessions", "users",
)


def run_dbt(args: list[str], db_path: Path, env: Mapping[str, str] | None = None) -> None:
    """Run a dbt command in-process against ``db_path``; raise with dbt's message on failure."""
    saved = dict(os.environ)
    os.environ.update({"FULLSTORY_DUCKDB_PATH": str(db_path), **(env or {})})
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--quiet"]
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not result.success:
        failures = [
            f"{r.node.name}: {r.message}" for r in (result.result or []) if r.status in ("error", "fail")
        ]
        raise AssertionError(f"dbt {' '.join(args)} failed: {failures or result.exception}")


def read_table(db_path: Path, relation: str, order_by: str | None = None) -> pd.DataFrame:
    """Read a whole table (sorted when ``order_by`` is given), closing the file afterwards."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        sql = f"select * from {relation}" + (f" order by {order_by}" if order_by else "")
        return conn.sql(sql).df()
