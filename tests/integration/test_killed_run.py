"""A run killed with SIGKILL in the middle of a partition leaves the previous rows intact."""

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from tests.support import (
    assert_same_models,
    full_refresh_reference,
    materialize_days,
    model_snapshot,
    simulate_into,
)

DAY = "2024-05-02"
MIDWAY = datetime(2024, 5, 2, 15, 0)


def _start_run(db_path: Path) -> subprocess.Popen:
    dagster = Path(sys.executable).parent / "dagster"
    return subprocess.Popen(
        [str(dagster), "asset", "materialize", "-m", "fullstory_assets.definitions",
         "--select", "*", "--partition", DAY],
        env={**os.environ, "FULLSTORY_DUCKDB_PATH": str(db_path)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the dbt child dies with it
    )  # fmt: skip


def _kill_when_events_model_starts(run: subprocess.Popen) -> list[str]:
    seen = []
    for line in run.stdout:
        seen.append(line)
        if "START sql incremental model fullstory.events" in line:
            os.killpg(run.pid, signal.SIGKILL)
            break
    run.wait(timeout=60)
    return seen


def test_sigkill_mid_partition_keeps_previous_rows(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    simulate_into(db_path, "2024-05-01", 2, 40_000, 5, until=MIDWAY)
    assert materialize_days(db_path, "2024-05-01", "2024-05-02").success
    before = model_snapshot(db_path)
    simulate_into(db_path, "2024-05-01", 2, 40_000, 5)  # the rest of the syncs: day 2 changes

    run = _start_run(db_path)
    log = _kill_when_events_model_starts(run)
    assert run.returncode == -signal.SIGKILL, "".join(log[-20:])
    assert not any("OK created sql incremental model fullstory.events" in line for line in log)

    after_kill = model_snapshot(db_path)  # the file opens: the half-done transaction is gone
    assert_same_models(after_kill, before)

    # The next run over the days the late syncs touched heals them completely.
    assert materialize_days(db_path, "2024-05-01", DAY).success
    expected = full_refresh_reference(db_path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(db_path), expected)
