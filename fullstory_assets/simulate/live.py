"""Live mode: replay the hourly syncs that are still to come, one every few seconds.

Next to `dagster dev`, a new user watches the sensor and the schedule heal partitions as late
events, whole-session re-syncs and nulled rows arrive, without waiting an hour per sync.
"""

import time
from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from fullstory_assets.simulate.history import SYNC_COLUMN
from fullstory_assets.simulate.sync import apply_syncs, sync_times
from fullstory_assets.warehouses.duckdb import connect

LATE_AFTER_HOURS = 3  # a row synced this long after its event counts as late in the summary


def describe_sync(deliveries: pa.Table, sync: datetime) -> str:
    """One line about a sync: rows, late rows, nulled rows and the event days it touches."""
    rows = deliveries.filter(pc.equal(deliveries[SYNC_COLUMN], pa.scalar(sync, pa.timestamp("us"))))
    age_hours = pc.divide(
        pc.cast(pc.subtract(rows[SYNC_COLUMN], rows["event_time"]), pa.int64()), 3_600_000_000
    )
    late = pc.sum(pc.greater(age_hours, LATE_AFTER_HOURS)).as_py() or 0
    nulled = rows["event_type"].null_count
    days = sorted({moment.date().isoformat() for moment in rows["event_time"].to_pylist()})
    return (
        f"sync {sync:%Y-%m-%d %H:%M}: {rows.num_rows:,} rows, {late:,} late, {nulled:,} nulled; "
        f"event days {', '.join(days)}"
    )


def replay_live(
    db_path,
    schema: str,
    deliveries: pa.Table,
    interval_seconds: float,
    echo: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Apply every sync not yet in the raw table, one per ``interval_seconds``.

    A sync waits while a run holds the DuckDB file (one writer at a time) and is applied as soon
    as it is free. Returns how many syncs were applied.
    """
    with connect(db_path) as conn:
        done = conn.execute(f"select max(updated_time) from {schema}.events").fetchone()[0]
    pending = [sync for sync in sync_times(deliveries) if done is None or sync > done]
    for sync in pending:
        sleep(interval_seconds)
        while True:
            try:
                with connect(db_path) as conn:
                    apply_syncs(conn, schema, deliveries, until=sync)
                break
            except duckdb.IOException:
                sleep(1)  # a Dagster run is writing the file
        echo(describe_sync(deliveries, sync))
    return len(pending)
