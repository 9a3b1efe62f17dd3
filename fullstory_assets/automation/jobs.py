"""The job that builds every model for a set of event days (schedule, sensor, demo)."""

from dagster import AssetSelection, define_asset_job

# Partitioned by event day: Dagster takes the partitions from the selected assets.
fullstory_models_job = define_asset_job(
    name="fullstory_models",
    selection=AssetSelection.all(),
    description="Every Fullstory model, its dbt tests and bad-input checks, for the run's days.",
)
