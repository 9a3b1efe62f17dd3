"""The report: targets met or not, a markdown table of every measurement, and a plot."""

import json
from pathlib import Path

from bench.report_baseline import baseline_lines, baseline_target

SECTIONS = (
    "simulator",
    "floor",
    "partition_run",
    "baseline",
    "history",
    "steady_state",
    "sensor_tick",
)
GB = 1024


def _largest(mapping: dict) -> tuple[str, dict] | tuple[None, None]:
    if not mapping or not isinstance(mapping, dict) or "error" in mapping:
        return None, None
    key = max(mapping, key=int)
    return key, mapping[key]


def _size(key: str | int) -> str:
    value = int(key)
    if value >= 1_000_000 and value % 1_000_000 == 0:
        return f"{value // 1_000_000}M"
    if value >= 1000 and value % 1000 == 0:
        return f"{value // 1000}k"
    return str(value)


def _target(name: str, goal: str, measured: str, met: bool | None, scale: bool = True) -> dict:
    """``scale``: measured at the size the target names (else ``met`` is None: not judged)."""
    if not scale:
        measured += " (below the target's size: not judged)"
    return {"target": name, "goal": goal, "measured": measured, "met": met if scale else None}


def evaluate_targets(results: dict) -> list[dict]:
    """Every target of the issue, against this run's numbers (None: not measured)."""
    targets = []
    size, floor = _largest(results.get("floor", {}))
    runs = results.get("partition_run", {})
    run = runs.get(size, {}) if size and isinstance(runs, dict) else {}
    median = run.get("median", {})
    if floor and "sql_s" in median:
        ratio = median["sql_s"] / floor["median_s"]
        # The floor writes nothing; storing the day's events is a cost no run avoids.
        bound = floor["median_s"] + floor["write_median_s"]
        measured = (
            f"{median['sql_s']:.1f} s = {ratio:.1f}× floor ({floor['median_s']:.2f} s); "
            f"writing the day's events alone takes {floor['write_median_s']:.2f} s, "
            f"so SQL is {median['sql_s'] / bound:.1f}× floor + write ({bound:.2f} s)"
        )
        targets.append(
            _target(
                f"SQL of one partition at {_size(size)}/day vs floor",
                "≤ 3× floor",
                measured,
                ratio <= 3,
                int(size) >= 1_000_000,
            )
        )
        limit = 3 * floor["median_s"] + 10
        targets.append(
            _target(
                f"`dagster asset materialize --partition D` at {_size(size)}/day",
                "≤ 3× floor + 10 s",
                f"{median['process_wall_s']:.1f} s (limit {limit:.1f} s)",
                median["process_wall_s"] <= limit,
                int(size) >= 1_000_000,
            )
        )
    fixed = {
        _size(key): data["median"]["fixed_cost_s"]
        for key, data in (runs.items() if isinstance(runs, dict) else [])
        if isinstance(data, dict) and "fixed_cost_s" in data.get("median", {})
    }
    if fixed:
        targets.append(
            _target(
                "Fixed cost of a run (all but SQL)",
                "≤ 10 s",
                ", ".join(f"{value:.1f} s at {key}/day" for key, value in fixed.items()),
                all(value <= 10 for value in fixed.values()),
            )
        )
    history = [m for m in results.get("history", {}).get("runs", []) if "run" in m]
    for key, how in (("run", "models job run"), ("asset_run", "`asset materialize`, every check")):
        measured = [m for m in history if key in m]
        if len(measured) < 2:
            continue
        first, last = measured[0], measured[-1]
        ratio = last[key]["process_wall_s"] / first[key]["process_wall_s"]
        sql = last[key]["median_sql_s"] / max(first[key]["median_sql_s"], 1e-9)
        repeats = len(last[key]["repeats_wall_s"])
        measured = f"{ratio:.2f} (whole run), {sql:.2f} (SQL), medians of {repeats}"
        if key == "asset_run":
            # Not the hourly path: the views' tests read all history, by their nature.
            measured += "; includes the views' whole-history tests (their own daily job)"
        targets.append(
            _target(
                f"History independence {last['history_days']}d / {first['history_days']}d ({how})",
                "≤ 1.3",
                measured,
                ratio <= 1.3,
            )
        )
    steady = results.get("steady_state", {})
    if steady.get("speedup") is not None:
        measured = (
            f"{steady['speedup']:.1f}× ({steady['steady_state_wall_s']:.1f} s vs "
            f"{steady['full_rebuild']['process_wall_s']:.1f} s); runs costing their SQL alone "
            f"would give {steady['sql_only_speedup']:.1f}×"
        )
        targets.append(
            _target(
                "Steady state (sync + tick + runs) vs full rebuild",
                "≥ 10× faster",
                measured,
                steady["speedup"] >= 10,
            )
        )
    rows, tick = _largest(results.get("sensor_tick", {}))
    if tick:
        targets.append(
            _target(
                f"Sensor tick query at {_size(rows)} raw rows",
                "≤ 1 s",
                f"{tick['query_median_s']:.3f} s (median of {len(tick['query_repeats_s'])})",
                tick["query_median_s"] <= 1,
                int(rows) >= 100_000_000,
            )
        )
    size, sim = _largest(results.get("simulator", {}))
    if sim:
        seconds = 1_000_000 / sim["events_per_s"]
        targets.append(
            _target(
                "Simulator: 1M events",
                "≤ 30 s",
                f"{seconds:.1f} s ({sim['events_per_s']:,} events/s at {_size(size)} events)",
                seconds <= 30,
                int(size) >= 1_000_000,
            )
        )
    compared = baseline_target(results)
    if compared:
        targets.append(compared)
    peaks = _peaks_at_largest(results)
    if peaks:
        worst = max(peaks.values())
        targets.append(
            _target(
                f"Peak memory at {_size(size or 0)} events/day",
                "≤ 4 GB",
                ", ".join(f"{name} {value / GB:.2f} GB" for name, value in peaks.items()),
                worst <= 4 * GB,
                int(size or 0) >= 1_000_000,
            )
        )
    return targets


