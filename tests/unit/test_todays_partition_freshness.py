"""Today's-partition freshness: judged on today's partition alone, against a real instance."""

from datetime import UTC, datetime, timedelta

import pytest
from dagster import (
    AssetCheckSeverity,
    AssetMaterialization,
    DagsterInstance,
    build_sensor_context,
)

from fullstory_assets.automation.freshness import freshness_windows
from fullstory_assets.automation.freshness_sensor import todays_partition_freshness_sensor
from fullstory_assets.checks.todays_partition import (
    CHECK_NAME,
    MODEL_KEYS,
    evaluate_todays_partition,
)
from fullstory_assets.settings import load_settings

SETTINGS = load_settings({})
WARN, FAIL = freshness_windows(SETTINGS)
EVENTS = next(key for key in MODEL_KEYS if key.to_user_string() == "events")


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


def _materialize(instance: DagsterInstance, day: str) -> datetime:
    instance.report_runless_asset_event(AssetMaterialization(asset_key=EVENTS, partition=day))
    return datetime.now(UTC)


def _verdict(instance, now):
    verdict = evaluate_todays_partition(instance, EVENTS, now, SETTINGS)
    return verdict.passed, verdict.severity


def test_every_model_is_checked_and_no_seed():
    names = {key.to_user_string() for key in MODEL_KEYS}
    assert {"events", "int_fullstory__sessions", "sessions", "users", "devices"} <= names
    assert not any(name.startswith("fullstory_") for name in names), names  # seeds


def test_age_counts_from_todays_latest_materialization(instance):
    today = datetime.now(UTC).date()
    # The ages below may reach past midnight UTC, where "today" becomes tomorrow: both days are
    # built at the same moment, so each evaluation finds its day's partition built at `built`.
    _materialize(instance, (today + timedelta(days=1)).isoformat())
    built = _materialize(instance, today.isoformat())
    assert _verdict(instance, built + timedelta(minutes=10)) == (True, AssetCheckSeverity.WARN)
    assert _verdict(instance, built + WARN + timedelta(minutes=1)) == (
        False,
        AssetCheckSeverity.WARN,
    )
    assert _verdict(instance, built + FAIL + timedelta(minutes=1)) == (
        False,
        AssetCheckSeverity.ERROR,
    )
    verdict = evaluate_todays_partition(instance, EVENTS, built, SETTINGS)
    assert verdict.metadata["partition"] == built.date().isoformat()
    assert verdict.metadata["last_materialized_at"] != "never"


def test_other_partitions_do_not_make_today_fresh(instance):
    """Rebuilding an old day (the late-data sensor's work) leaves today's partition stale."""
    now = datetime.now(UTC)
    _materialize(instance, (now.date() - timedelta(days=3)).isoformat())
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    late_morning = midnight + FAIL + timedelta(minutes=5)
    verdict = evaluate_todays_partition(instance, EVENTS, late_morning, SETTINGS)
    assert (verdict.passed, verdict.severity) == (False, AssetCheckSeverity.ERROR)
    assert verdict.metadata["last_materialized_at"] == "never"
    # Just after midnight nothing is due yet.
    assert _verdict(instance, midnight + timedelta(minutes=20)) == (True, AssetCheckSeverity.WARN)


def test_sensor_reports_one_evaluation_per_model_and_launches_nothing(instance):
    _materialize(instance, datetime.now(UTC).date().isoformat())
    result = todays_partition_freshness_sensor(build_sensor_context(instance=instance))
    assert not result.run_requests
    by_asset = {event.asset_key: event for event in result.asset_events}
    assert set(by_asset) == set(MODEL_KEYS)
    assert all(event.check_name == CHECK_NAME for event in by_asset.values())
    assert by_asset[EVENTS].passed
    # The others have no partition of today: stale unless it is just past midnight.
    others_passed = {event.passed for key, event in by_asset.items() if key != EVENTS}
    now = datetime.now(UTC)
    since_midnight = now - datetime(now.year, now.month, now.day, tzinfo=UTC)
    assert others_passed == {since_midnight <= WARN}
