"""The models job's runs that have not finished, as the days and assets they cover."""

from datetime import date, timedelta

from dagster import DagsterRunStatus, RunRequest, RunsFilter, SensorEvaluationContext

from fullstory_assets.automation.jobs import fullstory_models_job
from fullstory_assets.automation.late_data import QueuedRun
from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG


def queued_runs(context: SensorEvaluationContext, started: bool = False) -> list[QueuedRun]:
    """The models job's runs not started yet (and, with ``started``, those under way)."""
    statuses = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED]
    if started:
        statuses += [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
    runs = context.instance.get_runs(
        RunsFilter(job_name=fullstory_models_job.name, statuses=statuses)
    )
    queued = [as_queued(run.tags, run.asset_selection) for run in runs]
    return [run for run in queued if run is not None]


def partition_tags(request: RunRequest) -> dict[str, str]:
    """A request's tags as its run will carry them (a single day goes as its partition key)."""
    if request.partition_key is None:
        return request.tags
    return {**request.tags, "dagster/partition": request.partition_key}


def as_queued(tags: dict[str, str], selection) -> QueuedRun | None:
    """The days and assets a run (or run request) covers; None for a run of no partition."""
    if "dagster/partition" in tags:
        first = last = date.fromisoformat(tags["dagster/partition"])
    elif RANGE_START_TAG in tags:
        first = date.fromisoformat(tags[RANGE_START_TAG])
        last = date.fromisoformat(tags[RANGE_END_TAG])
    else:
        return None
    days = frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))
    return QueuedRun(days=days, assets=frozenset(selection) if selection else None)
