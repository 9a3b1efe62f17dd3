"""A session with events beyond the lookaround a partition run reads is named by a warning."""

from datetime import datetime

from fullstory_assets.warehouses.duckdb import connect
from tests.support import materialize_days, simulate_into

CHECK = ("int_fullstory__sessions", "sessions_within_lookaround_int_fullstory__sessions")
# The first day's window ends at midnight; with the default 12 h lookaround its run reads events
# up to noon of the next day and never sees 13:00.
BEYOND_LOOKAROUND = datetime(2024, 3, 2, 13)


def _evaluation(result):
    found = {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
    }
    return found[CHECK]


def test_a_session_resumed_after_the_lookaround_is_named(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    simulate_into(path, "2024-03-01", 2, 1500, seed=11)
    built = materialize_days(path, "2024-03-01", "2024-03-02")
    assert built.success
    assert _evaluation(built).passed

    with connect(path) as conn:
        session, event_id = conn.execute(
            "select s.full_session_id, e.event_id from fullstory.int_fullstory__sessions s "
            "join fullstory.events e using (full_session_id) "
            "where s.start_time < timestamp '2024-03-02' order by all limit 1"
        ).fetchone()
        # A late event of that session, 13 hours after its day: a copy of one of its events.
        conn.execute(
            "insert into fullstory_raw.events select * replace ("
            "  event_id || '-resumed' as event_id, ? as event_time,"
            "  ? as processed_time, ? as updated_time)"
            "from fullstory_raw.events where event_id = ? limit 1",
            [BEYOND_LOOKAROUND] * 3 + [event_id],
        )

    rerun = materialize_days(path, "2024-03-01")
    assert rerun.success  # a warning: the partition is still written
    evaluation = _evaluation(rerun)
    assert not evaluation.passed
    assert evaluation.severity.value == "WARN"
    assert evaluation.metadata["dagster_dbt/failed_row_count"].value == 1
    with connect(path) as conn:
        (end_time,) = conn.execute(
            "select end_time from fullstory.int_fullstory__sessions where full_session_id = ?",
            [session],
        ).fetchone()
    assert end_time < BEYOND_LOOKAROUND  # what the warning is about: computed from part of it
