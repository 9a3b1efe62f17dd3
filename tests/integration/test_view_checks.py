"""The views' and seeds' dbt tests: out of the partition runs, checked daily over every row."""

import shutil

import pytest
from dagster import DagsterInstance

from fullstory_assets.automation.view_checks import SEED_KEYS, VIEW_KEYS
from fullstory_assets.definitions import defs
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.environ import patched_environ
from tests.support import materialize_days, simulate_into

START, DAYS, EVENTS_PER_DAY, SEED = "2024-03-01", 3, 1500, 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "warehouse.duckdb"
    simulate_into(path, START, DAYS, EVENTS_PER_DAY, SEED)
    assert materialize_days(path, "2024-03-01", "2024-03-03").success
    return path


@pytest.fixture
def broken_identify(built, tmp_path):
    """A copy where one user's identify before the third day lost its device id.

    Only the identifies view shows it: the events table has no not-null test on device_id, and
    the day is outside the partition run below.
    """
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built, path)
    with connect(path) as conn:
        (event_id,) = conn.execute(
            "select event_id from fullstory.identifies "
            "where event_time < timestamp '2024-03-03' order by event_id limit 1"
        ).fetchone()
        conn.execute("update fullstory.events set device_id = null where event_id = ?", [event_id])
    return path


def _view_checks(path):
    job = defs.resolve_job_def("fullstory_view_checks")
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(path)}):
        return job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)


def _evaluations(result):
    evaluations = result.get_asset_check_evaluations()
    return {(e.asset_key.to_user_string(), e.check_name): e for e in evaluations}


def test_partition_runs_leave_the_views_tests_out(broken_identify):
    result = materialize_days(broken_identify, "2024-03-03")
    assert result.success
    checked = {asset for asset, _ in _evaluations(result)}
    assert {"events", "int_fullstory__sessions"} <= checked
    assert not checked & {key.to_user_string() for key in VIEW_KEYS | SEED_KEYS}


def test_the_daily_job_tests_every_row_of_every_view_and_seed(built):
    result = _view_checks(built)
    assert result.success
    evaluations = _evaluations(result)
    assert {asset for asset, _ in evaluations} == {
        "identifies",
        "identified_users",
        "devices",
        "sessions",
        "anonymous_users",
        "users",
        "session_paths",
        "device_identities",
        "funnels",
        "fullstory_defined_events",
        "fullstory_defined_pages",
        "fullstory_defined_elements",
        "fullstory_funnel_steps",
    }
    assert all(e.passed for e in evaluations.values())
    assert not result.get_asset_materialization_events()


def test_the_daily_job_fails_on_a_bad_row_outside_any_recent_partition(broken_identify):
    result = _view_checks(broken_identify)
    assert not result.success
    evaluations = _evaluations(result)
    assert not evaluations[("identifies", "not_null_columns_identifies")].passed
    assert evaluations[("sessions", "unique_sessions_full_session_id")].passed


def test_models_without_a_partition_fail_before_dbt_runs(built, tmp_path):
    """A run of the models with no partition (launched without its tags) would rebuild all days."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built, path)
    with connect(path) as conn:
        before = conn.execute("select count(*), max(event_time) from fullstory.events").fetchone()
    job = defs.resolve_job_def("fullstory_models")
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(path)}):
        result = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "partitioned by event day" in failure.step_failure_data.error.message
    with connect(path) as conn:
        after = conn.execute("select count(*), max(event_time) from fullstory.events").fetchone()
    assert after == before
