"""Which event days are still settling: pure time arithmetic from the sync settings."""

from datetime import date, datetime, timedelta

from fullstory_assets.settings import Settings


def settled_at(day: date, settings: Settings) -> datetime:
    """When an event day stops changing, for 99% of its rows (naive UTC).

    The day's last events are processed just before midnight, synced once processing time is
    rounded up to the hour plus the sync latency, then may still change for the update window.
    """
    end_of_day = datetime(day.year, day.month, day.day) + timedelta(days=1)
    return end_of_day + timedelta(
        hours=settings.sync_interval_hours
        + settings.sync_latency_hours
        + settings.update_window_hours
    )


def scheduled_days(now: datetime, settings: Settings) -> list[date]:
    """The event days an hourly tick at ``now`` (naive UTC) rebuilds.

    Today, plus yesterday while it is settling; never a day before the first partition.
    """
    today = now.date()
    yesterday = today - timedelta(days=1)
    days = [yesterday, today] if now < settled_at(yesterday, settings) else [today]
    return [day for day in days if day >= settings.start_date]
