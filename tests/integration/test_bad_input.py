"""Bad raw input never crashes a partition: rows are kept or set aside, and checks name them."""

import pandas as pd
import pytest
from dagster import AssetCheckSeverity

from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from fullstory_assets.warehouses.environ import patched_environ
from tests.support import materialize_days, read_table, simulate_into

DAY = "2024-06-02"
BAD_ROWS = [
    # event_id, event_time, processed_time, device_id, session_id, event_type, event_properties,
    # source_properties
    ("bad_json_1", "2024-06-02 10:00:00", "2024-06-02 10:05:00", 91, 1, "click",
     '{"target": {"text": "Buy"', '{"url": {"full_url": "https://x.test/"}}'),
    ("bad_json_2", "2024-06-02 10:01:00", "2024-06-02 10:05:00", 91, 1, "navigate",
     "{}", "not json at all"),
    ("no_device_1", "2024-06-02 11:00:00", "2024-06-02 11:05:00", None, 2, "click", "{}", "{}"),
    ("unknown_type_1", "2024-06-02 12:00:00", "2024-06-02 12:05:00", 92, 3, "hologram", "{}", "{}"),
    ("clock_ahead_1", "2024-06-02 23:00:00", "2024-06-01 09:00:00", 93, 4, "click", "{}", "{}"),
    ("years_off_1", "2019-06-02 12:00:00", "2024-06-02 12:05:00", 94, 5, "click", "{}", "{}"),
    ("no_time_1", None, "2024-06-02 12:05:00", 95, 6, "click", "{}", "{}"),
]  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "warehouse.duckdb"
    simulate_into(path, "2024-06-01", 2, 1500, 3)
    with connect(path) as conn:
        conn.execute(
            "create temp table bad (event_id varchar, event_time timestamp, "
            "processed_time timestamp, device_id bigint, session_id bigint, event_type varchar, "
            "event_properties varchar, source_properties varchar)"
        )
        conn.executemany("insert into bad values (?, ?, ?, ?, ?, ?, ?, ?)", BAD_ROWS)
        conn.execute(
            "create temp view incoming as select event_id, event_time, processed_time, "
            "timestamp '2024-06-03 01:00:00' as updated_time, device_id, session_id, "
            "1::bigint as view_id, event_type, event_properties, 'web' as source_type, "
            "source_properties from bad"
        )
        merge_into_raw(conn, "fullstory_raw", "incoming")
    return path


def _checks(result):
    return {
        evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()
    }


def test_bad_rows_are_kept_or_set_aside_and_named(warehouse):
    result = materialize_days(warehouse, DAY)
    assert result.success  # nothing crashed
    checks = _checks(result)
    expected = {
        "malformed_json": "bad_json_1, bad_json_2",
        "missing_device_id": "no_device_1",
        "unknown_event_types": "unknown_type_1",
        "clock_ahead_set_aside": "clock_ahead_1",
        "events_outside_partitions": "no_time_1, years_off_1",
    }
    for name, first_ids in expected.items():
        evaluation = checks[name]
        assert not evaluation.passed, name
        assert evaluation.metadata["first_event_ids"].value == first_ids, name
        assert evaluation.metadata["bad_rows"].value == len(first_ids.split(", ")), name

    events = read_table(warehouse, "fullstory.events").set_index("event_id")
    # Kept: malformed JSON (parsed fields NULL, flagged), no device, unknown type.
    assert events.loc["bad_json_1", "has_malformed_json"]
    assert pd.isna(events.loc["bad_json_1", "target_text"])
    assert pd.isna(events.loc["bad_json_2", "url_full_url"])
    assert pd.isna(events.loc["no_device_1", "device_id"])
    assert events.loc["unknown_type_1", "event_type"] == "hologram"
    # Set aside: a clock far ahead of processing, a date before the partitions, no date.
    for event_id in ("clock_ahead_1", "years_off_1", "no_time_1"):
        assert event_id not in events.index
    sessions = read_table(warehouse, "fullstory.sessions")
    assert not sessions["full_session_id"].str.startswith("None").any()


def test_severity_follows_the_configured_share(warehouse):
    # One unknown type among ~1500 events is under the default 0.1%: a warning. Two malformed
    # rows are over it, and with no tolerance at all every bad row is an error.
    default = _checks(materialize_days(warehouse, DAY))
    assert default["unknown_event_types"].severity == AssetCheckSeverity.WARN
    assert default["malformed_json"].severity == AssetCheckSeverity.ERROR
    with patched_environ({"FULLSTORY_BAD_ROW_MAX_SHARE": "0"}):
        strict = _checks(materialize_days(warehouse, DAY))
    assert strict["unknown_event_types"].severity == AssetCheckSeverity.ERROR
    assert not strict["unknown_event_types"].passed


def test_good_partitions_pass(warehouse):
    checks = _checks(materialize_days(warehouse, "2024-06-01"))
    for name in ("malformed_json", "missing_device_id", "unknown_event_types",
                 "clock_ahead_set_aside"):  # fmt: skip
        assert checks[name].passed, name
