"""Helpers of the Parquet-export suite: write an export with the CLI, load it the Dagster way."""

from datetime import datetime
from pathlib import Path

import duckdb
from dagster import DagsterInstance, build_sensor_context

from fullstory_assets.automation.export_load import parquet_export_load_job
from fullstory_assets.automation.export_sensor import parquet_export_sensor
from fullstory_assets.automation.raw_source import raw_source_definitions
from fullstory_assets.cli import main
from fullstory_assets.exports.layout import export_root
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.environ import patched_environ

ORG_ID = load_settings().org_id
NODE = "load_parquet_export_folders"


def simulate_export(destination: str, spec: tuple, until: datetime | None = None) -> str:
    """``fullstory-assets simulate --format parquet``; returns the export's ``events`` URL."""
    start, days, events_per_day, seed = spec
    args = ["--start", start, "--days", str(days), "--events-per-day", str(events_per_day)]
    args += ["--seed", str(seed), "--format", "parquet", "--to", destination]
    args += ["--until", f"{until:%Y-%m-%d %H:00}"] if until else []
    assert main(["simulate", *args]) == 0
    return f"{destination}/{export_root(ORG_ID)}"


def source_env(db: Path, export_url: str, settle_minutes: int = 0) -> dict[str, str]:
    """The settings of parquet_export mode on warehouse file ``db``."""
    return {
        "FULLSTORY_DUCKDB_PATH": str(db),
        "FULLSTORY_RAW_SOURCE": "parquet_export",
        "FULLSTORY_EXPORT_URL": export_url,
        "FULLSTORY_EXPORT_SETTLE_MINUTES": str(settle_minutes),
    }


def _resources() -> dict:
    """The S3 and GCS resources the definitions give parquet_export mode."""
    return dict(raw_source_definitions(load_settings()).resources)


def run_load(env: dict[str, str], instance: DagsterInstance | None = None):
    """One run of the load job, in-process, as the daemon would launch it."""
    with patched_environ(env):
        return parquet_export_load_job.execute_in_process(
            instance=instance or DagsterInstance.ephemeral(),
            resources=_resources(),
            raise_on_error=False,
        )


def tick(env: dict[str, str], instance: DagsterInstance, cursor: str | None = None):
    """One evaluation of the export sensor."""
    with patched_environ(env):
        context = build_sensor_context(instance=instance, cursor=cursor, resources=_resources())
        return parquet_export_sensor(context)


def loaded_folders(result) -> list[str]:
    """The ``ingested_time`` of each folder a load run reported, in order."""
    return [m.metadata["ingested_time"].value for m in result.asset_materializations_for_node(NODE)]


def raw_rows(db: Path) -> list[tuple]:
    """The raw table, sorted on every column."""
    # Read-write: the configuration an in-process dbt keeps the file open with.
    with duckdb.connect(str(db)) as conn:
        return conn.sql("select * from fullstory_raw.events order by all").fetchall()


def model_rows(db: Path, model: str):
    """A model's rows as a data frame."""
    with duckdb.connect(str(db)) as conn:
        return conn.sql(f"select * from fullstory.{model}").df()


def load_log(db: Path) -> list[datetime]:
    """The folders the warehouse records as loaded, in order."""
    with duckdb.connect(str(db)) as conn:
        return [
            row[0]
            for row in conn.sql(
                "select ingested_time from fullstory_raw.parquet_export_loads order by 1"
            ).fetchall()
        ]
