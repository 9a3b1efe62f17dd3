"""Parity with the official dbt_fullstory package (v0.9.3) on the package's own test seed.

The seed is merged into a raw table, the project is built once, and every mart is compared with
the package's output (emulated on DuckDB: /work/shared/peer_fixtures/dbt_fullstory/README.md)
column by column, row by row per key. Every difference must be one that docs/peer-differences.md
lists, and every listed difference must still occur: EXPECTED below is that list, as data.
"""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from tests.support import MART_MODELS, PEER_DIR, PEER_SEED, run_dbt

PEER_OUTPUTS = PEER_DIR / "emulated_duckdb_outputs"
DIFFERENCES_DOC = Path(__file__).resolve().parents[2] / "docs" / "peer-differences.md"

# Written as minified JSON text by the package: compared parsed.
JSON_COLUMNS = {
    "source_properties",
    "event_properties",
    "user_properties",
    "target_element_properties",
    "additional_element_definition_ids",
}
# The key a model's rows are matched on. devices is one row per session, but the package has no
# session column: its rows are matched on the session of their event (the chosen event may differ
# on ties, so event_id cannot be the key).
KEYS = {
    "events": "event_id",
    "devices": "full_session_id",
    "identifies": "user_id",
    "identified_users": "user_id",
    "anonymous_users": "device_id",
    "sessions": "full_session_id",
    "users": "user_id",
}
ALL_ROWS = "*"  # the key of a column-level difference (a column only one side has)


def rows(peer: int, ours: int) -> str:
    """The 'column' of a row-level difference: how many rows each side has for the key."""
    return f"<rows: peer {peer}, ours {ours}>"


SESSIONS = ["1:1", "2:2", "3:3", "4:4", "5:5", "6:6", "7:7", "8:8", "9:9"]
SESSIONS += ["10:1", "10:2", "11:1", "12:1", "12:2", "13:13"]
ADDED_EVENT_COLUMNS = [
    "page_definition_id",
    "page_title",
    "event_definition_id",
    "custom_event_name",
    "click_rage_count",
    "click_dead_count",
    "navigate_reason",
    "has_malformed_json",
    "defined_event_name",
    "defined_page_name",
    "defined_element_name",
]
# Identity stitching: device 12's anonymous session before its identify is the user's.
STITCHED_USER = "session_device_identify_user_id"
STITCHED_USER_TOTALS = ["last_event_time", "total_events", "total_sessions"]
STITCHED_USER_TOTALS += ["total_session_duration", "total_web_events", "total_web_sessions"]
STITCHED_USER_TOTALS += ["total_click_events", "total_load_events"]
# Every expected difference: (model, keys, columns, reason). A reason is a heading of
# docs/peer-differences.md: "peer-bug-<n>" is the bug of PEER_MODELS.md §7 the difference fixes.
EXPECTED = [
    ("events", [ALL_ROWS], ADDED_EVENT_COLUMNS, "additive"),
    ("events", [ALL_ROWS], ["stitched_user_id"], "stitching"),
    ("sessions", [ALL_ROWS], ["stitched_user_id"], "stitching"),
    ("users", ["anon_12"], [rows(1, 0)], "stitching"),
    ("users", [STITCHED_USER], STITCHED_USER_TOTALS, "stitching"),
    ("anonymous_users", ["2"], [rows(3, 0)], "peer-bug-1"),
    ("anonymous_users", ["3", "6", "7", "10", "12"], [rows(1, 0)], "peer-bug-1"),
    ("anonymous_users", ["1", "4", "5", "9", "13"], [rows(0, 1)], "peer-bug-1"),
    ("sessions", ["1:1", "4:4", "5:5", "9:9", "13:13"], ["desc_row_num"], "peer-bug-2"),
    ("users", ["anon_1", "anon_4", "anon_5", "anon_9", "anon_13"], [rows(0, 1)], "peer-bug-2"),
    ("sessions", ["13:13"], ["total_web_events", "total_click_events"], "peer-bug-6"),
    ("sessions", ["11:1"], ["last_email", "last_display_name"], "peer-bug-7"),
    ("users", ["user_test_total_sessions_user_id"], ["last_email", "last_display_name"],
     "peer-bug-7"),
    ("sessions", SESSIONS, ["replay_url"], "peer-bug-13"),
]  # fmt: skip

