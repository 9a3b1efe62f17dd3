"""The Parquet export sensor: new sync folders in the export request a load run.

Its cursor is the ``ingested_time`` of the last folder loaded, as the warehouse records it (the
load run commits it with the folder's rows). The sensor only lists and requests: the DuckDB file
has one writer, and the load runs in the warehouse pool.
"""

import hashlib
from datetime import UTC, datetime

import duckdb
from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster_aws.s3 import S3Resource

from fullstory_assets.automation.export_load import parquet_export_load_job
from fullstory_assets.exports.gcs_resource import ExportGCSResource
from fullstory_assets.exports.layout import SyncFolder
from fullstory_assets.exports.listing import pending_folders
from fullstory_assets.exports.stores import open_store
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.parquet_exports import loaded_until


def _run_key(after: datetime | None, folders: list[SyncFolder]) -> str:
    # Names the folders waiting and their files' versions: a queued or failed run is not
    # requested again, while a fixed file (new ETag) or a new folder asks for a new one.
    versions = "\n".join(f"{f.key}:{f.etag}:{f.size}" for folder in folders for f in folder.files)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
    return f"parquet_export:{after or 'start'}..{folders[-1].ingested_time}:{digest}"


@sensor(
    job=parquet_export_load_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Requests a load of the Parquet export's sync folders written since the last one "
    "loaded into the raw table.",
)
def parquet_export_sensor(context: SensorEvaluationContext, s3: S3Resource, gcs: ExportGCSResource):
    """List the export after the last loaded folder; request one run when folders wait."""
    settings = load_settings()
    after = None
    if settings.duckdb_path.exists():
        try:
            with connect(settings.duckdb_path, read_only=True) as conn:
                after = loaded_until(conn, settings.raw_schema)
        except duckdb.IOException as exc:  # a run is writing the file: look again next tick
            return SkipReason(f"warehouse busy, retrying next tick: {exc}")
    cursor = after.isoformat() if after else context.cursor
    store = open_store(settings.export_url, s3.get_client, gcs.get_client)
    folders = pending_folders(store, after, datetime.now(UTC), settings.export_settle_minutes * 60)
    if not folders:
        return SensorResult(
            skip_reason=f"no complete sync folders after {after or 'the beginning'} in "
            f"{settings.export_url}",
            cursor=cursor,
        )
    names = f"{folders[0].name} .. {folders[-1].name}"
    context.log.info(f"{len(folders)} sync folder(s) to load: {names}")
    request = RunRequest(
        run_key=_run_key(after, folders),
        tags={"fullstory/export_folders": names},
    )
    return SensorResult(run_requests=[request], cursor=cursor)
