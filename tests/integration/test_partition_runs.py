"""Partition runs through Dagster (real dbt, real DuckDB) equal a full rebuild, in any order."""

import shutil
from datetime import datetime

import pytest

from fullstory_assets.dbt.row_counts import DAY_COLUMNS, WHOLE_COUNTS
from fullstory_assets.warehouses.attribution import read_stale_attribution
from fullstory_assets.warehouses.duckdb import DuckDBWarehouse
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
    # A day's stitched users come from the identifies every day's run stores: the days run
    # before another day's identifies changed are re-attributed, as the late-data sensor does.
    for day in sorted(_stale_attribution_days(daily)):
        assert materialize_days(daily, day.isoformat()).success
    assert not _stale_attribution_days(daily)
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


def _stale_attribution_days(path) -> frozenset:
    with DuckDBWarehouse(path=str(path)).session() as session:
        return read_stale_attribution(session, "fullstory").days


def _materializations(result) -> dict[tuple[str, str], dict]:
    return {
        (m.asset_key.to_user_string(), m.partition): m.metadata
        for m in (e.materialization for e in result.get_asset_materialization_events())
    }


def _rows_per_day(path, table: str, column: str) -> dict[str, int]:
    rows = read_table(path, f"fullstory.{table}")
    return rows[column].dt.strftime("%Y-%m-%d").value_counts().to_dict()


def test_run_reports_rows_of_its_window(stale_warehouse, tmp_path):
    path = _copy(stale_warehouse, tmp_path)
    result = materialize_days(path, "2024-03-02")
    assert result.success
    metadata = _materializations(result)
    events = metadata[("events", "2024-03-02")]
    assert (
        events["dagster/row_count"].value
        == _rows_per_day(path, "events", "event_time")["2024-03-02"]
    )
    assert events["table_row_count"].value == len(read_table(path, "fullstory.events"))
    assert result.dagster_run.tags["dagster/partition"] == "2024-03-02"


def test_range_run_reports_each_day_its_own_rows(stale_warehouse, tmp_path):
    path = _copy(stale_warehouse, tmp_path)
    result = materialize_days(path, "2024-03-01", "2024-03-03")
    assert result.success
    metadata = _materializations(result)
    for table, column in DAY_COLUMNS.items():
        per_day = _rows_per_day(path, table, column)
        for day in ("2024-03-01", "2024-03-02", "2024-03-03"):
            assert metadata[(table, day)]["dagster/row_count"].value == per_day[day], (table, day)
    assert len({metadata[("events", d)]["dagster/row_count"].value for d in per_day}) > 1
    for view in WHOLE_COUNTS:  # small: counted whole
        rows = len(read_table(path, f"fullstory.{view}"))
        assert metadata[(view, "2024-03-02")]["dagster/row_count"].value == rows


def test_views_over_all_history_are_not_counted(stale_warehouse, tmp_path):
    path = _copy(stale_warehouse, tmp_path)
    result = materialize_days(path, "2024-03-02")
    assert result.success
    metadata = _materializations(result)
    for view in ("stg_fullstory__events", "sessions", "devices", "users", "identified_users"):
        assert "dagster/row_count" not in metadata[(view, "2024-03-02")], view


def test_check_results_judge_their_own_runs_materialization(stale_warehouse, tmp_path):
    """dbt tests run after their model: their results attach to that run's materialization."""
    from dagster import DagsterInstance

    path = _copy(stale_warehouse, tmp_path)
    with DagsterInstance.ephemeral() as instance:
        assert materialize_days(path, "2024-03-02", instance=instance).success
        second = materialize_days(path, "2024-03-02", instance=instance)
    assert second.success
    evaluations = second.get_asset_check_evaluations()
    checked = {e.asset_key.to_user_string() for e in evaluations}
    assert checked >= {"events", "int_fullstory__sessions"}
    targets = {
        (e.asset_key.to_user_string(), e.check_name): e.target_materialization_data
        for e in evaluations
    }
    assert all(
        target is not None and target.run_id == second.run_id for target in targets.values()
    ), {key: target and target.run_id for key, target in targets.items()}
