"""Freshness policies tied to Fullstory's hourly sync (ARCHITECTURE.md §4).

Fullstory syncs every ``sync_interval_hours``; the hourly schedule builds today's partition after
each sync. A model is on time while its latest materialization is younger than one sync interval
plus the run budget; it warns after that and fails once a second expected sync has passed
without a materialization.
"""

from datetime import timedelta

from dagster import FreshnessPolicy

from fullstory_assets.settings import Settings


def freshness_windows(settings: Settings) -> tuple[timedelta, timedelta]:
    """The (warn, fail) age limits of a model's latest materialization.

    Args:
        settings: Sync interval and run budget.

    Returns:
        warn: one sync interval plus the run budget; fail: two sync intervals plus the budget.
    """
    interval = timedelta(hours=settings.sync_interval_hours)
    budget = timedelta(minutes=settings.run_budget_minutes)
    return interval + budget, 2 * interval + budget


def model_freshness_policy(settings: Settings) -> FreshnessPolicy:
    """The freshness policy every model asset carries."""
    warn, fail = freshness_windows(settings)
    return FreshnessPolicy.time_window(fail_window=fail, warn_window=warn)
