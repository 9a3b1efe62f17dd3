"""What every e2e test shares: names, paths, bounded waiting, the simulator and the warehouse.

Every wait is bounded in time and says what it waited for when it gives up.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCATION = "fullstory_assets"  # workspace.yaml's location_name
REPOSITORY = "__repository__"  # the repository a Definitions object becomes
JOB = "fullstory_models"
SCHEDULE = "hourly_models_schedule"
SENSOR = "late_data_sensor"
VIEW_CHECKS_SCHEDULE = "daily_view_checks_schedule"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def utc_now() -> datetime:
    """Naive UTC now, the convention of the raw table and of the simulator's --until."""
    return datetime.now(UTC).replace(tzinfo=None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    what: str,
    check: Callable[[], Any],
    timeout: float,
    interval: float = 2.0,
    explain: Callable[[], str] | None = None,
) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            details = explain() if explain else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{details}")
        time.sleep(interval)


def simulate(
    db: Path, start: date, days: int, events_per_day: int, seed: int, until: datetime
) -> str:
    """Apply simulated syncs up to ``until`` with the CLI; retry while a run holds the file."""
    command = [
        str(BIN / "fullstory-assets"),
        "simulate",
        "--start",
        start.isoformat(),
        "--days",
        str(days),
        "--events-per-day",
        str(events_per_day),
        "--seed",
        str(seed),
        "--until",
        until.strftime("%Y-%m-%d %H:00"),
        "--db",
        str(db),
    ]
    env = {**os.environ, "FULLSTORY_DUCKDB_PATH": str(db)}
    deadline = time.monotonic() + 180
    while True:
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode == 0:
            return done.stdout.strip()
        # Exit code 1: DuckDB's one-writer lock (a run or a sensor tick has the file open).
        if done.returncode != 1 or time.monotonic() > deadline:
            raise AssertionError(f"simulate failed ({done.returncode}): {done.stderr}")
        time.sleep(2)


def query_warehouse(db: Path, sql: str, params: list | None = None, timeout: float = 120) -> list:
    """Run a read-only query, retrying while another process writes the file."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as conn:
                conn.execute("set timezone = 'UTC'")
                return conn.execute(sql, params or []).fetchall()
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
