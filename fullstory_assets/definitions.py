"""Assembles the Dagster definitions; every piece lives in its own module."""

import gc

from dagster import Definitions, in_process_executor

from fullstory_assets.automation.freshness_sensor import todays_partition_freshness_sensor
from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.raw_source import raw_source_definitions
from fullstory_assets.automation.schedules import hourly_models_schedule
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.automation.view_checks import daily_view_checks_schedule, view_checks_job
from fullstory_assets.checks.bad_input import bad_input_checks
from fullstory_assets.checks.todays_partition import todays_partition_checks
from fullstory_assets.dbt.assets import fullstory_dbt_models
from fullstory_assets.dbt.project import fullstory_dbt_project
from fullstory_assets.dbt.resource import FullstoryDbtCliResource, dbt_launcher
from fullstory_assets.settings import Settings, load_settings
from fullstory_assets.warehouses.resources import WAREHOUSE_RESOURCE_KEY, warehouse_resource


def build_definitions(settings: Settings) -> Definitions:
    """The project's definitions, with dbt's target and the warehouse resource of ``settings``."""
    project = Definitions(
        assets=[fullstory_dbt_models],
        asset_checks=[bad_input_checks, todays_partition_checks],
        jobs=[fullstory_models_job, view_checks_job],
        schedules=[hourly_models_schedule, daily_view_checks_schedule],
        sensors=[late_data_sensor, todays_partition_freshness_sensor],
        resources={
            "dbt": FullstoryDbtCliResource(
                project_dir=fullstory_dbt_project,
                dbt_executable=dbt_launcher(),
                target=settings.dbt_target,
            ),
            WAREHOUSE_RESOURCE_KEY: warehouse_resource(settings),
        },
        # One warehouse writer at a time anyway: steps run in the run's own process, which saves
        # a process start per step.
        executor=in_process_executor,
    )
    # In parquet_export mode, the export's load job and sensor (automation/raw_source.py).
    return Definitions.merge(project, raw_source_definitions(settings))


defs = build_definitions(load_settings())

# Everything loaded so far (Dagster, dbt, the definitions: some 250,000 objects) lives as long as
# the process. Frozen, the garbage collector skips it, in the run's collections and in the full
# one at exit, which alone took about a second of every `dagster asset materialize` here.
gc.freeze()
