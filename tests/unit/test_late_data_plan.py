from datetime import date, datetime

from dagster import AssetCheckKey, AssetKey

from fullstory_assets.automation.late_data import (
    EVENTS,
    IDENTIFIES,
    PAGE_VIEWS,
    SESSION_FUNNELS,
    SESSIONS,
    QueuedRun,
    days_per_table,
    plan_runs,
)
from fullstory_assets.automation.run_requests import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    contiguous_ranges,
)
from fullstory_assets.warehouses.changes import RawChanges

VIEWS = [AssetKey("sessions"), AssetKey("users")]


def d(day: int) -> date:
    return date(2024, 5, day)


def test_contiguous_ranges():
    assert contiguous_ranges([d(3), d(1), d(2), d(5), d(5)]) == [(d(1), d(3)), (d(5), d(5))]
    assert contiguous_ranges([]) == []


def test_days_outside_the_partitions_are_dropped():
    changes = RawChanges(
        datetime(2024, 5, 9),
        3,
        frozenset({d(1), d(4), d(9)}),
        frozenset({d(3)}),
        frozenset({d(1), d(3), d(4), d(9)}),
    )
    assert days_per_table(changes, d(2), d(8)) == {
        EVENTS: {d(4)},
        SESSIONS: {d(3)},
        IDENTIFIES: {d(4)},
        PAGE_VIEWS: {d(3), d(4)},
        SESSION_FUNNELS: {d(3)},  # stored on session start days too
    }


def test_page_views_get_runs_of_their_own_days():
    # A session spanning May 1st to 3rd changed on May 2nd: only page views need days 1 and 3.
    needed = {EVENTS: {d(2)}, SESSIONS: {d(1)}, PAGE_VIEWS: {d(1), d(2), d(3)}}
    requests = {r.run_key: r for r in plan_runs(needed, VIEWS, [], "k")}
    assert set(requests) == {
        "k:2024-05-01..2024-05-01:int_fullstory__sessions+page_views",
        "k:2024-05-02..2024-05-02:events+page_views",
        "k:2024-05-03..2024-05-03:page_views",
    }
    assert set(requests["k:2024-05-03..2024-05-03:page_views"].asset_selection) == {
        PAGE_VIEWS,
        *VIEWS,
    }


def test_each_table_gets_exactly_its_days():
    needed = {EVENTS: {d(2)}, SESSIONS: {d(1), d(2)}}
    requests = plan_runs(needed, VIEWS, [], "late:x")
    by_key = {r.run_key: r for r in requests}
    both = by_key["late:x:2024-05-02..2024-05-02:events+int_fullstory__sessions"]
    assert both.partition_key == "2024-05-02"
    assert set(both.asset_selection) == {EVENTS, SESSIONS, *VIEWS}
    sessions_only = by_key["late:x:2024-05-01..2024-05-01:int_fullstory__sessions"]
    assert set(sessions_only.asset_selection) == {SESSIONS, *VIEWS}
    assert len(requests) == 2


def test_contiguous_days_become_one_range_run():
    (request,) = plan_runs({EVENTS: {d(1), d(2), d(3)}, SESSIONS: set()}, VIEWS, [], "k")
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        "2024-05-01",
        "2024-05-03",
    )


def test_days_a_queued_run_covers_are_not_requested_again():
    queued = [QueuedRun(days=frozenset({d(1), d(2)}), assets=None)]
    (request,) = plan_runs({EVENTS: {d(2), d(3)}, SESSIONS: set()}, VIEWS, queued, "k")
    assert request.partition_key == "2024-05-03"
    narrow = [QueuedRun(days=frozenset({d(2)}), assets=frozenset({SESSIONS}))]
    (request,) = plan_runs({EVENTS: {d(2)}, SESSIONS: set()}, VIEWS, narrow, "k")
    assert request.partition_key == "2024-05-02"


def test_each_run_names_the_jobs_checks_on_its_assets():
    events_check = AssetCheckKey(EVENTS, "unique_events_event_id")
    sessions_check = AssetCheckKey(SESSIONS, "unique_int_fullstory__sessions_full_session_id")
    (request,) = plan_runs(
        {EVENTS: {d(2)}, SESSIONS: set()}, VIEWS, [], "k", checks=[events_check, sessions_check]
    )
    assert request.asset_check_keys == [events_check]


def test_a_table_the_warehouse_lacks_is_in_every_run():
    # The first tick on a new warehouse: day 2 has events of a session that began on day 1.
    needed = {EVENTS: {d(1), d(2)}, SESSIONS: {d(1)}}
    (request,) = plan_runs(needed, VIEWS, [], "k", unbuilt=[SESSIONS])
    assert set(request.asset_selection) == {*VIEWS, EVENTS, SESSIONS}
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        "2024-05-01",
        "2024-05-02",
    )
    # Once both tables exist, day 2 rebuilds events alone.
    by_day = {r.partition_key: set(r.asset_selection) for r in plan_runs(needed, VIEWS, [], "k")}
    assert by_day["2024-05-02"] == {*VIEWS, EVENTS}
