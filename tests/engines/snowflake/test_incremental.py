"""Partition runs on Snowflake (fakesnow) after late syncs converge to DuckDB's full rebuild.

The project is first built with ``--full-refresh`` on the raw table as an earlier sync left it
(the reference history, synced until midway through its second day). Then the final raw table
replaces it, and ``dbt build`` runs once per event day with the window Dagster hands over
(FULLSTORY_PARTITION_START/END): the ``partition_window`` strategy's delete+insert, the
sessions' lookaround, the window-scoped tests. Every model must then equal DuckDB's
``--full-refresh`` build on the final raw table, and stay so when a day is run again.
"""

from datetime import date, datetime, timedelta

import duckdb
import pytest

from tests.engines.reference import (
    MODEL_TABLES,
    REFERENCE_DAYS,
    REFERENCE_EVENTS_PER_DAY,
    REFERENCE_SEED,
    REFERENCE_START,
    assert_matches_duckdb,
    stale_attribution_days,
)
from tests.engines.snowflake.raw import load_raw
from tests.engines.snowflake.support import read_model, run_dbt_on
from tests.support import simulate_into

pytestmark = pytest.mark.snowflake

DATABASE = "FS_INCR"
# The syncs applied when the models are first built: day one complete, day two half done.
EARLIER_SYNC = datetime(2024, 3, 2, 12, 0)
DAYS = [date.fromisoformat(REFERENCE_START) + timedelta(days=i) for i in range(REFERENCE_DAYS)]


def _window(day: date) -> dict[str, str]:
    return {
        "FULLSTORY_PARTITION_START": day.isoformat(),
        "FULLSTORY_PARTITION_END": (day + timedelta(days=1)).isoformat(),
    }


@pytest.fixture(scope="module")
def earlier_raw(tmp_path_factory):
    """The reference's raw table as the sync at EARLIER_SYNC left it."""
    path = tmp_path_factory.mktemp("earlier") / "raw.duckdb"
    simulate_into(
        path,
        REFERENCE_START,
        REFERENCE_DAYS,
        REFERENCE_EVENTS_PER_DAY,
        REFERENCE_SEED,
        until=EARLIER_SYNC,
    )
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql("select * from fullstory_raw.events").to_arrow_table()


@pytest.fixture(scope="module")
def connection(fakesnow):
    connection = fakesnow.connect(DATABASE)
    yield connection
    connection.close()


def _assert_every_model_matches(connection, reference) -> None:
    for model in MODEL_TABLES:
        assert_matches_duckdb(model, read_model(connection, model), reference)


def test_partition_runs_after_late_syncs_equal_full_rebuild(
    fakesnow, connection, reference, earlier_raw, snowflake_target
):
    load_raw(connection, earlier_raw)
    run_dbt_on(fakesnow, DATABASE, ["build", "--full-refresh"], snowflake_target)
    # Guard: the later syncs do change what the models must hold.
    stale = {name: read_model(connection, name) for name in ("events", "sessions")}
    assert any(len(stale[name]) != len(reference.model(name)) for name in stale)

    load_raw(connection, reference.raw)
    for day in DAYS:
        run_dbt_on(fakesnow, DATABASE, ["build"], snowflake_target, _window(day))
    # The days stitched before another day's identifies were stored, as the sensor re-runs them.
    for day in stale_attribution_days(lambda model: read_model(connection, model)):
        run_dbt_on(fakesnow, DATABASE, ["build"], snowflake_target, _window(day))
    _assert_every_model_matches(connection, reference)

    # Idempotent, in any order: the first day once more, after the second.
    run_dbt_on(fakesnow, DATABASE, ["build"], snowflake_target, _window(DAYS[0]))
    _assert_every_model_matches(connection, reference)
