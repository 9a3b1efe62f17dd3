"""Partition runs through Dagster (real dbt, real DuckDB) equal a full rebuild, in any order."""

import shutil
from datetime import datetime

import pytest

from tests.support import (
    assert_same_models,
    full_refresh_reference,
    materialize_days,
    model_snapshot,
    read_table,
    simulate_into,
)

START, DAYS, EVENTS_PER_DAY, SEED = "2024-03-01", 3, 2500, 11
# Half of the history has been synced when the models are first built.
MIDWAY = datetime(2024, 3, 2, 12, 0)


@pytest.fixture(scope="module")
def stale_warehouse(tmp_path_factory):
    """Models built on a half-synced raw table, then the rest of the syncs applied."""
    path = tmp_path_factory.mktemp("stale") / "warehouse.duckdb"
    simulate_into(path, START, DAYS, EVENTS_PER_DAY, SEED, until=MIDWAY)
    assert materialize_days(path, "2024-03-01", "2024-03-03").success
    simulate_into(path, START, DAYS, EVENTS_PER_DAY, SEED)
    return path


@pytest.fixture(scope="module")
def rebuild(stale_warehouse, tmp_path_factory):
    return full_refresh_reference(stale_warehouse, tmp_path_factory.mktemp("ref") / "ref.duckdb")


def _copy(path, directory):
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "warehouse.duckdb"
    shutil.copy(path, target)
    return target


def test_stale_models_differ_from_the_rebuild(stale_warehouse, rebuild):
    # Guards the tests below: late syncs did change what the models should hold.
    stale = model_snapshot(stale_warehouse)
    assert any(len(stale[name]) != len(rebuild[name]) for name in ("events", "sessions"))


def test_range_backfill_equals_day_by_day_equals_rebuild(stale_warehouse, rebuild, tmp_path):
    ranged = _copy(stale_warehouse, tmp_path / "ranged")
    daily = _copy(stale_warehouse, tmp_path / "daily")
    result = materialize_days(ranged, "2024-03-01", "2024-03-03")
    assert result.success
    for day in ("2024-03-03", "2024-03-01", "2024-03-02"):  # any order
        assert materialize_days(daily, day).success
    assert_same_models(model_snapshot(ranged), rebuild)
    assert_same_models(model_snapshot(daily), rebuild)


def test_rerunning_a_partition_is_idempotent(stale_warehouse, rebuild, tmp_path):
    path = _copy(stale_warehouse, tmp_path)
    assert materialize_days(path, "2024-03-01", "2024-03-03").success
    before = model_snapshot(path)
    result = materialize_days(path, "2024-03-02")
    assert result.success
    assert_same_models(model_snapshot(path), before)
    assert_same_models(before, rebuild)


def test_run_reports_rows_of_its_window(stale_warehouse, tmp_path):
    path = _copy(stale_warehouse, tmp_path)
    result = materialize_days(path, "2024-03-02")
    assert result.success
    events_rows = read_table(path, "fullstory.events")
    on_day = int((events_rows["event_time"].dt.strftime("%Y-%m-%d") == "2024-03-02").sum())
    metadata = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.materialization]
    }
    assert metadata["events"]["dagster/row_count"].value == on_day
    assert metadata["events"]["table_row_count"].value == len(events_rows)
    assert result.dagster_run.tags["dagster/partition"] == "2024-03-02"
