"""The simulated delivery history: determinism, promised rates, identity, ids and payload shapes."""

from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pytest

from fullstory_assets.simulate.activity import EVENT_TYPES
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import HOUR_US, SimulationSpec
from fullstory_assets.simulate.timing import sync_time

SPEC = SimulationSpec(date(2024, 3, 1), days=7, events_per_day=7_200, seed=11)  # ~50k events
APP_ONLY = ("background", "crash", "keyboard_close", "keyboard_open", "low_memory", "pinch_gesture")


@pytest.fixture(scope="module")
def deliveries():
    return build_deliveries(SPEC)


@pytest.fixture(scope="module")
def sql(deliveries):
    conn = duckdb.connect()
    conn.register("d", deliveries)
    # First delivery of each event id, in sessions that were never reprocessed (and so hold no
    # replacement ids either): the rows whose processing delay the timing model promises.
    conn.execute("""
        create view reprocessed as select distinct session_id from d where session_id is not null
        group by event_id, session_id having count(distinct sync_time) > 1;
        create view firsts as select * from d where session_id not in (from reprocessed)
        qualify sync_time = min(sync_time) over (partition by event_id);
    """)
    yield lambda query: conn.sql(query).fetchall()
    conn.close()


def one(sql, query):
    return sql(query)[0][0]


def test_same_seed_same_table_other_seed_other_table():
    small = SimulationSpec(date(2024, 1, 1), days=2, events_per_day=2_000, seed=5)
    assert build_deliveries(small).equals(build_deliveries(small))
    other = SimulationSpec(date(2024, 1, 1), days=2, events_per_day=2_000, seed=6)
    assert not build_deliveries(small).equals(build_deliveries(other))


def test_events_counted_and_kept_inside_the_requested_days(deliveries, sql):
    ids = one(sql, "select count(distinct event_id) from d")
    nulled = one(sql, "select count(distinct event_id) from d where event_type is null")
    assert ids - nulled == SPEC.total_events  # each nulled id lives on under a replacement id
    start = datetime(2024, 3, 1)
    assert sql("select min(event_time), max(event_time) from d")[0] >= (start,)
    assert one(sql, "select max(event_time) from d") < start + timedelta(days=SPEC.days)


def test_rates_within_tolerance(sql):
    rows, distinct = sql("select count(*), count(distinct event_id) from d")[0]
    duplicates = rows - one(sql, "select count(distinct (event_id, sync_time)) from d")
    assert 0.003 < duplicates / rows < 0.007
    delay = "processed_time - event_time"
    within_20_min = one(sql, f"select avg(({delay} <= interval 20 minute)::int) from firsts")
    assert 0.93 < within_20_min < 0.97
    swan_songs = one(sql, f"select avg(({delay} >= interval 3 hour)::int) from firsts")
    assert 0.003 < swan_songs < 0.008
    sessions = one(sql, "select count(distinct session_id) from d")
    assert 0.005 < one(sql, "select count(*) from reprocessed") / sessions < 0.016
    assert 0.001 < one(sql, "select count(*) from d where event_type is null") / distinct < 0.003
    shares = dict(sql("select source_type, count(*) / sum(count(*)) over () from d group by 1"))
    assert 0.70 < shares["web"] < 0.80 and 0.18 < shares["mobile_app"] < 0.26
    assert 0.025 < shares["server"] < 0.035


def test_every_event_type_appears_and_app_only_types_stay_in_apps(sql):
    found = {
        row[0] for row in sql("select distinct event_type from d where event_type is not null")
    }
    assert found == set(EVENT_TYPES)
    places = sql(f"select distinct source_type from d where event_type in {APP_ONLY}")
    assert places == [("mobile_app",)]


def count(sql, where):
    return one(sql, f"select count(*) from d where {where}")


def test_server_events_have_no_session_and_name_their_endpoint(sql):
    rows = sql("""select distinct event_type, session_id, view_id, source_properties->>'origin',
        source_properties->>'entrypoint' like '/users/v1/%' from d where source_type = 'server'""")
    assert {row[0] for row in rows} == {"custom", "identify"}
    assert all(row[1:] == (None, None, "server", True) for row in rows)
    assert count(sql, "source_type <> 'server' and (session_id is null or view_id is null)") == 0


def test_ids_exceed_float_precision_and_sessions_belong_to_one_device(deliveries, sql):
    for column in ("device_id", "session_id", "view_id"):
        values = deliveries[column].drop_null().to_numpy()
        assert values.dtype == np.int64 and values.min() > 2**53
    owners = one(
        sql,
        """select max(n) from (select session_id, count(distinct device_id) n
        from d where session_id is not null group by 1)""",
    )
    assert owners == 1
    assert count(sql, "device_id is null") == 0


