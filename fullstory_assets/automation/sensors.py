"""The late-data sensor: rebuild exactly the partitions that changed raw rows touch.

Each tick runs one change query, a fast or a full scan (automation/change_cursor.py): on
BigQuery the fast one reads only the raw table's recent ``event_time`` partitions. What it
scanned is in the tick's log and on the runs it requests. The sensor also rebuilds the events
partitions whose identity stitching a late identify changed (warehouses/attribution.py).
"""

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from dagster import (
    DefaultSensorStatus,
    ResourceParam,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from fullstory_assets.automation.change_cursor import ChangeCursor, advance, choose_scan
from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.late_data import (
    EVENTS,
    PARTITIONED_TABLES,
    days_per_table,
    plan_runs,
)
from fullstory_assets.automation.queued_runs import as_queued, partition_tags, queued_runs
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import MODEL_SCHEMA, load_settings
from fullstory_assets.warehouses.attribution import read_stale_attribution
from fullstory_assets.warehouses.changes import read_changes
from fullstory_assets.warehouses.session import WarehouseUnavailable

# How often the change query runs. On BigQuery each tick is billed for the columns it scans (a
# fast scan: the lookback's partitions only), and on Snowflake it wakes the virtual warehouse: ten
# minutes still sees each hourly sync within a few minutes of landing. DuckDB and
# PostgreSQL/Redshift cost nothing extra per query.
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
    now = datetime.now(UTC)
    cursor = ChangeCursor.parse(context.cursor)
    scan = choose_scan(cursor, now, settings.change_lookback_hours, settings.change_full_scan_hours)
    try:
        with warehouse.session() as session:
            if "events" not in session.relations_in(settings.raw_schema):
                return SkipReason("the raw events table does not exist yet")
            before = getattr(session, "bytes_scanned", None)
            changes = read_changes(session, settings.raw_schema, MODEL_SCHEMA, scan)
            scanned = None if before is None else session.bytes_scanned - before
            stale = read_stale_attribution(session, MODEL_SCHEMA)
            built = session.relations_in(MODEL_SCHEMA)
    except WarehouseUnavailable as exc:
        # No DuckDB file yet, or a run is writing it (one writer): next tick, cursor kept.
        return SkipReason(f"{exc}; retrying next tick")
    tags = {"fullstory/change_scan": scan.kind}
    if scanned is not None:
        tags["fullstory/change_query_bytes"] = str(scanned)
    context.log.info(
        f"change query, {scan.describe()}: {changes.rows} row(s)"
        + (f", {scanned:,} bytes scanned" if scanned is not None else "")
    )
    advanced = advance(cursor, scan, changes.watermark, now)
    new_cursor = advanced.dump() if advanced and advanced != cursor else context.cursor
    if changes.watermark is None and not stale.days:
        skip = SkipReason(f"no raw rows changed ({scan.describe()})")
        # A full scan that found nothing still records that it ran.
        if new_cursor == context.cursor:
            return skip
        return SensorResult(skip_reason=skip, cursor=new_cursor)
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
    requests = []
    if changes.watermark is not None:
        needed = days_per_table(changes, settings.start_date, last_day)
        requests = plan(
            needed,
            queued=queued_runs(context),
            run_key_prefix=f"late:{scan.kind}:{scan.full_since or scan.since}->{changes.watermark}",
            tags=tags,
        )
        context.log.info(
            f"{changes.rows} raw rows changed, up to {changes.watermark}; "
            + "".join(
                f"{t.to_user_string()} days {sorted(map(str, d))}, " for t, d in needed.items()
            )
            + f"{len(requests)} run(s)"
        )
    if stale.days:
        # Not while a run that covers the day is under way: it may have read the spans before
        # they changed, so the next tick compares again once it is done.
        busy = queued_runs(context, started=True) + [
            as_queued(partition_tags(request), request.asset_selection) for request in requests
        ]
        days = {day for day in stale.days if settings.start_date <= day <= last_day}
        stitching = plan(
            {EVENTS: days},
            queued=busy,
            run_key_prefix=f"stitch:{advanced.since if advanced else None}:{stale.rows}",
        )
        context.log.info(
            f"{stale.rows} stored events have a stale stitched_user_id on days "
            f"{sorted(map(str, stale.days))}; {len(stitching)} run(s)"
        )
        requests += stitching
    return SensorResult(run_requests=requests, cursor=new_cursor)


def _last_partition_day() -> date:
    return event_day_partitions.get_last_partition_window().start.date()
