"""A run that finds the DuckDB file held by another process waits and retries, then succeeds."""

import threading

import duckdb
from dagster import DagsterEventType

from tests.support import materialize_days, simulate_into


def test_run_retries_while_another_process_holds_the_file(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    simulate_into(path, "2024-07-01", 1, 500, 2)
    holder = duckdb.connect(str(path))  # a writer in this process locks out dbt's process
    threading.Timer(20, holder.close).start()  # longer than dbt takes to start
    result = materialize_days(path, "2024-07-01")
    assert result.success
    retries = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    assert retries, "the run should have waited for the lock and retried"
