"""A session whose changed rows a fast scan splits: the full scan repairs what its runs left.

Session 1:1 starts at 23:50 on May 1st and goes on past midnight. A re-sync nulls its first
event and re-delivers the one after midnight. With a one-hour lookback the fast scan reads only
the latter: it rebuilds the stored start day (May 1st), whose run drops the session, since it
now starts on May 2nd, a day no scan asked for. The next full scan reads the nulled row and
every row of its session, and requests both days.
"""

from datetime import date

from dagster import DagsterInstance, build_sensor_context

from fullstory_assets.automation.change_cursor import ChangeCursor
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.definitions import defs
from fullstory_assets.warehouses.environ import patched_environ
from tests.integration.test_sensor_mapping import _days, _sync
from tests.support import (
    assert_same_models,
    execute_run_request,
    full_refresh_reference,
    model_snapshot,
    read_table,
)

FIRST = [
    ("a1", "2024-05-01 23:50:00", "2024-05-02 00:30:00", 1, 1, "navigate"),
    ("a2", "2024-05-02 00:10:00", "2024-05-02 00:30:00", 1, 1, "click"),
]
RESYNC = [
    ("a1", "2024-05-01 23:50:00", "2024-05-02 02:00:00", 1, 1, None),
    ("a2", "2024-05-02 00:10:00", "2024-05-02 02:00:00", 1, 1, "navigate"),
]


def _tick(path, cursor, full_scan_hours: str):
    env = {
        "FULLSTORY_DUCKDB_PATH": str(path),
        "FULLSTORY_CHANGE_LOOKBACK_HOURS": "1",
        "FULLSTORY_CHANGE_FULL_SCAN_HOURS": full_scan_hours,
    }
    with patched_environ(env), DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(
            instance=instance, cursor=cursor, definitions=defs, resources=defs.resources
        )
        return late_data_sensor(context)


def _run(path, result, instance) -> set[date]:
    sessions = set()
    for request in result.run_requests:
        execute_run_request(request, path, instance)
        if any(key.path[-1] == "int_fullstory__sessions" for key in request.asset_selection):
            sessions |= _days(request)
    return sessions


def _stored_sessions(path) -> list[str]:
    return list(read_table(path, "fullstory.int_fullstory__sessions").full_session_id)


def test_the_full_scan_finds_the_session_a_fast_scan_moved_away(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    instance = DagsterInstance.ephemeral()
    _sync(path, FIRST, "2024-05-02 01:00:00")
    first = _tick(path, None, "1000")
    assert ChangeCursor.parse(first.cursor).full_scan_at is not None  # the first tick: full
    _run(path, first, instance)
    assert _stored_sessions(path) == ["1:1"]

    _sync(path, RESYNC, "2024-05-02 03:00:00")
    fast = _tick(path, first.cursor, "1000")
    # The floor is 00:00: the nulled 23:50 row is left out, the 00:10 one is read.
    assert {r.tags["fullstory/change_scan"] for r in fast.run_requests} == {"fast"}
    assert "fullstory/change_query_bytes" not in fast.run_requests[0].tags  # DuckDB: no bytes
    assert _run(path, fast, instance) == {date(2024, 5, 1)}
    assert _stored_sessions(path) == []  # moved to May 2nd, not rebuilt there
    assert ChangeCursor.parse(fast.cursor).lookback_hours == 1  # a full scan is owed

    full = _tick(path, fast.cursor, "0")
    assert {r.tags["fullstory/change_scan"] for r in full.run_requests} == {"full"}
    assert _run(path, full, instance) == {date(2024, 5, 1), date(2024, 5, 2)}
    expected = full_refresh_reference(path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(path), expected)
    settled = ChangeCursor.parse(full.cursor)
    assert settled.since == settled.full_since and settled.lookback_hours is None
