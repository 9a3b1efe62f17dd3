"""Raw JSON columns typed as text (VARCHAR), malformed documents among them, on Snowflake.

Data Destinations deliver VARIANT, which the models read as it is; a copy with the JSON as text
is parsed once per row with ``try_parse_json``, the raw column's type deciding which (see
macros/json.sql). Malformed JSON must parse to NULL, flagged by ``has_malformed_json``, never
fail the build. Staging and events are built on both engines from the same altered raw table
and compared value by value.
"""

import duckdb
import pyarrow as pa
import pytest

from tests.engines.reference import Reference, assert_matches_duckdb
from tests.engines.snowflake.raw import load_raw
from tests.engines.snowflake.support import read_model, run_dbt_on
from tests.support import run_dbt

pytestmark = pytest.mark.snowflake

DATABASE = "FS_TEXT"
# Only the tests of these two (the sessions' lookaround test also reads staging).
SELECTION = ["--select", "+events", "--indirect-selection", "cautious"]
MALFORMED = {"event_properties": '{"user_id": "usr_1"', "source_properties": "not json"}


@pytest.fixture(scope="module")
def text_reference(reference, tmp_path_factory) -> Reference:
    """DuckDB's staging and events on the reference raw table with malformed JSON in 4 events."""
    raw = reference.raw
    ids = raw.column("event_id").to_pylist()
    once = [i for i, event_id in enumerate(ids) if ids.count(event_id) == 1][:4]
    columns = {}
    for name in raw.column_names:
        values = raw.column(name).to_pylist()
        if name in MALFORMED:
            rows = once[:2] if name == "event_properties" else once[2:]
            values = [MALFORMED[name] if i in rows else v for i, v in enumerate(values)]
        columns[name] = pa.array(values, raw.schema.field(name).type)
    altered = pa.table(columns)
    db_path = tmp_path_factory.mktemp("text-reference") / "reference.duckdb"
    with duckdb.connect(str(db_path)) as conn:
        conn.register("altered", altered)
        conn.execute("create schema fullstory_raw")
        conn.execute("create table fullstory_raw.events as select * from altered")
    run_dbt(["build", "--full-refresh", *SELECTION], db_path)
    return Reference(db_path, altered)


def test_text_json_parses_once_and_malformed_json_is_null(
    fakesnow, text_reference, snowflake_target
):
    connection = fakesnow.connect(DATABASE)
    try:
        load_raw(connection, text_reference.raw, json_type="varchar")
        # Production SQL, emulator shims off: neither model needs one (no temporary table, no
        # last value), so the JSON path is what real Snowflake runs.
        run_dbt_on(
            fakesnow,
            DATABASE,
            ["build", "--full-refresh", *SELECTION],
            snowflake_target,
            {"FULLSTORY_SNOWFLAKE_EMULATOR": ""},
        )
        events = read_model(connection, "events")
    finally:
        connection.close()
    # Guard: the altered rows reach the model, flagged, on DuckDB as on Snowflake.
    assert text_reference.model("events")["has_malformed_json"].sum() == 4
    assert_matches_duckdb("events", events, text_reference)
