"""Long histories, cheaply: copies of simulated days, shifted in time, with fresh ids.

Simulating 90 days costs 90 times one day; copying a simulated block of days in SQL costs a
scan. A copy ``k`` moves every time (event, processed, updated; a session's start and end)
by whole days and rewrites the ids that must stay unique: ``event_id`` gets a ``~k`` suffix,
``session_id`` and ``view_id`` are XOR-ed with ``k << 40`` (ids lie in [2**60, 2**63), so they
stay in range, and stay distinct as random ids are). Devices and users keep their ids: they
come back, as real visitors do, and the user-grain models aggregate over all of history.

Copies are appended in the source's scan order (sync order), so each row group holds one copy's
rows and DuckDB's zone maps prune by time as they do on a real history; no sort is needed.

The model tables (``events``, ``int_fullstory__sessions``) can be copied the same way, which
equals a full rebuild of the copied raw rows except for sessions cut at a partial block's first
day, so a long history needs no full rebuild before its partitions can be re-run.
"""

import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

RAW = "fullstory_raw.events"
EVENTS = "fullstory.events"
SESSIONS = "fullstory.int_fullstory__sessions"


def _mask(copy: int) -> str:
    return f"(cast({copy} as bigint) << 40)"


def _flip(column: str, copy: int, as_text: bool = False) -> str:
    if as_text:
        return f"cast(xor(cast({column} as bigint), {_mask(copy)}) as varchar)"
    return f"xor({column}, {_mask(copy)})"


def _copy_raw(copy: int, shift: int, first: date, end: date) -> str:
    moved = f"interval ({shift}) day"
    return f"""
        insert into {RAW}
        select event_id || '~{copy}', event_time + {moved}, processed_time + {moved},
            updated_time + {moved}, device_id, {_flip("session_id", copy)},
            {_flip("view_id", copy)}, event_type, event_properties, source_type,
            source_properties
        from {RAW}
        where event_time >= '{first}' and event_time < '{end}' and event_id not like '%~%'"""


def _copy_events(copy: int, shift: int, first: date, end: date) -> str:
    moved = f"interval ({shift}) day"
    session = _flip("session_id", copy, as_text=True)
    return f"""
        insert into {EVENTS}
        select * replace (
            event_id || '~{copy}' as event_id,
            {session} as session_id,
            {_flip("view_id", copy, as_text=True)} as view_id,
            device_id || ':' || {session} as full_session_id,
            event_time + {moved} as event_time,
            updated_time + {moved} as updated_time,
            processed_time + {moved} as processed_time)
        from {EVENTS}
        where event_time >= '{first}' and event_time < '{end}' and event_id not like '%~%'"""


def _copy_sessions(copy: int, shift: int, first: date, end: date) -> str:
    moved = f"interval ({shift}) day"
    session = _flip("session_id", copy, as_text=True)
    return f"""
        insert into {SESSIONS}
        select * replace (
            {session} as session_id,
            device_id || ':' || {session} as full_session_id,
            start_time + {moved} as start_time,
            end_time + {moved} as end_time,
            updated_time + {moved} as updated_time,
            device_event_id || '~{copy}' as device_event_id,
            device_event_time + {moved} as device_event_time,
            device_event_updated_time + {moved} as device_event_updated_time,
            device_event_processed_time + {moved} as device_event_processed_time)
        from {SESSIONS}
        where start_time >= '{first}' and start_time < '{end}'"""


def history_state(db_path: Path, block_first: date) -> tuple[int, int]:
    """Days of history before the block, and the next unused copy number."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        first, copies = conn.execute(
            "select min(event_time)::date, "
            f"max(try_cast(split_part(event_id, '~', 2) as integer)) from {RAW}"
        ).fetchone()
    behind = max(0, (block_first - first).days) if first else 0
    return behind, (copies or 0) + 1


def plan_copies(
    behind: int, target_behind: int, block_days: int, next_copy: int
) -> list[tuple[int, int, int]]:
    """Copies of the block that take the history before it from ``behind`` to ``target_behind``.

    Each copy lands right before the oldest day so far: copying the block's last ``days`` days
    to end where history now starts means a shift of ``-(behind + block_days)`` days.
    """
    copies = []
    while behind < target_behind:
        days = min(block_days, target_behind - behind)
        copies.append((next_copy, -(behind + block_days), days))
        behind += days
        next_copy += 1
    return copies


def extend_history(
    db_path: Path,
    block_first: date,
    block_days: int,
    copies: list[tuple[int, int, int]],
    with_models: bool,
) -> dict:
    """Append shifted copies of the simulated block ``block_first`` + ``block_days`` days.

    Args:
        db_path: The warehouse file.
        block_first: First day of the simulated block (never itself a copy).
        block_days: Its length.
        copies: ``(copy number, shift in days, days copied)``: the last ``days copied`` days of
            the block land ``shift`` days away (a negative shift puts them in the past).
        with_models: Copy the rows of the two model tables too.

    Returns:
        Raw rows before and after, and the seconds the copies took.
    """
    started = time.perf_counter()
    end = block_first + timedelta(days=block_days)
    with duckdb.connect(str(db_path)) as conn:
        (before,) = conn.execute(f"select count(*) from {RAW}").fetchone()
        for copy, shift, days in copies:
            first = end - timedelta(days=days)
            conn.execute("begin transaction")
            conn.execute(_copy_raw(copy, shift, first, end))
            if with_models:
                conn.execute(_copy_events(copy, shift, first, end))
                conn.execute(_copy_sessions(copy, shift, first, end))
            conn.execute("commit")
        (after,) = conn.execute(f"select count(*) from {RAW}").fetchone()
    return {
        "raw_rows_before": before,
        "raw_rows_after": after,
        "copy_seconds": round(time.perf_counter() - started, 2),
    }
