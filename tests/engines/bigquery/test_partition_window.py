"""The partition_window strategy on BigQuery (crucible): partitioned runs converge to a rebuild.

The models are built from scratch on the raw table as an earlier sync left it; then the final
raw table is loaded and each event day is run as a partition (`dbt build` with the day's window,
one MERGE per partitioned table). Every model must then equal DuckDB's full rebuild on the final
raw table, and the SQL sent must be the production shape: one MERGE replacing the window.
"""

import re
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from tests.engines.bigquery.load import load_raw
from tests.engines.bigquery.project import dbt_on_crucible, read_model, run_sql
from tests.engines.reference import (
    MODEL_TABLES,
    REFERENCE_DAYS,
    REFERENCE_EVENTS_PER_DAY,
    REFERENCE_SEED,
    REFERENCE_START,
    assert_matches_duckdb,
    stale_attribution_days,
)
from tests.support import simulate_into

pytestmark = pytest.mark.bigquery

# Halfway through the second day: the first day still gets late events and re-synced sessions
# after it, the second is mostly still to come.
EARLIER_SYNC = datetime(2024, 3, 2, 10)
DAYS = [date.fromisoformat(REFERENCE_START) + timedelta(days=i) for i in range(REFERENCE_DAYS)]


def _window(day: date) -> tuple[str, str]:
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def partitioned(crucible, reference, tmp_path_factory):
    """Models built at the earlier sync, then each day run as a partition on the final table."""
    directory = tmp_path_factory.mktemp("partition-window")
    earlier = directory / "earlier.duckdb"
    simulate_into(
        earlier,
        REFERENCE_START,
        REFERENCE_DAYS,
        REFERENCE_EVENTS_PER_DAY,
        REFERENCE_SEED,
        until=EARLIER_SYNC,
    )
    with duckdb.connect(str(earlier), read_only=True) as conn:
        earlier_raw = conn.sql("select * from fullstory_raw.events").to_arrow_table()

    server = crucible.in_project("partition-window")
    client = server.client()
    target_path = directory / "target"
    load_raw(client, earlier_raw)
    dbt_on_crucible(server, ["build", "--full-refresh"], target_path)
    earlier_counts = {name: len(read_model(client, name)) for name in ("events", "sessions")}

    load_raw(client, reference.raw)
    for day in DAYS:
        dbt_on_crucible(server, ["build"], target_path, window=_window(day))
    # The days stitched before another day's identifies were stored, as the sensor re-runs them.
    # Their own target: the tests below read the last day's compiled MERGE from target_path.
    for day in stale_attribution_days(lambda model: read_model(client, model)):
        dbt_on_crucible(server, ["build"], directory / "restitched", window=_window(day))
    return client, target_path, earlier_raw.num_rows, earlier_counts


def test_the_runs_had_work_to_do(partitioned, reference):
    client, _, earlier_raw_rows, earlier_counts = partitioned
    assert earlier_raw_rows < reference.raw.num_rows
    for name, count in earlier_counts.items():
        assert count < len(reference.model(name)), name


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_model_matches_duckdb_rebuild(partitioned, reference, model):
    client, *_ = partitioned
    assert_matches_duckdb(model, read_model(client, model), reference)


