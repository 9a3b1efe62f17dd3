"""Is today's partition fresh? What the time-window freshness policy cannot tell.

Dagster's ``FreshnessPolicy`` looks at an asset's latest materialization of any partition: the
late-data sensor rebuilding last week's day keeps it green while today's partition stalls. This
check looks at today's UTC event-day partition alone, with the same warn and fail windows
(automation/freshness.py). A sensor evaluates it every few minutes without launching a run
(automation/freshness_sensor.py); it can also be executed from the UI.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetRecordsFilter,
    DagsterInstance,
    multi_asset_check,
)

from fullstory_assets.automation.freshness import freshness_windows
from fullstory_assets.dbt.assets import fullstory_dbt_models
from fullstory_assets.settings import Settings, load_settings

CHECK_NAME = "todays_partition_fresh"
# The models that carry a freshness policy (translator.py): every model, no seed.
MODEL_KEYS = sorted(
    (spec.key for spec in fullstory_dbt_models.specs if spec.freshness_policy is not None),
    key=lambda key: key.to_user_string(),
)


@dataclass(frozen=True)
class TodaysPartitionFreshness:
    """One model's verdict: passed, or a WARN / ERROR severity, and what it is based on."""

    passed: bool
    severity: AssetCheckSeverity
    metadata: dict[str, str | float]


def evaluate_todays_partition(
    instance: DagsterInstance, asset_key: AssetKey, now: datetime, settings: Settings
) -> TodaysPartitionFreshness:
    """Age of today's partition: since its latest materialization, or since midnight without one.

    Args:
        instance: Where the materializations are recorded.
        asset_key: The model.
        now: The evaluation time (UTC).
        settings: Sync interval and run budget, which set the warn and fail windows.

    Returns:
        Passed while the age is within the warn window; a failed WARN up to the fail window and a
        failed ERROR beyond it.
    """
    today = now.astimezone(UTC).date()
    partition = today.isoformat()
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition]), limit=1
    ).records
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    last = datetime.fromtimestamp(records[0].timestamp, UTC) if records else None
    age = now - (last or midnight)
    warn, fail = freshness_windows(settings)
    metadata: dict[str, str | float] = {
        "partition": partition,
        "last_materialized_at": last.isoformat(timespec="seconds") if last else "never",
        "age_minutes": round(age / timedelta(minutes=1), 1),
        "warn_after_minutes": warn / timedelta(minutes=1),
        "fail_after_minutes": fail / timedelta(minutes=1),
    }
    if age <= warn:
        return TodaysPartitionFreshness(True, AssetCheckSeverity.WARN, metadata)
    severity = AssetCheckSeverity.WARN if age <= fail else AssetCheckSeverity.ERROR
    return TodaysPartitionFreshness(False, severity, metadata)


def todays_partition_evaluations(
    instance: DagsterInstance, now: datetime, settings: Settings
) -> list[AssetCheckEvaluation]:
    """The check's evaluation for every model, as a sensor reports it."""
    evaluations = []
    for key in MODEL_KEYS:
        verdict = evaluate_todays_partition(instance, key, now, settings)
        evaluations.append(
            AssetCheckEvaluation(
                asset_key=key,
                check_name=CHECK_NAME,
                passed=verdict.passed,
                severity=verdict.severity,
                metadata=verdict.metadata,
            )
        )
    return evaluations


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            CHECK_NAME,
            asset=key,
            description="Today's UTC event-day partition was materialized within the freshness "
            "policy's windows (its latest materialization, or midnight without one).",
        )
        for key in MODEL_KEYS
    ],
    description="Today's partition of every model is fresh.",
    # A run of some models (the late-data sensor's) takes the checks of those models only.
    can_subset=True,
)
def todays_partition_checks(context: AssetCheckExecutionContext):
    """The same verdicts as the freshness sensor's, run on demand."""
    settings = load_settings()
    now = datetime.now(UTC)
    for check_key in context.selected_asset_check_keys:
        key = check_key.asset_key
        verdict = evaluate_todays_partition(context.instance, key, now, settings)
        yield AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=verdict.passed,
            severity=verdict.severity,
            metadata=verdict.metadata,
        )
