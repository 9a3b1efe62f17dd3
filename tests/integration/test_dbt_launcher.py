"""`fullstory-dbt` behaves as dbt: same exit codes, and the DuckDB file closed as dbt leaves it."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.definitions import defs
from fullstory_assets.settings import DBT_PROJECT_DIR, load_settings

LAUNCHER = Path(sys.executable).parent / "fullstory-dbt"


def _launch(
    args: list[str], db_path: Path, target: Path, executable: Path = LAUNCHER
) -> subprocess.CompletedProcess:
    env = {**os.environ, "FULLSTORY_DUCKDB_PATH": str(db_path)}
    env.update(settings_env(load_settings(env)))
    return subprocess.run(
        [
            str(executable),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_runs_use_the_launcher():
    assert defs.resources["dbt"].dbt_executable == str(LAUNCHER)


def test_a_seed_is_committed_and_the_file_checkpointed(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    result = _launch(["seed"], db_path, tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    # The exit handlers ran: dbt-duckdb closed the database, which folds the write-ahead log
    # into the file. Leaving without them would leave the log for the next opener to replay.
    assert not db_path.with_name(db_path.name + ".wal").exists()
    with duckdb.connect(str(db_path), read_only=True) as conn:
        rows = conn.execute("select count(*) from fullstory_seeds.fullstory_event_types").fetchone()
    assert rows[0] > 0


def test_dbt_exit_codes_pass_through(tmp_path):
    # A selection that matches nothing is an error under --warn-error: dbt's own exit code.
    args = ["run", "--select", "no_such_model", "--warn-error"]
    plain = _launch(
        args, tmp_path / "a.duckdb", tmp_path / "a", executable=LAUNCHER.with_name("dbt")
    )
    launched = _launch(args, tmp_path / "b.duckdb", tmp_path / "b")
    assert plain.returncode != 0
    assert launched.returncode == plain.returncode, launched.stdout[-2000:]
    unknown = subprocess.run(
        [str(LAUNCHER), "no-such-command"], capture_output=True, text=True, check=False
    )
    assert unknown.returncode == 2
    assert "No such command" in unknown.stderr
