"""The late-data sensor: rebuild exactly the partitions that changed raw rows touch.

It also rebuilds the events partitions whose identity stitching a late identify changed
(warehouses/attribution.py).
"""

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    ResourceParam,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.late_data import (
    EVENTS,
    PARTITIONED_TABLES,
    QueuedRun,
    days_per_table,
    plan_runs,
)
from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import MODEL_SCHEMA, load_settings
from fullstory_assets.warehouses.attribution import read_stale_attribution
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
    "days for events, session start days for sessions, however late the change; and the events "
    "days whose stitched user a late identify changed.",
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
            stale = read_stale_attribution(session, MODEL_SCHEMA)
            built = session.relations_in(MODEL_SCHEMA)
            scanned = getattr(session, "bytes_scanned", None)
    except WarehouseUnavailable as exc:
        # No DuckDB file yet, or a run is writing it (one writer): next tick, cursor kept.
        return SkipReason(f"{exc}; retrying next tick")
    if scanned is not None:
        context.log.info(f"change query scanned {scanned:,} bytes")
    if changes.watermark is None and not stale.days:
        return SkipReason(f"no raw rows changed after {since or 'the beginning'}")
    last_day = _last_partition_day()
    graph = context.repository_def.asset_graph
    plan = partial(
        plan_runs,
        always=fullstory_models_job.selection.resolve(graph) - PARTITIONED_TABLES.keys(),
        # Named, or a run of a subset of the assets would take every check on them, the views'
        # daily tests and today's freshness included.
        checks=fullstory_models_job.selection.resolve_checks(graph),
        unbuilt=[table for table in PARTITIONED_TABLES if table.path[-1] not in built],
    )
    requests, cursor = [], context.cursor
    if changes.watermark is not None:
        needed = days_per_table(changes, settings.start_date, last_day)
        requests = plan(
            needed, queued=_runs(context), run_key_prefix=f"late:{since}->{changes.watermark}"
        )
        cursor = changes.watermark.isoformat()
        context.log.info(
            f"{changes.rows} raw rows changed after {since}, up to {changes.watermark}; "
            + "".join(
                f"{t.to_user_string()} days {sorted(map(str, d))}, " for t, d in needed.items()
            )
            + f"{len(requests)} run(s)"
        )
    if stale.days:
        # Not while a run that covers the day is under way: it may have read the spans before
        # they changed, so the next tick compares again once it is done.
        busy = _runs(context, started=True) + [
            _as_queued(_partition_tags(request), request.asset_selection) for request in requests
        ]
        days = {day for day in stale.days if settings.start_date <= day <= last_day}
        stitching = plan(
            {EVENTS: days}, queued=busy, run_key_prefix=f"stitch:{cursor}:{stale.rows}"
        )
        context.log.info(
            f"{stale.rows} stored events have a stale stitched_user_id on days "
            f"{sorted(map(str, stale.days))}; {len(stitching)} run(s)"
        )
        requests += stitching
    return SensorResult(run_requests=requests, cursor=cursor)


def _last_partition_day() -> date:
    return event_day_partitions.get_last_partition_window().start.date()


def _runs(context: SensorEvaluationContext, started: bool = False) -> list[QueuedRun]:
    """The models job's runs not started yet (and, with ``started``, those under way)."""
    statuses = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED]
    if started:
        statuses += [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
    runs = context.instance.get_runs(
        RunsFilter(job_name=fullstory_models_job.name, statuses=statuses)
    )
    queued = [_as_queued(run.tags, run.asset_selection) for run in runs]
    return [run for run in queued if run is not None]


def _partition_tags(request: RunRequest) -> dict[str, str]:
    """A request's tags as its run will carry them (a single day goes as its partition key)."""
    if request.partition_key is None:
        return request.tags
    return {**request.tags, "dagster/partition": request.partition_key}


def _as_queued(tags: dict[str, str], selection) -> QueuedRun | None:
    """The days and assets a run (or run request) covers; None for a run of no partition."""
    if "dagster/partition" in tags:
        first = last = date.fromisoformat(tags["dagster/partition"])
    elif RANGE_START_TAG in tags:
        first = date.fromisoformat(tags[RANGE_START_TAG])
        last = date.fromisoformat(tags[RANGE_END_TAG])
    else:
        return None
    days = frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))
    return QueuedRun(days=days, assets=frozenset(selection) if selection else None)
