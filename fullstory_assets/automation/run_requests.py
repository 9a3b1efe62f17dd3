"""Turn sets of event days into run requests of the models job: one run per contiguous range."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from dagster import AssetCheckKey, AssetKey, RunRequest

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def contiguous_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Group days into inclusive (first, last) runs of consecutive days, in order."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def range_run_request(
    first: date,
    last: date,
    run_key: str,
    asset_selection: Sequence[AssetKey] | None = None,
    tags: dict[str, str] | None = None,
    asset_check_keys: Sequence[AssetCheckKey] | None = None,
) -> RunRequest:
    """One run over the event days ``first..last`` (a single-run backfill when more than one)."""
    tags = dict(tags or {})
    if first == last:
        return RunRequest(
            run_key=run_key,
            partition_key=first.isoformat(),
            asset_selection=asset_selection,
            asset_check_keys=asset_check_keys,
            tags=tags,
        )
    tags.update({RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()})
    return RunRequest(
        run_key=run_key,
        asset_selection=asset_selection,
        asset_check_keys=asset_check_keys,
        tags=tags,
    )
