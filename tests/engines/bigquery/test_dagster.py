"""Dagster on BigQuery (crucible): a partitioned run with its checks and row counts, and the
late-data invariant, each equal to DuckDB row for row."""

import pytest

from tests.engines.bigquery.load import load_raw
from tests.engines.bigquery.project import read_model
from tests.engines.dagster_suite import (
    EngineHarness,
    assert_models_match,
    check_results,
    events_rows_per_day,
    reference_days,
    replay_on_engine,
    run_days,
)

pytestmark = pytest.mark.bigquery


def _harness(crucible, project: str) -> EngineHarness:
    server = crucible.in_project(project)
    client = server.client()
    return EngineHarness(
        env=server.dbt_env(),
        load_raw=lambda table: load_raw(client, table),
        read_model=lambda name: read_model(client, name),
    )


def test_a_range_run_builds_checks_and_counts_every_model_like_duckdb(crucible, reference):
    engine = _harness(crucible, "dagster-run")
    engine.load_raw(reference.raw)
    first, last = reference_days(reference)
    result = run_days(engine, engine.definitions(), first, last)
    assert result.success
    assert_models_match(engine, reference)
    checks = check_results(result)
    assert {"malformed_json", "unique_events_event_id"} <= checks.keys()
    assert all(checks.values()), {name for name, passed in checks.items() if not passed}
    expected = reference.model("events").event_time.dt.date.astype(str).value_counts().to_dict()
    assert events_rows_per_day(result) == expected


def test_late_data_replay_converges_to_duckdbs_full_rebuild(crucible, tmp_path):
    engine = _harness(crucible, "dagster-replay")
    assert replay_on_engine(engine, tmp_path, seed=1, events_per_day=600, actions=3) >= 2
