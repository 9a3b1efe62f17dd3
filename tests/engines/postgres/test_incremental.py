"""Partition runs on PostgreSQL, after late syncs, converge to DuckDB's full rebuild.

The models are first built from scratch on the raw table as an earlier sync left it (the same
simulation cut at MIDWAY), then the final raw table is loaded and each event day is run as
Dagster runs it: `dbt build` with the partition window in the environment, which replaces the
day through the `partition_window` strategy (delete + insert in the run's transaction).
"""

from datetime import date, datetime, timedelta

import duckdb
import psycopg2
import pytest

from tests.engines.postgres.load import load_raw
from tests.engines.postgres.runner import (
    create_database,
    dbt_on_postgres,
    read_relation,
    window_env,
)
from tests.engines.reference import (
    MODEL_TABLES,
    REFERENCE_DAYS,
    REFERENCE_EVENTS_PER_DAY,
    REFERENCE_SEED,
    REFERENCE_START,
    assert_matches_duckdb,
    canonical_rows,
    stale_attribution_days,
)
from tests.support import simulate_into

pytestmark = pytest.mark.postgres

MIDWAY = datetime(2024, 3, 2, 12, 0)  # half of the history has been synced
DAYS = [date.fromisoformat(REFERENCE_START) + timedelta(days=n) for n in range(REFERENCE_DAYS)]


@pytest.fixture(scope="module")
def earlier_raw(tmp_path_factory):
    path = tmp_path_factory.mktemp("earlier") / "raw.duckdb"
    simulate_into(
        path, REFERENCE_START, REFERENCE_DAYS, REFERENCE_EVENTS_PER_DAY, REFERENCE_SEED, MIDWAY
    )
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql("select * from fullstory_raw.events").to_arrow_table()


@pytest.fixture(scope="module")
def stale_then_partitioned(postgres, reference, earlier_raw, dbt_target):
    """Models built on the earlier raw table, then per-day runs on the final one, latest first.

    Returns the models as built on the earlier raw table, and the connection parameters.
    """
    conn_params = create_database(postgres, "incremental")
    load_raw(conn_params, earlier_raw)
    dbt_on_postgres(postgres, ["build", "--full-refresh"], dbt_target, database="incremental")
    stale = {name: read_relation(conn_params, f"fullstory.{name}") for name in MODEL_TABLES}
    load_raw(conn_params, reference.raw)
    for day in reversed(DAYS):  # any order converges; the latest day first moves sessions
        window = window_env(day.isoformat(), (day + timedelta(days=1)).isoformat())
        dbt_on_postgres(postgres, ["build"], dbt_target, database="incremental", env=window)
        # The day was replaced in place, not rebuilt: the strategy's delete and insert ran.
        events_sql = next((dbt_target / "run").rglob("marts/events.sql")).read_text()
        assert "delete from" in events_sql and "insert into" in events_sql
    # The days stitched before another day's identifies were stored, as the sensor re-runs them.
    for day in stale_attribution_days(
        lambda model: read_relation(conn_params, f"fullstory.{model}")
    ):
        window = window_env(day.isoformat(), (day + timedelta(days=1)).isoformat())
        dbt_on_postgres(postgres, ["build"], dbt_target, database="incremental", env=window)
    return stale, conn_params


def test_earlier_sync_gave_different_models(stale_then_partitioned, reference):
    # Guards the test below: the late syncs changed what the models must hold.
    stale, _ = stale_then_partitioned
    changed = [
        name
        for name in MODEL_TABLES
        if not canonical_rows(stale[name], name).equals(canonical_rows(reference.model(name), name))
    ]
    assert {"events", "sessions", "int_fullstory__sessions"} <= set(changed)


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_partition_runs_equal_a_full_rebuild(stale_then_partitioned, reference, model):
    _, conn_params = stale_then_partitioned
    assert_matches_duckdb(model, read_relation(conn_params, f"fullstory.{model}"), reference)


def test_a_partition_run_replaces_exactly_its_utc_day(postgres, reference, dbt_target):
    # Rows lost around midnight (UTC) on both sides; the run for the second day restores
    # exactly the second day's, whatever the session's time zone (a client's PGTZ here).
    conn_params = create_database(postgres, "boundaries")
    load_raw(conn_params, reference.raw)
    dbt_on_postgres(postgres, ["build", "--full-refresh"], dbt_target, database="boundaries")
    day = DAYS[1]
    midnight = datetime.combine(day, datetime.min.time())
    lost = (midnight - timedelta(hours=3), midnight + timedelta(hours=3))
    with psycopg2.connect(**conn_params) as connection, connection.cursor() as cursor:
        cursor.execute("set timezone to 'UTC'")
        cursor.execute(
            "delete from fullstory.events where event_time >= %s and event_time < %s", lost
        )
        assert cursor.rowcount > 0
    connection.close()
    window = window_env(day.isoformat(), (day + timedelta(days=1)).isoformat())
    window |= {"PGTZ": "America/New_York"}  # libpq's session time zone for dbt's connections
    dbt_on_postgres(postgres, ["build"], dbt_target, database="boundaries", env=window)

    ours = canonical_rows(read_relation(conn_params, "fullstory.events"), "events")
    expected = canonical_rows(reference.model("events"), "events")
    start = midnight.isoformat(timespec="microseconds")  # canonical times are naive UTC
    lost_start = lost[0].isoformat(timespec="microseconds")
    in_day, before_day = ours["event_time"] >= start, ours["event_time"] < start
    assert (
        ours[in_day]
        .reset_index(drop=True)
        .equals(expected[expected["event_time"] >= start].reset_index(drop=True))
    ), "the day's events differ from DuckDB's"
    untouched = (expected["event_time"] < lost_start) | (expected["event_time"] >= start)
    assert (
        ours[before_day]
        .reset_index(drop=True)
        .equals(expected[untouched & (expected["event_time"] < start)].reset_index(drop=True))
    ), "the run touched the day before"
