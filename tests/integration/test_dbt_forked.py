"""Runs start dbt by forking their own process: dbt behaves as the launcher does, the parent's
exit work stays the parent's, and a process that is not safe to fork starts dbt as a program."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.settings import DBT_PROJECT_DIR, load_settings
from tests.support import dbt_processes, simulate_into

BIN = Path(sys.executable).parent
DAY = "2024-04-02"

# A program that forks the launcher as runs do, after registering an exit handler of its own.
_FORK_LAUNCHER = textwrap.dedent(
    """
    import atexit, json, os, sys
    from fullstory_assets.dbt.forked import ForkedDbt, fork_refusal

    marker = sys.argv[1]
    atexit.register(lambda: open(marker, "a").write("exit handler ran\\n"))
    assert fork_refusal() is None, fork_refusal()
    child = ForkedDbt([sys.argv[2], *sys.argv[3:]], env=dict(os.environ), cwd=os.getcwd())
    output = child.stdout.read().decode()
    print(json.dumps({"code": child.wait(), "output": output}))
    """
)


def _dbt_env(db_path: Path) -> dict[str, str]:
    env = {**os.environ, "FULLSTORY_DUCKDB_PATH": str(db_path)}
    env.update(settings_env(load_settings(env)))
    return env


def _dbt_args(target: Path) -> list[str]:
    return ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target)]  # fmt: skip


def _fork(tmp_path: Path, args: list[str], db_path: Path) -> tuple[dict, str]:
    marker = tmp_path / "exit_handlers.txt"
    finished = subprocess.run(
        [sys.executable, "-c", _FORK_LAUNCHER, str(marker), str(BIN / "fullstory-dbt"), *args],
        env=_dbt_env(db_path), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(finished.stdout.splitlines()[-1]), marker.read_text()


def test_forked_dbt_commits_and_leaves_the_parents_exit_work_alone(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    result, exits = _fork(tmp_path, ["seed", *_dbt_args(tmp_path / "target")], db_path)
    assert result["code"] == 0, result["output"][-3000:]
    # The parent's handler ran once, at the parent's exit; the child ran only its own (dbt-duckdb
    # closing the file, which folds the write-ahead log in) and released dbt's semaphores.
    assert exits == "exit handler ran\n"
    assert not db_path.with_name(db_path.name + ".wal").exists()
    assert "leaked semaphore" not in result["output"]
    with duckdb.connect(str(db_path), read_only=True) as conn:
        rows = conn.execute("select count(*) from fullstory_seeds.fullstory_event_types").fetchone()
    assert rows[0] > 0


def test_forked_dbt_exit_code_is_the_launchers(tmp_path):
    args = ["run", "--select", "no_such_model", "--warn-error", *_dbt_args(tmp_path / "a")]
    launched = subprocess.run(
        [str(BIN / "fullstory-dbt"), *args],
        env=_dbt_env(tmp_path / "a.duckdb"), capture_output=True, text=True, check=False,
    )  # fmt: skip
    forked, _ = _fork(tmp_path, args, tmp_path / "b.duckdb")
    assert launched.returncode != 0
    assert forked["code"] == launched.returncode, forked["output"][-2000:]


def test_a_process_with_duckdb_open_does_not_fork():
    probe = (
        "import duckdb\n"
        "from fullstory_assets.dbt.forked import fork_refusal\n"
        "print(fork_refusal())\n"
        "conn = duckdb.connect()\n"
        "print(fork_refusal())\n"
        "conn.close()\n"
        "print(fork_refusal())\n"
    )
    lines = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert lines[0] == "None"
    assert lines[1].startswith("this process runs") and lines[1].endswith("threads outside Python")
    assert lines[2] == "None"


def test_a_run_of_the_models_job_forks_dbt(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    simulate_into(db_path, "2024-04-01", 2, 2_000, 3)
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**os.environ, "FULLSTORY_DUCKDB_PATH": str(db_path), "DAGSTER_HOME": str(home)}
    run = subprocess.Popen(
        [str(BIN / "dagster"), "job", "execute", "-j", "fullstory_models",
         "--tags", json.dumps({"dagster/partition": DAY}), "-m", "fullstory_assets.definitions"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    seen = {}
    while run.poll() is None:
        seen = {**dbt_processes(run.pid), **seen}  # each as first seen
        time.sleep(0.05)
    output = run.stdout.read().decode()
    assert run.returncode == 0, output[-3000:]
    # One dbt process, a fork of the run's: it has the run's command line, not the launcher's.
    assert len(seen) == 1, seen
    (command,) = seen.values()
    assert "job execute" in command and "fullstory-dbt build" not in command
    assert "dbt starts as a new process" not in output
    assert "leaked semaphore" not in output
    with duckdb.connect(str(db_path), read_only=True) as conn:
        (rows,) = conn.execute(
            f"select count(*) from fullstory.events where cast(event_time as date) = '{DAY}'"
        ).fetchone()
    assert rows > 0