def test_sync_time_stamps_updated_time_and_follows_processed_time(deliveries):
    processed = deliveries["processed_time"].cast("int64").to_numpy()
    synced = deliveries["sync_time"].cast("int64").to_numpy()
    assert (synced == sync_time(processed)).all() and (synced % HOUR_US == 0).all()
    assert deliveries["updated_time"].equals(deliveries["sync_time"])
    assert (np.diff(synced) >= 0).all()


def test_duplicates_are_identical_copies_and_nulled_rows_keep_their_other_columns(sql):
    groups = "group by all having count(*) > 1"
    copies = one(sql, f"select coalesce(sum(n - 1), 0) from (select *, count(*) n from d {groups})")
    assert copies == one(sql, "select count(*) - count(distinct (event_id, sync_time)) from d")
    orphans = count(
        sql,
        """event_type is null and not exists (select 1 from d as o
        where o.event_id = d.event_id and o.event_type is not null and o.sync_time < d.sync_time
        and o.event_time = d.event_time and o.device_id = d.device_id
        and o.session_id = d.session_id and o.view_id = d.view_id
        and o.event_properties = d.event_properties and o.source_type = d.source_type)""",
    )
    assert orphans == 0


def test_sessions_have_realistic_shapes(sql):
    smallest, largest, longest = sql("""select min(n), max(n), max(span) from (select session_id,
        count(distinct event_id) n, max(event_time) - min(event_time) span from d
        where session_id is not null and event_type is not null group by 1)""")[0]
    assert smallest == 1 and largest <= 200 and longest > timedelta(hours=1)
    crossing = one(
        sql,
        """select count(*) from (select session_id from d where session_id
        is not null group by 1 having min(event_time::date) <> max(event_time::date))""",
    )
    assert crossing > 0


def test_identity_mid_session_days_later_shared_and_never(sql):
    shared = one(
        sql,
        """select count(*) from (select device_id from d where event_type = 'identify'
        group by 1 having count(distinct event_properties->>'user_id') > 1)""",
    )
    assert shared > 0
    mid_session = count(
        sql,
        """event_type = 'identify' and exists (select 1 from d as e
        where e.session_id = d.session_id and e.event_time < d.event_time)""",
    )
    assert mid_session > 0
    days_later = one(
        sql,
        """select count(*) from (select device_id, min(event_time) first_seen,
        min(event_time) filter (where event_type = 'identify') first_identify
        from d where source_type <> 'server' group by 1)
        where first_identify > first_seen + interval 1 day""",
    )
    assert days_later > 0
    never = one(
        sql,
        """select avg((n = 0)::int) from (select device_id, count(*) filter (
        where event_type = 'identify') n from d where source_type <> 'server' group by 1)""",
    )
    assert 0.30 < never < 0.45


PATHS = {
    "navigate": [
        "source_properties->'$.user_agent.raw_user_agent'",
        "source_properties->'$.location.ip_address'",
        "source_properties->'$.url.full_url'",
        "source_properties->'$.initial_referrer'",
        "event_properties->'$.navigate_reason'",
    ],
    "click": [
        "event_properties->'$.target.raw_selector'",
        "event_properties->'$.target.masked'",
        "event_properties->'$.target.element_properties'",
        "event_properties->'$.fs_rage_count'",
        "event_properties->'$.fs_dead_count'",
    ],
    "identify": ["event_properties->'$.user_id'"],
    "custom": ["event_properties->'$.event_name'"],
    "element_seen": ["event_properties->'$.target.text'"],
}


def test_payloads_are_json_with_the_packages_paths(sql):
    assert count(sql, "not json_valid(event_properties) or not json_valid(source_properties)") == 0
    for event_type, paths in PATHS.items():
        missing = " or ".join(f"({path}) is null" for path in paths)
        assert count(sql, f"event_type = '{event_type}' and ({missing})") == 0, event_type
    assert count(sql, "(event_properties->'$.event_definition_id') is not null") > 0
    extra = "event_properties->'$.target.additional_element_definition_ids'"
    assert count(sql, f"json_type({extra}) = 'ARRAY'") > 0
    assert count(sql, "source_properties = '{}'") > 0
    assert count(sql, "(event_properties->'$.user_email') is not null") > 0
    assert count(sql, "json_type(event_properties->'$.user_properties') = 'OBJECT'") > 0
