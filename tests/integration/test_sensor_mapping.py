"""The sensor maps changed raw rows to exactly the partitions they affect, per model."""

from datetime import date, datetime

import pytest
from dagster import DagsterInstance, build_sensor_context

from fullstory_assets.automation.change_cursor import ChangeCursor
from fullstory_assets.automation.late_data import EVENTS, PAGE_VIEWS, SESSIONS
from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.definitions import defs
from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from fullstory_assets.warehouses.environ import patched_environ
from tests.support import (
    assert_same_models,
    execute_run_request,
    full_refresh_reference,
    materialize_days,
    model_snapshot,
)

# A session that starts just before midnight on May 1st, and another one on May 3rd.
ROWS = [
    ("a1", "2024-05-01 23:50:00", "2024-05-02 01:00:00", 1, 1, "navigate"),
    ("a2", "2024-05-01 23:55:00", "2024-05-02 01:00:00", 1, 1, "click"),
    ("b1", "2024-05-03 10:00:00", "2024-05-03 12:00:00", 2, 1, "navigate"),
]


def _sync(path, rows, synced_at: str) -> None:
    with connect(path) as conn:
        conn.execute(
            "create or replace temp table batch (event_id varchar, event_time timestamp, "
            "updated_time timestamp, device_id bigint, session_id bigint, event_type varchar)"
        )
        conn.executemany("insert into batch values (?, ?, ?, ?, ?, ?)", rows)
        conn.execute(
            "create or replace temp view incoming as select event_id, event_time, "
            f"timestamp '{synced_at}' - interval 1 hour as processed_time, "
            f"timestamp '{synced_at}' as updated_time, device_id, session_id, "
            "1::bigint as view_id, "
            "event_type, '{}' as event_properties, 'web' as source_type, "
            "'{}' as source_properties from batch"
        )
        merge_into_raw(conn, "fullstory_raw", "incoming")


def _tick(path, cursor):
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(path)}), DagsterInstance.ephemeral() as inst:
        result = late_data_sensor(
            build_sensor_context(
                instance=inst, cursor=cursor, definitions=defs, resources=defs.resources
            )
        )
    return result


def _days(request) -> set[date]:
    if request.partition_key:
        return {date.fromisoformat(request.partition_key)}
    first = date.fromisoformat(request.tags[RANGE_START_TAG])
    last = date.fromisoformat(request.tags[RANGE_END_TAG])
    return {date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)}


def _plan(result) -> dict:
    plan: dict = {EVENTS: set(), SESSIONS: set(), PAGE_VIEWS: set()}
    for request in result.run_requests:
        for table in plan:
            if table in request.asset_selection:
                plan[table] |= _days(request)
    return plan


