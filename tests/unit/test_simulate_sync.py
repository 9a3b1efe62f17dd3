"""Applying simulated syncs: batched merges equal syncs applied one by one, resumable and exact."""

from datetime import date

import pytest

from fullstory_assets.settings import load_settings
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import applied_until, apply_syncs, sync_times
from fullstory_assets.warehouses.duckdb import connect

SCHEMA = load_settings().raw_schema
SPEC = SimulationSpec(date(2024, 1, 1), days=3, events_per_day=1_500, seed=3)


@pytest.fixture(scope="module")
def deliveries():
    return build_deliveries(SPEC)


def rows(path):
    with connect(path) as conn:
        return conn.sql(f"select * from {SCHEMA}.events order by all").fetchall()


def test_one_batch_equals_every_sync_in_its_own_transaction(tmp_path, deliveries):
    with connect(tmp_path / "batched.duckdb") as conn:
        batched = apply_syncs(conn, SCHEMA, deliveries, rows_per_merge=10**9)
    with connect(tmp_path / "single.duckdb") as conn:
        single = apply_syncs(conn, SCHEMA, deliveries, rows_per_merge=1)
    assert batched == single == sync_times(deliveries)
    assert rows(tmp_path / "batched.duckdb") == rows(tmp_path / "single.duckdb")


def test_resuming_after_part_of_the_syncs_ends_in_the_same_table(tmp_path, deliveries):
    times = sync_times(deliveries)
    middle = times[len(times) // 2]
    with connect(tmp_path / "resumed.duckdb") as conn:
        first = apply_syncs(conn, SCHEMA, deliveries, until=middle, rows_per_merge=1)
        assert first == [t for t in times if t <= middle]
        assert applied_until(conn, SCHEMA) == middle
        rest = apply_syncs(conn, SCHEMA, deliveries)
        assert first + rest == times
        assert apply_syncs(conn, SCHEMA, deliveries) == []  # nothing is applied twice
    with connect(tmp_path / "direct.duckdb") as conn:
        apply_syncs(conn, SCHEMA, deliveries)
    assert rows(tmp_path / "resumed.duckdb") == rows(tmp_path / "direct.duckdb")


def test_raw_table_holds_the_latest_version_of_every_event_with_exact_ids(tmp_path, deliveries):
    with connect(tmp_path / "raw.duckdb") as conn:
        apply_syncs(conn, SCHEMA, deliveries)
        conn.register("d", deliveries)
        latest = "qualify sync_time = max(sync_time) over (partition by event_id) order by all"
        expected = conn.sql(f"select * exclude (sync_time) from d {latest}").fetchall()
        assert conn.sql(f"select * from {SCHEMA}.events order by all").fetchall() == expected
        types = dict(
            conn.sql(f"select column_name, column_type from (describe {SCHEMA}.events)").fetchall()
        )
        assert types["device_id"] == "BIGINT"
        stored = {
            r[0] for r in conn.sql(f"select distinct device_id from {SCHEMA}.events").fetchall()
        }
    assert stored == set(deliveries["device_id"].to_pylist()) and min(stored) > 2**53


def test_until_before_the_first_sync_applies_nothing(tmp_path, deliveries):
    with connect(tmp_path / "empty.duckdb") as conn:
        assert (
            apply_syncs(conn, SCHEMA, deliveries, until=sync_times(deliveries)[0].replace(hour=0))
            == []
        )
        assert applied_until(conn, SCHEMA) is None


def test_unsorted_deliveries_are_refused(tmp_path, deliveries):
    with connect(tmp_path / "unsorted.duckdb") as conn, pytest.raises(ValueError, match="sorted"):
        apply_syncs(conn, SCHEMA, deliveries.take(list(range(len(deliveries)))[::-1]))
