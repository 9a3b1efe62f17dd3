"""The dbt tests of the views and seeds run once a day, over all history, not in every hourly run.

A view (identifies, devices, sessions, users, ...) is computed over all history whenever it is
read, so each of its tests scans all history: in the hourly partition runs they were most of the
growth with history (SQL 1.75 times longer at 90 days than at 7). Scoping them to the keys a
partition touched does not make them flat: the users and devices of one day carry most of
history (visitors return), and DuckDB does not push a semi-join on those keys below the views'
aggregates and window functions. So the partition runs test the tables they write, within their
window (macros/test_window.sql), and this job tests every row of every view once a day. Its
results are the views' asset checks, as before, so the UI shows them on the views.

The seeds' tests (unique definition ids, well-formed funnel steps) run here too: a seed changes
only with the project's code, yet each of its tests cost the hourly run a query and a check
result. A repeated definition id still fails within the hour, as it repeats events and the
hourly test of events' unique event_id fails; a malformed funnel step matches nothing until the
daily run names it.

The checks are picked from the views' and seeds' check specs, so only dbt tests attached to a view
or seed run here and only tests attached to a table run hourly: a singular test or a dbt unit
test (none today) would need a job of its own.
"""

import math
from datetime import date, datetime, timedelta

from dagster import (
    AssetCheckKey,
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
)
from dagster_dbt.metadata_set import DbtMetadataSet

from fullstory_assets.automation.settling import settled_at
from fullstory_assets.dbt.assets import fullstory_dbt_models
from fullstory_assets.settings import load_settings


def _materialized_as(kind: str) -> frozenset:
    """The keys of the dbt assets dbt materializes as ``kind`` (view, seed, ...)."""
    return frozenset(
        spec.key
        for spec in fullstory_dbt_models.specs
        if DbtMetadataSet.extract(spec.metadata).materialization_type == kind
    )


VIEW_KEYS = _materialized_as("view")
SEED_KEYS = _materialized_as("seed")
DAILY_CHECK_KEYS: frozenset[AssetCheckKey] = frozenset(
    spec.key for spec in fullstory_dbt_models.check_specs if spec.asset_key in VIEW_KEYS | SEED_KEYS
)
daily_checks = AssetSelection.checks(*DAILY_CHECK_KEYS)

# Checks only: the job is not partitioned, so dbt runs without a partition window and the tests
# read every row (assets.py).
view_checks_job = define_asset_job(
    name="fullstory_view_checks",
    selection=daily_checks,
    description="The dbt tests of the views (marts over all history) and seeds, over every row.",
)

# Once a day, in the hour after yesterday has settled (settling.py: 5 h after midnight with the
# default settings); where runs take the warehouse pool it runs before or after the hourly run of
# that minute, elsewhere beside it (a view is replaced only when its SQL changed).
_SETTINGS = load_settings()
_SETTLED = settled_at(date(2000, 1, 1), _SETTINGS) - datetime(2000, 1, 2)
_HOUR = min(23, math.ceil(_SETTLED / timedelta(hours=1)))

daily_view_checks_schedule = ScheduleDefinition(
    name="daily_view_checks_schedule",
    job=view_checks_job,
    cron_schedule=f"{_SETTINGS.schedule_minute} {_HOUR} * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every row of every view and seed checked by its dbt tests, once a day.",
)
