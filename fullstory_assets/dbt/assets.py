"""Every dbt model as a Dagster asset partitioned by event day, built in one dbt invocation."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    Output,
    ResourceParam,
    RetryRequested,
)
from dagster_dbt import DbtCliResource, dbt_assets

from fullstory_assets.dbt.environment import (
    WINDOW_END,
    WINDOW_START,
    partition_window_env,
    settings_env,
)
from fullstory_assets.dbt.interrupts import dbt_stopped_on_interrupt
from fullstory_assets.dbt.invocation_dirs import prune_invocation_dirs
from fullstory_assets.dbt.partial_parse import keep_partial_parse
from fullstory_assets.dbt.project import fullstory_dbt_project
from fullstory_assets.dbt.row_counts import DAY_COLUMNS, RowCounts, row_counts
from fullstory_assets.dbt.translator import FullstoryTranslator
from fullstory_assets.dbt.warehouse_costs import warehouse_costs
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.environ import patched_environ

# On DuckDB, Snowflake and BigQuery, runs that write the warehouse share a pool of one slot (its
# limit: dagster_home/dagster.yaml). DuckDB takes one writer per file. dbt-snowflake computes a
# keyed table's new rows before the transaction that locks the table, and Snowflake has no lock
# to take first, so a run that read the raw table earlier could commit later. On BigQuery two
# MERGEs that only insert (into a window empty when they start) do not conflict, so two runs of
# a new day would both insert it, and a seed reload drops the table another run reads. On
# PostgreSQL and Redshift runs of any days may overlap (dbt_models/macros/concurrent_runs.sql).
WAREHOUSE_POOL = "fullstory_warehouse"
ONE_RUN_AT_A_TIME = ("duckdb", "snowflake", "bigquery")
# What DuckDB says when another process holds the file.
WAREHOUSE_LOCKED = "Could not set lock on file"
# What the warehouse says when another run holds what this one writes; the run is tried again
# (a partition run is idempotent: what it wrote already is rewritten the same). DuckDB: another
# process holds the file. PostgreSQL, Redshift: another run created the table first (two first
# builds), replaced a view this run was replacing, or Redshift's serializable isolation refused
# a read of a table another run was writing.
BUSY_WAREHOUSE = re.compile(
    re.escape(WAREHOUSE_LOCKED)
    + r'|relation "[^"]+" already exists'
    + r"|duplicate key value violates unique constraint \"pg_(class|type)_"
    + r"|Serializable isolation violation"
)


@dbt_assets(
    manifest=fullstory_dbt_project.manifest_path,
    project=fullstory_dbt_project,
    dagster_dbt_translator=FullstoryTranslator(),
    partitions_def=event_day_partitions,
    # A range of days runs as one dbt invocation over the whole window: fixed costs once.
    backfill_policy=BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL if load_settings().warehouse in ONE_RUN_AT_A_TIME else None,
)
def fullstory_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: ResourceParam[Any]
) -> Iterator[Any]:
    """Build the selected models for the run's event days and report rows per model."""
    settings = load_settings()
    environment = settings_env(settings)
    # A run of checks alone (the views' daily tests) has no partition: dbt reads every row.
    window = context.partition_time_window if context.op_execution_context.has_partitions else None
    if window is None:
        if context.selected_asset_keys:
            # It would rebuild every day of every table (a run launched without its partition
            # tags, say): never what was meant.
            raise Failure(
                description="the models are partitioned by event day: run them for a partition "
                "or a range of partitions"
            )
        context.log.info("dbt build without a partition window: tests read all history")
        environment.update({WINDOW_START: "", WINDOW_END: ""})
    else:
        environment.update(partition_window_env(window))
        context.log.info(
            f"dbt build for event days [{window.start:%Y-%m-%d}, {window.end:%Y-%m-%d})"
        )
    with patched_environ(environment):
        invocation = dbt.cli(["build"], context=context, raise_on_error=False)
        # Materializations wait until dbt has closed the DuckDB file, so their row counts can
        # be read. Check results wait behind them: Dagster ties a check result to its asset's
        # latest materialization when it is logged, so one logged earlier would judge the
        # previous run's materialization.
        materializations, other_events = [], []
        with dbt_stopped_on_interrupt(invocation):
            for event in invocation.stream():
                if isinstance(event, Output | MaterializeResult):
                    materializations.append(event)
                else:
                    other_events.append(event)
    project_target = fullstory_dbt_project.project_dir / fullstory_dbt_project.target_path
    keep_partial_parse(invocation.target_path, project_target)
    prune_invocation_dirs(project_target, prefix=f"{context.op_execution_context.op.name}-")
    costs = warehouse_costs(invocation.target_path / "run_results.json")
    keys = [_asset_key(context, e) for e in materializations]
    counts = {}
    if window and keys:
        with warehouse.session() as session:
            counts = row_counts(session, [key.path[-1] for key in keys], window)
    for key, event in zip(keys, materializations, strict=True):
        event = _with_row_counts(context, key, event, counts.get(key.path[-1]))
        # The tables' statements: a view's DDL costs nothing until it is queried.
        cost = costs.get(key.path[-1]) if key.path[-1] in DAY_COLUMNS else None
        yield event.with_metadata({**(event.metadata or {}), **cost}) if cost else event
    yield from other_events
    if not invocation.is_successful():
        error = str(invocation.get_error())
        if BUSY_WAREHOUSE.search(error):
            raise RetryRequested(max_retries=5, seconds_to_wait=15)
        raise Failure(
            description="dbt build failed; partitions it did not finish keep their previous rows",
            metadata={"dbt_error": error[:4000]},
        )


def _asset_key(context: AssetExecutionContext, event: Output | MaterializeResult) -> AssetKey:
    if isinstance(event, Output):
        return context.assets_def.keys_by_output_name[event.output_name]
    return event.asset_key


def _with_row_counts(
    context: AssetExecutionContext,
    key: AssetKey,
    event: Output | MaterializeResult,
    counts: RowCounts | None,
) -> Output | MaterializeResult:
    """The event with its model's counts: each partition of the run gets its own day's rows."""
    if counts is None:
        return event
    if counts.rows_per_day:
        for partition in context.partition_keys:
            rows = counts.rows_per_day[date.fromisoformat(partition)]
            context.add_asset_metadata(
                {"dagster/row_count": rows}, asset_key=key, partition_key=partition
            )
        extra = {"table_row_count": counts.table_rows}
    else:
        extra = {"dagster/row_count": counts.table_rows}
    return event.with_metadata({**(event.metadata or {}), **extra})
