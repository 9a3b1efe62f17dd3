"""Apply simulated hourly syncs to the raw table, in time order, through the warehouse merge."""

from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fullstory_assets.simulate.history import SYNC_COLUMN
from fullstory_assets.warehouses.duckdb import ensure_raw_table, merge_into_raw
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS, RAW_TABLE

_INCOMING = "__simulated_syncs"
ROWS_PER_MERGE = 200_000


def sync_times(deliveries: pa.Table) -> list[datetime]:
    """The distinct sync times of ``deliveries``, in order."""
    return sorted(pc.unique(deliveries[SYNC_COLUMN]).to_pylist())


def applied_until(conn: duckdb.DuckDBPyConnection, schema: str) -> datetime | None:
    """The latest sync already merged into the raw table (``max(updated_time)``), if any."""
    ensure_raw_table(conn, schema)
    return conn.execute(f"select max(updated_time) from {schema}.{RAW_TABLE}").fetchall()[0][0]


def _due_range(sync: np.ndarray, until: datetime | None, after: datetime | None) -> range:
    """Rows of the syncs with ``after < sync_time <= until`` (a range: rows are in sync order)."""
    if np.any(sync[1:] < sync[:-1]):
        raise ValueError("deliveries must be sorted by sync_time, as build_deliveries returns them")
    lo, hi = 0, len(sync)
    if after is not None:
        lo = int(np.searchsorted(sync, np.datetime64(after, "us"), "right"))
    if until is not None:
        hi = int(np.searchsorted(sync, np.datetime64(until, "us"), "right"))
    return range(lo, max(lo, hi))


def _batches(sync: np.ndarray, rows: range, limit: int) -> list[range]:
    """Cut ``rows`` into runs of whole syncs of at least ``limit`` rows (or what is left)."""
    if not rows:
        return []
    local = sync[rows.start : rows.stop]
    sync_ends = rows.start + np.append(np.flatnonzero(local[1:] != local[:-1]) + 1, len(local))
    batches, start = [], rows.start
    for end in sync_ends.tolist():
        if end - start >= limit or end == rows.stop:
            batches.append(range(start, end))
            start = end
    return batches


def apply_syncs(
    conn: duckdb.DuckDBPyConnection,
    schema: str,
    deliveries: pa.Table,
    until: datetime | None = None,
    after: datetime | None = None,
    rows_per_merge: int = ROWS_PER_MERGE,
) -> list[datetime]:
    """Merge the syncs of ``deliveries`` that are due into the raw table.

    Consecutive due syncs are merged together, in batches of whole syncs of about
    ``rows_per_merge`` rows, each batch one ``merge_into_raw`` transaction. That equals applying
    the syncs one by one in time order: a row's version is its sync time, so per ``event_id`` the
    latest sync of a batch wins either way, with all of its copies, and rows already in the table
    lose to it exactly when they would lose to that sync alone. Batches keep memory bounded
    (one merge of a million rows needs several GB) and each ends on a sync boundary, so an
    interrupted run resumes from ``max(updated_time)`` like a real warehouse.

    Args:
        conn: Open DuckDB connection.
        schema: Schema of the raw ``events`` table (created if missing).
        deliveries: Output of ``simulate.history.build_deliveries`` (sorted by ``sync_time``).
        until: Apply syncs with ``sync_time <= until`` (naive UTC); ``None`` applies them all.
        after: Skip syncs with ``sync_time <= after``. ``None`` means the table's
            ``max(updated_time)``, so re-running with the same deliveries applies nothing twice
            and a replay hour by hour ends where a single run would.
        rows_per_merge: Batch size; 1 applies every sync in its own transaction.

    Returns:
        The sync times applied, in order (empty when nothing was due).

    Raises:
        ValueError: ``deliveries`` is not sorted by ``sync_time``.
    """
    if after is None:
        after = applied_until(conn, schema)
    sync = deliveries[SYNC_COLUMN].to_numpy()
    due = _due_range(sync, until, after)
    raw = deliveries.select(list(RAW_COLUMNS))
    for batch in _batches(sync, due, rows_per_merge):
        conn.register(_INCOMING, raw.slice(batch.start, len(batch)))  # zero-copy
        try:
            merge_into_raw(conn, schema, _INCOMING)
        finally:
            conn.unregister(_INCOMING)
    return sync_times(deliveries.slice(due.start, len(due)))
