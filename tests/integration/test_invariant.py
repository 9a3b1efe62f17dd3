"""The invariant: whatever order syncs, schedule ticks, sensor ticks and backfills happen in,
once the sensor has caught up every model equals a full rebuild of the raw table, row for row.

The replay (tests/invariant_replay.py) runs on the DuckDB file here; each engine suite runs it on
its engine. More seeds with `-m slow`.
"""

import pytest

from tests.invariant_replay import replay_history
from tests.support import assert_same_models, full_refresh_reference, model_snapshot


def replay(tmp_path, seed: int, events_per_day: int, actions: int, lookback_hours=None):
    history = replay_history(tmp_path, seed, events_per_day, actions, lookback_hours=lookback_hours)
    expected = full_refresh_reference(history.db_path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(history.db_path), expected)
    return history


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_of_ticks_and_backfills_converges_to_a_full_rebuild(tmp_path, seed):
    assert replay(tmp_path, seed, events_per_day=1500, actions=5).runs >= 2


@pytest.mark.parametrize("seed", [1, 4])
def test_pruned_change_scans_converge_to_a_full_rebuild(tmp_path, seed):
    # A one-hour lookback leaves most late rows to the full scans, at random and at the end.
    history = replay(tmp_path, seed, events_per_day=1500, actions=6, lookback_hours=1)
    assert {tags["fullstory/change_scan"] for tags in history.late_run_tags} == {"fast", "full"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4, 24))
def test_invariant_many_seeds(tmp_path, seed):
    replay(tmp_path, seed, events_per_day=3000, actions=8)
