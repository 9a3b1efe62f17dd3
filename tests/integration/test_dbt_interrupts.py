"""dbt stops when a run is interrupted: wherever in the run the interrupt lands, and whatever its
parent process did with SIGINT."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from dagster._core.errors import DagsterExecutionInterruptedError

from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.dbt.interrupts import dbt_stopped_on_interrupt
from fullstory_assets.dbt.project import fullstory_dbt_project
from fullstory_assets.dbt.resource import FullstoryDbtCliResource, dbt_launcher
from fullstory_assets.settings import DBT_PROJECT_DIR, load_settings
from fullstory_assets.warehouses.environ import patched_environ


def _dbt_env(tmp_path: Path) -> dict[str, str]:
    env = {"FULLSTORY_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    env.update(settings_env(load_settings({**os.environ, **env})))
    return env


def test_interrupt_between_dbt_events_stops_dbt(tmp_path):
    """An interrupt that lands while the run handles one of dbt's lines, not while it waits for
    the next: dagster-dbt alone would leave dbt running with no run to report it."""
    env = _dbt_env(tmp_path)
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


def test_launcher_stops_on_sigint_its_parent_ignores(tmp_path):
    # A shell script's background job ignores SIGINT, and so would a program it starts.
    launcher = Path(sys.executable).parent / "fullstory-dbt"
    args = ["seed", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(tmp_path / "target")]  # fmt: skip
    dbt = subprocess.Popen(
        ["bash", "-c", 'trap "" INT; exec "$0" "$@"', str(launcher), *args],
        env={**os.environ, **_dbt_env(tmp_path)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    first_line = dbt.stdout.readline()
    dbt.send_signal(signal.SIGINT)
    output = first_line + dbt.stdout.read()
    assert dbt.wait(timeout=120) != 0, output[-2000:]
    assert "KeyboardInterrupt" in output
