"""The official package's bugs (PEER_MODELS.md §7), each tripped on a small hand-built raw table.

One raw table (`scenario`) holds a few devices per bug, built once. The tie-break, incremental
and event-type-var tests need their own builds. Every row is merged with the warehouse's merge
semantics, in "syncs", as Fullstory delivers it.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS
from tests.support import MART_MODELS, run_dbt

DAY = datetime(2024, 3, 1, 12)
ORG = {"FULLSTORY_ORG_ID": "o-ABC-na1"}
BIG_DEVICE = 2**60 + 7  # beyond 2**53: would lose digits through a float
UA = {"raw_user_agent": "UA-105", "device": "Desktop", "operating_system": "Linux"}
UA |= {"browser": "Firefox", "browser_version": "120"}
LOCATION = {"ip_address": "10.0.0.5", "country": "FR", "region": "IDF", "city": "Paris"}
LOCATION |= {"lat_long": "48.85,2.35"}


def event(event_id, seconds, device, session, event_type="click", props=None, **kw):
    """One raw row; times relative to DAY, updated an hour after processing."""
    event_time = DAY + timedelta(seconds=seconds)
    processed = kw.get("processed", event_time + timedelta(minutes=10))
    return {
        "event_id": event_id,
        "event_time": event_time,
        "processed_time": processed,
        "updated_time": kw.get("updated", processed + timedelta(hours=1)),
        "device_id": device,
        "session_id": session,
        "view_id": kw.get("view", 1 if session is not None else None),
        "event_type": event_type,
        "event_properties": json.dumps(props or {}),
        "source_type": kw.get("source", "web"),
        "source_properties": json.dumps(kw.get("source_props", {})),
    }


def identify(event_id, seconds, device, session, user_id, **props):
    return event(event_id, seconds, device, session, "identify", {"user_id": user_id, **props})


def merge(db_path: Path, syncs: list[list[dict]]) -> None:
    """Merge each sync into the raw table, one merge per sync."""
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS.items())
    placeholders = ", ".join("?" for _ in RAW_COLUMNS)
    with connect(db_path) as conn:
        for rows in syncs:
            conn.execute(f"create or replace temp table incoming ({columns})")
            conn.executemany(
                f"insert into incoming values ({placeholders})",
                [[row[c] for c in RAW_COLUMNS] for row in rows],
            )
            merge_into_raw(conn, "fullstory_raw", "incoming")


def query(db_path: Path, sql: str) -> list[tuple]:
    with connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def records(db_path: Path, relation: str, where: str = "true") -> list[dict]:
    with connect(db_path) as conn:
        cursor = conn.execute(f"select * from {relation} where {where}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def one(db_path: Path, relation: str, where: str) -> dict:
    found = records(db_path, relation, where)
    assert len(found) == 1, f"{relation} where {where}: {found}"
    return found[0]


def snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every mart (and the stored session table), rows sorted, JSON as text."""
    out = {}
    for model in (*MART_MODELS, "int_fullstory__sessions"):
        with connect(db_path) as conn:
            names = [d[0] for d in conn.execute(f"describe fullstory.{model}").fetchall()]
            cast = ", ".join(f'cast("{n}" as varchar)' for n in names)
            out[model] = sorted(
                conn.execute(f"select {cast} from fullstory.{model}").fetchall(),
                key=lambda r: tuple((v is None, v or "") for v in r),
            )
    return out


def build(db_path: Path, dbt_dir: Path, *args: str, env: dict | None = None) -> None:
    """``dbt build`` on ``db_path``; builds sharing ``dbt_dir`` share dbt's partial parse."""
    paths = ["--target-path", str(dbt_dir / "target"), "--log-path", str(dbt_dir / "logs")]
    run_dbt(["build", *args, *paths], db_path, env={**ORG, **(env or {})})


# ---------------------------------------------------------------------------------------------
# The shared scenario: one group of devices per bug

