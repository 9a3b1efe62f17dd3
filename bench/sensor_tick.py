"""The sensor's one query (``read_changes`` after a cursor one sync back) at 10M and 100M rows.

The raw table is generated in SQL, in sync order, with only what the query reads made
realistic: ``updated_time`` rises sync by sync (``rows_per_sync`` rows each, hourly),
``event_time`` lies a few hours before its sync (1% days late), sessions span three syncs, and
every column the query does not read is a short constant or NULL. A session table of the same
sessions (key, start, end) stands in for ``int_fullstory__sessions``, which the query joins. The
table grows from the smaller size to the larger one, so both share the generated rows.
"""

import shutil
import time
from datetime import datetime
from pathlib import Path

import duckdb

from bench.measure import median
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import SESSIONS_MODEL, changes_sql, read_changes
from fullstory_assets.warehouses.dialect import DIALECTS
from fullstory_assets.warehouses.duckdb import DuckDBWarehouse
from fullstory_assets.warehouses.raw_events import create_table_sql

SESSIONS_TABLE = f"fullstory.{SESSIONS_MODEL}"
BASE = "timestamp '2024-01-01 00:00:00'"
SYNCS_PER_SESSION = 3
EVENTS_PER_SESSION = 20
ID_BASE = 2**60


def _insert_rows(lo: int, hi: int, per_sync: int) -> str:
    sessions_per_sync = max(1, per_sync // EVENTS_PER_SESSION)
    session = (
        f"((i % {per_sync}) % {sessions_per_sync} "
        f"+ {sessions_per_sync} * ((i // {per_sync}) // {SYNCS_PER_SESSION}))"
    )
    sync_time = f"{BASE} + to_hours(i // {per_sync})"
    late = "case when i % 100 = 0 then to_days((i // 100) % 5) else interval 0 day end"
    return f"""
        insert into fullstory_raw.events
        select null, event_time, event_time + interval 20 minute, updated_time,
            {ID_BASE} + session // 3, {ID_BASE} + session, null,
            case when i % 200 = 0 then null else 'click' end, '{{}}', 'web', '{{}}'
        from (
            select i, {session} as session, {sync_time} as updated_time,
                {sync_time} - interval 1 hour - to_seconds(i * 7919 % 7200) - {late}
                    as event_time
            from range({lo}, {hi}) as r(i)
        )"""


def _insert_sessions(lo: int, hi: int, per_sync: int) -> str:
    sessions_per_sync = max(1, per_sync // EVENTS_PER_SESSION)
    block_hours = SYNCS_PER_SESSION
    return f"""
        insert into {SESSIONS_TABLE}
        select cast({ID_BASE} + s // 3 as varchar) || ':' || cast({ID_BASE} + s as varchar),
            {BASE} + to_hours((s // {sessions_per_sync}) * {block_hours}) - interval 3 hour,
            {BASE} + to_hours((s // {sessions_per_sync} + 1) * {block_hours})
        from range({lo}, {hi}) as r(s)"""


def _sessions_up_to(rows: int, per_sync: int) -> int:
    sessions_per_sync = max(1, per_sync // EVENTS_PER_SESSION)
    blocks = -(-rows // (per_sync * SYNCS_PER_SESSION))
    return blocks * sessions_per_sync


def _grow(db_path: Path, rows: int, per_sync: int) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("set enable_progress_bar = false")
        conn.execute(create_table_sql("fullstory_raw"))
        conn.execute("create schema if not exists fullstory")
        conn.execute(
            f"create table if not exists {SESSIONS_TABLE} "
            "(full_session_id varchar, start_time timestamp, end_time timestamp)"
        )
        (have,) = conn.execute("select count(*) from fullstory_raw.events").fetchone()
        (have_sessions,) = conn.execute(f"select count(*) from {SESSIONS_TABLE}").fetchone()
        step = 20_000_000
        for lo in range(have, rows, step):
            conn.execute(_insert_rows(lo, min(rows, lo + step), per_sync))
        conn.execute(_insert_sessions(have_sessions, _sessions_up_to(rows, per_sync), per_sync))
        conn.execute("checkpoint")
    return time.perf_counter() - started


def _tick_once(db_path: Path, since: datetime) -> tuple[float, float, int]:
    began = time.perf_counter()
    with DuckDBWarehouse(path=str(db_path)).session() as session:
        session.relations_in("fullstory_raw")
        queried = time.perf_counter()
        changes = read_changes(
            session, "fullstory_raw", "fullstory", ChangeScan(full=False, since=since)
        )
        done = time.perf_counter()
    return done - queried, done - began, changes.rows


def sensor_ticks(work: str, sizes: list[int], rows_per_sync: int, repeats: int) -> dict:
    """Median tick query time at each raw-table size; the database is deleted afterwards."""
    folder = Path(work) / "sensor"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db_path = folder / "sensor.duckdb"
    results = {}
    try:
        for rows in sizes:
            generate_s = _grow(db_path, rows, rows_per_sync)
            with duckdb.connect(str(db_path), read_only=True) as conn:
                (last_sync,) = conn.execute(
                    "select max(updated_time) from fullstory_raw.events"
                ).fetchone()
                (since,) = conn.execute(
                    "select max(updated_time) from fullstory_raw.events where updated_time < ?",
                    [last_sync],
                ).fetchone()
                sql = changes_sql(
                    DIALECTS["duckdb"],
                    "fullstory_raw.events",
                    ChangeScan(full=False, since=since),
                    SESSIONS_TABLE,
                )
                plan = conn.execute("explain analyze " + sql, {"since": since}).fetchall()
            ticks = [_tick_once(db_path, since) for _ in range(repeats)]
            results[str(rows)] = {
                "raw_rows": rows,
                "syncs": -(-rows // rows_per_sync),
                "rows_per_sync": rows_per_sync,
                "generate_s": round(generate_s, 2),
                "db_mb": round(db_path.stat().st_size / 2**20),
                "changed_rows": ticks[0][2],
                "query_repeats_s": [round(t[0], 4) for t in ticks],
                "query_median_s": median([t[0] for t in ticks]),
                "open_and_query_median_s": median([t[1] for t in ticks]),
                "explain_analyze": plan[0][1] if plan else "",
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results