# Rows whose package values depend on its missing tie-break (peer README): the event that ties
# for "last", and every value read from it, may be any of the tied candidates.
TIED_SESSIONS = ["3:3", "4:4", "8:8", "12:2"]
TIED_IDENTIFY_USERS = ["user_test_total_sessions_user_id", "some_user_id"]
SESSION_LAST_COLUMNS = {
    "last_source_type": "source_type",
    "last_email": "user_email",
    "last_display_name": "user_display_name",
    "last_user_agent": "device_user_agent",
    "last_device_type": "device_type",
    "last_operating_system": "device_operating_system",
    "last_browser": "device_browser",
    "last_browser_version": "device_browser_version",
    "last_ip_address": "geo_ip_address",
    "last_country": "geo_country",
    "last_region": "geo_region",
    "last_city": "geo_city",
    "last_lat_long": "geo_lat_long",
}
DEVICE_COLUMNS = {  # devices column -> events column
    "user_agent": "device_user_agent",
    "type": "device_type",
    "operating_system": "device_operating_system",
    "browser": "device_browser",
    "browser_version": "device_browser_version",
    **{f"geo_{c}": f"geo_{c}" for c in ("ip_address", "country", "region", "city", "lat_long")},
}


def expected_differences() -> dict[tuple[str, str, str], str]:
    expected = {}
    for model, keys, columns, reason in EXPECTED:
        for key in keys:
            for column in columns:
                assert (model, key, column) not in expected, (model, key, column)
                expected[(model, key, column)] = reason
    return expected


# ---------------------------------------------------------------------------------------------
# Reading both sides into comparable values


def normalise(value: str | None, column: str, kind: str):
    """A hashable, type-blind form of one value; ``kind`` is our column's DuckDB type."""
    if value is None or value == "":
        return None
    if column in JSON_COLUMNS:
        return json.dumps(json.loads(value), sort_keys=True, separators=(",", ":"))
    if kind.startswith("TIMESTAMP"):
        return datetime.fromisoformat(value).isoformat(sep=" ")
    if kind == "BOOLEAN":
        return value.lower()
    if re.fullmatch(r"(TINY|SMALL|BIG|HUGE|U)?INT(EGER)?\d*", kind):
        return int(value)
    return value


def read_relation(conn, relation: str, kinds: dict[str, str]) -> tuple[list[str], list[dict]]:
    cursor = conn.execute(f"select * from {relation}")
    columns = [d[0] for d in cursor.description]
    records = [
        {c: normalise(v, c, kinds.get(c, "VARCHAR")) for c, v in zip(columns, record, strict=True)}
        for record in cursor.fetchall()
    ]
    return columns, records


def read_model(db_path: Path, model: str) -> tuple[dict, dict]:
    """Peer and our (columns, rows) of one model, every value as text before normalising."""
    with connect(db_path) as conn:
        described = conn.execute(f"describe fullstory.{model}").fetchall()
        kinds = {name: kind for name, kind, *_ in described}
        as_text = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in kinds)
        ours = read_relation(conn, f"(select {as_text} from fullstory.{model})", kinds)
        peer_csv = PEER_OUTPUTS / f"{model}.csv"
        peer = read_relation(
            conn, f"read_csv('{peer_csv}', all_varchar = true, header = true)", kinds
        )
    return {"columns": peer[0], "rows": peer[1]}, {"columns": ours[0], "rows": ours[1]}


def key_of(model: str, record: dict, sessions_of_events: dict[str, str]) -> str:
    if model == "devices":
        return sessions_of_events[record["event_id"]]
    value = record[KEYS[model]]
    return value if isinstance(value, str) else str(value)


# ---------------------------------------------------------------------------------------------
# The package's tie candidates, from its own events output


def tied_for_last(events: list[dict]) -> list[dict]:
    order = [(e["event_time"], e["updated_time"], e["processed_time"]) for e in events]
    latest = max(order)
    return [e for e, o in zip(events, order, strict=True) if o == latest]


