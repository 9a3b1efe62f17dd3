"""`make bench`: every measurement side by side in one run, on simulated data.

    python -m bench.run [--quick] [--results DIR] [--work DIR] [--keep-work]

Each step runs in a process of its own (its peak memory is that of its process tree) and
writes its numbers as JSON; the report (``bench/results/<date>.json``, ``.md``, ``.png``) puts
them together, with the targets met or not. Numbers are printed, never asserted.

Sizes. Default (about 13-16 minutes on 2 cores, about 3 GB of temporary disk, deleted at the
end): partition runs at 100k and 1M events/day; history of 7 simulated days at 100k/day grown
by copies to 30 and 90 days, its partition re-run 3 times each way (their ratio is a target, and
one run varies by seconds here), steady state at 30; sensor query at 10M and 100M raw rows.
``--quick`` (CI's smoke test, about 2 minutes): the same steps at tiny sizes, runs once.
"""

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import load_average, run_watched
from bench.report import SECTIONS, write
from bench.runs import prepare_sandbox
from fullstory_assets.settings import PROJECT_ROOT

RESULTS = Path(__file__).resolve().parent / "results"

DEFAULT = {
    "partition_day": "2024-03-02",
    "partition_sizes": [100_000, 1_000_000],
    "partition_repeats": 1,
    "partition_first_run": True,
    # Its runs differ by up to 2 s on these machines: five of each keep the ratio steady.
    "baseline_repeats": 5,
    "floor_repeats": 3,
    "history_start": "2024-06-01",
    "history_block_days": 7,
    "history_events_per_day": 100_000,
    "history_until_hour": 12,
    "history_days": [7, 30, 90],
    "history_repeats": 3,
    "history_warm_up": True,
    "steady_state_at": 30,
    "sensor_rows": [10_000_000, 100_000_000],
    "sensor_rows_per_sync": 46_000,
    "sensor_repeats": 3,
}
QUICK = {
    **DEFAULT,
    "partition_sizes": [3_000],
    "partition_first_run": False,
    "baseline_repeats": 1,
    "history_warm_up": False,
    "history_repeats": 1,
    "history_block_days": 3,
    "history_events_per_day": 3_000,
    "history_days": [3, 6],
    "steady_state_at": 6,
    "sensor_rows": [200_000, 2_000_000],
}


def _child(target: str, arguments: str, out: str) -> None:
    module, function = target.split(":")
    result = getattr(importlib.import_module(module), function)(**json.loads(arguments))
    Path(out).write_text(json.dumps(result, default=str))


