"""Dagster on PostgreSQL (the Redshift suite's engine): a partitioned run with its checks and row
counts, and the late-data invariant, each equal to DuckDB row for row."""

import pytest

from tests.engines.dagster_suite import (
    EngineHarness,
    assert_range_run_matches_duckdb,
    replay_on_engine,
)
from tests.engines.postgres.load import load_raw
from tests.engines.postgres.runner import create_database, read_relation

pytestmark = pytest.mark.postgres


def _harness(postgres, database: str) -> EngineHarness:
    conn_params = create_database(postgres, database)
    return EngineHarness(
        env=postgres.dbt_env() | {"POSTGRES_DATABASE": database},
        load_raw=lambda table: load_raw(conn_params, table),
        read_model=lambda name: read_relation(conn_params, f"fullstory.{name}"),
    )


def test_a_range_run_builds_checks_and_counts_every_model_like_duckdb(postgres, reference):
    assert_range_run_matches_duckdb(_harness(postgres, "dagster_run"), reference)


def test_late_data_replay_converges_to_duckdbs_full_rebuild(postgres, tmp_path):
    engine = _harness(postgres, "dagster_replay")
    assert replay_on_engine(engine, tmp_path, seed=1, events_per_day=600, actions=3).runs >= 2