def values(records: list[dict], column: str) -> set:
    return {r[column] for r in records}


def tie_allowances(peer: dict[str, dict]) -> dict[tuple[str, str], dict[str, set]]:
    """(model, key) -> {column: every value the package could have produced on its ties}."""
    events = peer["events"]["rows"]
    allowed: dict[tuple[str, str], dict[str, set]] = {}
    for session in TIED_SESSIONS:
        tied = tied_for_last([e for e in events if e["full_session_id"] == session])
        allowed[("sessions", session)] = {
            last: values(tied, column) for last, column in SESSION_LAST_COLUMNS.items()
        }
        allowed[("devices", session)] = {
            "event_id": values(tied, "event_id"),
            "source_type": values(tied, "source_type"),
        } | {target: values(tied, column) for target, column in DEVICE_COLUMNS.items()}
    # some_user_id has one session (3:3) on one device (3): users and identified_users inherit
    # that session's ties.
    allowed[("users", "some_user_id")] = {
        c: allowed[("sessions", "3:3")][c] for c in SESSION_LAST_COLUMNS if c != "last_source_type"
    }
    device_3 = allowed[("devices", "3:3")]
    allowed[("identified_users", "some_user_id")] = {"last_event_id": device_3["event_id"]} | {
        f"last_{'device_' if not c.startswith('geo_') else ''}{c}": device_3[c]
        for c in DEVICE_COLUMNS
    }
    identify_columns = ["event_id", "device_id", "session_id", "view_id", "source_type"]
    identify_columns += ["user_email", "user_display_name", "user_properties"]
    for user in TIED_IDENTIFY_USERS:
        tied = tied_for_last(
            [e for e in events if e["event_type"] == "identify" and e["user_id"] == user]
        )
        allowed[("identifies", user)] = {c: values(tied, c) for c in identify_columns}
    # The tied identifies of user_test_total_sessions_user_id come from devices 10 and 11: its
    # identified_users row describes either device's latest session-ending event.
    tied_user = allowed[("identifies", "user_test_total_sessions_user_id")]
    latest_device_rows = [
        d
        for d in peer["devices"]["rows"]
        if d["id"] in tied_user["device_id"] and d["event_seq_num_desc"] == 1
    ]
    allowed[("identified_users", "user_test_total_sessions_user_id")] = {
        c: tied_user[c] for c in ("user_email", "user_display_name", "user_properties")
    } | {
        "last_device_id": tied_user["device_id"],
        "last_event_id": values(latest_device_rows, "event_id"),
        "last_event_time": values(latest_device_rows, "event_time"),
    }
    return allowed


# ---------------------------------------------------------------------------------------------
# The comparison


def compare(model: str, peer: dict, ours: dict, sessions: tuple[dict, dict], allowed) -> dict:
    """Every difference of one model: (model, key, column) -> (peer value, our value)."""
    found = {}
    for column in ours["columns"]:
        if column not in peer["columns"]:
            found[(model, ALL_ROWS, column)] = ("<absent>", "<column>")
    for column in peer["columns"]:
        if column not in ours["columns"]:
            found[(model, ALL_ROWS, column)] = ("<column>", "<absent>")
    shared = [c for c in peer["columns"] if c in ours["columns"]]
    by_key = []
    for side, session_map in zip((peer, ours), sessions, strict=True):
        grouped: dict[str, list[dict]] = {}
        for record in side["rows"]:
            grouped.setdefault(key_of(model, record, session_map), []).append(record)
        by_key.append(grouped)
    peer_rows, our_rows = by_key
    for (loose_model, key), _ in allowed.items():
        if loose_model == model:
            assert key in peer_rows and key in our_rows, f"tied row {model} {key} is missing"
    for key in sorted(set(peer_rows) | set(our_rows)):
        p, o = peer_rows.get(key, []), our_rows.get(key, [])
        if len(p) != len(o):
            found[(model, key, rows(len(p), len(o)))] = (len(p), len(o))
        if not p or not o:
            continue
        loose = allowed.get((model, key), {})
        for column in shared:
            peer_value, our_value = p[0][column], o[0][column]
            if column in loose:
                assert peer_value in loose[column], f"{model} {key} {column}: bad tie candidates"
                if our_value in loose[column]:
                    continue
            if peer_value != our_value:
                found[(model, key, column)] = (peer_value, our_value)
    return found


