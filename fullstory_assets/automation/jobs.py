"""The job that builds every model for a set of event days (schedule, sensor, demo)."""

from dagster import AssetSelection, define_asset_job

from fullstory_assets.automation.view_checks import daily_checks
from fullstory_assets.checks.todays_partition import todays_partition_checks

# Partitioned by event day: Dagster takes the partitions from the selected assets. Today's-
# partition freshness is judged between runs (by its sensor), never by the run it would judge;
# the views' dbt tests read all history and the seeds' change only with the code, so they run
# daily in their own job (view_checks.py).
fullstory_models_job = define_asset_job(
    name="fullstory_models",
    selection=AssetSelection.all() - AssetSelection.checks(todays_partition_checks) - daily_checks,
    description="Every Fullstory model, the dbt tests of its tables and bad-input checks, for the "
    "run's days.",
)