class Steps:
    """Runs each step in its own process and keeps its numbers and resource use."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.usage: dict[str, dict] = {}

    def run(self, name: str, target: str, **arguments) -> dict:
        out = self.work / f"{name}.json"
        command = [
            sys.executable,
            "-m",
            "bench.run",
            "--child",
            target,
            json.dumps(arguments),
            str(out),
        ]
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        load = load_average()
        print(f"[bench] {name} ...", flush=True)
        usage = run_watched(command, env, self.work / "logs" / f"{name}.log", cwd=PROJECT_ROOT)
        record = {
            "wall_s": round(usage.wall, 2),
            "peak_tree_mb": usage.peak_tree_mb,
            "loadavg_before": load,
            "returncode": usage.returncode,
        }
        result: dict = {}
        if usage.returncode == 0 and out.exists():
            result = json.loads(out.read_text())
        else:
            log = (self.work / "logs" / f"{name}.log").read_text(errors="replace")
            record["error"] = log.strip().splitlines()[-1] if log.strip() else "no output"
            result = {"error": record["error"]}
        self.usage[name] = record
        print(
            f"[bench] {name}: {usage.wall:.0f} s, peak {usage.peak_tree_mb:.0f} MB"
            + (f", FAILED: {record['error']}" if "error" in record else ""),
            flush=True,
        )
        return result


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=False,
        ).stdout.strip()
    except OSError:
        return "?"


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("dagster", "dagster-dbt", "dbt-core", "duckdb")}


def run_all(sizes: dict, work: Path, results_dir: Path, mode: str) -> dict[str, Path]:
    """Every step, then the report; returns the report's paths."""
    started = time.perf_counter()
    (work / "logs").mkdir(parents=True, exist_ok=True)
    logs = str(work / "logs")
    results: dict = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": mode,
            "sizes": sizes,
            "cpus": os.cpu_count(),
            "loadavg_start": load_average(),
            "commit": _commit(),
            "versions": _versions(),
        }
    }
    sandbox, prepared = prepare_sandbox(work / "sandbox")
    results["meta"]["sandbox"] = prepared
    steps = Steps(work)
    datasets = steps.run(
        "simulator",
        "bench.simulator:partition_datasets",
        work=str(work),
        sizes=sizes["partition_sizes"],
        day=sizes["partition_day"],
    )
    results["simulator"] = datasets
    if "error" not in datasets:
        results["floor"] = steps.run(
            "floor", "bench.floor:floors", datasets=datasets, repeats=sizes["floor_repeats"]
        )
        results["partition_run"] = steps.run(
            "partition_run",
            "bench.partition_run:partition_runs",
            sandbox_root=str(sandbox.root),
            datasets=datasets,
            repeats=sizes["partition_repeats"],
            first_run=sizes["partition_first_run"],
            logs=logs,
        )
        largest = datasets[max(datasets, key=int)]
        results["baseline"] = steps.run(
            "baseline",
            "bench.baseline:baseline_comparison",
            work=str(work),
            db=largest["db"],
            day=largest["day"],
            repeats=sizes["baseline_repeats"],
            logs=logs,
        )
        for data in datasets.values():
            Path(data["db"]).unlink(missing_ok=True)
    results["history"] = _history(steps, sizes, sandbox.root, work, logs, results)
    results["sensor_tick"] = steps.run(
        "sensor_tick",
        "bench.sensor_tick:sensor_ticks",
        work=str(work),
        sizes=sizes["sensor_rows"],
        rows_per_sync=sizes["sensor_rows_per_sync"],
        repeats=sizes["sensor_repeats"],
    )
    for section in SECTIONS:
        results.setdefault(section, {"error": "not run: an earlier step failed"})
    results["steps"] = steps.usage
    results["meta"]["loadavg_end"] = load_average()
    results["meta"]["wall_s"] = round(time.perf_counter() - started, 1)
    stem = results["meta"]["date"] + ("-quick" if mode == "quick" else "")
    return write(results, results_dir, stem)


def _history(steps: Steps, sizes: dict, root: Path, work: Path, logs: str, results: dict) -> dict:
    common = {"sandbox_root": str(root), "work": str(work), "logs": logs}
    block = {"block_first": sizes["history_start"], "block_days": sizes["history_block_days"]}
    history: dict = {"runs": []}
    history["prepare"] = steps.run(
        "history_prepare",
        "bench.history:prepare",
        start=sizes["history_start"],
        days=sizes["history_block_days"],
        events_per_day=sizes["history_events_per_day"],
        until_hour=sizes["history_until_hour"],
        warm_up=sizes["history_warm_up"],
        **common,
    )
    if "error" in history["prepare"]:
        return history
    for days in sizes["history_days"]:
        history["runs"].append(
            steps.run(
                f"history_{days}d",
                "bench.history:measure",
                total_days=days,
                repeats=sizes["history_repeats"],
                **common,
                **block,
            )
        )
        if days == sizes["steady_state_at"]:
            results["steady_state"] = steps.run(
                "steady_state", "bench.steady_state:steady_state", **common
            )
            results["steady_state"]["history_days"] = days
    for name in ("history.duckdb", "history_deliveries.parquet", "tick.json"):
        (work / name).unlink(missing_ok=True)
    return history


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the markdown report."""
    parser = argparse.ArgumentParser(description="fullstory_assets benchmark")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke test)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="report folder")
    parser.add_argument("--work", type=Path, help="temporary folder (default: a new one)")
    parser.add_argument("--keep-work", action="store_true", help="keep data sets and logs")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="fullstory-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        paths = run_all(
            QUICK if args.quick else DEFAULT,
            work,
            args.results,
            "quick" if args.quick else "default",
        )
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    print(paths["md"].read_text())
    print(f"[bench] wrote {', '.join(str(p) for p in paths.values())}")
    results = json.loads(paths["json"].read_text())
    failed = [name for name, step in results["steps"].items() if step.get("returncode")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
