"""The dbt project on Snowflake (fakesnow): a full build passes its tests and equals DuckDB's.

The raw table is loaded as Snowflake Data Destinations deliver it (VARIANT JSON columns), the
project is built with ``dbt build --full-refresh --target snowflake``, and every model is
compared with DuckDB's build on the same raw rows, value by value.
"""

import re

import pandas as pd
import pytest
import sqlglot

from tests.engines.reference import MODEL_TABLES, assert_matches_duckdb, canonical_rows
from tests.engines.snowflake.raw import COLUMNS, load_raw
from tests.engines.snowflake.support import read_model, read_table, run_dbt_on

pytestmark = pytest.mark.snowflake

# Each module builds in its own database of the shared server (never FULLSTORY: server.py).
DATABASE = "FS_FULL"


@pytest.fixture(scope="module")
def built(fakesnow, reference, snowflake_target):
    """A connection to the database the project was built in."""
    connection = fakesnow.connect(DATABASE)
    load_raw(connection, reference.raw)
    run_dbt_on(fakesnow, DATABASE, ["build", "--full-refresh"], snowflake_target)
    yield connection
    connection.close()


def test_raw_table_has_data_destinations_types_and_values(built, reference):
    with built.cursor() as cursor:
        cursor.execute("describe table fullstory_raw.events")
        types = {name.lower(): kind for name, kind, *_ in cursor.fetchall()}
    assert types["event_properties"] == types["source_properties"] == "VARIANT"
    assert types["device_id"].startswith("NUMBER(38,0)")
    assert types["event_time"].startswith("TIMESTAMP_NTZ")
    # Value for value, JSON compared parsed; ids are exact beyond 2**53.
    loaded = canonical_rows(read_table(built, "fullstory_raw.events"), "events")
    expected = canonical_rows(reference.raw.to_pandas(), "events")
    assert list(loaded.columns) == list(COLUMNS)
    columns = list(COLUMNS)
    loaded = loaded.sort_values(columns, kind="stable").reset_index(drop=True)
    expected = expected.sort_values(columns, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded, expected)


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_model_equals_duckdb(built, reference, model):
    assert_matches_duckdb(model, read_model(built, model), reference)


def test_production_sql_is_snowflake_sql(fakesnow, built, tmp_path):
    """With the emulator switch off, the project compiles to Snowflake SQL without the shims.

    Compiled against the built database inside a partition window, so the incremental models
    take their partitioned shape. fakesnow cannot run all of it (see macros/fakesnow_shims.sql);
    sqlglot's Snowflake parser is the syntax check.
    """
    run_dbt_on(
        fakesnow,
        DATABASE,
        ["compile"],
        tmp_path,
        {
            "FULLSTORY_SNOWFLAKE_EMULATOR": "",
            "FULLSTORY_PARTITION_START": "2024-03-02",
            "FULLSTORY_PARTITION_END": "2024-03-03",
        },
    )
    compiled = {path.stem: path.read_text() for path in (tmp_path / "compiled").rglob("*.sql")}
    assert len(compiled) > len(MODEL_TABLES)
    for name, sql in compiled.items():
        sqlglot.parse_one(sql, read="snowflake")  # raises on a syntax error
        compiled[name] = re.sub(r"\s+", " ", sql)
        assert "is null, 1, 0)" not in compiled[name], f"{name}: an emulator shim in production"
    sessions = compiled["int_fullstory__sessions"]
    assert "within group (order by event_time desc nulls last" in sessions
    assert "dateadd( hour, -12, cast('2024-03-02' as timestamp) )" in sessions
    assert 'parsed_source:"location"."city"::varchar' in compiled["stg_fullstory__events"]


def test_production_incremental_run_creates_a_temporary_table(fakesnow, built, tmp_path):
    """With the emulator switch off, a partition run takes dbt-snowflake's own DDL path.

    The shim in macros/fakesnow_shims.sql overrides the macro that writes a temporary table;
    off the emulator it must hand over to dbt-snowflake's. fakesnow cannot run that DDL (its
    gap 1), and the error it returns shows the statement reached it. The failure comes before
    the delete, so the built table is left as it was.
    """
    with pytest.raises(AssertionError, match="TEMPORARY table names can \\*only\\* use"):
        run_dbt_on(
            fakesnow,
            DATABASE,
            ["run", "--select", "events"],
            tmp_path,
            {
                "FULLSTORY_SNOWFLAKE_EMULATOR": "",
                "FULLSTORY_PARTITION_START": "2024-03-01",
                "FULLSTORY_PARTITION_END": "2024-03-02",
            },
        )
