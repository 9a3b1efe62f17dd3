"""Partition runs through the real CLI, full rebuilds through dbt, and where their time goes.

A run is `dagster asset materialize -m fullstory_assets.definitions --partition D` (every model and
every check on them) or `dagster job execute -j fullstory_models` with the partition's tags (the
job the schedule and the sensor run, with its own checks), in its own process, as a user or the
daemon would start it. Its wall time is split three ways:

- SQL: the union of the ``execute`` intervals of dbt's run_results.json (models, seeds, tests;
  dbt runs up to 4 nodes at once, so the union is the SQL on the critical path; the plain sum
  is kept too);
- dbt overhead: the dbt process's wall time (watched in /proc, found by its name
  `fullstory-dbt`) minus SQL: start-up, parsing, compiling, the adapter. Runs fork dbt from
  their own process, so its start-up is what dbt does after the fork;
- Dagster overhead: the whole process's wall time minus the dbt process's: imports (dbt's
  command line among them, imported before the fork), loading the definitions, the run's storage
  and events, the bad-input checks and the row counts.

Runs happen in a sandbox: a copy of the project (package and dbt project, first on PYTHONPATH)
with its own dbt target directory, and one fixed warehouse path that each data set is moved to
while it is used. dbt keys its partial-parse cache on the profile, which holds the DuckDB path:
one path keeps the cache valid from run to run, and the copy keeps other processes working in the
same checkout (tests, other runs) from replacing it, so every timed run parses as a deployment's
steady state does, and the bench leaves the checkout's target directory alone.
"""

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.measure import TreeUsage, load_average, run_watched
from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.dbt.forked import LAUNCHER_NAME
from fullstory_assets.settings import PROJECT_ROOT, load_settings

BIN = Path(sys.executable).parent
DAGSTER_RUN_PREFIX = "fullstory_dbt_models-"
MB = 2**20
PARTITION_TAG = "dagster/partition"
MODELS_JOB = "fullstory_models"
PROJECT_FILES = ("fullstory_assets", "dbt_models", "pyproject.toml", "workspace.yaml")
_NOTPROJECT_FILES = ("target", "logs", "dbt_packages", "__pycache__", ".user.yml")


@dataclass(frozen=True)
class Sandbox:
    """A private copy of the project, its Dagster instance and its one warehouse path."""

    root: Path

    @property
    def warehouse(self) -> Path:
        """The path every run's warehouse has (data sets are moved here while in use)."""
        return self.root / "warehouse.duckdb"

    @property
    def home(self) -> Path:
        """DAGSTER_HOME of the bench's runs."""
        return self.root / "dagster_home"

    @property
    def dbt_project(self) -> Path:
        """The copied dbt project."""
        return self.root / "dbt_models"

    @property
    def dbt_target(self) -> Path:
        """Its target directory (manifest, partial-parse cache, one folder per run)."""
        return self.dbt_project / "target"


def prepare_sandbox(folder: Path, project: Path = PROJECT_ROOT) -> tuple[Sandbox, dict]:
    """Copy ``project`` (default: this checkout) to ``folder`` and parse it once, as `make
    install` does."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = project / name
        if source.is_dir():
            shutil.copytree(
                source, folder / name, ignore=shutil.ignore_patterns(*_NOTPROJECT_FILES)
            )
        elif source.exists():
            shutil.copy2(source, folder / name)
    sandbox = Sandbox(folder)
    sandbox.home.mkdir()
    (sandbox.home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    usage = run_watched(
        [sys.executable, "-c", "import fullstory_assets.dbt.project"],
        run_env(sandbox),
        folder / "prepare.log",
        cwd=folder,
    )
    if usage.returncode != 0:
        raise RuntimeError(f"preparing the dbt manifest failed: see {folder / 'prepare.log'}")
    return sandbox, {"prepare_manifest_s": round(usage.wall, 2)}


@contextmanager
def use_dataset(sandbox: Sandbox, db_path: Path) -> Iterator[Path]:
    """Move the data set ``db_path`` to the sandbox's warehouse path for the block."""
    moved = [(db_path, sandbox.warehouse)]
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        moved.append((wal, sandbox.warehouse.with_name(sandbox.warehouse.name + ".wal")))
    for source, target in moved:
        os.replace(source, target)
    try:
        yield sandbox.warehouse
    finally:
        for source, target in moved:
            if target.exists():
                os.replace(target, source)


