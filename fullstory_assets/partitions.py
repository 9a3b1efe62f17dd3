"""The event-day partitions every model shares (UTC calendar day of ``event_time``)."""

from dagster import DailyPartitionsDefinition

from fullstory_assets.settings import load_settings

# end_offset=1 adds today's partition: it fills up hour by hour as Fullstory syncs.
event_day_partitions = DailyPartitionsDefinition(
    start_date=load_settings().start_date.isoformat(),
    timezone="UTC",
    end_offset=1,
)
