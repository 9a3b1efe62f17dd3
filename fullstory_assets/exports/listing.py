"""Which sync folders of an export are waiting to be loaded."""

from datetime import datetime

from fullstory_assets.exports.layout import (
    ExportLayoutError,
    SyncFolder,
    group_folders,
    listing_start,
    ready_folders,
)
from fullstory_assets.exports.reading import ExportReadError
from fullstory_assets.exports.stores import ExportStore


def pending_folders(
    store: ExportStore, after: datetime | None, now: datetime, settle_seconds: float
) -> list[SyncFolder]:
    """The complete sync folders after ``after``, in time order (see ``ready_folders``).

    Raises:
        ExportReadError: The export cannot be listed (no such bucket, no access).
    """
    try:
        files = store.list_files(listing_start(after))
    except Exception as exc:
        raise ExportReadError(f"{store.url('')}: cannot list: {exc}") from exc
    try:
        folders = group_folders(files, after)
    except ExportLayoutError as exc:  # data the layout cannot place: never skipped silently
        raise ExportReadError(f"{store.url('')}: {exc}") from exc
    return ready_folders(folders, now, settle_seconds)
