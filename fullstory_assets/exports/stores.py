"""Where an export lives: a local directory, S3 or GCS, behind one small interface.

S3 is ``s3_store.py``, Google Cloud Storage ``gcs_store.py``.

Keys are relative to the export's ``fullstory_<org_id>/events`` folder (or to the destination,
for the simulator's writes), ``/``-separated, so the layout code never sees where they live.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fullstory_assets.exports.layout import ExportFile


class ExportStore(Protocol):
    """The few operations the loader, the sensor and the simulator need."""

    def url(self, key: str) -> str:
        """The full address of ``key``, for messages."""
        ...

    def list_files(self, start_after: str | None = None) -> list[ExportFile]:
        """Every object whose key sorts after ``start_after``, in key order."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding ``key``'s bytes for the ``with`` block (named ``*.parquet``)."""
        ...

    def write(self, key: str, data: bytes) -> None:
        """Store ``data`` as ``key``, all at once: a reader never sees part of it."""
        ...


class LocalStore:
    """An export in a local directory (or a mounted bucket)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def url(self, key: str) -> str:
        """The file's path."""
        return str(self.root / key)

    def list_files(self, start_after: str | None = None) -> list[ExportFile]:
        """Every file under the root whose key sorts after ``start_after``, in key order."""
        files = []
        for path in self.root.rglob("*") if self.root.is_dir() else []:
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and (start_after is None or key > start_after):
                stat = path.stat()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                etag = f"{stat.st_size}-{stat.st_mtime_ns}"
                files.append(ExportFile(key, stat.st_size, modified, etag))
        return sorted(files, key=lambda file: file.key)

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The file itself: nothing to copy."""
        path = self.root / key
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        yield path

    def write(self, key: str, data: bytes) -> None:
        """Write ``data`` to a temporary file in the folder, then rename it to ``key``."""
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target, then renamed: the sensor may list the folder meanwhile.
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".writing-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, target)


def open_store(
    url: str, s3_client: Callable[[], Any], gcs_client: Callable[[], Any]
) -> ExportStore:
    """The store of ``url``: ``s3://bucket/prefix``, ``gs://bucket/prefix`` or a local path.

    Args:
        url: Where the export (or the destination) is.
        s3_client: Makes a boto3 S3 client; called only for an ``s3://`` URL.
        gcs_client: Makes a ``google.cloud.storage.Client``; called only for a ``gs://`` URL,
            when the store is first used.
    """
    if url.startswith("s3://"):
        from fullstory_assets.exports.s3_store import S3Store

        bucket, _, prefix = url[len("s3://") :].partition("/")
        return S3Store(s3_client(), bucket, prefix.strip("/"))
    if url.startswith("gs://"):
        from fullstory_assets.exports.gcs_store import GcsStore

        bucket, _, prefix = url[len("gs://") :].partition("/")
        return GcsStore(gcs_client, bucket, prefix.strip("/"))
    return LocalStore(Path(url))
