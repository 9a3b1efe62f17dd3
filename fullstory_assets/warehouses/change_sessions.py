"""Where a changed session may start, and which days its page views may cover: two answers.

Both are SQL CTEs after the change query's ``changed`` CTE, ending in ``session_starts`` and
``page_view_spans`` (``first_moment``, ``last_moment``: every day between is rebuilt).

- ``inferred_session_spans`` (fast scans) reads the changed rows only and infers the rest from the
  stored session: it holds when every changed row of a session since the stored table was built
  is in the scan. A fast scan breaks that when it leaves out a session's old rows while its runs
  read all of them: a run may move the session away from its stored day (a nulled first event)
  to a day no scan requested, and the next scan no longer finds it stored.
- ``whole_session_spans`` (full scans) reads every row of each touched session, whatever its
  version: its current start and each of its views lie between the earliest and the latest, and
  its stored rows, wherever they are, lie on days between their start and end. That is a
  superset whatever the stored table holds, so a full scan repairs what fast scans left.
"""

from fullstory_assets.warehouses.dialect import Dialect


def inferred_session_spans(dialect: Dialect, raw: str, stored: str) -> str:
    """Session spans from the changed rows and the stored session (fast scans)."""
    return f"""touched as (
            select full_session_id,
                min(case when event_type is not null then event_time end) as first_current,
                min(event_time) as first_changed,
                max(event_time) as last_changed
            from changed where full_session_id is not null
            group by full_session_id
        ),
        sessions as (
            select touched.*, stored.start_time, stored.end_time
            from touched left join ({stored}) as stored
                on touched.full_session_id = stored.full_session_id
        ),
        session_starts as (
            -- A new session starts at its first current event.
            select first_current as first_moment, first_current as last_moment
            from sessions where start_time is null
            -- A stored session whose first event is untouched starts at that event or earlier,
            -- and its stored start day must drop the row if it moved.
            union all
            select least(start_time, coalesce(first_current, start_time)), start_time
            from sessions where first_changed > start_time
            -- A stored session whose first event changed (nulled, re-synced) may now start at
            -- any of its unchanged events, all within its stored span, or at a changed one.
            union all
            select start_time, end_time from sessions where first_changed <= start_time
            union all
            select first_current, first_current from sessions where first_changed <= start_time
        ),
        page_view_spans as (
            -- Each side falls back on the other when NULL: least()/greatest() skip NULLs on
            -- PostgreSQL only.
            select
                least(coalesce(start_time, first_changed), coalesce(first_changed, start_time))
                    as first_moment,
                greatest(coalesce(end_time, last_changed), coalesce(last_changed, end_time))
                    as last_moment
            from sessions
        )"""


def whole_session_spans(dialect: Dialect, raw: str, stored: str) -> str:
    """Session spans from every raw row of each touched session and its stored rows (full scans).

    On BigQuery this reads the session columns of the whole raw table a second time; a full scan
    prunes nothing anyway.
    """
    text = dialect.string_type
    return f"""touched as (
            select distinct device_id, session_id from changed where session_id is not null
        ),
        rows_span as (
            select
                cast(raw.device_id as {text}) || ':' || cast(raw.session_id as {text})
                    as full_session_id,
                min(raw.event_time) as first_row,
                max(raw.event_time) as last_row
            from {raw} as raw inner join touched
                on raw.device_id = touched.device_id and raw.session_id = touched.session_id
            group by raw.device_id, raw.session_id
        ),
        session_starts as (
            -- One span per stored row (a run may have left one on a day it no longer starts).
            select
                least(coalesce(first_row, start_time), coalesce(start_time, first_row))
                    as first_moment,
                greatest(coalesce(last_row, end_time), coalesce(end_time, last_row))
                    as last_moment
            from rows_span left join ({stored}) as stored
                on rows_span.full_session_id = stored.full_session_id
        ),
        page_view_spans as (
            select first_moment, last_moment from session_starts
        )"""
