"""Runs that overlap in time on PostgreSQL (no pool there): they take turns on the days they
share, the later one reads the raw table after the earlier one committed, they leave the views
alone, and the models still equal DuckDB's full rebuild (dbt_models/macros/concurrent_runs.sql)."""

import multiprocessing
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg2
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fullstory_assets.settings import DBT_PROJECT_DIR
from tests.engines.dagster_suite import (
    EngineHarness,
    assert_models_match,
    reference_days,
    run_days,
)
from tests.engines.postgres.load import load_raw
from tests.engines.postgres.runner import (
    create_database,
    dbt_on_postgres,
    read_relation,
    window_env,
)
from tests.engines.reference import REFERENCE_START

pytestmark = pytest.mark.postgres

DAY = date.fromisoformat(REFERENCE_START)


def _waiting_advisory_locks(conn_params: dict) -> int:
    with psycopg2.connect(**conn_params) as connection, connection.cursor() as cursor:
        cursor.execute("select count(*) from pg_locks where locktype = 'advisory' and not granted")
        (waiting,) = cursor.fetchone()
    connection.close()
    return waiting


def _late_copy_of_an_event(raw: pa.Table, event_id: str) -> dict:
    """A new event on DAY, as a sync that lands while a run is waiting would deliver it."""
    on_day = raw.filter(
        pc.and_(
            pc.equal(pc.cast(raw["event_time"], pa.date32()), pa.scalar(DAY, pa.date32())),
            pc.equal(raw["event_type"], "navigate"),
        )
    )
    row = on_day.slice(0, 1).to_pylist()[0]
    return row | {"event_id": event_id, "updated_time": datetime.now(UTC).replace(tzinfo=None)}


def test_a_run_of_a_day_being_written_waits_and_then_reads_the_newer_raw_rows(
    postgres, reference, dbt_target, tmp_path
):
    """The lock is taken before the run reads: rows committed while it waited are in its output.

    Without it the run would read the raw table at once, never wait, and miss the late row.
    """
    database = "concurrent_lock"
    conn_params = create_database(postgres, database)
    load_raw(conn_params, reference.raw)
    dbt_on_postgres(
        postgres,
        ["build", "--full-refresh", "--select", "+events", "--exclude-resource-type", "test"],
        dbt_target,
        database,
    )
    late = _late_copy_of_an_event(reference.raw, "late-while-waiting")
    holder = psycopg2.connect(**conn_params)
    try:
        with holder.cursor() as cursor:
            cursor.execute("set time zone 'UTC'")  # the row's naive times are UTC
            # What a run writing DAY of events holds (postgres__fullstory_lock_partition_window).
            cursor.execute(
                "select pg_advisory_xact_lock(hashtext(%s), %s)",
                (f'"{database}"."fullstory"."events"', (DAY - date(1970, 1, 1)).days),
            )
            columns = list(late)
            cursor.execute(
                f"insert into fullstory_raw.events ({', '.join(columns)}) "
                f"values ({', '.join(['%s'] * len(columns))})",
                [late[column] for column in columns],
            )
        run = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "dbt"), "run", "--select", "events",
                "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
            ],
            env=os.environ
            | postgres.dbt_env()
            | {"POSTGRES_DATABASE": database}
            | window_env(DAY.isoformat(), (DAY + timedelta(days=1)).isoformat()),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while not _waiting_advisory_locks(conn_params) and run.poll() is None:
            assert time.monotonic() < deadline, "the run never waited for the day's lock"
            time.sleep(0.2)
        assert run.poll() is None, run.stdout.read().decode()
        holder.commit()  # the late row lands and the day's lock is released together
    finally:
        holder.close()
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output.decode()
    events = read_relation(conn_params, "fullstory.events")
    assert "late-while-waiting" in set(events.event_id)


def _run_range(env: dict[str, str], first: str, last: str) -> tuple[bool, float, float]:
    """One Dagster run of the models job in a process of its own: success, start and end."""
    os.environ.update(env)
    engine = EngineHarness(env=env, load_raw=None, read_model=None)
    started = time.time()
    result = run_days(engine, engine.definitions(), first, last)
    return result.success, started, time.time()


def test_overlapping_dagster_runs_equal_duckdbs_full_rebuild(postgres, reference):
    """Three runs at once, each sharing a day with another: every model as on DuckDB."""
    database = "concurrent_runs"
    conn_params = create_database(postgres, database)
    load_raw(conn_params, reference.raw)
    env = postgres.dbt_env() | {"POSTGRES_DATABASE": database}
    engine = EngineHarness(
        env=env,
        load_raw=lambda table: load_raw(conn_params, table),
        read_model=lambda name: read_relation(conn_params, f"fullstory.{name}"),
    )
    # The tables exist first: two runs that both find none collide, and one is retried.
    first, last = reference_days(reference)
    assert run_days(engine, engine.definitions(), first, first).success
    views = _view_oids(conn_params)
    assert len(views) >= 8
    ranges = [(first, last), (last, last), (first, first)]
    with multiprocessing.get_context("spawn").Pool(len(ranges)) as pool:
        runs = pool.starmap(_run_range, [(env, *days) for days in ranges])
    assert all(success for success, _, _ in runs)
    # They overlapped in time: each started before every other one ended.
    assert max(start for _, start, _ in runs) < min(end for _, _, end in runs)
    assert_models_match(engine, reference)
    # No run replaced a view, as their SQL did not change (macros/materializations/view.sql):
    # a replacement would have dropped the views other runs built on it.
    assert _view_oids(conn_params) == views


def _view_oids(conn_params: dict) -> dict[str, int]:
    with psycopg2.connect(**conn_params) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select c.relname, c.oid from pg_class as c join pg_namespace as n"
            " on n.oid = c.relnamespace where c.relkind = 'v' and n.nspname = 'fullstory'"
        )
        oids = dict(cursor.fetchall())
    connection.close()
    return oids
