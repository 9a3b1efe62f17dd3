"""`fullstory-assets demo`: the main job end to end on the embedded DuckDB.

Simulates the last days of Fullstory syncs up to now, builds every model for every day in one
Dagster run (a single-run backfill over the partition range), and prints a per-day summary.
"""

import argparse
import os
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

from fullstory_assets.settings import PROJECT_ROOT, Settings, load_settings

SUMMARY_SQL = """
    with days as (
        select cast(event_time as date) as day, count(*) as events
        from fullstory.events group by 1
    ),
    session_days as (
        select cast(start_time as date) as day, count(*) as sessions,
            count(distinct user_id) as users,
            count(distinct user_id) filter (where user_id not like 'anon\\_%' escape '\\')
                as identified_users
        from fullstory.sessions group by 1
    )
    select day, events, coalesce(sessions, 0), coalesce(users, 0),
        coalesce(identified_users / nullif(users, 0), 0)
    from days left join session_days using (day)
    where day >= ? order by day
"""


def demo_command(commands: argparse._SubParsersAction) -> None:
    """Register ``demo`` on the ``fullstory-assets`` command line."""
    cmd = commands.add_parser("demo", help="simulate the last days and build every model")
    cmd.add_argument("--days", type=int, default=7, help="days of history up to now (default 7)")
    cmd.add_argument("--events-per-day", type=int, default=20_000, help="default 20000")
    cmd.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    cmd.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Simulate, materialize through Dagster, summarize; returns the exit code."""
    started = perf_counter()
    settings = load_settings()
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / "dagster_home"))
    now = datetime.now(UTC).replace(tzinfo=None)
    first_day = (now - timedelta(days=args.days - 1)).date()
    events = _simulate(settings, first_day, args, now)
    print(
        f"1/3 simulated {events:,} events: {args.days} days of hourly syncs up to "
        f"{now:%H:00} UTC, into {settings.duckdb_path} ({perf_counter() - started:.0f} s)"
    )
    log_path = settings.duckdb_path.parent / "demo_run.log"
    run_id = _materialize(first_day, now.date(), log_path)
    print(
        f"2/3 built every model for {first_day} .. {now.date()} in one Dagster run, {run_id} "
        f"({perf_counter() - started:.0f} s; dbt's log: {log_path})"
    )
    _print_summary(settings, first_day)
    print(
        f"done in {perf_counter() - started:.0f} s. Open the UI with `make ui` and browse "
        "http://127.0.0.1:3000 (asset graph, partitions, checks, the run above)."
    )
    return 0


def _simulate(settings: Settings, first_day, args: argparse.Namespace, now: datetime) -> int:
    from fullstory_assets.simulate.history import build_deliveries
    from fullstory_assets.simulate.spec import SimulationSpec
    from fullstory_assets.simulate.sync import apply_syncs
    from fullstory_assets.warehouses.duckdb import connect

    spec = SimulationSpec(first_day, args.days, args.events_per_day, args.seed)
    with connect(settings.duckdb_path) as conn:
        apply_syncs(conn, settings.raw_schema, build_deliveries(spec), until=now)
    return spec.total_events


def _materialize(first_day, last_day, log_path: Path) -> str:
    from dagster import DagsterInstance

    from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
    from fullstory_assets.definitions import defs

    job = defs.resolve_job_def("fullstory_models")
    tags = {RANGE_START_TAG: first_day.isoformat(), RANGE_END_TAG: last_day.isoformat()}
    # dbt's log lines go to a file; the run's own events are in the Dagster UI.
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    with DagsterInstance.get() as instance, open(log_path, "w") as log, redirect_stdout(log):
        result = job.execute_in_process(
            run_config=quiet, instance=instance, tags=tags, raise_on_error=False
        )
    if not result.success:
        raise RuntimeError(f"Dagster run {result.run_id} failed; dbt's log: {log_path}")
    return result.run_id


def _print_summary(settings: Settings, first_day) -> None:
    from fullstory_assets.demo_models import model_lines
    from fullstory_assets.warehouses.duckdb import connect

    with connect(settings.duckdb_path, read_only=True) as conn:
        rows = conn.execute(SUMMARY_SQL, [first_day]).fetchall()
        lines = model_lines(conn)
    print("3/3 per event day (UTC):")
    print(f"    {'day':<10}  {'events':>9}  {'sessions':>8}  {'users':>7}  {'identified':>10}")
    for day, events, sessions, users, share in rows:
        print(f"    {day}  {events:>9,}  {sessions:>8,}  {users:>7,}  {share:>10.1%}")
    print("    beyond the official package:")
    for line in lines:
        print(f"    {line}")
