"""An interrupt that lands while the run handles one of dbt's lines, rather than while it waits for
the next, still stops dbt: dagster-dbt alone would leave dbt running with no run to report it."""

import os

import pytest
from dagster._core.errors import DagsterExecutionInterruptedError

from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.dbt.interrupts import dbt_stopped_on_interrupt
from fullstory_assets.dbt.project import fullstory_dbt_project
from fullstory_assets.dbt.resource import FullstoryDbtCliResource, dbt_launcher
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.environ import patched_environ


def test_interrupt_between_dbt_events_stops_dbt(tmp_path):
    env = {"FULLSTORY_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    env.update(settings_env(load_settings({**os.environ, **env})))
    dbt = FullstoryDbtCliResource(project_dir=fullstory_dbt_project, dbt_executable=dbt_launcher())
    with patched_environ(env):
        invocation = dbt.cli(["seed"], target_path=tmp_path / "target", raise_on_error=False)
    with pytest.raises(DagsterExecutionInterruptedError), dbt_stopped_on_interrupt(invocation):
        for _ in invocation.stream_raw_events():
            # Raised in the loop's body, as Dagster's SIGINT handler raises in whatever frame
            # runs: dagster-dbt's own handler, around its read of dbt's output, never sees it.
            raise DagsterExecutionInterruptedError()
    # Stopped by the forwarded SIGINT, at its first line: long before `dbt seed` would have ended.
    assert invocation.process.poll() is not None
    assert invocation.process.returncode != 0
    assert not (tmp_path / "target" / "run_results.json").exists()
