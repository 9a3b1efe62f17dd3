"""Run the dbt project on a crucible server and read its models back."""

from pathlib import Path

import pandas as pd

from tests.engines.bigquery.server import CrucibleServer
from tests.support import run_dbt


def dbt_on_crucible(
    server: CrucibleServer,
    args: list[str],
    target_path: Path,
    window: tuple[str, str] | None = None,
    emulator_workarounds: bool = True,
) -> None:
    """Run dbt in-process on the ``bigquery`` target, for event days ``window`` if given.

    ``target_path`` keeps this run's artifacts (``run/`` holds the SQL dbt sent) and partial
    parse state apart from the DuckDB runs' ``dbt_models/target``. Without
    ``emulator_workarounds`` dbt renders the SQL it would send to BigQuery itself, which crucible
    may not run (compile only).
    """
    env = server.dbt_env()
    if not emulator_workarounds:
        env["FULLSTORY_BIGQUERY_EMULATOR"] = ""
    if window is not None:
        env |= {"FULLSTORY_PARTITION_START": window[0], "FULLSTORY_PARTITION_END": window[1]}
    # run_dbt also points the duckdb target at a file; nothing opens it on this target.
    run_dbt([*args, "--target-path", str(target_path)], target_path / "unused.duckdb", env)


def read_model(client, name: str, dataset: str = "fullstory") -> pd.DataFrame:
    """Every row of model ``name``, as the BigQuery client returns them."""
    sql = f"select * from `{client.project}`.`{dataset}`.`{name}`"
    return client.query(sql).to_dataframe(create_bqstorage_client=False)


def run_sql(target_path: Path, model_path: str) -> str:
    """The SQL the last run sent for a model, e.g. ``models/marts/events.sql``."""
    return (target_path / "run" / "fullstory_assets" / model_path).read_text()
