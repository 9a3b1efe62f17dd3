"""A sensor that reports whether today's partition of every model is fresh, launching no run."""

from datetime import UTC, datetime

from dagster import DefaultSensorStatus, SensorEvaluationContext, SensorResult, sensor

from fullstory_assets.checks.todays_partition import todays_partition_evaluations
from fullstory_assets.settings import load_settings

# Well inside the warn window (one sync interval plus the run budget), so a stall shows within
# minutes of crossing it.
EVALUATION_INTERVAL_SECONDS = 300


@sensor(
    minimum_interval_seconds=EVALUATION_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Evaluates each model's todays_partition_fresh check (today's event-day "
    "partition within the freshness windows) and records the results; it launches no run.",
)
def todays_partition_freshness_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Record today's-partition freshness for every model as asset check evaluations."""
    evaluations = todays_partition_evaluations(context.instance, datetime.now(UTC), load_settings())
    stale = [e.asset_key.to_user_string() for e in evaluations if not e.passed]
    context.log.info(f"today's partition stale for: {', '.join(stale)}" if stale else "all fresh")
    return SensorResult(asset_events=evaluations)
