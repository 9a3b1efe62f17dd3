"""Hand-made raw rows at the edges of the data contract give the same models on both engines.

The simulated history has no malformed JSON, no ids at the ends of the 64-bit range and few
exact ties. These rows have them, next to sub-second sessions across midnight, re-synced,
duplicated and nulled rows, a server event and a clock far ahead: DuckDB builds the project on
them, crucible too, and every model must be equal (ARCHITECTURE.md §3).
"""

import json
from datetime import datetime

import duckdb
import pyarrow as pa
import pytest

from fullstory_assets.warehouses.raw_events import create_table_sql
from tests.engines.bigquery.load import RAW_COLUMNS, load_raw
from tests.engines.bigquery.project import dbt_on_crucible, read_model
from tests.engines.reference import MODEL_TABLES, Reference, assert_matches_duckdb
from tests.support import run_dbt

pytestmark = pytest.mark.bigquery

INT64_MAX, INT64_MIN = 2**63 - 1, -(2**63)


def _source(browser: str = "Firefox", full_url: str = "https://x.test/a?q=1#h") -> str:
    return json.dumps(
        {
            "user_agent": {
                "raw_user_agent": 'Mozilla/5.0 "quoted" \\ back',
                "device": "Desktop",
                "operating_system": "Linux",
                "browser": browser,
                "browser_version": "125.0",
            },
            "location": {"ip_address": "10.0.0.1", "country": "Côte d’Ivoire", "region": None},
            "url": {"full_url": full_url, "host": "x.test", "path": "/a", "query": "q=1"},
            "initial_referrer": {},
            "page_definition_id": "pd-1",
        }
    )


IDENTIFY = json.dumps(
    {
        "user_id": "u-1",
        "user_email": "ann@x.test",
        "user_display_name": "Ann",
        "user_properties": {"plan": "pro", "big": 2**53 + 1, "nested": {"k": [1, {"z": None}]}},
    }
)
CLICK = json.dumps(
    {
        "fs_rage_count": 3,
        "fs_dead_count": 0,
        "target": {
            "text": "Go ✓",
            "masked": True,
            "raw_selector": "div > a",
            "element_properties": {"a": [1, {"b": None}]},
            "element_definition_id": "ed-1",
            "additional_element_definition_ids": ["x", "y"],
        },
    }
)
A = (INT64_MAX, INT64_MAX - 1, 2**62 + 1, "web")  # device, session, view, source type
B = (INT64_MIN, 1, 1, "mobile_app")
C = (7, 8, 9, "web")
SERVER = (42, None, None, "server")

