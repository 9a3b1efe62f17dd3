"""The late-data sensor: rebuild exactly the partitions that changed raw rows touch."""

from datetime import date, datetime, timedelta
from typing import Any

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    ResourceParam,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.late_data import (
    PARTITIONED_TABLES,
    QueuedRun,
    days_per_table,
    plan_runs,
)
from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import MODEL_SCHEMA, load_settings
from fullstory_assets.warehouses.changes import read_changes
from fullstory_assets.warehouses.session import WarehouseUnavailable

# How often the change query runs. On BigQuery each tick is billed for the columns it scans, and
# on Snowflake it wakes the virtual warehouse: ten minutes still sees each hourly sync within a
# few minutes of landing. DuckDB and PostgreSQL/Redshift cost nothing extra per query.
TICK_SECONDS = {"bigquery": 600, "snowflake": 600}


@sensor(
    job=fullstory_models_job,
    minimum_interval_seconds=TICK_SECONDS.get(load_settings().warehouse, 60),
    default_status=DefaultSensorStatus.RUNNING,
    description="Rebuilds the partitions that raw rows changed since the last tick touch: event "
    "days for events, session start days for sessions, however late the change.",
)
def late_data_sensor(context: SensorEvaluationContext, warehouse: ResourceParam[Any]):
    """Read changes after the cursor, request their partitions, advance the cursor past them."""
    settings = load_settings()
    since = datetime.fromisoformat(context.cursor) if context.cursor else None
    try:
        with warehouse.session() as session:
            if "events" not in session.relations_in(settings.raw_schema):
                return SkipReason("the raw events table does not exist yet")
            changes = read_changes(session, settings.raw_schema, MODEL_SCHEMA, since)
            built = session.relations_in(MODEL_SCHEMA)
            scanned = getattr(session, "bytes_scanned", None)
    except WarehouseUnavailable as exc:
        # No DuckDB file yet, or a run is writing it (one writer): next tick, cursor kept.
        return SkipReason(f"{exc}; retrying next tick")
    if scanned is not None:
        context.log.info(f"change query scanned {scanned:,} bytes")
    if changes.watermark is None:
        return SkipReason(f"no raw rows changed after {since or 'the beginning'}")
    last_day = _last_partition_day()
    needed = days_per_table(changes, settings.start_date, last_day)
    graph = context.repository_def.asset_graph
    always = fullstory_models_job.selection.resolve(graph) - PARTITIONED_TABLES.keys()
    requests = plan_runs(
        needed,
        always,
        _queued_runs(context),
        f"late:{since}->{changes.watermark}",
        # Named, or a run of a subset of the assets would take every check on them, the views'
        # daily tests and today's freshness included.
        checks=fullstory_models_job.selection.resolve_checks(graph),
        unbuilt=[table for table in PARTITIONED_TABLES if table.path[-1] not in built],
    )
    context.log.info(
        f"{changes.rows} raw rows changed after {since}, up to {changes.watermark}; "
        + "".join(f"{t.to_user_string()} days {sorted(map(str, d))}, " for t, d in needed.items())
        + f"{len(requests)} run(s)"
    )
    return SensorResult(run_requests=requests, cursor=changes.watermark.isoformat())


def _last_partition_day() -> date:
    return event_day_partitions.get_last_partition_window().start.date()


def _queued_runs(context: SensorEvaluationContext) -> list[QueuedRun]:
    runs = context.instance.get_runs(
        RunsFilter(
            job_name=fullstory_models_job.name,
            statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED],
        )
    )
    queued = []
    for run in runs:
        if "dagster/partition" in run.tags:
            first = last = date.fromisoformat(run.tags["dagster/partition"])
        elif RANGE_START_TAG in run.tags:
            first = date.fromisoformat(run.tags[RANGE_START_TAG])
            last = date.fromisoformat(run.tags[RANGE_END_TAG])
        else:
            continue
        days = frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))
        assets = frozenset(run.asset_selection) if run.asset_selection else None
        queued.append(QueuedRun(days=days, assets=assets))
    return queued
