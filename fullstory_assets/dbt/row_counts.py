"""Row counts per model for the run's window, read after dbt has released the DuckDB file."""

from collections.abc import Iterable

from dagster import TimeWindow

from fullstory_assets.settings import Settings
from fullstory_assets.warehouses.duckdb import connect

DBT_SCHEMA = "fullstory"
SEED_SCHEMA = "fullstory_seeds"

# The column that places each model's rows on an event day (ARCHITECTURE.md §3).
DAY_COLUMNS = {
    "stg_fullstory__events": "event_time",
    "events": "event_time",
    "int_fullstory__sessions": "start_time",
    "sessions": "start_time",
    "devices": "event_time",
    "identifies": "event_time",
    "identified_users": "last_event_time",
    "anonymous_users": "last_event_time",
    "users": "last_event_time",
}


def window_row_counts(
    settings: Settings, models: Iterable[str], window: TimeWindow
) -> dict[str, dict[str, int]]:
    """Rows of each model on the window's days (``dagster/row_count``) and in the whole table.

    Args:
        settings: Where the warehouse is.
        models: Names of the models the run materialized.
        window: The run's event-day window.

    Returns:
        Per model: ``dagster/row_count`` (rows whose day column falls in the window) and
        ``table_row_count``; seeds report only their size.
    """
    counts: dict[str, dict[str, int]] = {}
    models = list(models)
    if not models:
        return counts
    with connect(settings.duckdb_path, read_only=True) as conn:
        for model in models:
            column = DAY_COLUMNS.get(model)
            if column is None:
                (total,) = conn.execute(f"select count(*) from {SEED_SCHEMA}.{model}").fetchone()
                counts[model] = {"dagster/row_count": total}
                continue
            in_window, total = conn.execute(
                f"select count(*) filter (where {column} >= ? and {column} < ?), count(*) "
                f"from {DBT_SCHEMA}.{model}",
                [window.start.replace(tzinfo=None), window.end.replace(tzinfo=None)],
            ).fetchone()
            counts[model] = {"dagster/row_count": in_window, "table_row_count": total}
    return counts