def run_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    """The environment of a run in the sandbox (settings left at their defaults)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FULLSTORY_")}
    env["FULLSTORY_DUCKDB_PATH"] = str(sandbox.warehouse)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(sandbox.root)
    env["DAGSTER_HOME"] = str(sandbox.home)
    env.update(extra)
    return env


def _intervals_union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def sql_time(run_results: Path) -> dict:
    """SQL seconds of one dbt invocation from its run_results.json (see the module doc)."""
    data = json.loads(run_results.read_text())
    intervals, per_node, statuses = [], {}, {}
    for result in data["results"]:
        kind, _, name, *_ = result["unique_id"].split(".") + ["", ""]
        node = f"{kind}:{name}"
        per_node[node] = round(result["execution_time"], 3)
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        for step in result.get("timing", []):
            if step["name"] == "execute" and step.get("started_at") and step.get("completed_at"):
                intervals.append((_epoch(step["started_at"]), _epoch(step["completed_at"])))
    return {
        "sql_critical_path_s": round(_intervals_union(intervals), 3),
        "sql_sum_s": round(sum(per_node.values()), 3),
        "dbt_elapsed_s": round(data.get("elapsed_time", 0.0), 3),
        "statuses": statuses,
        "per_node_s": dict(sorted(per_node.items(), key=lambda item: -item[1])),
    }


def parse_status(dbt_log: Path) -> str:
    """How the invocation parsed the project, from its dbt.log."""
    if not dbt_log.exists():
        return "unknown"
    text = dbt_log.read_text(errors="replace")
    if "no changes found, skipping parsing" in text:
        return "partial parse: no changes"
    for marker in ("Unable to do partial parsing because", "Partial parsing enabled:"):
        at = text.find(marker)
        if at >= 0:
            return text[at : text.find("\n", at)].strip().strip('"}').split("\\")[0][:120]
    return "full parse"


def _run_record(home: Path) -> tuple[str, str]:
    with sqlite3.connect(home / "history" / "runs.db") as conn:
        run_id, status = conn.execute(
            "select run_id, status from runs order by create_timestamp desc limit 1"
        ).fetchone()
    return run_id, status


def _step_seconds(home: Path, run_id: str) -> dict[str, float]:
    """Wall seconds of each step of the run, from its event log."""
    path = home / "history" / "runs" / f"{run_id}.db"
    if not path.exists():
        return {}
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "select step_key, dagster_event_type, timestamp from event_logs "
            "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE') "
            "order by id"
        ).fetchall()
    starts, seconds = {}, {}
    for step, kind, stamp in rows:
        moment = datetime.fromisoformat(str(stamp)).timestamp()
        if kind == "STEP_START":
            starts[step] = moment
        elif step in starts:
            seconds[step] = round(moment - starts[step], 3)
    return seconds


def _split(usage: TreeUsage, dbt_wall: float | None, sql: dict | None) -> dict:
    split = {"process_wall_s": round(usage.wall, 3)}
    if dbt_wall is not None:
        split["dbt_process_wall_s"] = round(dbt_wall, 3)
        split["dagster_overhead_s"] = round(usage.wall - dbt_wall, 3)
    if sql is not None and dbt_wall is not None:
        split["sql_s"] = sql["sql_critical_path_s"]
        split["dbt_overhead_s"] = round(dbt_wall - sql["sql_critical_path_s"], 3)
        split["fixed_cost_s"] = round(usage.wall - sql["sql_critical_path_s"], 3)
    return split


def materialize(
    sandbox: Sandbox,
    log_path: Path,
    first: str,
    last: str | None = None,
    select: str = "*",
    keep_target: bool = False,
    job: str | None = None,
) -> dict:
    """One Dagster process over event days ``first..last``, measured.

    By default `dagster asset materialize --select SELECT`, which runs every check on the
    selected assets. With ``job``, `dagster job execute` of that job instead: its own selection
    of checks, as the schedule and the sensor's runs have it (the views' dbt tests, for one, run
    in a daily job of their own).
    """
    single = last in (None, first)
    if job is None:
        partition = ["--partition", first] if single else ["--partition-range", f"{first}...{last}"]
        command = [str(BIN / "dagster"), "asset", "materialize", "--select", select, *partition]
    else:
        tags = {PARTITION_TAG: first} if single else {RANGE_START_TAG: first, RANGE_END_TAG: last}
        command = [str(BIN / "dagster"), "job", "execute", "-j", job, "--tags", json.dumps(tags)]
        select = f"job {job}"
    command += ["-m", "fullstory_assets.definitions"]
    load = load_average()
    usage = run_watched(command, run_env(sandbox), log_path, cwd=sandbox.root)
    run_id, status = _run_record(sandbox.home)
    dbt_processes = usage.descendants_named(LAUNCHER_NAME)
    dbt_wall = sum(p.wall for p in dbt_processes) if dbt_processes else None
    target = _invocation_dir(sandbox, run_id)
    sql = sql_time(target / "run_results.json") if target and target.exists() else None
    result = {
        "days": [first, last or first],
        "select": select,
        "run_id": run_id,
        "status": status,
        "returncode": usage.returncode,
        **_split(usage, dbt_wall, sql),
        "peak_tree_mb": usage.peak_tree_mb,
        "dbt_peak_mb": round(max((p.peak_memory_bytes for p in dbt_processes), default=0) / MB, 1),
        "parse": parse_status(target / "dbt.log") if target else "unknown",
        "steps_s": _step_seconds(sandbox.home, run_id),
        "loadavg_before": load,
        "log": str(log_path),
    }
    steps = result["steps_s"]
    if dbt_wall is not None and "fullstory_dbt_models" in steps:
        # Dagster overhead, in two parts: inside the dbt step but outside the dbt process
        # (streaming dbt's events, row counts, partial-parse cache), and outside every step
        # (imports, loading the definitions, creating and finishing the run).
        result["dagster_in_dbt_step_s"] = round(steps["fullstory_dbt_models"] - dbt_wall, 3)
        result["dagster_outside_steps_s"] = round(usage.wall - sum(steps.values()), 3)
    if sql is not None:
        result["dbt"] = sql
    if target and not keep_target:
        shutil.rmtree(target, ignore_errors=True)
    return result


def _invocation_dir(sandbox: Sandbox, run_id: str) -> Path | None:
    """The target directory dagster-dbt gave this run's dbt invocation."""
    found = sorted(sandbox.dbt_target.glob(f"{DAGSTER_RUN_PREFIX}{run_id[:7]}-*"))
    return found[-1] if found else None


