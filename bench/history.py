"""History independence: re-materialize one partition with 7, 30 and 90 days of history.

A few days are simulated for real (the block); longer histories are shifted copies of the block,
raw rows and model tables alike (``bench.datasets``), placed before it. The partition re-run is
always the block's second-to-last day, so it has the same rows at every history length: any
growth of its time is work that depends on history.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from bench.datasets import extend_history, history_state, plan_copies
from bench.measure import median
from bench.runs import MODELS_JOB, Sandbox, dbt_build, materialize, use_dataset
from bench.simulator import simulate


def _paths(work: str) -> tuple[Path, Path]:
    return Path(work) / "history.duckdb", Path(work) / "history_deliveries.parquet"


def prepare(
    sandbox_root: str,
    work: str,
    start: str,
    days: int,
    events_per_day: int,
    until_hour: int,
    logs: str,
    warm_up: bool = True,
) -> dict:
    """Simulate the block (syncs up to ``until_hour`` on its last day), build, warm up.

    The models are built with `dbt build --full-refresh`; a first Dagster run of the partition
    follows, so the timed runs find the tables and dbt's parse cache as a deployment has them.
    Without ``warm_up`` (the quick mode) the first timed run creates the tables.
    """
    sandbox = Sandbox(Path(sandbox_root))
    db_path, deliveries_path = _paths(work)
    db_path.unlink(missing_ok=True)
    first = date.fromisoformat(start)
    last = first + timedelta(days=days - 1)
    until = datetime.combine(last, time(until_hour))
    simulated = simulate(
        db_path, first, days, events_per_day, seed=3, until=until, deliveries_path=deliveries_path
    )
    target = str(last - timedelta(days=1))
    rebuild = first_run = None
    if warm_up:
        with use_dataset(sandbox, db_path):
            rebuild = dbt_build(sandbox)
            first_run = materialize(sandbox, Path(logs) / "history_first.log", target)
    return {
        "block_first": start,
        "block_days": days,
        "events_per_day": events_per_day,
        "synced_until": until.isoformat(sep=" "),
        "partition": target,
        "simulated": simulated,
        "full_rebuild": rebuild,
        "first_run": first_run,
    }


def _has_models(db_path: Path) -> bool:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        (found,) = conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'fullstory' "
            "and table_name = 'int_fullstory__sessions'"
        ).fetchone()
    return found > 0


def _median_run(runs: list[dict]) -> dict:
    """The run of median wall time (the lower middle of an even count), with every repeat's
    wall and SQL seconds: a single run on a shared 2-core machine varies by seconds."""
    middle = sorted(runs, key=lambda run: run["process_wall_s"])[(len(runs) - 1) // 2]
    return {
        **middle,
        "repeats_wall_s": [run["process_wall_s"] for run in runs],
        "repeats_sql_s": [run.get("sql_s") for run in runs],
        "median_sql_s": median([run.get("sql_s", 0.0) for run in runs]),
    }


def measure(
    sandbox_root: str,
    work: str,
    block_first: str,
    block_days: int,
    total_days: int,
    logs: str,
    repeats: int = 1,
) -> dict:
    """Extend the history to ``total_days`` days and re-materialize the block's partition
    ``repeats`` times each way (the report keeps the median run of each)."""
    sandbox = Sandbox(Path(sandbox_root))
    db_path, _ = _paths(work)
    first = date.fromisoformat(block_first)
    behind, next_copy = history_state(db_path, first)
    copies = plan_copies(behind, total_days - block_days, block_days, next_copy)
    grown = extend_history(db_path, first, block_days, copies, with_models=_has_models(db_path))
    with duckdb.connect(str(db_path), read_only=True) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "select table_name from duckdb_tables() where schema_name = 'fullstory'"
            ).fetchall()
        }
        counts = {
            table: conn.execute(f"select count(*) from fullstory.{table}").fetchone()[0]
            for table in ("events", "int_fullstory__sessions")
            if table in tables
        }
    target = str(first + timedelta(days=block_days - 2))
    with use_dataset(sandbox, db_path):
        # The models job is what re-materializes partitions hour after hour; the asset
        # materialization adds every check on the models, the views' daily tests included.
        runs, asset_runs = [], []
        for i in range(repeats):
            log = Path(logs) / f"history_{total_days}d_{i}"
            runs.append(materialize(sandbox, log.with_suffix(".log"), target, job=MODELS_JOB))
            asset_runs.append(materialize(sandbox, log.with_suffix(".all.log"), target))
    return {
        "history_days": total_days,
        "partition": target,
        "copies": copies,
        **grown,
        "model_rows_before_run": counts,
        "run": _median_run(runs),
        "asset_run": _median_run(asset_runs),
    }
