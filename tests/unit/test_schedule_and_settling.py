from datetime import UTC, date, datetime

from dagster import DagsterInstance, build_schedule_context

from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.automation.schedules import hourly_models_schedule
from fullstory_assets.automation.settling import scheduled_days, settled_at
from fullstory_assets.settings import load_settings

SETTINGS = load_settings({})


def test_a_day_settles_after_sync_latency_and_update_window():
    # midnight + 1 h rounding up to the sync + 1 h latency + 3 h update window
    assert settled_at(date(2024, 5, 1), SETTINGS) == datetime(2024, 5, 2, 5, 0)


def test_yesterday_is_scheduled_only_while_settling():
    assert scheduled_days(datetime(2024, 5, 2, 4, 10), SETTINGS) == [
        date(2024, 5, 1),
        date(2024, 5, 2),
    ]
    assert scheduled_days(datetime(2024, 5, 2, 5, 10), SETTINGS) == [date(2024, 5, 2)]


def test_no_day_before_the_first_partition():
    assert scheduled_days(datetime(2024, 1, 1, 1, 10), SETTINGS) == [date(2024, 1, 1)]
    assert scheduled_days(datetime(2023, 12, 31, 1, 10), SETTINGS) == []


def _tick(hour: int):
    when = datetime(2024, 5, 2, hour, 10, tzinfo=UTC)
    with DagsterInstance.ephemeral() as instance:
        return hourly_models_schedule(
            build_schedule_context(instance=instance, scheduled_execution_time=when)
        )


def test_schedule_requests_one_run_over_yesterday_and_today_while_settling():
    (request,) = [_tick(3)]
    assert request.tags[RANGE_START_TAG] == "2024-05-01"
    assert request.tags[RANGE_END_TAG] == "2024-05-02"
    assert request.run_key == "hourly:2024-05-02T03:10"


def test_schedule_requests_today_alone_after_settling():
    request = _tick(9)
    assert request.partition_key == "2024-05-02"
    assert RANGE_START_TAG not in request.tags