def dbt_build(sandbox: Sandbox, args: Sequence[str] = ("--full-refresh",)) -> dict:
    """``dbt build`` in its own process, as a user would run it (the settings as runs see them)."""
    target = sandbox.root / "dbt_cli_target"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    cache = sandbox.dbt_target / "partial_parse.msgpack"
    if cache.exists():
        shutil.copy2(cache, target / "partial_parse.msgpack")
    command = [
        str(BIN / "dbt"),
        "build",
        *args,
        "--target",
        load_settings(run_env(sandbox)).dbt_target,
        "--project-dir",
        str(sandbox.dbt_project),
        "--profiles-dir",
        str(sandbox.dbt_project),
        "--target-path",
        str(target),
        "--log-path",
        str(target),
    ]
    load = load_average()
    env = run_env(sandbox, **settings_env(load_settings(run_env(sandbox))))
    usage = run_watched(command, env, sandbox.root / "dbt_build.log", cwd=sandbox.dbt_project)
    sql = sql_time(target / "run_results.json") if (target / "run_results.json").exists() else {}
    result = {
        "args": list(args),
        "returncode": usage.returncode,
        "process_wall_s": round(usage.wall, 3),
        "sql_s": sql.get("sql_critical_path_s"),
        "dbt_overhead_s": round(usage.wall - sql.get("sql_critical_path_s", 0.0), 3),
        "peak_tree_mb": usage.peak_tree_mb,
        "parse": parse_status(target / "dbt.log"),
        "loadavg_before": load,
        "dbt": sql,
    }
    shutil.rmtree(target, ignore_errors=True)
    return result
