"""Asset checks that report bad raw input by name instead of letting it crash or vanish.

Each check counts offending rows in the run's event-day window and lists the first event ids.
Any such row is a WARN; more than ``bad_row_max_share`` of the window's rows is an ERROR.
"""

import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    PreviewWarning,
    ResourceParam,
    multi_asset_check,
)

from fullstory_assets.checks.queries import (
    bad_input_queries,
    outside_partitions_query,
    window_rows_query,
)
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import Settings, load_settings

EVENTS_KEY = AssetKey("events")

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
def bad_input_checks(
    context: AssetCheckExecutionContext, warehouse: ResourceParam[Any]
) -> Iterator[AssetCheckResult]:
    """Count and name bad raw rows of the run's days; see ``DESCRIPTIONS``."""
    settings = load_settings()
    window = context.partition_time_window
    start, end = window.start.replace(tzinfo=None), window.end.replace(tzinfo=None)
    selected = {key.name for key in context.selected_asset_check_keys}
    window_params = {"start": start, "end": end}
    with warehouse.session() as session:
        dialect = session.dialect
        ((window_rows,),) = session.fetchall(window_rows_query(dialect), window_params)
        queries = bad_input_queries(dialect, _raw(settings), settings.max_clock_skew_hours)
        for name, sql in queries.items():
            if name in selected:
                rows = session.fetchall(sql, window_params)
                yield _result(name, rows, int(window_rows), settings)
        if "events_outside_partitions" in selected:
            first_day = datetime.combine(settings.start_date, datetime.min.time())
            last_end = event_day_partitions.get_last_partition_window().end.replace(tzinfo=None)
            rows = session.fetchall(
                outside_partitions_query(dialect, _raw(settings)),
                {"first": first_day, "last_end": last_end},
            )
            yield _result("events_outside_partitions", rows, int(window_rows), settings)


def _raw(settings: Settings) -> str:
    return f"{settings.raw_schema}.events"


def _result(name: str, rows: list, window_rows: int, settings: Settings) -> AssetCheckResult:
    """``rows``: (event id, total count) of the first offending rows, none when there are none."""
    count = int(rows[0][1]) if rows else 0
    first_ids = [event_id for event_id, _ in rows]
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
            "first_event_ids": ", ".join(first_ids) or "none",
        },
    )
