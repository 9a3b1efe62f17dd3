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
    # A session's new start is either its first changed (current) event or one of its unchanged
    # events, which lie within the session's stored span: the days of both are requested.
    stored = f"""
        select cast(unnest(generate_series(
            cast(s.start_time as date), cast(s.end_time as date), interval 1 day)) as date) as day
        from {SESSIONS_TABLE} as s
        where s.full_session_id in (select full_session_id from changed)"""
    return f"""
        with changed as (
            select event_time, event_type, updated_time,
                cast(device_id as varchar) || ':' || cast(session_id as varchar) as full_session_id
            from {raw}
            where {since_filter}
        ),
        new_starts as (
            select cast(min(event_time) as date) as day from changed
            where full_session_id is not null and event_type is not null
            group by full_session_id
        ),
        session_days as (
            select day from new_starts
            {"union select day from (" + stored + ")" if with_stored_sessions else ""}
        )
        select
            (select max(updated_time) from changed),
            (select count(*) from changed),
            (select list(distinct cast(event_time as date)) from changed
                where event_time is not null),
            (select list(distinct day) from session_days where day is not null)"""


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