ANONYMOUS = [  # (a), (b): 101 never identified; 102 identified in its second session;
    # 103 identified by two users; BIG_DEVICE anonymous with a 64-bit id.
    [
        event("a101_1", 0, 101, 1, "load"),
        event("a101_2", 30, 101, 1),
        event("a101_3", 3600, 101, 2),
        event("a102_1", 0, 102, 1),
        identify("a102_2", 3600, 102, 2, "alice"),
        identify("a103_1", 0, 103, 1, "bob"),
        identify("a103_2", 3600, 103, 2, "carol"),
        event("a_big", 0, BIG_DEVICE, 9),
    ]
]
DUPLICATES = [  # (c): every event of session 104:1 delivered twice in one sync
    [
        copy
        for row in (
            event("c_click", 0, 104, 1),
            event("c_mobile", 1, 104, 1, source="mobile_app"),
            event("c_nav", 2, 104, 1, "navigate", source_props={"url": {"full_url": "https://x/"}}),
        )
        for copy in (row, dict(row))
    ]
]
LAST_VALUES = [  # (d): values only on early events; the later events are empty
    [
        identify(
            "d105_1",
            0,
            105,
            1,
            "dave",
            user_email="dave@x.test",
            user_display_name="Dave",
            user_properties={"plan": "pro"},
        )
        | {"source_properties": json.dumps({"user_agent": UA, "location": LOCATION})},
        event("d105_2", 2.9, 105, 1),
        identify("d105_3", 3600, 105, 2, "dave"),
        event("d105_4", 3601, 105, 2),
        event("d106_1", 0, 106, 1, source_props={"user_agent": {"raw_user_agent": "UA-106"}}),
        event("d106_2", 5, 106, 1),
    ]
]
TIES = [  # (e): identical (event_time, updated_time, processed_time) everywhere
    [
        identify("tie_a", 0, 107, 1, "erin", user_email="a@x.test")
        | {"source_properties": json.dumps({"user_agent": {"raw_user_agent": "UA-A"}})},
        identify("tie_b", 0, 107, 1, "erin", user_email="b@x.test")
        | {"source_type": "mobile_app"}
        | {"source_properties": json.dumps({"user_agent": {"raw_user_agent": "UA-B"}})},
        # More tied pairs, in sessions 107:2 to 107:7: without a final tie-break, which event of a
        # pair wins would depend on the engine's row order, and not every pair would get lucky.
        *[
            event(f"tie_{k}_{side}", 0, 107, k, source=source, source_props={"user_agent": ua})
            for k in range(2, 8)
            for side, source in (("x", "web"), ("y", "mobile_app"))
            for ua in [{"raw_user_agent": f"UA-{k}-{side}"}]
        ],
        identify("tie_frank_108", 0, 108, 1, "frank"),
        identify("tie_frank_109", 0, 109, 1, "frank"),
        # Two versions of one event with the same times, delivered in one sync.
        event("tie_dup", 0, 114, 1, source="web"),
        event("tie_dup", 0, 114, 1, source="mobile_app"),
    ]
]
SERVER = [  # (f): server-API events without a session
    [
        event("f110_1", 0, 110, 1),
        event("f110_srv", 5, 110, None, "custom", {"event_name": "upgrade"}, source="server"),
        event("f110_2", 10, 110, 1),
        event("f111_srv", 0, 111, None, "custom", {"event_name": "signup"}, source="server"),
    ]
]
NULLED = [  # (i): a later sync nulls out superseded rows
    [event("i112_keep", 0, 112, 1), event("i112_gone", 5, 112, 1), event("i113_only", 0, 113, 1)],
    [
        event("i112_gone", 5, 112, 1, updated=DAY + timedelta(hours=5)) | {"event_type": None},
        event("i113_only", 0, 113, 1, updated=DAY + timedelta(hours=5)) | {"event_type": None},
    ],
]
SYNCS = ANONYMOUS + DUPLICATES + LAST_VALUES + TIES + SERVER + NULLED
NEVER_IDENTIFIED = {"101", str(BIG_DEVICE), "104", "106", "110", "112", "114"}
SESSIONS = {"101:1", "101:2", "102:1", "102:2", "103:1", "103:2", f"{BIG_DEVICE}:9", "104:1"}
SESSIONS |= {"105:1", "105:2", "106:1", "108:1", "109:1", "110:1", "112:1", "114:1"}
SESSIONS |= {f"107:{k}" for k in range(1, 8)}


