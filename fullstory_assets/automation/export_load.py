"""The run that loads new Parquet export folders into the DuckDB raw table (parquet_export mode).

An op job rather than an asset: the raw table stays the dbt source ``fullstory_raw/events`` that
every model depends on (and that the partitioned models job leaves out); each folder the run
commits is reported as a materialization of it. The op takes the warehouse pool, so it never
writes the DuckDB file while a model run does.
"""

from collections.abc import Iterator
from typing import Any

import duckdb
from dagster import (
    AssetMaterialization,
    Failure,
    OpExecutionContext,
    RetryRequested,
    job,
    op,
)
from dagster_aws.s3 import S3Resource

from fullstory_assets.dbt.assets import WAREHOUSE_LOCKED, WAREHOUSE_POOL
from fullstory_assets.dbt.translator import RAW_EVENTS_KEY
from fullstory_assets.exports.gcs_resource import ExportGCSResource
from fullstory_assets.exports.reading import ExportReadError
from fullstory_assets.exports.stores import open_store
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.parquet_exports import (
    ExportOrderError,
    LoadedFolder,
    load_new_folders,
)


@op(
    pool=WAREHOUSE_POOL,
    out={},
    description="Loads the export's sync folders after the last one loaded into the raw table, "
    "one transaction per folder, in ingested_time order.",
)
def load_parquet_export_folders(
    context: OpExecutionContext, s3: S3Resource, gcs: ExportGCSResource
) -> Iterator[Any]:
    """Load every complete new folder; report each as a materialization of the raw table."""
    settings = load_settings()
    store = open_store(settings.export_url, s3.get_client, gcs.get_client)
    loaded = []
    try:
        with connect(settings.duckdb_path) as conn:
            settle = settings.export_settle_minutes * 60
            for folder in load_new_folders(conn, store, settings.raw_schema, settle):
                loaded.append(folder)
                # Yielded as each folder commits: recorded even if a later file is bad.
                yield _materialization(folder)
    except duckdb.IOException as exc:
        if WAREHOUSE_LOCKED in str(exc):  # another process holds the file: nothing written yet
            raise RetryRequested(max_retries=5, seconds_to_wait=15) from exc
        raise
    except (ExportReadError, ExportOrderError) as exc:
        # The folders before the bad one are committed (and reported above); a re-run after
        # the file is fixed continues with it.
        raise Failure(description=str(exc), metadata={"folders_loaded": len(loaded)}) from exc
    context.log.info(
        f"loaded {len(loaded)} sync folder(s), {sum(f.rows for f in loaded)} rows"
        + (f", up to {loaded[-1].ingested_time}" if loaded else "")
    )


def _materialization(folder: LoadedFolder) -> AssetMaterialization:
    return AssetMaterialization(
        RAW_EVENTS_KEY,
        description=f"sync folder {folder.ingested_time:%Y-%m-%d %H:%M:%S} loaded",
        metadata={
            "ingested_time": folder.ingested_time.isoformat(),
            "files": folder.files,
            "rows": folder.rows,
        },
    )


@job(
    name="parquet_export_load",
    description="Loads new Fullstory Parquet export folders into the raw events table; the "
    "late-data sensor then rebuilds the partitions their rows touch.",
    tags={"fullstory/trigger": "parquet_export"},
)
def parquet_export_load_job() -> None:
    """The one op: load the new folders."""
    load_parquet_export_folders()
