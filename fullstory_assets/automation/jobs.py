"""The job that builds every model for a set of event days (schedule, sensor, demo)."""

from dagster import AssetSelection, define_asset_job

from fullstory_assets.partitions import event_day_partitions

fullstory_models_job = define_asset_job(
    name="fullstory_models",
    selection=AssetSelection.all(),
    partitions_def=event_day_partitions,
    description="Every Fullstory model, its dbt tests and bad-input checks, for the run's days.",
)