# event_id, event_time, processed_time, updated_time, (device, session, view, source_type),
# event_type, event_properties, source_properties
ROWS = [
    ("a1", "03-01 10:00:00", "03-01 10:01:00", "03-01 11:00", A, "navigate",
     '{"navigate_reason": "reload"}', _source()),
    # re-synced: the later version wins
    ("a1", "03-01 10:00:00", "03-01 11:30:00", "03-01 12:00", A, "navigate",
     '{"navigate_reason": "back_forward"}', _source(full_url="https://x.test/b")),
    ("a2", "03-01 10:00:00.2", "03-01 10:01:00", "03-01 11:00", A, "click",
     '{"target": {"text": "Buy"', _source()),  # malformed
    ("a3", "03-01 10:00:00.2", "03-01 10:01:00", "03-01 11:00", A, "identify",
     IDENTIFY, _source()),  # same time as a2: ties broken by event_id
    ("a4", "03-01 10:00:01.999999", "03-01 10:01:00", "03-01 11:00", A, "custom", "", _source()),
    ("a5", "03-01 10:00:02.1", "03-01 10:01:00", "03-01 11:00", A, "click", CLICK, "not json"),
    ("a5", "03-01 10:00:02.1", "03-01 10:01:00", "03-01 11:00", A, "click", CLICK, "not json"),
    ("a6", "03-01 10:00:03", "03-01 10:01:00", "03-01 11:00", A, "click", "{}", _source()),
    ("a6", "03-01 10:00:03", "03-01 10:01:00", "03-01 12:00", A, None, None, None),  # nulled
    # a session of 2 microseconds across midnight
    ("b1", "03-01 23:59:59.999999", "03-02 00:01:00", "03-02 01:00", B, "navigate",
     "{}", _source(full_url="https://m.test/")),
    ("b2", "03-02 00:00:00.000001", "03-02 00:01:00", "03-02 01:00", B, "identify",
     '{"user_id": "u-1", "user_display_name": "Ann B"}', _source(browser="Safari")),
    ("s1", "03-01 12:00:00", "03-01 12:00:01", "03-01 13:00", SERVER, "custom",
     '{"event_name": "Signup", "event_definition_id": "evd-1"}', "{}"),
    # an anonymous device whose last two events tie on every time
    ("c1", "03-01 15:00:00.5", "03-01 15:01:00", "03-01 16:00", C, "click",
     '{"target": {"masked": false}}', _source(browser="Chrome")),
    ("c3", "03-01 15:00:01", "03-01 15:01:00", "03-01 16:00", C, "click", "{}", _source("Edge")),
    ("c2", "03-01 15:00:01", "03-01 15:01:00", "03-01 16:00", C, "click", "{}", _source("Opera")),
    # a device clock 3 days ahead of processing: set aside
    ("d1", "03-01 23:00:00", "02-27 09:00:00", "03-01 10:00", C, "click", "{}", "{}"),
]  # fmt: skip


def _time(text: str) -> datetime:
    return datetime.fromisoformat(f"2024-{text}")


def _raw() -> pa.Table:
    columns: dict[str, list] = {name: [] for name in RAW_COLUMNS}
    for event_id, event_time, processed, updated, ids, event_type, props, source in ROWS:
        device, session, view, source_type = ids
        row = {
            "event_id": event_id,
            "event_time": _time(event_time),
            "processed_time": _time(processed),
            "updated_time": _time(updated),
            "device_id": device,
            "session_id": session,
            "view_id": view,
            "event_type": event_type,
            "event_properties": props,
            "source_type": source_type,
            "source_properties": source,
        }
        for name, value in row.items():
            columns[name].append(value)
    arrow_types = {"STRING": pa.string(), "TIMESTAMP": pa.timestamp("us"), "INT64": pa.int64()}
    return pa.table(
        {name: pa.array(columns[name], arrow_types[kind]) for name, kind in RAW_COLUMNS.items()}
    )


@pytest.fixture(scope="module")
def both(crucible, tmp_path_factory):
    """The rows built into DuckDB (the reference) and into crucible."""
    raw = _raw()
    directory = tmp_path_factory.mktemp("edge-cases")
    db_path = directory / "edge.duckdb"
    with duckdb.connect(str(db_path)) as conn:
        conn.execute(create_table_sql("fullstory_raw"))
        conn.register("incoming", raw)
        conn.execute("insert into fullstory_raw.events select * from incoming")
    run_dbt(["build", "--full-refresh"], db_path)

    server = crucible.in_project("edge-cases")
    client = server.client()
    load_raw(client, raw)
    dbt_on_crucible(server, ["build", "--full-refresh"], directory / "target")
    return client, Reference(db_path, raw)


def test_the_edges_are_there(both):
    _, reference = both
    events = reference.model("events").set_index("event_id")
    assert events.loc[["a2", "a4", "a5"], "has_malformed_json"].all()
    assert events.loc["a5", "device_id"] == str(INT64_MAX)
    assert "a6" not in events.index and "d1" not in events.index
    sessions = reference.model("sessions").set_index("device_id")
    assert sessions.loc[str(INT64_MIN), "duration"] == 0


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_model_matches_duckdb(both, model):
    client, reference = both
    assert_matches_duckdb(model, read_model(client, model), reference)
