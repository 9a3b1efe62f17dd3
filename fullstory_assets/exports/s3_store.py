"""An export in S3, read and written with a boto3 client (from ``dagster_aws.s3.S3Resource``).

Each file is streamed with ``get_object`` into a temporary file that the loader's own parsing
(DuckDB) reads. Measured on moto: 48 files of 0.1 MB in 0.9 s, where ``s3fs`` registered on
DuckDB took 8.2 s (many small ranged reads); one 4.4 MB file about even (0.37 s vs 0.29 s).
``s3fs`` would also pin an older botocore than dagster-aws's boto3. No file is held in memory
whole, and DuckDB's ``httpfs`` is not needed (it cannot be installed offline).
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from fullstory_assets.exports.layout import ExportFile


class S3Store:
    """The objects under ``s3://bucket/prefix``."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""

    def url(self, key: str) -> str:
        """``s3://bucket/prefix/key``."""
        return f"s3://{self.bucket}/{self.prefix}{key}"

    def list_files(self, start_after: str | None = None) -> list[ExportFile]:
        """The objects after ``start_after``, listed from there in key order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=self.prefix,
            # S3 lists in key order from here: the folders already loaded are never listed.
            **({"StartAfter": self.prefix + start_after} if start_after else {}),
        )
        return [
            ExportFile(
                key=item["Key"][len(self.prefix) :],
                size=item["Size"],
                modified=item["LastModified"].astimezone(UTC),
                etag=item.get("ETag", "").strip('"'),
            )
            for page in pages
            for item in page.get("Contents", [])
        ]

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The object streamed into a temporary file, deleted after the block."""
        with tempfile.TemporaryDirectory(prefix="fullstory-export-") as directory:
            path = Path(directory) / "file.parquet"
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"]
            with path.open("wb") as handle:
                shutil.copyfileobj(body, handle, length=1 << 20)
            yield path

    def write(self, key: str, data: bytes) -> None:
        """One ``put_object``: S3 shows the whole object or none of it."""
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data)


def default_s3_client() -> Any:
    """A boto3 S3 client from ``dagster_aws.s3.S3Resource`` with its defaults.

    boto3 takes the endpoint (``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``), credentials and
    region from the standard AWS variables and files; nothing here reads or logs them.
    """
    from dagster_aws.s3 import S3Resource  # imports Dagster: only when an s3:// URL is used

    return S3Resource().get_client()
