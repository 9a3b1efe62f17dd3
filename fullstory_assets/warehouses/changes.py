"""What changed in the raw table since a watermark, and the event days each model must rebuild.

One query per sensor tick, filtered on ``updated_time`` so the warehouse prunes its scan.
"""

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

SESSIONS_TABLE = "fullstory.int_fullstory__sessions"


@dataclass(frozen=True)
class RawChanges:
    """Rows changed after a watermark and the event days they touch.

    Attributes:
        watermark: The largest ``updated_time`` among them (None when nothing changed).
        rows: How many raw rows changed.
        event_days: Days of their ``event_time``: the event-grain partitions to rebuild.
        session_days: Start days of the sessions they belong to, before and after the change:
            the session partitions to rebuild (a row after midnight can change a session that
            started the day before; a nulled first event moves a session's start later).
    """

    watermark: datetime | None
    rows: int
    event_days: frozenset[date]
    session_days: frozenset[date]


def _changes_sql(raw: str, since_filter: str, with_stored_sessions: bool) -> str:
    stored = (
        f"select full_session_id, start_time, end_time from {SESSIONS_TABLE}"
        if with_stored_sessions
        else "select null::varchar as full_session_id, null::timestamp as start_time, "
        "null::timestamp as end_time where false"
    )
    return f"""
        with changed as (
            select event_time, event_type, updated_time,
                cast(device_id as varchar) || ':' || cast(session_id as varchar) as full_session_id
            from {raw}
            where {since_filter}
        ),
        touched as (
            select full_session_id,
                min(event_time) filter (where event_type is not null) as first_current,
                min(event_time) as first_changed
            from changed where full_session_id is not null
            group by full_session_id
        ),
        sessions as (
            select touched.*, stored.start_time, stored.end_time
            from touched left join ({stored}) as stored using (full_session_id)
        ),
        session_starts as (
            -- A new session starts at its first current event.
            select first_current as moment from sessions where start_time is null
            -- A stored session whose first event is untouched starts at that event or earlier,
            -- and its stored start day must drop the row if it moved.
            union all
            select least(start_time, coalesce(first_current, start_time)) from sessions
            where first_changed > start_time
            union all
            select start_time from sessions where start_time is not null
            -- A stored session whose first event changed (nulled, re-synced) may now start at
            -- any of its unchanged events, all within its stored span, or at a changed one.
            union all
            select unnest(generate_series(
                date_trunc('day', start_time), date_trunc('day', end_time), interval 1 day))
            from sessions where first_changed <= start_time
            union all
            select first_current from sessions where first_changed <= start_time
        )
        select
            (select max(updated_time) from changed),
            (select count(*) from changed),
            (select list(distinct cast(event_time as date)) from changed
                where event_time is not null),
            (select list(distinct cast(moment as date)) from session_starts
                where moment is not null)"""


def read_changes(
    conn: duckdb.DuckDBPyConnection, raw_schema: str, since: datetime | None
) -> RawChanges:
    """Read the raw rows whose ``updated_time`` is after ``since`` (all rows when None).

    Args:
        conn: An open connection to the warehouse file.
        raw_schema: Schema of the raw ``events`` table.
        since: The watermark already handled.

    Returns:
        The changes, with the event days and session start days they affect.
    """
    since_filter = "updated_time > ?" if since else "updated_time is not null"
    sql = _changes_sql(f"{raw_schema}.events", since_filter, _table_exists(conn, SESSIONS_TABLE))
    watermark, rows, event_days, session_days = conn.execute(
        sql, [since] if since else []
    ).fetchone()
    return RawChanges(
        watermark=watermark,
        rows=rows,
        event_days=frozenset(event_days or []),
        session_days=frozenset(session_days or []),
    )


def _table_exists(conn: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    (found,) = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return found > 0