def _peaks_at_largest(results: dict) -> dict[str, float]:
    peaks = {}
    size, sim = _largest(results.get("simulator", {}))
    if sim:
        peaks["simulator"] = sim["peak_rss_mb"]
    runs = results.get("partition_run", {})
    run = runs.get(size, {}) if size and isinstance(runs, dict) else {}
    for name, entry in [("first run", run.get("first_run"))] + [
        ("partition run", item) for item in [*run.get("runs", []), run.get("job_run")]
    ]:
        if entry:
            peaks[name] = max(peaks.get(name, 0), entry["peak_tree_mb"])
    return peaks


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _median_note(run: dict) -> str:
    walls = run.get("repeats_wall_s", [])
    if len(walls) < 2:
        return ""
    return f", median of {len(walls)} ({', '.join(f'{wall:.1f}' for wall in walls)} s)"


def _split_row(label: str, run: dict, floor: float | None = None) -> str:
    ratio = f"{run['sql_s'] / floor:.1f}×" if floor and run.get("sql_s") else "–"
    return (
        f"| {label} | {_fmt(run.get('process_wall_s'), 1)} | {_fmt(run.get('sql_s'), 1)} | "
        f"{_fmt(run.get('dbt_overhead_s'), 1)} | {_fmt(run.get('dagster_overhead_s'), 1)} | "
        f"{_fmt(run.get('dagster_in_dbt_step_s'), 1)} / "
        f"{_fmt(run.get('dagster_outside_steps_s'), 1)} | "
        f"{ratio} | {_fmt(run.get('peak_tree_mb'), 0)} | {run.get('parse', '–')[:40]} |"
    )


