"""Identity stitching on a small hand-built history, including a late identify on a shared device.

Days are 2024-03-01 (D1) .. 2024-03-04 (D4); every time below is relative to D1 12:00.

Device 10 is shared. Its anonymous session on D1 and its D3 session come before and between
identifies: alice identifies on D2, bob on D4 at 12:01. Device 30 stays anonymous on D1 and D2,
and carol identifies on it on D3 -- in a sync that lands after D1..D3 were built (a late
identify). Device 20 never identifies.

Worked answer (spans: device 10 alice (-inf, D4 12:01), bob [D4 12:01, inf); device 30 carol):
- events: every event of device 10 before D4 12:01 is alice's, including D4 12:00, which opens
  bob's session a minute before he logs in; D4 12:01 on is bob's. Device 30: carol, from D1 on.
  Device 20: NULL.
- sessions: identified sessions belong to their identified user (D4's is bob's); anonymous ones
  to the span at their start (device 10 D1 and D3: alice; device 30 D1, D2: carol).
- users: alice 3 sessions, bob 1, carol 3, anon_20 1: no anon_10 or anon_30.
- the late identify: its sync changes raw rows of D3 only; once D3 is rebuilt, the stored events
  of device 30 on D1 and D2 disagree with the new span, and the sensor asks for exactly D1..D2.
"""

from datetime import datetime

from dagster import DagsterInstance, SkipReason, build_sensor_context

from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.definitions import defs
from fullstory_assets.warehouses.environ import patched_environ
from tests.integration.test_peer_bugs_fixed import event, identify, merge, query
from tests.support import (
    assert_same_models,
    execute_run_request,
    full_refresh_reference,
    materialize_days,
    model_snapshot,
)

DAY = 86_400
EARLY = [
    [
        event("d10_1", 0, 10, 1, "navigate"),
        event("d10_2", 300, 10, 1),
        event("d10_3", DAY, 10, 2, "navigate"),
        identify("d10_4", DAY + 60, 10, 2, "alice"),
        event("d10_5", 2 * DAY, 10, 3, "navigate"),
        event("d10_6", 3 * DAY, 10, 4, "navigate"),
        identify("d10_7", 3 * DAY + 60, 10, 4, "bob"),
        event("d10_8", 3 * DAY + 120, 10, 4),
        event("d20_1", 0, 20, 1, "navigate"),
        event("d30_1", 0, 30, 1, "navigate"),
        event("d30_2", DAY, 30, 2, "navigate"),
        event("d30_3", 2 * DAY, 30, 3, "navigate"),
    ]
]
# Processed two days after it happened, in a sync after the first builds.
LATE_IDENTIFY = [
    [identify("d30_4", 2 * DAY + 60, 30, 3, "carol") | {"processed_time": datetime(2024, 3, 5, 10)}]
]
LATE_IDENTIFY[0][0]["updated_time"] = datetime(2024, 3, 5, 11)


def stitched(db_path) -> dict[str, str | None]:
    return dict(query(db_path, "select event_id, stitched_user_id from fullstory.events"))


def tick(db_path, instance, cursor):
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(db_path)}):
        context = build_sensor_context(
            instance=instance, cursor=cursor, definitions=defs, resources=defs.resources
        )
        return late_data_sensor(context)


def test_a_late_identify_on_a_shared_device_restitches_exactly_the_days_it_changes(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    instance = DagsterInstance.ephemeral()
    merge(db_path, EARLY)
    assert materialize_days(db_path, "2024-03-01", "2024-03-04", instance=instance).success
    first = tick(db_path, instance, None)  # takes the cursor past the early rows
    for request in first.run_requests:
        execute_run_request(request, db_path, instance)
    before = stitched(db_path)
    assert before["d30_1"] is None and before["d10_6"] == "alice"

    merge(db_path, LATE_IDENTIFY)
    changed = tick(db_path, instance, first.cursor)
    assert {r.partition_key for r in changed.run_requests} == {"2024-03-03"}
    for request in changed.run_requests:
        execute_run_request(request, db_path, instance)
    restitch = tick(db_path, instance, changed.cursor)
    (request,) = restitch.run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        "2024-03-01",
        "2024-03-02",
    )
    assert {key.to_user_string() for key in request.asset_selection} >= {"events"}
    assert "int_fullstory__sessions" not in {k.to_user_string() for k in request.asset_selection}
    execute_run_request(request, db_path, instance)
    settled = tick(db_path, instance, restitch.cursor)
    assert isinstance(settled, SkipReason), settled  # nothing changed, nothing stale

    alice = {f"d10_{i}": "alice" for i in range(1, 7)}
    carol = {f"d30_{i}": "carol" for i in range(1, 5)}
    assert stitched(db_path) == alice | {"d10_7": "bob", "d10_8": "bob", "d20_1": None} | carol
    sessions = dict(
        query(db_path, "select full_session_id, stitched_user_id from fullstory.sessions")
    )
    assert sessions == {
        "10:1": "alice", "10:2": "alice", "10:3": "alice", "10:4": "bob",
        "20:1": None, "30:1": "carol", "30:2": "carol", "30:3": "carol",
    }  # fmt: skip
    users = dict(query(db_path, "select user_id, total_sessions from fullstory.users"))
    assert users == {"alice": 3, "bob": 1, "carol": 3, "anon_20": 1}
    spans = query(
        db_path,
        "select device_identity_id, user_id, valid_from is null, valid_to is null "
        "from fullstory.device_identities order by 1",
    )
    assert spans == [
        ("10:1", "alice", True, False),
        ("10:2", "bob", False, True),
        ("30:1", "carol", True, True),
    ]
    assert_same_models(
        model_snapshot(db_path), full_refresh_reference(db_path, tmp_path / "rebuild.duckdb")
    )
