"""The folder layout of Fullstory's Parquet exports (pure): one folder per hourly sync.

``fullstory_<org_id>/events/ingested_time=YYYY-MM-DD HH:MM:SS/*.parquet``. The folder names sort
like their times, so an object listing in key order is a listing in sync order.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

FOLDER_PREFIX = "ingested_time="
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATA_SUFFIX = ".parquet"


class ExportLayoutError(ValueError):
    """An object in the export that is not where the layout puts data; the message names it."""


@dataclass(frozen=True)
class ExportFile:
    """One object of the export, its key relative to the export's ``events`` folder."""

    key: str
    size: int
    modified: datetime  # aware, UTC
    etag: str


@dataclass(frozen=True)
class SyncFolder:
    """The Parquet files of one sync, in key order."""

    ingested_time: datetime  # naive UTC
    files: tuple[ExportFile, ...]

    @property
    def name(self) -> str:
        """The folder's name in the export."""
        return folder_name(self.ingested_time)


def export_root(org_id: str) -> str:
    """The export's folder of the events of ``org_id``, relative to the destination."""
    return f"fullstory_{org_id}/events"


def folder_name(ingested_time: datetime) -> str:
    """``ingested_time=YYYY-MM-DD HH:MM:SS`` (naive UTC, whole seconds)."""
    return FOLDER_PREFIX + ingested_time.strftime(TIME_FORMAT)


def parse_folder_name(name: str) -> datetime:
    """The ingested time of folder ``name``; writers that URL-encode it (``%20``, ``%3A``) too.

    Raises:
        ExportLayoutError: ``name`` is not ``ingested_time=YYYY-MM-DD HH:MM:SS``.
    """
    text = unquote(name)
    if not text.startswith(FOLDER_PREFIX):
        raise ExportLayoutError(f"{name!r} is not an {FOLDER_PREFIX}YYYY-MM-DD HH:MM:SS folder")
    try:
        return datetime.strptime(text[len(FOLDER_PREFIX) :], TIME_FORMAT)
    except ValueError:
        raise ExportLayoutError(
            f"{name!r} is not an {FOLDER_PREFIX}YYYY-MM-DD HH:MM:SS folder"
        ) from None


def listing_start(after: datetime | None) -> str | None:
    """The key an ordered listing starts after to skip every folder up to ``after``.

    ``~`` sorts after ``/`` (every key inside the folder) and before the digits of any later
    time, so the listing resumes at the first later folder.
    """
    return None if after is None else folder_name(after) + "~"


def group_folders(files: Iterable[ExportFile], after: datetime | None = None) -> list[SyncFolder]:
    """The sync folders after ``after`` holding ``files``, in time order.

    Objects that are not ``.parquet`` (a ``_SUCCESS`` marker, say) are not data and are left out.

    Raises:
        ExportLayoutError: A ``.parquet`` file outside an ``ingested_time=`` folder, or in a
            folder whose name does not parse: data the layout cannot place is never skipped.
    """
    by_time: dict[datetime, list[ExportFile]] = {}
    for file in files:
        folder, _, rest = file.key.partition("/")
        if not rest:
            if file.key.endswith(DATA_SUFFIX):
                raise ExportLayoutError(f"{file.key!r} is not inside an {FOLDER_PREFIX} folder")
            continue
        if not file.key.endswith(DATA_SUFFIX):
            continue
        try:
            moment = parse_folder_name(folder)
        except ExportLayoutError as exc:
            raise ExportLayoutError(f"{file.key!r}: {exc}") from None
        if after is None or moment > after:
            by_time.setdefault(moment, []).append(file)
    return [
        SyncFolder(moment, tuple(sorted(by_time[moment], key=lambda f: f.key)))
        for moment in sorted(by_time)
    ]


def ready_folders(
    folders: list[SyncFolder], now: datetime, settle_seconds: float
) -> list[SyncFolder]:
    """The leading folders that are complete: a later folder exists, or their files settled.

    Fullstory writes one sync after the other, so a folder with a later one beside it is done;
    the newest is loaded once its last file is ``settle_seconds`` old (it may still be growing).

    Args:
        folders: Sync folders in time order.
        now: The current time, aware.
        settle_seconds: How old the newest folder's files must be.
    """
    if not folders:
        return []
    newest = max(file.modified for file in folders[-1].files)
    settled = (now - newest).total_seconds() >= settle_seconds
    return folders if settled else folders[:-1]
