"""The floor: one DuckDB pass over a day's raw events that parses the JSON and groups by session.

Every model of a partition needs at least this: read the day's raw rows, parse both JSON columns
(``json_transform`` of exactly the paths staging reads, as staging does) and aggregate per
session. Nothing is deduplicated, tested or written twice, so no partition run can do less; the
result is stored in a temporary table so the parse cannot be optimised away.

The floor writes nothing to disk, but the events model must: it stores the day's events, raw JSON
text and parsed fields, in a table. The write floor is that write alone: the day's raw rows with
both documents parsed, computed first into memory, then written once to a table of a DuckDB file
beside the data set. Floor plus write floor is what any partition run that keeps an events table
costs at least.
"""

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.measure import median, repeat

# The paths staging reads (dbt_models/macros/property_fields.sql) and their types (json.sql).
_URL = ["full_url", "host", "path", "query", "hash_path", "hash_query"]
SOURCE_TREE = {
    "user_agent": {
        key: "VARCHAR"
        for key in ["raw_user_agent", "device", "operating_system", "browser", "browser_version"]
    },
    "location": {key: "VARCHAR" for key in ["ip_address", "country", "region", "city", "lat_long"]},
    "url": {key: "VARCHAR" for key in _URL},
    "initial_referrer": {key: "VARCHAR" for key in _URL},
    "page_definition_id": "VARCHAR",
}
EVENT_TREE = {
    "target": {
        "text": "VARCHAR",
        "masked": "BOOLEAN",
        "raw_selector": "VARCHAR",
        "element_properties": "JSON",
        "element_definition_id": "VARCHAR",
        "additional_element_definition_ids": "JSON",
    },
    "user_id": "VARCHAR",
    "user_email": "VARCHAR",
    "user_display_name": "VARCHAR",
    "user_properties": "JSON",
    "event_definition_id": "VARCHAR",
    "event_name": "VARCHAR",
    "fs_rage_count": "BIGINT",
    "fs_dead_count": "BIGINT",
    "navigate_reason": "VARCHAR",
}

PARSED_DOCUMENTS = (
    f"try(json_transform(source_properties, '{json.dumps(SOURCE_TREE)}')) as source, "
    f"try(json_transform(event_properties, '{json.dumps(EVENT_TREE)}')) as event"
)

FLOOR_SQL = f"""
    create or replace temp table floor_sessions as
    with parsed as (
        select device_id, session_id, event_id, event_time, event_type,
            {PARSED_DOCUMENTS}
        from fullstory_raw.events
        where event_time >= $start and event_time < $end
    )
    select device_id, session_id,
        count(distinct event_id) as events,
        min(event_time) as start_time,
        max(event_time) as end_time,
        count(*) filter (where event_type = 'navigate') as page_views,
        arg_max(source, event_time) as last_source,
        arg_max(event, event_time) as last_event,
        max(event.user_id) as user_id
    from parsed
    group by device_id, session_id
"""


WRITE_FLOOR_ROWS_SQL = f"""
    create or replace temp table day_rows as
    select *, {PARSED_DOCUMENTS}
    from fullstory_raw.events
    where event_time >= $start and event_time < $end
"""
WRITE_FLOOR_SQL = "create or replace table scratch.day_events as select * from day_rows"


def write_floor_seconds(
    conn: duckdb.DuckDBPyConnection, db_path: Path, params: dict, repeats: int
) -> list[float]:
    """Wall seconds of writing the day's parsed rows once to a table on disk, per repeat."""
    scratch = db_path.with_name(db_path.stem + ".write_floor.duckdb")
    conn.execute(WRITE_FLOOR_ROWS_SQL, params)
    conn.execute(f"attach '{scratch}' as scratch")
    try:
        # Each repeat commits its table: the write is not done until DuckDB has stored it.
        return repeat(lambda: conn.execute(WRITE_FLOOR_SQL), repeats)
    finally:
        conn.execute("detach scratch")
        conn.execute("drop table day_rows")
        scratch.unlink(missing_ok=True)
        scratch.with_name(scratch.name + ".wal").unlink(missing_ok=True)


def floor_seconds(db_path: Path, day: str, repeats: int) -> dict:
    """Median and every repeat of the floor query over event day ``day``."""
    start = date.fromisoformat(day)
    params = {"start": start, "end": start + timedelta(days=1)}
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("set timezone = 'UTC'")
        conn.execute("set enable_progress_bar = false")
        (rows,) = conn.execute(
            "select count(*) from fullstory_raw.events where event_time >= $start "
            "and event_time < $end",
            params,
        ).fetchone()
        times = repeat(lambda: conn.execute(FLOOR_SQL, params), repeats)
        (sessions,) = conn.execute("select count(*) from floor_sessions").fetchone()
        plan = conn.execute("explain analyze " + FLOOR_SQL, params).fetchall()
        conn.execute("drop table floor_sessions")
        writes = write_floor_seconds(conn, db_path, params, repeats)
    return {
        "day": day,
        "raw_rows_in_day": rows,
        "sessions": sessions,
        "repeats_s": times,
        "median_s": median(times),
        "write_repeats_s": writes,
        "write_median_s": median(writes),
        "explain_analyze": plan[0][1] if plan else "",
    }


def floors(datasets: dict, repeats: int) -> dict:
    """The floor of every partition-run data set (``simulator.partition_datasets``' output)."""
    return {
        size: floor_seconds(Path(data["db"]), data["day"], repeats)
        for size, data in datasets.items()
    }
