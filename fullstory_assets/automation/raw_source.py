"""What the raw table's source adds to the definitions: nothing for a warehouse sync."""

from dagster import Definitions
from dagster_aws.s3 import S3Resource

from fullstory_assets.settings import Settings


def raw_source_definitions(settings: Settings) -> Definitions:
    """The export's load job, its sensor and S3/GCS access in ``parquet_export`` mode, else nothing.

    ``S3Resource()`` leaves the endpoint, region and credentials to boto3, which reads the
    standard AWS variables (``AWS_ENDPOINT_URL_S3``, ``AWS_ACCESS_KEY_ID``, ...);
    ``ExportGCSResource()`` (dagster-gcp's ``GCSResource``) leaves them to Google's Application
    Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, ...) and makes its client only for a
    ``gs://`` export. No credential is read while the definitions load.
    """
    if settings.raw_source != "parquet_export":
        return Definitions()
    # Imported only in this mode: reading Parquet loads pyarrow.parquet, and dagster-gcp Google's
    # client libraries, which start threads of their own, and a run process with threads outside
    # Python starts dbt as a program instead of forking it (dbt/forked.py), about 2 s more per run.
    from fullstory_assets.automation.export_load import parquet_export_load_job
    from fullstory_assets.automation.export_sensor import parquet_export_sensor
    from fullstory_assets.exports.gcs_resource import ExportGCSResource

    return Definitions(
        jobs=[parquet_export_load_job],
        sensors=[parquet_export_sensor],
        resources={"s3": S3Resource(), "gcs": ExportGCSResource()},
    )
