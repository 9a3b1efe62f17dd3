from datetime import UTC, datetime, timedelta, timezone

import pytest
from dagster import TimeWindow

from fullstory_assets.dbt.environment import partition_window_env, settings_env
from fullstory_assets.partitions import event_day_partitions
from fullstory_assets.settings import load_settings


def _day(d: str) -> datetime:
    return datetime.fromisoformat(d).replace(tzinfo=UTC)


def test_one_day_window_is_that_day():
    window = event_day_partitions.time_window_for_partition_key("2024-03-05")
    assert partition_window_env(window) == {
        "FULLSTORY_PARTITION_START": "2024-03-05 00:00:00",
        "FULLSTORY_PARTITION_END": "2024-03-06 00:00:00",
    }


def test_range_window_spans_all_days():
    window = TimeWindow(_day("2024-03-05"), _day("2024-03-09"))
    env = partition_window_env(window)
    assert env["FULLSTORY_PARTITION_START"] == "2024-03-05 00:00:00"
    assert env["FULLSTORY_PARTITION_END"] == "2024-03-09 00:00:00"


@pytest.mark.parametrize(
    "start, end",
    [
        (_day("2024-03-05"), _day("2024-03-05")),  # empty
        (_day("2024-03-06"), _day("2024-03-05")),  # reversed
        (_day("2024-03-05") + timedelta(hours=3), _day("2024-03-06")),  # not midnight
    ],
)
def test_rejects_windows_that_are_not_whole_days(start, end):
    with pytest.raises(ValueError):
        partition_window_env(TimeWindow(start, end))


def test_rejects_non_utc_window():
    tz = timezone(timedelta(hours=2))
    window = TimeWindow(datetime(2024, 3, 5, tzinfo=tz), datetime(2024, 3, 6, tzinfo=tz))
    with pytest.raises(ValueError, match="UTC"):
        partition_window_env(window)


def test_settings_reach_dbt_as_environment(tmp_path):
    settings = load_settings(
        {"FULLSTORY_DUCKDB_PATH": str(tmp_path / "w.duckdb"), "FULLSTORY_ORG_ID": "o-X-na1"}
    )
    env = settings_env(settings)
    assert env["FULLSTORY_DUCKDB_PATH"] == str(tmp_path / "w.duckdb")
    assert env["FULLSTORY_ORG_ID"] == "o-X-na1"
    assert env["FULLSTORY_WAREHOUSE"] == "duckdb"
