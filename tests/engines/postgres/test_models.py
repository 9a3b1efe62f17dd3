"""`dbt build --full-refresh` on PostgreSQL passes (models and dbt tests) and equals DuckDB's."""

import pytest

from tests.engines.postgres.runner import read_relation
from tests.engines.reference import MODEL_TABLES, assert_matches_duckdb

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_model_equals_duckdb(full_build, reference, model):
    assert_matches_duckdb(model, read_relation(full_build, f"fullstory.{model}"), reference)


def test_raw_table_has_redshift_types(full_build, reference):
    # The models ran against Redshift's column types, not DuckDB's (ARCHITECTURE.md §2).
    from tests.engines.postgres.load import RAW_COLUMN_TYPES

    types = read_relation(
        full_build,
        "(select column_name, udt_name from information_schema.columns "
        "where table_schema = 'fullstory_raw' and table_name = 'events') as columns",
    )
    found = dict(zip(types["column_name"], types["udt_name"], strict=True))
    names = {"varchar": "varchar", "timestamptz": "timestamptz", "bigint": "int8"}
    assert found == {c: names[t] for c, t in RAW_COLUMN_TYPES.items()}
    assert len(read_relation(full_build, "fullstory_raw.events")) == reference.raw.num_rows
