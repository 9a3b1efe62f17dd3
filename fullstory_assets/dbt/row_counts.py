"""Row counts of the run's models, read after dbt has finished (and released a DuckDB file).

Only what is cheap and means something for a partition is counted:

- the incremental tables (``DAY_COLUMNS``): their rows on each of the
  run's days, a filter on the day column that DuckDB's zone maps prune to the window, and the
  whole table's size, which DuckDB keeps as metadata;
- seeds and the views over small tables (``WHOLE_COUNTS``: a device's identity spans): their size.

The other views (staging, marts over the session table, user-grain models, session_paths over
page_views, funnels over the session funnel table) are not counted: a count is a query over all
of history, which grows with it and dwarfs the partition's own work.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dagster import TimeWindow

from fullstory_assets.settings import MODEL_SCHEMA, SEED_SCHEMA
from fullstory_assets.warehouses.session import WarehouseSession

SEEDS = (
    "fullstory_event_types",
    "fullstory_source_types",
    "fullstory_defined_events",
    "fullstory_defined_pages",
    "fullstory_defined_elements",
    "fullstory_funnel_steps",
)

# Views over small tables, cheap to count whole.
WHOLE_COUNTS = ("device_identities",)

# The column that places each incremental table's rows on an event day (ARCHITECTURE.md §3).
DAY_COLUMNS = {
    "events": "event_time",
    "int_fullstory__sessions": "start_time",
    "int_fullstory__identifies": "event_time",
    "page_views": "start_time",
    "int_fullstory__session_funnels": "session_start_time",
}


@dataclass(frozen=True)
class RowCounts:
    """What was counted for one model."""

    table_rows: int
    rows_per_day: dict[date, int] = field(default_factory=dict)


def _window_days(window: TimeWindow) -> list[date]:
    """The event days of a partition window [start, end)."""
    first, end = window.start.date(), window.end.date()
    return [first + timedelta(days=i) for i in range((end - first).days)]


def row_counts(
    session: WarehouseSession, models: Iterable[str], window: TimeWindow
) -> dict[str, RowCounts]:
    """Counts for the models of ``models`` worth counting (see the module doc); others are left out.

    Args:
        session: An open session on the warehouse.
        models: Names of the models the run materialized.
        window: The run's event-day window.

    Returns:
        Per counted model: the table's rows and, for the incremental tables, the rows of each
        day of the window (days without rows count 0).
    """
    counted = [m for m in models if m in DAY_COLUMNS or m in SEEDS or m in WHOLE_COUNTS]
    if not counted:
        return {}
    start, end = window.start.replace(tzinfo=None), window.end.replace(tzinfo=None)
    param = session.dialect.param
    counts: dict[str, RowCounts] = {}
    for model in counted:
        schema = SEED_SCHEMA if model in SEEDS else MODEL_SCHEMA
        ((total,),) = session.fetchall(f"select count(*) from {schema}.{model}")
        column = DAY_COLUMNS.get(model)
        if column is None:
            counts[model] = RowCounts(int(total))
            continue
        per_day = dict.fromkeys(_window_days(window), 0)
        rows = session.fetchall(
            f"select cast({column} as date), count(*) from {MODEL_SCHEMA}.{model} "
            f"where {column} >= {param('start')} and {column} < {param('end')} "
            f"group by cast({column} as date)",
            {"start": start, "end": end},
        )
        per_day.update({day: int(count) for day, count in rows})
        counts[model] = RowCounts(int(total), per_day)
    return counts
