"""`dbt build --full-refresh` on BigQuery (crucible) equals DuckDB's models, row for row."""

import json
from datetime import datetime

import pyarrow.compute as pc
import pytest

from tests.engines.bigquery.load import RAW_COLUMNS, load_raw
from tests.engines.bigquery.project import dbt_on_crucible, read_model, run_sql
from tests.engines.reference import MODEL_TABLES, assert_matches_duckdb

pytestmark = pytest.mark.bigquery


@pytest.fixture(scope="module")
def built(crucible, reference, tmp_path_factory):
    """The reference's raw table loaded and every model built and tested from scratch."""
    server = crucible.in_project("full-refresh")
    client = server.client()
    load_raw(client, reference.raw)
    target_path = tmp_path_factory.mktemp("dbt-full-refresh")
    dbt_on_crucible(server, ["build", "--full-refresh"], target_path)  # every dbt test passes
    return client, target_path


def test_raw_table_has_data_destinations_types(built, reference):
    client, _ = built
    table = client.get_table(f"{client.project}.fullstory_raw.events")
    assert [(f.name, f.field_type) for f in table.schema] == [
        (name, "INTEGER" if kind == "INT64" else kind) for name, kind in RAW_COLUMNS.items()
    ]
    assert (table.time_partitioning.field, table.time_partitioning.type_) == ("event_time", "DAY")
    loaded = client.query(f"select * from `{client.project}`.fullstory_raw.events").to_arrow(
        create_bqstorage_client=False
    )
    # Every row and value as delivered: ids exact although they use all 64 bits.
    assert pc.max(reference.raw["device_id"]).as_py() > 2**53
    assert _rows(loaded) == _rows(reference.raw)


def _rows(table) -> list[str]:
    """A table's rows, each spelled once (timestamps naive UTC), in a canonical order."""
    rows = [
        {k: v.replace(tzinfo=None) if isinstance(v, datetime) else v for k, v in row.items()}
        for row in table.to_pylist()
    ]
    return sorted(json.dumps(row, default=str, sort_keys=True) for row in rows)


@pytest.mark.parametrize("model", MODEL_TABLES)
def test_model_matches_duckdb(built, reference, model):
    client, _ = built
    assert_matches_duckdb(model, read_model(client, model), reference)


@pytest.mark.parametrize(
    ("model", "path", "partition", "clustering"),
    [
        ("events", "models/marts/events.sql", "event_time", ["event_type", "device_id"]),
        (
            "int_fullstory__sessions",
            "models/intermediate/int_fullstory__sessions.sql",
            "start_time",
            ["full_session_id"],
        ),
    ],
)
def test_partitioned_tables_are_created_partitioned_and_clustered(
    built, model, path, partition, clustering
):
    client, target_path = built
    ddl = " ".join(run_sql(target_path, path).split())
    assert f"create or replace table `{client.project}`.`fullstory`.`{model}`" in ddl
    assert f"partition by timestamp_trunc({partition}, day)" in ddl
    assert f"cluster by {', '.join(clustering)}" in ddl
    table = client.get_table(f"{client.project}.fullstory.{model}")
    assert (table.time_partitioning.field, table.time_partitioning.type_) == (partition, "DAY")
    assert table.clustering_fields == clustering
