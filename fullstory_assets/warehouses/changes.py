"""What changed in the raw table since a watermark, and the event days each model must rebuild.

One query per sensor tick, in SQL every supported warehouse runs (warehouses/dialect.py spells
what differs): a fast scan of the rows updated after the watermark, bounded on ``event_time`` so
BigQuery prunes its partitions, or now and then a full scan (warehouses/change_scan.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fullstory_assets.warehouses.change_scan import ChangeScan, row_filter
from fullstory_assets.warehouses.change_sessions import (
    inferred_session_spans,
    whole_session_spans,
)
from fullstory_assets.warehouses.dialect import Dialect
from fullstory_assets.warehouses.session import WarehouseSession

SESSIONS_MODEL = "int_fullstory__sessions"


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
        page_view_days: For each touched session, every day from its stored start (or its first
            changed event, if earlier) to its stored end (or its last changed event, if later):
            the page view partitions to rebuild, since a change anywhere in a session can change
            any of its views (neighbours, entry and exit). A session not stored yet: the days
            between its first and last changed event. After a full scan, both are every day
            between the earliest and latest of the session's raw and stored rows
            (warehouses/change_sessions.py).
    """

    watermark: datetime | None
    rows: int
    event_days: frozenset[date]
    session_days: frozenset[date]
    page_view_days: frozenset[date] = frozenset()


def changes_sql(dialect: Dialect, raw: str, scan: ChangeScan, stored_sessions: str | None) -> str:
    """The change query: one summary row, then (kind, first day, last day) ranges to rebuild.

    Args:
        dialect: The warehouse's spelling.
        raw: The raw events table.
        scan: Which rows it reads (``change_scan.row_filter``); a full scan also reads every row
            of each session they touch.
        stored_sessions: The session table already built, if any: its start and end days bound
            where a changed session may now start.
    """
    text = dialect.string_type
    stored = (
        f"select full_session_id, start_time, end_time from {stored_sessions}"
        if stored_sessions
        else f"select cast(null as {text}) as full_session_id, cast(null as timestamp) as "
        "start_time, cast(null as timestamp) as end_time from (select 1 as one) as nothing "
        "where false"
    )
    spans = whole_session_spans if scan.full else inferred_session_spans
    return f"""
        with changed as (
            select event_time, event_type, updated_time, device_id, session_id,
                cast(device_id as {text}) || ':' || cast(session_id as {text}) as full_session_id
            from {raw}
            where updated_time is not null and {row_filter(dialect, scan)}
        ),
        {spans(dialect, raw, stored)}
        select 'rows', count(*), max(updated_time), cast(null as date), cast(null as date)
        from changed
        union all
        select distinct 'event', 0, cast(null as timestamp), cast(event_time as date),
            cast(event_time as date)
        from changed where event_time is not null
        union all
        select distinct 'session', 0, cast(null as timestamp), cast(first_moment as date),
            cast(last_moment as date)
        from session_starts where first_moment is not null
        union all
        select distinct 'page_view', 0, cast(null as timestamp), cast(first_moment as date),
            cast(last_moment as date)
        from page_view_spans where first_moment is not null"""


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def read_changes(
    session: WarehouseSession, raw_schema: str, model_schema: str, scan: ChangeScan
) -> RawChanges:
    """Read the raw rows ``scan`` selects and the partitions they touch.

    Args:
        session: An open warehouse session.
        raw_schema: Schema of the raw ``events`` table.
        model_schema: Schema of the models (the stored session table, once built).
        scan: Which rows: a fast or a full scan after the watermarks already handled.

    Returns:
        The changes, with the event days, session start days and page view days they affect.
    """
    built = SESSIONS_MODEL in session.relations_in(model_schema)
    sql = changes_sql(
        session.dialect,
        f"{raw_schema}.events",
        scan,
        f"{model_schema}.{SESSIONS_MODEL}" if built else None,
    )
    rows = session.fetchall(sql, scan.params())
    watermark, count = None, 0
    event_days: set[date] = set()
    session_days: set[date] = set()
    page_view_days: set[date] = set()
    for kind, changed_rows, latest, first, last in rows:
        if kind == "rows":
            watermark, count = latest, int(changed_rows)
        elif kind == "event":
            event_days.add(_as_date(first))
        elif kind == "session":
            session_days.update(_days(_as_date(first), _as_date(last)))
        else:
            page_view_days.update(_days(_as_date(first), _as_date(last)))
    return RawChanges(
        watermark,
        count,
        frozenset(event_days),
        frozenset(session_days),
        frozenset(page_view_days),
    )


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