@pytest.fixture(scope="module")
def dbt_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dbt")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, dbt_dir) -> Path:
    db_path = tmp_path_factory.mktemp("scenario") / "warehouse.duckdb"
    merge(db_path, SYNCS)
    build(db_path, dbt_dir)
    return db_path


def test_anonymous_users_are_the_never_identified_devices_once_each(scenario):
    devices = [r[0] for r in query(scenario, "select device_id from fullstory.anonymous_users")]
    assert sorted(devices) == sorted(NEVER_IDENTIFIED)
    row = one(scenario, "fullstory.anonymous_users", "device_id = '101'")
    assert row["last_event_id"] == "a101_3"  # the latest session's last event


def test_users_has_one_row_per_user_and_keeps_every_anonymous_user(scenario):
    users = dict(query(scenario, "select user_id, total_sessions from fullstory.users"))
    anonymous = {f"anon_{device}": 1 for device in NEVER_IDENTIFIED} | {"anon_101": 2}
    # Identity stitching: a device's anonymous sessions belong to the user identified on it.
    assert users == anonymous | {
        "alice": 2,  # device 102's anonymous first session, then the identified one
        "bob": 1,
        "carol": 1,
        "dave": 2,
        "erin": 7,  # device 107: its identified session, and the tied pairs' sessions
        "frank": 2,
    }


def test_counts_count_distinct_events_when_raw_rows_repeat(scenario):
    raw = query(scenario, "select count(*) from fullstory_raw.events where device_id = 104")
    assert raw == [(6,)], "the trap is set: every event twice in the raw table"
    session = one(scenario, "fullstory.sessions", "full_session_id = '104:1'")
    counts = {k: v for k, v in session.items() if k.startswith("total_") and v}
    assert counts == {
        "total_events": 3,
        "total_web_events": 2,
        "total_mobile_app_events": 1,
        "total_page_views": 1,
        "total_unique_urls": 1,
        "total_click_events": 2,
        "total_navigate_events": 1,
    }
    user = one(scenario, "fullstory.users", "user_id = 'anon_104'")
    assert (user["total_events"], user["total_click_events"], user["total_web_events"]) == (3, 2, 2)
    assert query(scenario, "select count(*) from fullstory.events where device_id = '104'") == [
        (3,)
    ]


