"""Hourly steady state: one sync, one sensor tick, the runs it requests; vs a full rebuild.

On the history data set (after ``history.measure`` grew it): the next simulated sync is merged
into the raw table, `late_data_sensor` is evaluated once (``build_sensor_context``, cursor at
the previous sync, in a process of its own as the daemon's is), and every run it requests is
started with `dagster asset materialize`, one after the other (the warehouse pool has one slot).
Then `dbt build --full-refresh` rebuilds everything, the alternative the steady state replaces.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from bench.measure import median, run_watched
from bench.runs import MODELS_JOB, Sandbox, dbt_build, materialize, run_env, use_dataset
from fullstory_assets.settings import PROJECT_ROOT

RAW_SCHEMA = "fullstory_raw"


def _apply_sync(db_path: Path, deliveries_path: Path) -> dict:
    """Merge the next simulated sync; its wall time is the merge's (as the warehouse's sync)."""
    from fullstory_assets.simulate.sync import applied_until, apply_syncs, sync_times
    from fullstory_assets.warehouses.duckdb import connect

    deliveries = pq.read_table(deliveries_path)
    with connect(db_path) as conn:
        cursor = applied_until(conn, RAW_SCHEMA)
        later = [moment for moment in sync_times(deliveries) if moment > cursor]
        sync = later[0] if later else None
        started = time.perf_counter()
        applied = apply_syncs(conn, RAW_SCHEMA, deliveries, until=sync, after=cursor)
        wall = time.perf_counter() - started
        (rows,) = conn.execute(
            f"select count(*) from {RAW_SCHEMA}.events where updated_time > ?", [cursor]
        ).fetchone()
    return {
        "cursor": cursor.isoformat(sep=" "),
        "sync_time": sync.isoformat(sep=" ") if sync else None,
        "syncs_applied": len(applied),
        "rows_merged": rows,
        "wall_s": round(wall, 3),
    }


def tick(cursor: str, out: str) -> None:
    """Evaluate the sensor once from ``cursor``; write its requests and times to ``out``."""
    started = time.perf_counter()
    from dagster import DagsterInstance, build_sensor_context

    from fullstory_assets.automation.change_cursor import ChangeCursor
    from fullstory_assets.automation.sensors import late_data_sensor
    from fullstory_assets.definitions import defs
    from fullstory_assets.settings import load_settings
    from fullstory_assets.warehouses.change_scan import ChangeScan
    from fullstory_assets.warehouses.changes import read_changes
    from fullstory_assets.warehouses.duckdb import DuckDBWarehouse

    loaded = time.perf_counter()
    settings = load_settings()
    query_times = []
    for _ in range(3):
        with DuckDBWarehouse(path=str(settings.duckdb_path)).session() as session:
            began = time.perf_counter()
            since = ChangeCursor.parse(cursor).since
            changes = read_changes(
                session, settings.raw_schema, "fullstory", ChangeScan(full=False, since=since)
            )
            query_times.append(round(time.perf_counter() - began, 4))
    with DagsterInstance.get() as instance:
        context = build_sensor_context(
            instance=instance, cursor=cursor, definitions=defs, resources=defs.resources
        )
        began = time.perf_counter()
        result = late_data_sensor(context)
        evaluation = time.perf_counter() - began
    requests = []
    for request in getattr(result, "run_requests", None) or []:
        tags = request.tags or {}
        first = request.partition_key or tags.get("dagster/asset_partition_range_start")
        last = request.partition_key or tags.get("dagster/asset_partition_range_end")
        keys = [key.to_user_string() for key in request.asset_selection or []]
        requests.append({"first": first, "last": last, "select": ",".join(keys) or "*"})
    report = {
        "import_and_load_definitions_s": round(loaded - started, 3),
        "read_changes_median_s": median(query_times),
        "read_changes_repeats_s": query_times,
        "changed_rows": changes.rows,
        "event_days": sorted(str(day) for day in changes.event_days),
        "session_days": sorted(str(day) for day in changes.session_days),
        "sensor_evaluation_s": round(evaluation, 3),
        "new_cursor": getattr(result, "cursor", None),
        "requests": requests,
    }
    Path(out).write_text(json.dumps(report, indent=2))


def steady_state(sandbox_root: str, work: str, logs: str) -> dict:
    """Sync + tick + requested runs, then the full rebuild, on the history data set."""
    sandbox = Sandbox(Path(sandbox_root))
    db_path = Path(work) / "history.duckdb"
    deliveries_path = Path(work) / "history_deliveries.parquet"
    with use_dataset(sandbox, db_path) as warehouse:
        sync = _apply_sync(warehouse, deliveries_path)
        tick_out = Path(work) / "tick.json"
        env = run_env(sandbox)
        env["PYTHONPATH"] = f"{sandbox.root}:{PROJECT_ROOT}"
        command = [sys.executable, "-m", "bench.steady_state", sync["cursor"], str(tick_out)]
        usage = run_watched(command, env, Path(logs) / "sensor_tick.log", cwd=sandbox.root)
        sensor = json.loads(tick_out.read_text()) if usage.returncode == 0 else {"requests": []}
        sensor["process_wall_s"] = round(usage.wall, 3)
        sensor["returncode"] = usage.returncode
        # Each request runs as the daemon would launch it: a run of the models job over its
        # days, with the job's checks (all of the job's models: never fewer than requested).
        runs = [
            materialize(
                sandbox,
                Path(logs) / f"steady_run_{i}.log",
                request["first"],
                request["last"],
                job=MODELS_JOB,
            )
            for i, request in enumerate(sensor["requests"])
        ]
        rebuild = dbt_build(sandbox)
    runs_wall = sum(run["process_wall_s"] for run in runs)
    # The daemon has the code loaded already: the tick costs its evaluation, not a new process.
    total = sync["wall_s"] + sensor.get("sensor_evaluation_s", 0.0) + runs_wall
    # The same with every run cut to its SQL: no run overhead, Dagster's or dbt's, can beat it.
    sql_only = total - runs_wall + sum(run.get("sql_s", 0.0) for run in runs)
    return {
        "sync": sync,
        "sensor": sensor,
        "runs": runs,
        "runs_wall_s": round(runs_wall, 3),
        "steady_state_wall_s": round(total, 3),
        "full_rebuild": rebuild,
        "speedup": round(rebuild["process_wall_s"] / total, 2) if total else None,
        "sql_only_wall_s": round(sql_only, 3),
        "sql_only_speedup": round(rebuild["process_wall_s"] / sql_only, 2) if sql_only else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="one late_data_sensor tick (bench helper)")
    parser.add_argument("cursor")
    parser.add_argument("out")
    arguments = parser.parse_args()
    tick(arguments.cursor, arguments.out)