def markdown(results: dict) -> str:
    """The whole report as markdown."""
    meta = results["meta"]
    lines = [
        f"# Benchmark {meta['date']} ({meta['mode']})",
        "",
        f"Commit {meta.get('commit', '?')}, {meta['cpus']} CPUs, load average at start "
        f"{meta['loadavg_start']} and end {meta.get('loadavg_end')} (shared machine: absolute "
        f"times are noisy, ratios are from one run). Whole bench {_fmt(meta.get('wall_s'), 0)} s.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
    ]
    for target in results.get("targets", []):
        met = {True: "yes", False: "**no**", None: "–"}[target["met"]]
        lines.append(f"| {target['target']} | {target['goal']} | {target['measured']} | {met} |")
    lines += [
        "",
        "## Partition runs (seconds; split of the whole `dagster asset materialize` or "
        "`dagster job execute` process)",
        "",
        "| run | whole process | SQL | dbt overhead | Dagster overhead | of which in dbt step / "
        "outside steps | SQL / floor | peak MB | dbt parse |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    floors = results.get("floor", {}) if "error" not in results.get("floor", {}) else {}
    for size, data in (results.get("partition_run") or {}).items():
        if not isinstance(data, dict) or "runs" not in data:
            continue
        floor = floors.get(size, {}).get("median_s")
        repeats = len(floors.get(size, {}).get("repeats_s", []))
        lines.append(
            f"| floor {_size(size)}/day (median of {repeats})"
            f" | – | {_fmt(floor, 2)} | – | – | – | 1.0× | – | – |"
        )
        write = floors.get(size, {}).get("write_median_s")
        if write is not None and floor:
            lines.append(
                f"| write floor {_size(size)}/day: the day's parsed rows stored once "
                f"(median of {repeats}) | – | {_fmt(write, 2)} | – | – | – | "
                f"{write / floor:.1f}× | – | – |"
            )
        if data.get("first_run"):
            lines.append(_split_row("first run (creates empty tables)", data["first_run"]))
        for run in data["runs"]:
            lines.append(_split_row(f"partition {data['day']} at {_size(size)}/day", run, floor))
        if data.get("job_run"):
            label = f"same, as a models job run at {_size(size)}/day"
            lines.append(_split_row(label, data["job_run"], floor))
    history = results.get("history", {})
    for measured in history.get("runs", []):
        for key, how in (("run", "models job run"), ("asset_run", "asset materialize")):
            if key in measured:
                lines.append(
                    _split_row(
                        f"history {measured['history_days']} d "
                        f"({_fmt(measured['raw_rows_after'])} raw rows), partition "
                        f"{measured['partition']}, {how}" + _median_note(measured[key]),
                        measured[key],
                    )
                )
    steady = results.get("steady_state", {})
    for i, run in enumerate(steady.get("runs", [])):
        days = run["days"][0] if run["days"][0] == run["days"][1] else "…".join(run["days"])
        lines.append(_split_row(f"steady state run {i + 1}: {days}", run))
    if "full_rebuild" in steady:
        lines.append(
            _split_row("full rebuild (`dbt build --full-refresh`)", steady["full_rebuild"])
        )
    lines += baseline_lines(results) + _history_node_lines(history)
    lines += _steady_lines(steady) + _sensor_lines(results) + _simulator_lines(results)
    lines += _memory_lines(results)
    return "\n".join(lines) + "\n"


def _history_node_lines(history: dict) -> list[str]:
    runs = [m for m in history.get("runs", []) if "dbt" in m.get("run", {})]
    if len(runs) < 2:
        return []
    nodes = runs[-1]["run"]["dbt"]["per_node_s"]
    growth = sorted(
        nodes, key=lambda n: nodes[n] - runs[0]["run"]["dbt"]["per_node_s"].get(n, 0), reverse=True
    )[:10]
    header = " | ".join(f"{m['history_days']} d" for m in runs)
    lines = [
        "",
        "## History growth per dbt node (execution seconds; the nodes that grow most)",
        "",
        f"| node | {header} |",
        "|---|" + "---|" * len(runs),
    ]
    for node in growth:
        values = " | ".join(_fmt(m["run"]["dbt"]["per_node_s"].get(node), 2) for m in runs)
        lines.append(f"| {node} | {values} |")
    return lines


def _steady_lines(steady: dict) -> list[str]:
    if "sync" not in steady:
        return []
    sensor = steady["sensor"]
    return [
        "",
        "## Hourly steady state (at the history's steady-state length)",
        "",
        "| part | seconds | detail |",
        "|---|---|---|",
        f"| sync (merge) | {_fmt(steady['sync']['wall_s'])} | "
        f"{_fmt(steady['sync']['rows_merged'])} rows at {steady['sync']['sync_time']} |",
        f"| sensor tick (evaluation) | {_fmt(sensor.get('sensor_evaluation_s'))} | "
        f"read_changes {_fmt(sensor.get('read_changes_median_s'), 3)} s; "
        f"{len(sensor.get('requests', []))} run(s); tick process incl. imports "
        f"{_fmt(sensor.get('process_wall_s'), 1)} s |",
        f"| requested runs | {_fmt(steady['runs_wall_s'], 1)} | "
        + "; ".join(f"{r['first']}…{r['last']}" for r in sensor.get("requests", []))
        + " |",
        f"| **steady state** | **{_fmt(steady['steady_state_wall_s'], 1)}** | |",
        f"| full rebuild | {_fmt(steady['full_rebuild']['process_wall_s'], 1)} | "
        f"SQL {_fmt(steady['full_rebuild'].get('sql_s'), 1)} s |",
        f"| speed-up | {_fmt(steady['speedup'], 1)}× | |",
        f"| steady state if the runs cost their SQL only | "
        f"{_fmt(steady['sql_only_wall_s'], 1)} | speed-up "
        f"{_fmt(steady['sql_only_speedup'], 1)}×: the bound for any run overhead |",
    ]


def _sensor_lines(results: dict) -> list[str]:
    ticks = results.get("sensor_tick", {})
    if not ticks or "error" in ticks:
        return []
    lines = [
        "",
        "## Sensor tick query (`read_changes` after a cursor one sync back)",
        "",
        "| raw rows | syncs | changed rows | query median s | open + query median s | DB MB |",
        "|---|---|---|---|---|---|",
    ]
    for data in ticks.values():
        lines.append(
            f"| {_fmt(data['raw_rows'])} | {_fmt(data['syncs'])} | {_fmt(data['changed_rows'])} | "
            f"{_fmt(data['query_median_s'], 3)} | {_fmt(data['open_and_query_median_s'], 3)} | "
            f"{_fmt(data['db_mb'])} |"
        )
    return lines


def _simulator_lines(results: dict) -> list[str]:
    sims = dict(results.get("simulator", {}))
    prepared = results.get("history", {}).get("prepare", {}).get("simulated")
    if prepared:
        sims[f"history {prepared['days']} d"] = prepared
    if not sims or "error" in sims:
        return []
    lines = [
        "",
        "## Simulator",
        "",
        "| simulation | events | build s | apply s | events/s | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, data in sims.items():
        lines.append(
            f"| {name} | {_fmt(data['events'])} | {_fmt(data['build_s'])} | "
            f"{_fmt(data['apply_s'])} | {_fmt(data['events_per_s'])} | "
            f"{_fmt(data['peak_rss_mb'], 0)} |"
        )
    return lines


def _memory_lines(results: dict) -> list[str]:
    lines = [
        "",
        "## Steps (own process each: wall time, peak memory (PSS) of its whole process tree)",
        "",
        "| step | wall s | peak MB | load before | status |",
        "|---|---|---|---|---|",
    ]
    for name, step in results.get("steps", {}).items():
        status = "ok" if step.get("returncode") == 0 else f"failed ({step.get('error', '')[:60]})"
        lines.append(
            f"| {name} | {_fmt(step.get('wall_s'), 1)} | {_fmt(step.get('peak_tree_mb'), 0)}"
            f" | {step.get('loadavg_before')} | {status} |"
        )
    return lines


def plot(results: dict, path: Path) -> None:
    """Partition-run time split per run, and the sensor query against raw rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, parts = [], {"SQL": [], "dbt overhead": [], "Dagster overhead": []}
    runs = results.get("partition_run") or {}
    for size, data in runs.items():
        if isinstance(data, dict) and data.get("runs"):
            labels.append(f"{_size(size)}/day")
            _add_parts(parts, data["runs"][0])
    for measured in results.get("history", {}).get("runs", []):
        if "run" in measured:
            labels.append(f"history {measured['history_days']}d")
            _add_parts(parts, measured["run"])
    steady = results.get("steady_state", {})
    if steady.get("runs"):
        labels.append("steady state runs")
        total = {key: sum(r.get(key, 0) for r in steady["runs"]) for key in _PART_KEYS.values()}
        _add_parts(parts, total)
    if "full_rebuild" in steady:
        labels.append("full rebuild")
        _add_parts(parts, steady["full_rebuild"])
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    bottom = [0.0] * len(labels)
    for name, values in parts.items():
        left.bar(labels, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for size, floor in (results.get("floor") or {}).items():
        if isinstance(floor, dict) and "median_s" in floor:
            left.axhline(floor["median_s"], linestyle=":", color="black")
            left.annotate(f"floor {_size(size)}", (0, floor["median_s"]), fontsize=8)
    left.set_ylabel("seconds")
    left.set_title("Where a run's time goes")
    left.tick_params(axis="x", rotation=30)
    left.legend()
    ticks = results.get("sensor_tick") or {}
    if ticks and "error" not in ticks:
        rows = [data["raw_rows"] for data in ticks.values()]
        right.plot(rows, [data["query_median_s"] for data in ticks.values()], marker="o")
        right.axhline(1.0, linestyle=":", color="red", label="target 1 s")
        right.set_xscale("log")
        right.set_xlabel("raw rows")
        right.set_ylabel("seconds (median)")
        right.set_title("Sensor tick query")
        right.legend()
    figure.suptitle(f"fullstory_assets benchmark {results['meta']['date']}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


_PART_KEYS = {
    "SQL": "sql_s",
    "dbt overhead": "dbt_overhead_s",
    "Dagster overhead": "dagster_overhead_s",
}


def _add_parts(parts: dict[str, list[float]], run: dict) -> None:
    for name, key in _PART_KEYS.items():
        parts[name].append(float(run.get(key) or 0.0))


def write(results: dict, folder: Path, stem: str) -> dict[str, Path]:
    """Write ``<stem>.json``, ``<stem>.md`` and ``<stem>.png`` to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    results["targets"] = evaluate_targets(results)
    paths = {kind: folder / f"{stem}.{kind}" for kind in ("json", "md", "png")}
    paths["json"].write_text(json.dumps(results, indent=2, default=str) + "\n")
    paths["md"].write_text(markdown(results))
    plot(results, paths["png"])
    return paths