def test_last_values_are_the_latest_non_null(scenario):
    first = one(scenario, "fullstory.sessions", "full_session_id = '105:1'")
    assert first["last_email"] == "dave@x.test"  # the last event is a click, not the identify
    assert first["last_display_name"] == "Dave"
    assert (first["last_user_agent"], first["last_browser"]) == ("UA-105", "Firefox")
    assert (first["last_country"], first["last_lat_long"]) == ("FR", "48.85,2.35")
    assert first["duration"] == 2  # 2.9 s, rounded down
    second = one(scenario, "fullstory.sessions", "full_session_id = '105:2'")
    assert (second["last_email"], second["last_user_agent"]) == (None, None)

    user = one(scenario, "fullstory.users", "user_id = 'dave'")
    assert (user["last_email"], user["last_display_name"]) == ("dave@x.test", "Dave")
    assert (user["last_user_agent"], user["last_city"]) == ("UA-105", "Paris")

    identified = one(scenario, "fullstory.identifies", "user_id = 'dave'")
    assert identified["event_id"] == "d105_3"  # the latest identify carries no email ...
    assert identified["user_email"] == "dave@x.test"  # ... so the earlier one carries forward
    assert identified["user_display_name"] == "Dave"
    assert json.loads(identified["user_properties"]) == {"plan": "pro"}

    device_rows = {r["event_id"]: r for r in records(scenario, "fullstory.devices", "id = '105'")}
    assert set(device_rows) == {"d105_2", "d105_4"}
    assert device_rows["d105_2"]["user_agent"] == "UA-105"
    assert device_rows["d105_2"]["geo_region"] == "IDF"

    dave = one(scenario, "fullstory.identified_users", "user_id = 'dave'")
    assert (dave["last_device_id"], dave["last_event_id"]) == ("105", "d105_4")
    assert (dave["user_email"], dave["last_device_user_agent"]) == ("dave@x.test", "UA-105")

    anonymous = one(scenario, "fullstory.anonymous_users", "device_id = '106'")
    assert (anonymous["last_event_id"], anonymous["last_device_user_agent"]) == ("d106_2", "UA-106")


def test_server_events_without_session_are_kept_in_events_only(scenario):
    server = records(scenario, "fullstory.events", "source_type = 'server'")
    assert {r["event_id"]: r["custom_event_name"] for r in server} == {
        "f110_srv": "upgrade",
        "f111_srv": "signup",
    }
    assert all(r["session_id"] is r["view_id"] is r["full_session_id"] is None for r in server)
    assert query(scenario, "select count(*) from fullstory.sessions where device_id = '111'") == [
        (0,)
    ]
    session = one(scenario, "fullstory.sessions", "full_session_id = '110:1'")
    assert (session["total_events"], session["total_custom_events"]) == (2, 0)
    for model, column in [("devices", "id"), ("anonymous_users", "device_id")]:
        assert query(
            scenario, f"select count(*) from fullstory.{model} where {column} = '111'"
        ) == [(0,)]
    assert query(scenario, "select count(*) from fullstory.users where user_id = 'anon_111'") == [
        (0,)
    ]


def test_replay_url_uses_the_configured_org_id(scenario):
    urls = query(scenario, "select full_session_id, replay_url from fullstory.sessions")
    assert {session for session, _ in urls} == SESSIONS
    for session, url in urls:
        assert url == f"https://app.fullstory.com/ui/o-ABC-na1/session/{session}?url_source=DD"


def test_nulled_rows_disappear(scenario):
    events = [r[0] for r in query(scenario, "select event_id from fullstory.events")]
    assert "i112_keep" in events
    assert "i112_gone" not in events and "i113_only" not in events
    session = one(scenario, "fullstory.sessions", "full_session_id = '112:1'")
    assert (session["total_events"], session["end_time"]) == (1, DAY)
    for model, column in [("sessions", "device_id"), ("devices", "id")]:
        assert query(
            scenario, f"select count(*) from fullstory.{model} where {column} = '113'"
        ) == [(0,)]


# ---------------------------------------------------------------------------------------------
# Builds of their own


