"""Dagster on Snowflake (fakesnow): a partitioned run with its checks and row counts, and the
late-data invariant, each equal to DuckDB row for row."""

import pytest

from tests.engines.dagster_suite import (
    EngineHarness,
    assert_range_run_matches_duckdb,
    replay_on_engine,
)
from tests.engines.snowflake.raw import load_raw
from tests.engines.snowflake.support import read_model

pytestmark = pytest.mark.snowflake


def _harness(fakesnow, database: str) -> EngineHarness:
    connection = fakesnow.connect(database)
    return EngineHarness(
        env=fakesnow.dbt_env(database),
        load_raw=lambda table: load_raw(connection, table),
        read_model=lambda name: read_model(connection, name),
    )


def test_a_range_run_builds_checks_and_counts_every_model_like_duckdb(fakesnow, reference):
    assert_range_run_matches_duckdb(_harness(fakesnow, "FS_DAGSTER_RUN"), reference)


def test_late_data_replay_converges_to_duckdbs_full_rebuild(fakesnow, tmp_path):
    engine = _harness(fakesnow, "FS_DAGSTER_REPLAY")
    assert replay_on_engine(engine, tmp_path, seed=1, events_per_day=600, actions=3).runs >= 2
