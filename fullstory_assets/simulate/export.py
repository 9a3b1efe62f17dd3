"""Write simulated hourly syncs as Fullstory's Parquet export: one folder per sync.

``<destination>/fullstory_<org_id>/events/ingested_time=YYYY-MM-DD HH:MM:SS/part-0.parquet``, in
the export's types (``exports.schema``), instead of merging the syncs into DuckDB.
"""

import io
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fullstory_assets.exports.layout import export_root, folder_name, group_folders
from fullstory_assets.exports.schema import to_export_table
from fullstory_assets.exports.stores import ExportStore
from fullstory_assets.simulate.history import SYNC_COLUMN

PART_NAME = "part-0.parquet"


class ExportWriteError(RuntimeError):
    """A sync folder could not be written; the message names it."""


def export_url(destination: str, org_id: str) -> str:
    """The export's ``events`` folder of ``org_id`` under ``destination`` (a URL or a path)."""
    return f"{destination.rstrip('/')}/{export_root(org_id)}"


def exported_until(store: ExportStore) -> datetime | None:
    """The newest sync folder already in the export (None: none yet)."""
    folders = group_folders(store.list_files())
    return folders[-1].ingested_time if folders else None


def export_syncs(
    deliveries: pa.Table, store: ExportStore, until: datetime | None = None
) -> list[datetime]:
    """Write each due sync of ``deliveries`` as its own export folder, in time order.

    Syncs up to the newest folder already there are skipped, so a re-run writes nothing twice
    and a replay hour by hour (``until``) ends where a single run would.

    Args:
        deliveries: Output of ``simulate.history.build_deliveries`` (sorted by ``sync_time``).
        store: The export's ``fullstory_<org_id>/events`` folder (see ``export_url``).
        until: Write syncs with ``sync_time <= until`` (naive UTC); None writes them all.

    Returns:
        The sync times written, in order.

    Raises:
        ExportWriteError: The store refused a write (say, no such bucket).
    """
    try:
        after = exported_until(store)
    except Exception as exc:  # e.g. no such bucket, no credentials
        raise ExportWriteError(f"cannot list {store.url('')}: {exc}") from exc
    sync = deliveries[SYNC_COLUMN].to_numpy()
    lo = 0 if after is None else int(np.searchsorted(sync, np.datetime64(after, "us"), "right"))
    hi = (
        len(sync)
        if until is None
        else int(np.searchsorted(sync, np.datetime64(until, "us"), "right"))
    )
    written = []
    while lo < hi:
        end = int(np.searchsorted(sync, sync[lo], "right"))
        moment = deliveries[SYNC_COLUMN][lo].as_py()
        key = f"{folder_name(moment)}/{PART_NAME}"
        buffer = io.BytesIO()
        pq.write_table(to_export_table(deliveries.slice(lo, end - lo)), buffer)
        try:
            store.write(key, buffer.getvalue())
        except Exception as exc:  # S3 or file-system errors: say which folder
            raise ExportWriteError(f"cannot write {store.url(key)}: {exc}") from exc
        written.append(moment)
        lo = end
    return written
