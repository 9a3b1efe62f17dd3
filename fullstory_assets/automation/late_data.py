"""Plan the runs that heal late data: which models each changed event day needs (pure)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from dagster import AssetCheckKey, AssetKey, RunRequest

from fullstory_assets.automation.run_requests import contiguous_ranges, range_run_request
from fullstory_assets.warehouses.changes import RawChanges

# The partitioned tables, and which days of a change each must rebuild. Every other model is a
# view or a seed: cheap, and part of every run so its partitions record the rebuild too.
EVENTS = AssetKey("events")
SESSIONS = AssetKey("int_fullstory__sessions")
IDENTIFIES = AssetKey("int_fullstory__identifies")
PAGE_VIEWS = AssetKey("page_views")
SESSION_FUNNELS = AssetKey("int_fullstory__session_funnels")
# Each partitioned table and the RawChanges field holding the days it must rebuild.
PARTITIONED_TABLES = {
    EVENTS: "event_days",
    SESSIONS: "session_days",
    IDENTIFIES: "event_days",
    PAGE_VIEWS: "page_view_days",
    SESSION_FUNNELS: "session_days",
}


@dataclass(frozen=True)
class QueuedRun:
    """A run that has not started yet: it will read the raw table as it is when it starts."""

    days: frozenset[date]
    assets: frozenset[AssetKey] | None  # None: every asset of the job


def days_per_table(changes: RawChanges, first: date, last: date) -> dict[AssetKey, set[date]]:
    """The partitions of each table the changes touch, limited to the partitions that exist."""

    def in_range(days: Iterable[date]) -> set[date]:
        return {day for day in days if first <= day <= last}

    return {table: in_range(getattr(changes, days)) for table, days in PARTITIONED_TABLES.items()}


def plan_runs(
    needed: dict[AssetKey, set[date]],
    always: Iterable[AssetKey],
    queued: Iterable[QueuedRun],
    run_key_prefix: str,
    checks: Iterable[AssetCheckKey] | None = None,
    unbuilt: Iterable[AssetKey] = (),
    tags: Mapping[str, str] | None = None,
) -> list[RunRequest]:
    """One run per contiguous range of days that need the same tables.

    Args:
        needed: Days each partitioned table must rebuild.
        always: Assets every run includes (views, seeds).
        queued: Runs of the job not yet started: a day they already cover is not requested again.
        run_key_prefix: Identifies the change (its watermarks), so it is requested only once.
        checks: The job's checks: each run executes those on its assets. None leaves it to Dagster,
            which takes every check of the assets, including those the job leaves out.
        unbuilt: Partitioned tables the warehouse does not have yet. Every run builds them too:
            the views every run rebuilds read both tables, and a view cannot be created on a
            table that does not exist (a first run of events alone would fail).
        tags: More tags for every run (what the change query that asked for it scanned).

    Returns:
        The run requests, in day order.
    """
    queued = list(queued)
    tables_by_day: dict[date, set[AssetKey]] = defaultdict(set)
    for table, days in needed.items():
        for day in days:
            if not any(_covers(run, day, table) for run in queued):
                tables_by_day[day].add(table)
    for tables in tables_by_day.values():
        tables.update(unbuilt)
    days_by_tables: dict[frozenset[AssetKey], list[date]] = defaultdict(list)
    for day, tables in tables_by_day.items():
        days_by_tables[frozenset(tables)].append(day)
    always = sorted(always, key=lambda key: key.to_user_string())
    checks = None if checks is None else list(checks)
    requests = []
    for tables, days in days_by_tables.items():
        names = "+".join(sorted(key.to_user_string() for key in tables))
        selection = always + sorted(tables, key=lambda key: key.to_user_string())
        run_checks = None if checks is None else [c for c in checks if c.asset_key in selection]
        for first, last in contiguous_ranges(days):
            run_key = f"{run_key_prefix}:{first}..{last}:{names}"
            requests.append(
                range_run_request(
                    first,
                    last,
                    run_key,
                    selection,
                    tags={"fullstory/trigger": "late_data", **(tags or {})},
                    asset_check_keys=run_checks,
                )
            )
    return sorted(requests, key=lambda request: request.run_key or "")


def _covers(run: QueuedRun, day: date, table: AssetKey) -> bool:
    return day in run.days and (run.assets is None or table in run.assets)
