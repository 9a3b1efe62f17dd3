"""Read one sync folder of the export into rows typed like the raw table.

Each file goes through the loader's checks and parsing (``read_events``): the export's column
set, ids exact as 64-bit integers (never through a float), ISO-string times and epoch-millisecond
``updated_time`` to TIMESTAMP. Any problem is an ``ExportReadError`` naming the file's URL.
"""

import pyarrow as pa

from fullstory_assets.exports.layout import SyncFolder
from fullstory_assets.exports.stores import ExportStore
from fullstory_assets.loader import LoadError, read_events


class ExportReadError(ValueError):
    """A file of the export cannot be fetched or read; the message starts with its URL."""


def _named(url: str, message: str, local: str) -> str:
    """``message`` about the local copy ``local``, told about ``url`` instead."""
    message = message.replace(local, url)
    return message if url in message else f"{url}: {message}"


def read_file(store: ExportStore, key: str) -> pa.Table:
    """The rows of the export file ``key``, typed like the raw table.

    Raises:
        ExportReadError: The file cannot be fetched, is not Parquet (corrupt, truncated), has the
            wrong columns or values that do not parse; the message names its URL.
    """
    url = store.url(key)
    try:
        with store.local_copy(key) as path:
            try:
                return read_events(path)
            except LoadError as exc:
                raise ExportReadError(_named(url, str(exc), str(path))) from exc
    except ExportReadError:
        raise
    except Exception as exc:  # S3 errors, a file deleted since the listing, a full disk
        raise ExportReadError(f"{url}: cannot fetch: {exc}") from exc


def read_folder(store: ExportStore, folder: SyncFolder) -> pa.Table:
    """Every row of ``folder``'s files, in file order (see ``read_file``)."""
    tables = [read_file(store, file.key) for file in folder.files]
    return pa.concat_tables(tables)  # a folder exists only as the folder of some file
