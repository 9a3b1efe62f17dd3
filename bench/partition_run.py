"""One event-day partition of every model through Dagster, per data-set size, against the floor.

The first run on a data set creates the tables while the raw table is set aside (empty), so it
costs the fixed part only, and warms dbt's parse cache; the timed runs then re-materialize the
partition on the full raw table, as the hourly schedule and the sensor do, on tables that exist:
with `dagster asset materialize` (every check) and once as a run of the models job (its checks).
"""

from contextlib import contextmanager
from pathlib import Path

import duckdb

from bench.measure import median
from bench.runs import MODELS_JOB, Sandbox, materialize, use_dataset


@contextmanager
def raw_set_aside(db_path: Path):
    """An empty raw table of the same columns for the block; the rows come back after it."""
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("alter table fullstory_raw.events rename to events_set_aside")
        conn.execute(
            "create table fullstory_raw.events as select * from fullstory_raw.events_set_aside "
            "limit 0"
        )
    try:
        yield
    finally:
        with duckdb.connect(str(db_path)) as conn:
            conn.execute("drop table fullstory_raw.events")
            conn.execute("alter table fullstory_raw.events_set_aside rename to events")


def partition_runs(
    sandbox_root: str, datasets: dict, repeats: int, logs: str, first_run: bool = True
) -> dict:
    """First run and ``repeats`` timed runs of each data set's day (``simulator`` output).

    Without ``first_run`` (the quick mode) the timed run creates the tables itself.
    """
    sandbox = Sandbox(Path(sandbox_root))
    results = {}
    for size, data in datasets.items():
        day = data["day"]
        with use_dataset(sandbox, Path(data["db"])) as warehouse:
            first = None
            if first_run:
                with raw_set_aside(warehouse):
                    first = materialize(sandbox, Path(logs) / f"partition_{size}_first.log", day)
            timed = [
                materialize(sandbox, Path(logs) / f"partition_{size}_{i}.log", day)
                for i in range(repeats)
            ]
            job_run = materialize(
                sandbox, Path(logs) / f"partition_{size}_job.log", day, job=MODELS_JOB
            )
        results[size] = {
            "day": day,
            "first_run": first,
            "runs": timed,
            "job_run": job_run,
            "median": {
                key: median([run[key] for run in timed])
                for key in (
                    "process_wall_s",
                    "dbt_process_wall_s",
                    "sql_s",
                    "dbt_overhead_s",
                    "dagster_overhead_s",
                    "fixed_cost_s",
                    "peak_tree_mb",
                )
                if all(key in run for run in timed)
            },
        }
    return results