def test_ties_resolve_the_same_whatever_the_row_order(scenario, dbt_dir, tmp_path):
    """(e) Same raw table, rows merged in the opposite order: identical marts."""
    reversed_db = tmp_path / "reversed.duckdb"
    merge(reversed_db, [list(reversed(rows)) for rows in reversed(SYNCS)])
    raw = "select * from fullstory_raw.events order by all"
    assert query(reversed_db, raw) == query(scenario, raw), "the same raw table"
    build(reversed_db, dbt_dir)
    assert snapshot(reversed_db) == snapshot(scenario)

    # And the documented rule decides: the greatest event_id is the latest.
    session = one(scenario, "fullstory.sessions", "full_session_id = '107:1'")
    assert (session["last_email"], session["last_user_agent"]) == ("b@x.test", "UA-B")
    assert session["last_source_type"] == "mobile_app"
    erin = one(scenario, "fullstory.identifies", "user_id = 'erin'")
    assert (erin["event_id"], erin["user_email"]) == ("tie_b", "b@x.test")
    frank = one(scenario, "fullstory.identified_users", "user_id = 'frank'")
    assert frank["last_device_id"] == "109"
    assert one(scenario, "fullstory.events", "event_id = 'tie_dup'")["source_type"] == "web"
    devices = dict(query(scenario, "select event_id, user_agent from fullstory.devices"))
    assert devices["tie_b"] == "UA-B"
    for k in range(2, 8):
        session = one(scenario, "fullstory.sessions", f"full_session_id = '107:{k}'")
        assert (session["last_user_agent"], session["last_source_type"]) == (
            f"UA-{k}-y",
            "mobile_app",
        )
        assert devices[f"tie_{k}_y"] == f"UA-{k}-y"


def test_users_do_not_duplicate_after_incremental_runs(dbt_dir, tmp_path):
    """(h) A newer session for an existing user, merged by an incremental run, then by a
    partition run of its day: one row per user, every time."""
    db_path = tmp_path / "incremental.duckdb"

    def sessions_on(day: int) -> list[dict]:
        at = (day - 1) * 86400
        return [
            identify(f"h201_{day}", at, 201, day, "hank"),
            event(f"h201_{day}_click", at + 60, 201, day),
            event(f"h202_{day}", at, 202, day),
        ]

    def users() -> dict:
        return dict(query(db_path, "select user_id, total_sessions from fullstory.users"))

    merge(db_path, [sessions_on(1)])
    build(db_path, dbt_dir)
    assert users() == {"hank": 1, "anon_202": 1}

    merge(db_path, [sessions_on(2)])
    build(db_path, dbt_dir)
    assert users() == {"hank": 2, "anon_202": 2}

    merge(db_path, [sessions_on(3)])
    window = {"FULLSTORY_PARTITION_START": "2024-03-03 00:00:00"}
    window["FULLSTORY_PARTITION_END"] = "2024-03-04 00:00:00"
    build(db_path, dbt_dir, env=window)
    assert users() == {"hank": 3, "anon_202": 3}
    ranks = query(
        db_path,
        "select full_session_id, desc_row_num from fullstory.sessions where user_id = 'hank'",
    )
    assert sorted(ranks) == [("201:1", 3), ("201:2", 2), ("201:3", 1)]
    hank = one(db_path, "fullstory.users", "user_id = 'hank'")
    assert hank["last_event_time"] == DAY + timedelta(days=2, seconds=60)


def test_event_types_var_controls_the_count_columns(tmp_path):
    """(i) fullstory_event_types (the name the package documents) picks the count columns."""
    db_path = tmp_path / "types.duckdb"
    merge(db_path, SYNCS)
    # Its own dbt directory: other vars invalidate the shared partial parse.
    build(
        db_path, tmp_path, "--full-refresh", "--vars", "{fullstory_event_types: [click, navigate]}"
    )
    fixed = {"total_events", "total_web_events", "total_mobile_app_events"}
    fixed |= {"total_page_views", "total_unique_urls", "total_sessions", "total_session_duration"}
    fixed |= {"total_web_sessions", "total_mobile_app_sessions"}
    for model in ("sessions", "users"):
        columns = [r[0] for r in query(db_path, f"describe fullstory.{model}")]
        per_type = [c for c in columns if c.startswith("total_") and c not in fixed]
        assert per_type == ["total_click_events", "total_navigate_events"], model
    session = one(db_path, "fullstory.sessions", "full_session_id = '104:1'")
    assert (session["total_click_events"], session["total_navigate_events"]) == (2, 1)
    events = [r[0] for r in query(db_path, "select event_id from fullstory.events")]
    assert "i112_gone" not in events
