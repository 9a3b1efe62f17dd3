"""A corrupt or truncated export file fails the load with its URL; the folders before it stay
loaded, and after the fix the next run continues with it, loading nothing twice."""

from datetime import date

import pytest
from dagster import DagsterInstance

from fullstory_assets.exports.layout import folder_name
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import sync_times
from tests.engines.parquet.support import (
    NODE,
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
BAD = 4  # the index of the folder whose file goes bad


def _corrupt(data: bytes) -> bytes:  # pages overwritten, magic bytes intact
    middle = len(data) // 2
    return data[:4] + bytes(b ^ 0xFF for b in data[4:middle]) + data[middle:]


def _truncated(data: bytes) -> bytes:  # an upload cut short
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", [_corrupt, _truncated], ids=["corrupt", "truncated"])
def test_a_bad_file_is_named_and_the_folders_before_it_stay_loaded(bucket, tmp_path, damage):
    times = sync_times(build_deliveries(SimulationSpec(date.fromisoformat(SPEC[0]), *SPEC[1:])))
    url = simulate_export(bucket.url("dest"), SPEC)
    key = url.removeprefix(bucket.url() + "/") + f"/{folder_name(times[BAD])}/part-0.parquet"
    good = bucket.read(key)
    bucket.write(key, damage(good))
    db = tmp_path / "warehouse.duckdb"
    env = source_env(db, url)

    with DagsterInstance.ephemeral() as instance:
        failed = run_load(env, instance)
        assert not failed.success
        message = failed.failure_data_for_node(NODE).error.message
        assert bucket.url(key) in message
        assert len(loaded_folders(failed)) == BAD
        assert load_log(db) == times[:BAD]
        simulate_into(tmp_path / "before.duckdb", *SPEC, until=times[BAD - 1])
        assert raw_rows(db) == raw_rows(tmp_path / "before.duckdb")
        # The sensor asks again only when something changes: no run every tick meanwhile.
        first, again = tick(env, instance), tick(env, instance)
        assert first.run_requests[0].run_key == again.run_requests[0].run_key
        assert first.cursor == times[BAD - 1].isoformat()

        bucket.write(key, good)
        fixed = tick(env, instance)
        assert fixed.run_requests[0].run_key != first.run_requests[0].run_key
        resumed = run_load(env, instance)

    assert resumed.success
    assert loaded_folders(resumed) == [t.isoformat() for t in times[BAD:]]
    assert load_log(db) == times
    simulate_into(tmp_path / "all.duckdb", *SPEC)
    assert raw_rows(db) == raw_rows(tmp_path / "all.duckdb")
