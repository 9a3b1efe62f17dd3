"""The hourly schedule: today's partition after each sync, yesterday's too while it settles."""

from dagster import (
    DefaultScheduleStatus,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.run_requests import range_run_request
from fullstory_assets.automation.settling import scheduled_days
from fullstory_assets.settings import load_settings


@schedule(
    job=fullstory_models_job,
    # Syncs land on the hour; a few minutes later the sync has committed.
    cron_schedule=f"{load_settings().schedule_minute} * * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="After each hourly Fullstory sync: today's partition, plus yesterday's while it "
    "is settling (end of day + sync latency + update window).",
)
def hourly_models_schedule(context: ScheduleEvaluationContext):
    """Request one run over the days the tick's time calls for."""
    settings = load_settings()
    now = context.scheduled_execution_time.replace(tzinfo=None)
    days = scheduled_days(now, settings)
    if not days:
        return SkipReason(f"no partition yet: the first one is {settings.start_date}")
    return range_run_request(
        days[0],
        days[-1],
        run_key=f"hourly:{now:%Y-%m-%dT%H:%M}",
        tags={"fullstory/trigger": "schedule"},
    )
