"""Asset checks that report bad raw input by name instead of letting it crash or vanish.

Each check counts offending rows in the run's event-day window and lists the first event ids.
Any such row is a WARN; more than ``bad_row_max_share`` of the window's rows is an ERROR.
"""

import warnings
from collections.abc import Iterator
from datetime import datetime

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    PreviewWarning,
    multi_asset_check,
)

from fullstory_assets.checks.queries import BAD_INPUT_QUERIES, OUTSIDE_PARTITIONS_QUERY
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import Settings, load_settings
from fullstory_assets.warehouses.duckdb import connect

EVENTS_KEY = AssetKey("events")
FIRST_IDS = 10

DESCRIPTIONS = {
    "malformed_json": "Events whose event_properties or source_properties is not valid JSON "
    "(kept; their parsed columns are NULL).",
    "missing_device_id": "Events without a device_id (kept in events; they belong to no session).",
    "unknown_event_types": "Events of a type outside Fullstory's documented list (kept).",
    "clock_ahead_set_aside": "Raw events whose device clock runs more than "
    "fullstory_max_clock_skew_hours ahead of processing: set aside, not in any model.",
    "events_outside_partitions": "Raw events dated before the first partition, after the last "
    "one, or not dated at all: in no partition, counted here so none is lost silently.",
}


# Partitioned checks are a preview in Dagster 1.13; they are what lets a check see its run's days.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PreviewWarning)
    CHECK_SPECS = [
        AssetCheckSpec(
            name, asset=EVENTS_KEY, description=text, partitions_def=event_day_partitions
        )
        for name, text in DESCRIPTIONS.items()
    ]


@multi_asset_check(
    specs=CHECK_SPECS,
    can_subset=True,
)
def bad_input_checks(context: AssetCheckExecutionContext) -> Iterator[AssetCheckResult]:
    """Count and name bad raw rows of the run's days; see ``DESCRIPTIONS``."""
    settings = load_settings()
    window = context.partition_time_window
    start, end = window.start.replace(tzinfo=None), window.end.replace(tzinfo=None)
    selected = {key.name for key in context.selected_asset_check_keys}
    with connect(settings.duckdb_path, read_only=True) as conn:
        (window_rows,) = conn.execute(
            "select count(*) from fullstory.events where event_time >= ? and event_time < ?",
            [start, end],
        ).fetchone()
        for name, sql in BAD_INPUT_QUERIES.items():
            if name in selected:
                sql = sql.format(raw=_raw(settings), max_skew_hours=settings.max_clock_skew_hours)
                rows = conn.execute(sql, [start, end]).fetchall()
                yield _result(name, rows, window_rows, settings)
        if "events_outside_partitions" in selected:
            first_day = datetime.combine(settings.start_date, datetime.min.time())
            last_end = event_day_partitions.get_last_partition_window().end.replace(tzinfo=None)
            rows = conn.execute(
                OUTSIDE_PARTITIONS_QUERY.format(raw=_raw(settings)), [first_day, last_end]
            ).fetchall()
            yield _result("events_outside_partitions", rows, window_rows, settings)


def _raw(settings: Settings) -> str:
    return f"{settings.raw_schema}.events"


def _result(
    name: str, rows: list[tuple[int, list[str]]], window_rows: int, settings: Settings
) -> AssetCheckResult:
    ((count, first_ids),) = rows or [(0, [])]
    share = count / window_rows if window_rows else float(count > 0)
    severe = share > settings.bad_row_max_share
    return AssetCheckResult(
        asset_key=EVENTS_KEY,
        check_name=name,
        passed=count == 0,
        severity=AssetCheckSeverity.ERROR if severe else AssetCheckSeverity.WARN,
        metadata={
            "bad_rows": count,
            "share_of_window": round(share, 6),
            "first_event_ids": ", ".join(sorted(first_ids or [])[:FIRST_IDS]) or "none",
        },
    )
