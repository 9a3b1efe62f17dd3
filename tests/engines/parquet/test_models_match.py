"""A history exported to S3 or GCS and loaded through parquet_export mode builds the same models
as the same history synced straight into DuckDB, value for value."""

from tests.engines.parquet.support import (
    load_log,
    loaded_folders,
    model_rows,
    raw_rows,
    run_load,
    simulate_export,
    source_env,
)
from tests.engines.reference import (
    MODEL_TABLES,
    REFERENCE_DAYS,
    REFERENCE_EVENTS_PER_DAY,
    REFERENCE_SEED,
    REFERENCE_START,
    assert_matches_duckdb,
    build_reference,
    run_dbt,
)

SPEC = (REFERENCE_START, REFERENCE_DAYS, REFERENCE_EVENTS_PER_DAY, REFERENCE_SEED)


def test_every_model_equals_the_history_synced_straight_into_duckdb(bucket, tmp_path):
    reference = build_reference(tmp_path / "reference")
    url = simulate_export(bucket.url("exports"), SPEC)
    assert url.startswith(f"{bucket.url('exports')}/fullstory_")
    db = tmp_path / "warehouse.duckdb"

    result = run_load(source_env(db, url))

    assert result.success
    folders = loaded_folders(result)
    assert len(folders) == len(load_log(db)) == len(set(folders)) > 24
    assert folders == sorted(folders)
    # Row for row, updated_time included: each folder's rows carry its ingested_time, the time
    # a warehouse sync of the same delivery stamps.
    assert raw_rows(db) == raw_rows(reference.db_path)
    run_dbt(["build", "--full-refresh"], db)
    for model in MODEL_TABLES:
        assert_matches_duckdb(model, model_rows(db, model), reference)
    assert not loaded_folders(run_load(source_env(db, url)))  # nothing is loaded twice
