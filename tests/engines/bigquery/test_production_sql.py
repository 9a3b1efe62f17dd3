"""The SQL dbt renders for BigQuery itself, without the emulator's workarounds (compile only).

crucible runs the models with FULLSTORY_BIGQUERY_EMULATOR=crucible, which leaves out what it
cannot parse (dbt_models/macros/json.sql). Here the same project is compiled as for production,
incremental branches included, and every compiled model and test must parse as BigQuery SQL.
"""

from pathlib import Path

import pytest
import sqlglot

from tests.engines.bigquery.load import empty_raw, load_raw
from tests.engines.bigquery.project import dbt_on_crucible

pytestmark = pytest.mark.bigquery

WINDOW = ("2024-03-02", "2024-03-03")


@pytest.fixture(scope="module")
def compiled(crucible, tmp_path_factory) -> Path:
    """dbt_models compiled for a partitioned run, its incremental tables existing (empty)."""
    server = crucible.in_project("production-sql")
    load_raw(server.client(), empty_raw())
    target_path = tmp_path_factory.mktemp("production-sql")
    dbt_on_crucible(server, ["seed"], target_path)
    dbt_on_crucible(server, ["run", "--full-refresh"], target_path)
    dbt_on_crucible(server, ["compile"], target_path, window=WINDOW, emulator_workarounds=False)
    return target_path / "compiled" / "fullstory_assets"


def _sql(compiled: Path, path: str) -> str:
    return " ".join((compiled / path).read_text().split())


def test_every_compiled_model_and_test_parses_as_bigquery(compiled):
    paths = sorted(compiled.rglob("*.sql"))
    assert len(paths) > 20  # 9 models and the data tests
    for path in paths:
        sqlglot.parse_one(path.read_text(), read="bigquery")  # raises on a syntax error


def test_json_is_parsed_once_per_row_keeping_wide_numbers(compiled):
    staging = _sql(compiled, "models/staging/fullstory/stg_fullstory__events.sql")
    for column in ("source_properties", "event_properties"):
        parse = f"safe.parse_json({column}, wide_number_mode => 'round')"
        # once for its fields, once for the whole document
        assert staging.count(parse) == 2, column
    assert "json_value(parsed_source, '$.user_agent.raw_user_agent')" in staging
    assert "safe_cast(json_value(parsed_event, '$.fs_rage_count') as int64)" in staging
    assert "json_query(parsed_event, '$.user_properties')" in staging


def test_time_arithmetic_stays_in_timestamps(compiled):
    # dbt.dateadd would cast to DATETIME, which BigQuery cannot compare with a TIMESTAMP.
    for path in compiled.rglob("*.sql"):
        assert "datetime" not in path.read_text().lower(), path
    staging = _sql(compiled, "models/staging/fullstory/stg_fullstory__events.sql")
    assert "event_time <= timestamp_add(processed_time, interval 24 hour)" in staging
    sessions = _sql(compiled, "models/intermediate/int_fullstory__sessions.sql")
    start, end = WINDOW
    # the lookaround before the window and after it
    assert (
        f"event_time >= timestamp_add(cast('{start}' as timestamp), interval -12 hour)"
        f" and event_time < timestamp_add(cast('{start}' as timestamp), interval 0 hour)"
    ) in sessions
    assert (
        f"event_time >= timestamp_add(cast('{end}' as timestamp), interval 0 hour)"
        f" and event_time < timestamp_add(cast('{end}' as timestamp), interval 12 hour)"
    ) in sessions


def test_dialect_constructs(compiled):
    sessions = _sql(compiled, "models/intermediate/int_fullstory__sessions.sql")
    assert "device_events.* except (full_session_id, device_event_id)" in sessions
    assert (
        "array_agg(user_id ignore nulls order by event_time desc, updated_time desc,"
        " processed_time desc, event_id desc limit 1)[safe_offset(0)] as identified_user_id"
    ) in sessions
    duration = _sql(compiled, "models/marts/sessions.sql")
    assert "div(timestamp_diff(end_time, start_time, microsecond), 1000000) as duration" in duration
    staging = _sql(compiled, "models/staging/fullstory/stg_fullstory__events.sql")
    # ids become strings straight from INT64, never through FLOAT64
    assert "cast(device_id as string) as device_id" in staging
    assert "float" not in staging


def test_tests_of_events_read_only_the_window(compiled):
    [unique] = compiled.glob("models/marts/events.yml/unique_events_event_id.sql")
    start, end = WINDOW
    assert (
        f"where event_time >= cast('{start}' as timestamp)"
        f" and event_time < cast('{end}' as timestamp)) dbt_subquery"
    ) in " ".join(unique.read_text().split())
