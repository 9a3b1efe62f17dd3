"""The partition run against the project before the models beyond the package, in one bench run.

Issue 12 added identity stitching, defined names, page views, journeys and funnels to every
partition run; its target is that run staying within 1.3x of what it was. Ratios between bench
reports of different days mix in the machine's noise, so this step builds the project as of
``BASELINE_COMMIT`` (from git) next to the current one and times both on copies of the same raw
table, alternating: each gets a first run that creates its tables (raw set aside), then
``repeats`` timed runs of the models job for the day. It reports the medians, their ratio, and
the SQL seconds of each dbt node the baseline does not have (the new models' cost).
"""

import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import duckdb

from bench.measure import median
from bench.partition_run import raw_set_aside
from bench.runs import MODELS_JOB, PROJECT_FILES, materialize, prepare_sandbox, use_dataset
from fullstory_assets.settings import MODEL_SCHEMA, PROJECT_ROOT, SEED_SCHEMA

BASELINE_COMMIT = "1848580"  # main before issue 12 (the seven models and the session table)


def _export_commit(commit: str, folder: Path) -> Path:
    """The project's files as of ``commit``, extracted into ``folder``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *PROJECT_FILES],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def baseline_comparison(work: str, db: str, day: str, repeats: int, logs: str) -> dict:
    """Time the models job on ``day`` of data set ``db``, baseline and current project alike."""
    work_dir, logs_dir = Path(work), Path(logs)
    projects = {"baseline": _export_commit(BASELINE_COMMIT, work_dir / "baseline_project")}
    projects["current"] = PROJECT_ROOT
    sandboxes, copies = {}, {}
    for name, project in projects.items():
        sandboxes[name], _ = prepare_sandbox(work_dir / f"sandbox_{name}", project)
        copies[name] = work_dir / f"{name}.duckdb"
        shutil.copy2(db, copies[name])
        # From the raw table alone: tables an earlier step built have the current columns, on
        # which the baseline's incremental runs would stop (on_schema_change: fail).
        with duckdb.connect(str(copies[name])) as conn:
            for schema in (MODEL_SCHEMA, SEED_SCHEMA):
                conn.execute(f"drop schema if exists {schema} cascade")
        with use_dataset(sandboxes[name], copies[name]) as warehouse, raw_set_aside(warehouse):
            materialize(
                sandboxes[name], logs_dir / f"baseline_{name}_first.log", day, job=MODELS_JOB
            )
    runs: dict[str, list[dict]] = {name: [] for name in projects}
    for i in range(repeats):
        for name in projects:
            with use_dataset(sandboxes[name], copies[name]):
                log = logs_dir / f"baseline_{name}_{i}.log"
                runs[name].append(materialize(sandboxes[name], log, day, job=MODELS_JOB))
    for path in copies.values():
        path.unlink(missing_ok=True)
    return _summary(runs)


def _summary(runs: dict[str, list[dict]]) -> dict:
    medians = {
        name: {
            key: median([r[key] for r in timed if key in r]) for key in ("process_wall_s", "sql_s")
        }
        for name, timed in runs.items()
    }
    nodes = {
        name: {
            node: median([r["dbt"]["per_node_s"].get(node, 0.0) for r in timed if "dbt" in r])
            for node in timed[-1].get("dbt", {}).get("per_node_s", {})
        }
        for name, timed in runs.items()
    }
    new_nodes = {n: s for n, s in nodes["current"].items() if n not in nodes["baseline"]}
    changed = {
        n: [nodes["baseline"][n], s] for n, s in nodes["current"].items() if n in nodes["baseline"]
    }
    return {
        "baseline_commit": BASELINE_COMMIT,
        "repeats": len(runs["current"]),
        "median": medians,
        "ratio": {
            key: round(medians["current"][key] / medians["baseline"][key], 3)
            for key in ("process_wall_s", "sql_s")
            if medians["baseline"].get(key)
        },
        "new_nodes_s": dict(sorted(new_nodes.items(), key=lambda item: -item[1])),
        "shared_nodes_s": dict(sorted(changed.items(), key=lambda item: -item[1][1])[:8]),
        "runs": runs,
    }


def main() -> None:
    """`python -m bench.baseline`: this step alone, at 1M events/day, its report in results/."""
    import argparse
    import json
    import tempfile
    from datetime import UTC, datetime

    from bench.report_baseline import baseline_lines, baseline_target
    from bench.simulator import partition_datasets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-per-day", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as work:
        (Path(work) / "logs").mkdir()
        datasets = partition_datasets(work, [args.events_per_day], "2024-03-02")
        data = datasets[str(args.events_per_day)]
        results = {
            "baseline": baseline_comparison(
                work, data["db"], data["day"], args.repeats, str(Path(work) / "logs")
            )
        }
    target = baseline_target(results)
    lines = [f"# Partition run vs {BASELINE_COMMIT}, {args.events_per_day:,} events/day", ""]
    lines += [f"{target['target']}: {target['measured']} (goal {target['goal']})"]
    lines += baseline_lines(results)
    stem = datetime.now(UTC).strftime("%Y-%m-%d") + "-baseline"
    results_dir = Path(__file__).resolve().parent / "results"
    (results_dir / f"{stem}.json").write_text(json.dumps(results, indent=1, default=str))
    (results_dir / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
