"""What the dbt subprocess is told: settings and the run's partition window, as environment.

The partition window travels as environment variables, read by the models only while executing
(macros/partition_window.sql), so dbt parses the project once for every partition instead of
re-parsing for each new set of ``--vars``.
"""

from datetime import datetime, timedelta

from dagster import TimeWindow

from fullstory_assets.settings import Settings

WINDOW_START = "FULLSTORY_PARTITION_START"
WINDOW_END = "FULLSTORY_PARTITION_END"


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def partition_window_env(window: TimeWindow) -> dict[str, str]:
    """The run's event-day window [start, end) as the variables the dbt models read.

    Args:
        window: The run's partition time window (one day, or a range of days in a backfill).

    Returns:
        ``FULLSTORY_PARTITION_START`` / ``_END`` as UTC wall-clock timestamps.

    Raises:
        ValueError: The window is empty or does not fall on whole UTC days.
    """
    start, end = window.start, window.end
    if end <= start:
        raise ValueError(f"empty partition window {start} .. {end}")
    for moment in (start, end):
        if moment.utcoffset() not in (None, timedelta(0)):
            raise ValueError(f"partition window must be in UTC, got {moment.isoformat()}")
        if (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"partition window must start and end at midnight, got {moment}")
    return {WINDOW_START: _timestamp(start), WINDOW_END: _timestamp(end)}


def settings_env(settings: Settings) -> dict[str, str]:
    """The deployment settings as the environment variables the dbt project reads."""
    return {
        "FULLSTORY_WAREHOUSE": settings.warehouse,
        "FULLSTORY_DUCKDB_PATH": str(settings.duckdb_path),
        "FULLSTORY_START_DATE": settings.start_date.isoformat(),
        "FULLSTORY_ORG_ID": settings.org_id,
        "FULLSTORY_REPLAY_HOST": settings.replay_host,
        "FULLSTORY_RAW_SCHEMA": settings.raw_schema,
        "FULLSTORY_SESSION_LOOKAROUND_HOURS": str(settings.session_lookaround_hours),
        "FULLSTORY_MAX_CLOCK_SKEW_HOURS": str(settings.max_clock_skew_hours),
    }
