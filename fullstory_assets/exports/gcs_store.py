"""An export in Google Cloud Storage, read and written with ``google.cloud.storage``.

The client comes from ``dagster_gcp.GCSResource``, which leaves credentials to Application
Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, the machine's service account, gcloud's
login) and the endpoint to the library (``STORAGE_EMULATOR_HOST`` points it at an emulator).
As for S3, each file is downloaded into a temporary file that DuckDB reads: DuckDB's ``httpfs``
cannot be installed offline for the pinned DuckDB.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from functools import cached_property
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from fullstory_assets.exports.layout import ExportFile

CREDENTIALS_HELP = (
    "no Google Cloud credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
    "key file, or run where Application Default Credentials exist (a service account attached "
    "to the machine, `gcloud auth application-default login`)"
)


class GcsCredentialsError(RuntimeError):
    """No credentials for Google Cloud Storage; the message says what to set."""


class GcsStore:
    """The objects under ``gs://bucket/prefix``."""

    def __init__(self, make_client: Callable[[], Any], bucket: str, prefix: str) -> None:
        # The client is made on first use: unlike boto3's, Google's looks for credentials when
        # it is made, and a missing one should fail a listing with the export's URL in the
        # message, like every other error of the store.
        self._make_client = make_client
        self.bucket_name = bucket
        self.prefix = f"{prefix}/" if prefix else ""

    @cached_property
    def _bucket(self) -> Any:
        from google.auth.exceptions import DefaultCredentialsError

        try:
            client = self._make_client()
        except DefaultCredentialsError as exc:
            raise GcsCredentialsError(CREDENTIALS_HELP) from exc
        # No request: a bucket handle is a name. Listing objects needs no project either.
        return client.bucket(self.bucket_name)

    def url(self, key: str) -> str:
        """``gs://bucket/prefix/key``."""
        return f"gs://{self.bucket_name}/{self.prefix}{key}"

    def list_files(self, start_after: str | None = None) -> list[ExportFile]:
        """The objects after ``start_after``, listed from there in key order."""
        start = self.prefix + start_after if start_after else None
        blobs = self._bucket.client.list_blobs(
            self._bucket,
            prefix=self.prefix or None,
            # GCS lists in name order from startOffset: the folders already loaded are never
            # listed. The offset is inclusive (S3's StartAfter is not), and gcp-storage-emulator
            # ignores it: the filter below keeps the listing exact on both.
            start_offset=start,
        )
        return [
            ExportFile(
                key=blob.name[len(self.prefix) :],
                size=blob.size,
                modified=blob.updated.astimezone(UTC),
                # Every write of a name gets a new generation. (The emulator's ETag is the
                # content's MD5, which a rewrite of the same bytes keeps.)
                etag=str(blob.generation),
            )
            for blob in blobs
            if start is None or blob.name > start
        ]

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The object downloaded into a temporary file (checksum verified), deleted after."""
        with TemporaryDirectory(prefix="fullstory-export-") as directory:
            path = Path(directory) / "file.parquet"
            self._bucket.blob(self.prefix + key).download_to_filename(str(path))
            yield path

    def write(self, key: str, data: bytes) -> None:
        """One upload: GCS shows an object only once it is whole."""
        self._bucket.blob(self.prefix + key).upload_from_string(
            data, content_type="application/vnd.apache.parquet"
        )


def default_gcs_client() -> Any:
    """A ``google.cloud.storage.Client`` from ``dagster_gcp.GCSResource`` with its defaults.

    Credentials come from Application Default Credentials; nothing here reads or logs them.
    """
    from dagster_gcp import GCSResource  # imports Dagster: only when a gs:// URL is used

    return GCSResource().get_client()
