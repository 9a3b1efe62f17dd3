"""Malformed and unusual JSON payloads: PostgreSQL parses them as DuckDB does, never fails.

The reference history is well formed, so copies of one of its events with other payloads are
added to the raw table, and staging + events are built on both warehouses from it.
"""

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tests.engines.postgres.load import load_raw
from tests.engines.postgres.runner import create_database, dbt_on_postgres, read_relation
from tests.engines.reference import Reference, assert_matches_duckdb
from tests.support import run_dbt

pytestmark = pytest.mark.postgres

GOOD_SOURCE = '{"url": {"full_url": "https://x.test/a"}, "location": {"city": "Lyon"}}'
# (event_properties, source_properties); the first four are malformed on every warehouse.
PAYLOADS = [
    ('{"target": {"text": "Buy"', GOOD_SOURCE),  # cut short
    ("{}", "not json at all"),
    ("", ""),
    ("{'user_id': 'u1'}", GOOD_SOURCE),  # single quotes
    # Well formed, with values of other types than the fields' (integers from strings and
    # floats, booleans from numbers and text, scalars where objects go, JSON nulls).
    (
        '{"fs_rage_count": "5", "fs_dead_count": 2.0, "target": {"masked": 1, "text": 7, '
        '"element_properties": null, "additional_element_definition_ids": []}}',
        '{"url": {"full_url": "https://x.test/\\u00e9?q=\\"1\\""}, "page_definition_id": 12}',
    ),
    (
        '{"target": {"masked": "true"}, "fs_rage_count": true, "user_id": 42, '
        '"user_properties": {"plan": "pro", "seats": [1, {"b": null}]}}',
        '{"location": {"lat_long": "45.76,4.83", "city": null}, "user_agent": {}}',
    ),
    (
        '{"fs_rage_count": -3, "target": {"masked": false, "element_properties": "x"}, '
        '"user_email": "\\u00fc@example.com", "navigate_reason": ""}',
        GOOD_SOURCE,
    ),
    ('{"fs_dead_count": "abc", "user_properties": 5}', "{}"),
]
MALFORMED = 4
# Staging and events with their own tests only (eager selection adds the sessions' tests).
BUILD_EVENTS = [
    *("build", "--full-refresh", "--select", "+events"),
    *("--indirect-selection", "cautious"),
]


def _with_payloads(raw: pa.Table) -> pa.Table:
    """``raw`` plus copies of one of its web click events, one per payload."""
    clicks = raw.filter(pc.and_(pc.equal(raw["event_type"], "click"),
                                pc.equal(raw["source_type"], "web")))  # fmt: skip
    copies = pa.concat_tables([clicks.slice(0, 1)] * len(PAYLOADS))
    replaced = {
        "event_id": [f"payload_{n}" for n in range(len(PAYLOADS))],
        "event_properties": [event for event, _ in PAYLOADS],
        "source_properties": [source for _, source in PAYLOADS],
    }
    for name, values in replaced.items():
        index = copies.schema.get_field_index(name)
        copies = copies.set_column(index, name, pa.array(values, pa.string()))
    return pa.concat_tables([raw, copies])


@pytest.fixture(scope="module")
def raw(reference):
    return _with_payloads(reference.raw)


@pytest.fixture(scope="module")
def duckdb_events(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("payloads") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.register("incoming", raw)
        conn.execute("create schema fullstory_raw")
        conn.execute("create table fullstory_raw.events as select * from incoming")
    run_dbt(BUILD_EVENTS, path)
    return Reference(path, raw)


@pytest.fixture(scope="module")
def postgres_events(postgres, raw, dbt_target):
    conn_params = create_database(postgres, "payloads")
    load_raw(conn_params, raw)
    dbt_on_postgres(
        postgres,
        BUILD_EVENTS,
        dbt_target,
        database="payloads",
    )
    return read_relation(conn_params, "fullstory.events")


def test_malformed_json_is_null_and_flagged(postgres_events):
    rows = postgres_events.set_index("event_id").loc[[f"payload_{n}" for n in range(MALFORMED)]]
    assert rows["has_malformed_json"].tolist() == [True] * MALFORMED


def test_payloads_parse_as_on_duckdb(postgres_events, duckdb_events):
    assert_matches_duckdb("events", postgres_events, duckdb_events)
