"""A sync folder written after the last load is requested by the sensor, loaded exactly once,
and its rows are seen exactly once by the late-data sensor (cursor on updated_time)."""

from datetime import date

import pyarrow.compute as pc
from dagster import DagsterInstance, SkipReason, build_sensor_context

from fullstory_assets.automation.change_cursor import ChangeCursor
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.definitions import defs
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import sync_times
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import read_changes
from fullstory_assets.warehouses.duckdb import DuckDBWarehouse
from fullstory_assets.warehouses.environ import patched_environ
from tests.engines.parquet.support import (
    load_log,
    loaded_folders,
    raw_rows,
    run_load,
    simulate_export,
    source_env,
    tick,
)
from tests.support import simulate_into

SPEC = ("2024-02-01", 1, 400, 9)


def _late_data_tick(env, cursor):
    with patched_environ(env), DagsterInstance.ephemeral() as instance:
        return late_data_sensor(
            build_sensor_context(
                instance=instance, cursor=cursor, definitions=defs, resources=defs.resources
            )
        )


def test_a_new_folder_is_requested_loaded_once_and_seen_once_by_the_late_data_sensor(
    bucket, tmp_path
):
    deliveries = build_deliveries(SimulationSpec(date.fromisoformat(SPEC[0]), *SPEC[1:]))
    times = sync_times(deliveries)
    middle = len(times) // 2
    db = tmp_path / "warehouse.duckdb"
    url = simulate_export(bucket.url(), SPEC, until=times[middle])
    env = source_env(db, url)

    with DagsterInstance.ephemeral() as instance:
        first = tick(env, instance)
        assert len(first.run_requests) == 1
        assert loaded_folders(run_load(env, instance)) == [
            t.isoformat() for t in times[: middle + 1]
        ]
        idle = tick(env, instance, first.cursor)
        assert not idle.run_requests and idle.cursor == times[middle].isoformat()
        caught_up = _late_data_tick(env, None)
        assert ChangeCursor.parse(caught_up.cursor).since == times[middle]

        simulate_export(bucket.url(), SPEC, until=times[middle + 1])
        # Freshly written, the newest folder may still be growing: it waits for the settle time.
        assert not tick(source_env(db, url, settle_minutes=10), instance, idle.cursor).run_requests
        later = tick(env, instance, idle.cursor)
        assert len(later.run_requests) == 1
        assert later.run_requests[0].run_key != first.run_requests[0].run_key
        assert loaded_folders(run_load(env, instance)) == [times[middle + 1].isoformat()]
        assert loaded_folders(run_load(env, instance)) == []  # a second run finds nothing
        assert not tick(env, instance, later.cursor).run_requests
        assert tick(env, instance, later.cursor).cursor == times[middle + 1].isoformat()

    assert load_log(db) == times[: middle + 2]
    simulate_into(tmp_path / "synced.duckdb", *SPEC, until=times[middle + 1])
    assert raw_rows(db) == raw_rows(tmp_path / "synced.duckdb")
    # The late-data sensor sees the new folder's rows once: one tick moves its cursor to the
    # folder's ingested_time and requests their partitions; the next finds nothing.
    with DuckDBWarehouse(path=str(db)).session() as session:
        scan = ChangeScan(full=False, since=times[middle])
        changed = read_changes(session, "fullstory_raw", "fullstory", scan).rows
    assert changed == pc.sum(pc.equal(deliveries["sync_time"], times[middle + 1])).as_py()
    seen = _late_data_tick(env, caught_up.cursor)
    assert ChangeCursor.parse(seen.cursor).since == times[middle + 1] and seen.run_requests
    assert isinstance(_late_data_tick(env, seen.cursor), SkipReason)
