"""Dagster on BigQuery (crucible): a partitioned run with its checks and row counts, and the
late-data invariant with pruned change scans, each equal to DuckDB row for row."""

import pytest

from tests.engines.bigquery.load import load_raw
from tests.engines.bigquery.project import read_model
from tests.engines.dagster_suite import (
    EngineHarness,
    assert_range_run_matches_duckdb,
    replay_on_engine,
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
    assert_range_run_matches_duckdb(_harness(crucible, "dagster-run"), reference)


def test_late_data_replay_converges_to_duckdbs_full_rebuild(crucible, tmp_path):
    # Pruned as on BigQuery by default, with a one-hour lookback: the sensor's fast and full
    # scans both run on crucible and leave no late row behind.
    engine = _harness(crucible, "dagster-replay")
    history = replay_on_engine(
        engine, tmp_path, seed=1, events_per_day=600, actions=3, lookback_hours=1
    )
    assert history.runs >= 2
    tags = history.late_run_tags
    assert {run["fullstory/change_scan"] for run in tags} == {"fast", "full"}
    # What each change query scanned is on its runs (crucible bills nothing: 0).
    assert all(run["fullstory/change_query_bytes"].isdigit() for run in tags)