@pytest.fixture(scope="module")
def moved_sessions(crucible, reference, tmp_path_factory):
    """Sessions that crossed midnight first synced without their first day's events, so they
    started on the second day; then the full table loaded and only the first day run."""
    sessions = reference.model("int_fullstory__sessions")
    midnight = pd.Timestamp(DAYS[1])
    crossing = sessions[(sessions.start_time < midnight) & (sessions.end_time >= midnight)]
    keys = set(crossing.full_session_id)
    raw = reference.raw
    session_keys = [
        f"{device}:{session}"
        for device, session in zip(
            raw["device_id"].to_pylist(), raw["session_id"].to_pylist(), strict=True
        )
    ]
    before_midnight = [t < midnight for t in raw["event_time"].to_pylist()]
    earlier_raw = raw.filter(
        pa.array(
            [not (k in keys and b) for k, b in zip(session_keys, before_midnight, strict=True)]
        )
    )

    server = crucible.in_project("moved-sessions")
    client = server.client()
    target_path = tmp_path_factory.mktemp("moved-sessions")
    load_raw(client, earlier_raw)
    dbt_on_crucible(server, ["seed"], target_path)
    dbt_on_crucible(server, ["run", "--full-refresh"], target_path)
    starts = read_model(client, "int_fullstory__sessions").set_index("full_session_id")
    earlier_starts = starts.loc[sorted(keys), "start_time"]

    load_raw(client, raw)
    dbt_on_crucible(server, ["build"], target_path, window=_window(DAYS[0]))
    return client, keys, earlier_starts


def test_a_session_whose_start_moves_leaves_its_old_day(moved_sessions, reference):
    client, keys, earlier_starts = moved_sessions
    assert keys  # the reference history has sessions crossing midnight
    assert (earlier_starts.dt.tz_localize(None) >= pd.Timestamp(DAYS[1])).all()
    # Only the first day ran: the MERGE matched the sessions' rows on the second day by key and
    # replaced them (dbt's unique test on full_session_id passed in that build, too).
    for model in ("int_fullstory__sessions", "sessions", "devices", "users"):
        assert_matches_duckdb(model, read_model(client, model), reference)


def _statements(sql: str) -> list[str]:
    """The statements of a run's SQL, whitespace collapsed."""
    return [" ".join(part.split()) for part in sql.split(";") if part.strip()]


def test_events_window_is_replaced_by_one_merge(partitioned):
    client, target_path, *_ = partitioned
    start, end = _window(DAYS[-1])
    [merge] = _statements(run_sql(target_path, "models/marts/events.sql"))
    assert merge.startswith(
        f"merge into `{client.project}`.`fullstory`.`events` as dbt_internal_dest"
    )
    assert " on false " in merge
    assert (
        "when not matched by source"
        f" and dbt_internal_dest.event_time >= cast('{start}' as timestamp)"
        f" and dbt_internal_dest.event_time < cast('{end}' as timestamp)"
        " then delete when not matched then insert"
    ) in merge
    # The source is a view of the model's SQL, so the MERGE computes the window's rows once, as
    # it writes them; it is named after the dbt invocation, so overlapping runs never share it.
    assert re.search(
        r"from `partition-window`\.`fullstory`\.`events__dbt_tmp_[0-9a-f_]{36}[0-9]+`", merge
    )


def test_sessions_window_and_moved_keys_are_replaced_by_one_merge(partitioned):
    client, target_path, *_ = partitioned
    start, end = _window(DAYS[-1])
    sql = run_sql(target_path, "models/intermediate/int_fullstory__sessions.sql")
    [merge] = _statements(sql)
    assert merge.startswith(
        f"merge into `{client.project}`.`fullstory`.`int_fullstory__sessions` as dbt_internal_dest"
    )
    assert (
        " on dbt_internal_dest.full_session_id = dbt_internal_source.full_session_id"
        " when matched then update set `full_session_id` = dbt_internal_source.`full_session_id`,"
    ) in merge
    assert (
        "when not matched by source"
        f" and dbt_internal_dest.start_time >= cast('{start}' as timestamp)"
        f" and dbt_internal_dest.start_time < cast('{end}' as timestamp)"
        " then delete when not matched then insert"
    ) in merge
    # Its new rows too are named after the dbt invocation (and the time: dbt-bigquery's own).
    assert re.search(r"`int_fullstory__sessions__dbt_tmp_[0-9a-f_]{36}[0-9]+`", merge)
    # The view of new rows was dropped after the MERGE.
    tables = {table.table_id for table in client.list_tables(f"{client.project}.fullstory")}
    assert not [name for name in tables if "__dbt_tmp" in name]
