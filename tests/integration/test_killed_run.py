"""A run killed (SIGKILL) or interrupted (SIGINT) mid-partition leaves the previous rows intact."""

import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from fullstory_assets.dbt.row_counts import DAY_COLUMNS
from tests.support import (
    assert_same_models,
    dbt_processes,
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


def _stop_when_events_model_starts(run: subprocess.Popen, stop) -> tuple[list[str], list[int]]:
    """Read the run's output until dbt starts the events model, then ``stop(run)``.

    Returns the output and the run's dbt processes at that moment.
    """
    seen, running_dbt = [], []
    for line in run.stdout:
        seen.append(line)
        if "START sql incremental model fullstory.events" in line:
            running_dbt = list(dbt_processes(run.pid))
            stop(run)
            break
    seen += run.stdout.readlines()
    run.wait(timeout=120)
    return seen, running_dbt


def _ended(pid: int) -> bool:
    try:  # gone, or a zombie no one has reaped yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def half_synced(tmp_path):
    """Days built half-synced, then the rest of the syncs: the next run changes day 2."""
    db_path = tmp_path / "warehouse.duckdb"
    simulate_into(db_path, "2024-05-01", 2, 40_000, 5, until=MIDWAY)
    assert materialize_days(db_path, "2024-05-01", "2024-05-02").success
    before = model_snapshot(db_path)
    simulate_into(db_path, "2024-05-01", 2, 40_000, 5)
    return db_path, before


def _heals(db_path: Path, tmp_path: Path) -> None:
    """The next run over the days the late syncs touched heals them completely."""
    assert materialize_days(db_path, "2024-05-01", DAY).success
    expected = full_refresh_reference(db_path, tmp_path / "rebuild.duckdb")
    assert_same_models(model_snapshot(db_path), expected)


def test_sigkill_mid_partition_keeps_previous_rows(half_synced, tmp_path):
    db_path, before = half_synced
    run = _start_run(db_path)
    log, _ = _stop_when_events_model_starts(run, lambda r: os.killpg(r.pid, signal.SIGKILL))
    assert run.returncode == -signal.SIGKILL, "".join(log[-20:])
    assert not any("OK created sql incremental model fullstory.events" in line for line in log)

    after_kill = model_snapshot(db_path)  # the file opens: the half-done transaction is gone
    # Tables dbt finished before events (int_fullstory__identifies) were replaced whole; every
    # table it had not finished holds its previous rows, not a part of the rebuild.
    for table in DAY_COLUMNS:
        if not any(f"OK created sql incremental model fullstory.{table} " in line for line in log):
            pd.testing.assert_frame_equal(after_kill[table], before[table], obj=table)
    _heals(db_path, tmp_path)


def test_interrupted_run_stops_its_dbt_and_leaves_every_table_whole(half_synced, tmp_path):
    db_path, before = half_synced
    run = _start_run(db_path)
    # SIGINT to the run's process alone, as Ctrl-C or Dagster's termination reach it: the run
    # passes it on to dbt (a fork of it) and waits for dbt to stop.
    log, dbt_processes = _stop_when_events_model_starts(run, lambda r: r.send_signal(signal.SIGINT))
    text = "".join(log)
    assert run.returncode != 0, text[-3000:]
    assert "Forwarding interrupt signal to dbt command" in text
    assert len(dbt_processes) == 1 and _ended(dbt_processes[0])
    # dbt stopped on the signal (Ctrl-C's exit), rather than running its build to the end.
    stopped = re.search(r"dbt process terminated with exit code `(-?\d+)`", text)
    assert stopped and int(stopped.group(1)) != 0, text[-3000:]

    # dbt-duckdb cannot cancel a statement under way: a model dbt had started may still commit,
    # whole. The run's day of each table holds its previous rows or the rebuild's, never a part
    # of either; the other day is untouched.
    after = model_snapshot(db_path)
    expected = full_refresh_reference(db_path, tmp_path / "rebuild.duckdb")
    for table, day_of in (("events", "event_time"), ("int_fullstory__sessions", "start_time")):
        run_day = [
            _day(frame, day_of, DAY) for frame in (after[table], before[table], expected[table])
        ]
        assert run_day[0].equals(run_day[1]) or run_day[0].equals(run_day[2]), table
        assert _day(after[table], day_of, DAY, other=True).equals(
            _day(before[table], day_of, DAY, other=True)
        ), table
    _heals(db_path, tmp_path)


def _day(frame, column: str, day: str, other: bool = False):
    on_day = frame[column].dt.strftime("%Y-%m-%d") == day
    return frame[~on_day if other else on_day].reset_index(drop=True)