@pytest.fixture(scope="module")
def peer_build(tmp_path_factory) -> Path:
    """The seed merged into a raw table, as the package's CI loads it, and the project built."""
    work = tmp_path_factory.mktemp("peer_conformance")
    db_path = work / "peer.duckdb"
    with connect(db_path) as conn:
        conn.execute(
            f"""
            create temp table seed as
            select
                event_id,
                cast(event_time as timestamp) as event_time,
                cast(processed_time as timestamp) as processed_time,
                cast(updated_time as timestamp) as updated_time,
                cast(device_id as bigint) as device_id,
                cast(session_id as bigint) as session_id,
                cast(view_id as bigint) as view_id,
                event_type,
                event_properties,
                source_type,
                source_properties
            from read_csv('{PEER_SEED}', all_varchar = true, header = true)
            """
        )
        merge_into_raw(conn, "fullstory_raw", "seed")
    dbt_paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    run_dbt(["build", *dbt_paths], db_path, env={"FULLSTORY_START_DATE": "1900-01-01"})
    return db_path


@pytest.fixture(scope="module")
def models(peer_build) -> dict[str, tuple[dict, dict]]:
    return {model: read_model(peer_build, model) for model in MART_MODELS}


@pytest.fixture(scope="module")
def differences(models) -> dict[str, dict]:
    peer_events, our_events = models["events"]
    sessions = tuple(
        {e["event_id"]: e["full_session_id"] for e in side["rows"]}
        for side in (peer_events, our_events)
    )
    allowed = tie_allowances({model: peer for model, (peer, _) in models.items()})
    return {
        model: compare(model, peer, ours, sessions, allowed)
        for model, (peer, ours) in models.items()
    }


def test_seed_merges_into_the_raw_table_as_synced(peer_build):
    with connect(peer_build) as conn:
        counts = conn.execute("select count(*), count(distinct event_id) from fullstory_raw.events")
        assert counts.fetchall() == [(83, 83)]
        duplicate = conn.execute(
            "select source_type, updated_time from fullstory_raw.events"
            " where event_id = 'duplicate_event_id_test_1 '"
        ).fetchall()
    assert duplicate == [("mobile_app", datetime(2023, 1, 1, 14, 15))]


@pytest.mark.parametrize("model", MART_MODELS)
def test_model_differs_from_the_package_exactly_as_documented(model, differences):
    actual = differences[model]
    expected = {k: reason for k, reason in expected_differences().items() if k[0] == model}
    unexpected = {k: v for k, v in actual.items() if k not in expected}
    vanished = sorted(k for k in expected if k not in actual)
    assert not unexpected, f"differences not in docs/peer-differences.md: {unexpected}"
    assert not vanished, f"listed differences that no longer occur: {vanished}"


@pytest.mark.parametrize("model", MART_MODELS)
def test_model_keeps_the_package_column_order(model, models):
    peer, ours = models[model]
    assert [c for c in ours["columns"] if c in peer["columns"]] == peer["columns"]
    assert ours["columns"][: len(peer["columns"])] == peer["columns"], "added columns go last"


def test_differences_doc_lists_every_expected_difference():
    sections = {}
    for section in DIFFERENCES_DOC.read_text().split("\n## ")[1:]:
        heading, _, body = section.partition("\n")
        reason = re.search(r"\(`([a-z0-9-]+)`\)$", heading)
        if reason:
            sections[reason.group(1)] = body
    reasons = {reason for *_, reason in EXPECTED}
    assert set(reasons) <= set(sections), (
        f"reasons without a section: {set(reasons) - set(sections)}"
    )
    for model, keys, columns, reason in EXPECTED:
        body = sections[reason]
        for column in columns:
            mention = f"`{model}` rows" if column.startswith("<rows") else f"`{model}.{column}`"
            assert mention in body, f"{reason} does not mention {mention}"
        for key in keys:
            assert key == ALL_ROWS or f"`{key}`" in body, f"{reason} does not mention {key}"
