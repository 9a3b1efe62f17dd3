"""Helpers the tests share: build the dbt project against a DuckDB file, read tables back."""

import os
import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
from dbt.cli.main import dbtRunner

from fullstory_assets.settings import DBT_PROJECT_DIR

PEER_DIR = Path(__file__).resolve().parents[2] / "shared" / "peer_fixtures" / "dbt_fullstory"
PEER_SEED = PEER_DIR / "fullstory_events_integration_seeds.csv"
MART_MODELS = (
    "events",
    "devices",
    "identifies",
    "identified_users",
    "anonymous_users",
    "sessions",
    "users",
)


def _dbt_target_dir() -> Path:
    """This test process's dbt target and log directory, unless a test names its own.

    dbt rewrites ``manifest.json`` in place in its target directory. In the project's, a test
    worker loading the definitions at that moment (a ``dagster dev`` of the e2e tests) would read
    it half-written.
    """
    return Path(tempfile.gettempdir()) / f"fullstory-tests-dbt-{os.getpid()}"


def run_dbt(args: list[str], db_path: Path, env: Mapping[str, str] | None = None) -> None:
    """Run a dbt command in-process against ``db_path``; raise with dbt's message on failure."""
    own_paths = [] if "--target-path" in args else ["--target-path", str(_dbt_target_dir())]
    if "--log-path" not in args:
        own_paths += ["--log-path", str(_dbt_target_dir())]
    saved = dict(os.environ)
    os.environ.update({"FULLSTORY_DUCKDB_PATH": str(db_path), **(env or {})})
    try:
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                *own_paths,
                "--quiet",
            ]
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not result.success:
        failures = [
            f"{r.node.name}: {r.message}"
            for r in (result.result or [])
            if r.status in ("error", "fail")
        ]
        raise AssertionError(f"dbt {' '.join(args)} failed: {failures or result.exception}")


def read_table(db_path: Path, relation: str, order_by: str | None = None) -> pd.DataFrame:
    """Read a whole table (sorted when ``order_by`` is given), closing the file afterwards."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        sql = f"select * from {relation}" + (f" order by {order_by}" if order_by else "")
        return conn.sql(sql).df()


MODEL_TABLES = (
    *MART_MODELS,
    "int_fullstory__sessions",
    "int_fullstory__identifies",
    "device_identities",
    "page_views",
    "session_paths",
    "int_fullstory__session_funnels",
    "funnels",
)


def simulate_into(
    db_path: Path,
    start: str,
    days: int,
    events_per_day: int,
    seed: int,
    until: datetime | None = None,
):
    """Simulate a history into the raw table of ``db_path``; return the deliveries."""
    from fullstory_assets.simulate.history import build_deliveries
    from fullstory_assets.simulate.spec import SimulationSpec
    from fullstory_assets.simulate.sync import apply_syncs
    from fullstory_assets.warehouses.duckdb import connect

    deliveries = build_deliveries(
        SimulationSpec(date.fromisoformat(start), days, events_per_day, seed)
    )
    with connect(db_path) as conn:
        apply_syncs(conn, "fullstory_raw", deliveries, until=until)
    return deliveries


def materialize_days(
    db_path: Path, first: str, last: str | None = None, instance=None, asset_selection=None
):
    """Run the models job for event days ``first..last`` through Dagster, in-process."""
    from dagster import DagsterInstance

    from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
    from fullstory_assets.definitions import defs
    from fullstory_assets.warehouses.environ import patched_environ

    job = defs.resolve_job_def("fullstory_models")
    kwargs = (
        {"partition_key": first}
        if last in (None, first)
        else {"tags": {RANGE_START_TAG: first, RANGE_END_TAG: last}}
    )
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(db_path)}):
        result = job.execute_in_process(
            instance=instance or DagsterInstance.ephemeral(),
            asset_selection=asset_selection,
            raise_on_error=False,
            **kwargs,
        )
    return result


def execute_run_request(
    request, db_path: Path, instance, definitions=None, env: Mapping[str, str] | None = None
) -> None:
    """Run a sensor's or schedule's request as the daemon launches it; assert it succeeds.

    ``definitions`` (default: the project's, on DuckDB) and ``env`` (default: the DuckDB file
    ``db_path``) choose the warehouse the run builds.
    """
    from fullstory_assets.definitions import defs
    from fullstory_assets.warehouses.environ import patched_environ

    job = (definitions or defs).resolve_job_def("fullstory_models")
    if request.asset_selection is not None:
        # The request's assets and the checks it names.
        checks = request.asset_check_keys
        job = job.get_subset(
            asset_selection=set(request.asset_selection),
            asset_check_selection=None if checks is None else set(checks),
        )
    with patched_environ(env or {"FULLSTORY_DUCKDB_PATH": str(db_path)}):
        result = job.execute_in_process(
            instance=instance,
            partition_key=request.partition_key,
            tags=request.tags,
            raise_on_error=False,
        )
    assert result.success, request


def model_snapshot(db_path: Path) -> dict[str, pd.DataFrame]:
    """Every model's rows, sorted on all columns, for row-for-row comparison."""
    # Read-write, the configuration an in-process dbt keeps open on a reference file.
    with duckdb.connect(str(db_path)) as conn:
        return {
            name: conn.sql(f"select * from fullstory.{name} order by all").df()
            for name in MODEL_TABLES
        }


def full_refresh_reference(db_path: Path, reference: Path) -> dict[str, pd.DataFrame]:
    """Models rebuilt from scratch (``dbt build --full-refresh``) on a copy of the raw table."""
    with duckdb.connect(str(reference)) as conn:
        conn.execute(f"attach '{db_path}' as source (read_only)")
        conn.execute("create schema if not exists fullstory_raw")
        conn.execute(
            "create or replace table fullstory_raw.events as "
            "select * from source.fullstory_raw.events"
        )
        conn.execute("detach source")
    run_dbt(["build", "--full-refresh"], reference)
    return model_snapshot(reference)


def assert_same_models(actual: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    """Row-for-row equality of every model (a readable diff of the first mismatch)."""
    for name in MODEL_TABLES:
        left, right = actual[name], expected[name]
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), f"{name}: {len(left)} rows vs {len(right)} in the rebuild"
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)


def dbt_processes(pid: int) -> dict[int, str]:
    """The live descendants of process ``pid`` named `fullstory-dbt`, with their command lines."""
    from fullstory_assets.dbt.forked import LAUNCHER_NAME

    found, pending = {}, [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
                names = {c: Path(f"/proc/{c}/comm").read_text().strip() for c in children}
                commands = {c: Path(f"/proc/{c}/cmdline").read_bytes() for c in children}
            except OSError:  # gone meanwhile
                continue
            pending += children
            found |= {
                c: commands[c].replace(b"\0", b" ").decode().strip()
                for c in children
                if names[c] == LAUNCHER_NAME
            }
    return found
