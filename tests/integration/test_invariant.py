"""The invariant: whatever order syncs, schedule ticks, sensor ticks and backfills happen in,
once the sensor has caught up every model equals a full rebuild of the raw table, row for row.

The replay (tests/invariant_replay.py) runs on the DuckDB file here; each engine suite runs it on
its engine. More seeds with `-m slow`.
"""

import pytest

from tests.invariant_replay import replay_history
from tests.support import assert_same_models, full_refresh_reference, model_snapshot


def replay(tmp_path, seed: int, events_per_day: int, actions: int) -> int:
    history = replay_history(tmp_path, seed, events_per_day, actions)
    expected = full_refresh_reference(history.db_path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(history.db_path), expected)
    return history.runs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_of_ticks_and_backfills_converges_to_a_full_rebuild(tmp_path, seed):
    assert replay(tmp_path, seed, events_per_day=1500, actions=5) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4, 24))
def test_invariant_many_seeds(tmp_path, seed):
    replay(tmp_path, seed, events_per_day=3000, actions=8)