@pytest.fixture()
def built(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    _sync(path, ROWS, "2024-05-03 13:00:00")
    first = _tick(path, None)
    # Sessions not stored yet: page views rebuild the days of their changed events.
    assert _plan(first) == {
        EVENTS: {date(2024, 5, 1), date(2024, 5, 3)},
        SESSIONS: {date(2024, 5, 1), date(2024, 5, 3)},
        PAGE_VIEWS: {date(2024, 5, 1), date(2024, 5, 3)},
    }
    assert materialize_days(path, "2024-05-01", "2024-05-03").success
    return path, first.cursor


def test_a_late_event_after_midnight_rebuilds_the_sessions_start_day(built):
    path, cursor = built
    _sync(path, [("a3", "2024-05-02 00:20:00", "2024-05-02 05:00:00", 1, 1, "click")],
          "2024-05-04 09:00:00")  # fmt: skip
    result = _tick(path, cursor)
    # events: the day of the late event; sessions: the day its session started; page views:
    # both, from the stored start to the late event (the entry view on May 1st is no longer
    # the exit, and the late event may open a view of its own on May 2nd).
    assert _plan(result) == {
        EVENTS: {date(2024, 5, 2)},
        SESSIONS: {date(2024, 5, 1)},
        PAGE_VIEWS: {date(2024, 5, 1), date(2024, 5, 2)},
    }
    assert ChangeCursor.parse(result.cursor).since == datetime(2024, 5, 4, 9)


def test_a_nulled_first_event_moves_the_session_start_and_rebuilds_both_days(built):
    path, cursor = built
    # Fullstory re-orders the session: its two first events are superseded (nulled) and the
    # session now starts after midnight.
    _sync(path, [("a1", "2024-05-01 23:50:00", None, 1, 1, None),
                 ("a2", "2024-05-01 23:55:00", None, 1, 1, None),
                 ("a4", "2024-05-02 00:30:00", None, 1, 1, "navigate")],
          "2024-05-04 10:00:00")  # fmt: skip
    plan = _plan(_tick(path, cursor))
    assert plan[SESSIONS] == {date(2024, 5, 1), date(2024, 5, 2)}
    assert plan[EVENTS] == {date(2024, 5, 1), date(2024, 5, 2)}
    assert plan[PAGE_VIEWS] == {date(2024, 5, 1), date(2024, 5, 2)}


def test_nothing_changed_means_no_run(built):
    path, cursor = built
    result = _tick(path, cursor)
    assert not getattr(result, "run_requests", None)


def test_an_earlier_late_event_moves_the_start_back_and_clears_the_old_day(built):
    path, cursor = built
    _sync(path, [("b0", "2024-05-02 23:58:00", "2024-05-03 09:00:00", 2, 1, "navigate")],
          "2024-05-04 11:00:00")  # fmt: skip
    assert _plan(_tick(path, cursor)) == {
        EVENTS: {date(2024, 5, 2)},
        SESSIONS: {date(2024, 5, 2), date(2024, 5, 3)},
        PAGE_VIEWS: {date(2024, 5, 2), date(2024, 5, 3)},
    }


def test_first_tick_on_a_new_warehouse_builds_both_tables_in_every_run(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    # May 2nd has events of a session that began on May 1st, and no session start of its own.
    after_midnight = ("a3", "2024-05-02 00:20:00", "2024-05-02 01:00:00", 1, 1, "click")
    _sync(path, [*ROWS[:2], after_midnight], "2024-05-02 02:00:00")
    requests = _tick(path, None).run_requests
    # The views every run rebuilds read both tables: a run of events alone could not create them.
    assert all(SESSIONS in request.asset_selection for request in requests)
    assert set().union(*map(_days, requests)) == {date(2024, 5, 1), date(2024, 5, 2)}
    with DagsterInstance.ephemeral() as instance:
        for request in reversed(requests):  # the daemon may start them in any order
            execute_run_request(request, path, instance)
    expected = full_refresh_reference(path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(path), expected)


def test_a_change_before_midnight_rebuilds_the_page_views_after_it(built):
    path, cursor = built
    # Session 1:1 now runs into May 2nd with a page of its own there.
    _sync(path, [("a5", "2024-05-02 10:00:00", "2024-05-02 11:00:00", 1, 1, "navigate")],
          "2024-05-04 12:00:00")  # fmt: skip
    first = _tick(path, cursor)
    with DagsterInstance.ephemeral() as instance:
        for request in first.run_requests:
            execute_run_request(request, path, instance)
    # Then an event of May 1st is re-synced: the May 2nd view's neighbours may change with it
    # (its referrer and previous page), though no event of May 2nd changed.
    _sync(path, [("a2", "2024-05-01 23:55:00", "2024-05-02 01:00:00", 1, 1, "navigate")],
          "2024-05-04 13:00:00")  # fmt: skip
    plan = _plan(_tick(path, first.cursor))
    assert plan[EVENTS] == plan[SESSIONS] == {date(2024, 5, 1)}
    assert plan[PAGE_VIEWS] == {date(2024, 5, 1), date(2024, 5, 2)}
