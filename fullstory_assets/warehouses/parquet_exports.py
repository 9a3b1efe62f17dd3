"""Load Fullstory's Parquet export folders into the DuckDB raw table, one transaction per folder.

Folders load in ``ingested_time`` order. Each folder's rows are merged as the warehouse merges a
sync (``raw_events.merge_sql``) and recorded in ``<raw_schema>.parquet_export_loads`` in the same
transaction, so the warehouse itself says what is loaded: a load that fails on a bad file keeps
every folder before it, and the next one resumes after them, loading nothing twice.

Loaded rows get ``updated_time`` = their folder's ``ingested_time``, the time of the sync that
delivered them, as a warehouse sync stamps its merge time. Folders load in time order and each
after every row already there, so the late-data sensor (cursor: the largest ``updated_time`` it
handled) sees every loaded row exactly once. The file's own version,
``coalesce(updated_time, processed_time)`` (epoch ms set when Fullstory recreated a file), picks
the latest copy of an event within the folder.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from fullstory_assets.exports.layout import SyncFolder
from fullstory_assets.exports.listing import pending_folders
from fullstory_assets.exports.reading import read_folder
from fullstory_assets.exports.stores import ExportStore
from fullstory_assets.warehouses.duckdb import ensure_raw_table
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS, RAW_TABLE, merge_sql

LOADS_TABLE = "parquet_export_loads"
_FOLDER = "__export_folder"
_INCOMING = "__export_incoming"


class ExportOrderError(ValueError):
    """The raw table holds rows as new as a folder to load: the late-data sensor would miss it."""


@dataclass(frozen=True)
class LoadedFolder:
    """A folder merged into the raw table (its transaction committed)."""

    ingested_time: datetime
    files: int
    rows: int


def ensure_loads_table(conn: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Create the raw table and the record of loaded folders if they do not exist yet."""
    ensure_raw_table(conn, schema)
    conn.execute(
        f"create table if not exists {schema}.{LOADS_TABLE} (ingested_time timestamp primary key,"
        " export_url varchar, files integer, rows bigint, loaded_at timestamp)"
    )


def loaded_until(conn: duckdb.DuckDBPyConnection, schema: str) -> datetime | None:
    """The ``ingested_time`` of the last folder loaded (None: none yet, or no table)."""
    (exists,) = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, LOADS_TABLE],
    ).fetchall()[0]
    if not exists:
        return None
    return conn.execute(f"select max(ingested_time) from {schema}.{LOADS_TABLE}").fetchall()[0][0]


def _incoming_sql(ingested_time: datetime) -> str:
    version = "coalesce(updated_time, processed_time)"
    return f"""
        create or replace temp table {_INCOMING} as
        select * exclude (__version, __latest)
            replace (timestamp '{ingested_time:%Y-%m-%d %H:%M:%S}' as updated_time)
        from (
            select *, {version} as __version,
                max({version}) over (partition by event_id) as __latest
            from {_FOLDER}
        ) where __version is not distinct from __latest"""


def merge_folder(
    conn: duckdb.DuckDBPyConnection, schema: str, folder: SyncFolder, rows: pa.Table, url: str
) -> None:
    """Merge ``rows`` (``folder``'s, typed like the raw table) and record the folder, atomically.

    Raises:
        ExportOrderError: The raw table already holds rows updated at or after the folder's
            ``ingested_time`` (rows from another source, say); nothing is written.
    """
    conn.register(_FOLDER, rows.select(list(RAW_COLUMNS)))
    conn.execute("begin transaction")
    try:
        (newest,) = conn.execute(f"select max(updated_time) from {schema}.{RAW_TABLE}").fetchall()[
            0
        ]
        if newest is not None and newest >= folder.ingested_time:
            raise ExportOrderError(
                f"{url}: the raw table already has rows updated at {newest}, at or after this "
                f"folder's ingested_time; the late-data sensor would never see its rows"
            )
        conn.execute(_incoming_sql(folder.ingested_time))
        conn.execute(merge_sql(schema, _INCOMING))
        conn.execute(
            f"insert into {schema}.{LOADS_TABLE} values (?, ?, ?, ?, ?)",
            [folder.ingested_time, url, len(folder.files), rows.num_rows, _utc_now()],
        )
        conn.execute(f"drop table {_INCOMING}")
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister(_FOLDER)


def load_new_folders(
    conn: duckdb.DuckDBPyConnection, store: ExportStore, schema: str, settle_seconds: float = 0
) -> Iterator[LoadedFolder]:
    """Load every complete folder after the last one loaded, each in its own transaction.

    A generator: each folder is yielded once committed, so a caller can report it before the
    next one is read (and before a bad file ends the load).

    Args:
        conn: Open read-write connection to the warehouse file.
        store: The export (its ``events`` folder).
        schema: Schema of the raw ``events`` table (created if missing).
        settle_seconds: See ``layout.ready_folders``.

    Yields:
        The folders loaded, in order.

    Raises:
        ExportReadError: The export cannot be listed or a file cannot be read (named); the
            folders before it stay loaded.
        ExportOrderError: See ``merge_folder``.
    """
    ensure_loads_table(conn, schema)
    after = loaded_until(conn, schema)
    for folder in pending_folders(store, after, datetime.now(UTC), settle_seconds):
        rows = read_folder(store, folder)  # outside the transaction: no lock while fetching
        merge_folder(conn, schema, folder, rows, store.url(folder.name))
        yield LoadedFolder(folder.ingested_time, len(folder.files), rows.num_rows)


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
