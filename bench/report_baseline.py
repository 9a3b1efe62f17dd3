"""The report's part on the baseline comparison (bench/baseline.py): a target and a table."""

TARGET_RATIO = 1.3


def baseline_target(results: dict) -> dict | None:
    """The 1.3x target of the partition run against the baseline; None when not measured."""
    data = results.get("baseline", {})
    ratio = data.get("ratio", {}).get("process_wall_s")
    if ratio is None:
        return None
    current, baseline = data["median"]["current"], data["median"]["baseline"]
    return {
        "target": "Partition run (models job) vs before the new models "
        f"({data['baseline_commit']}), same data set",
        "goal": f"≤ {TARGET_RATIO}×",
        "measured": f"{ratio:.2f}× ({current['process_wall_s']:.1f} s vs "
        f"{baseline['process_wall_s']:.1f} s; SQL {current['sql_s']:.1f} s vs "
        f"{baseline['sql_s']:.1f} s, {data['ratio'].get('sql_s', 0):.2f}×), "
        f"medians of {data['repeats']}",
        "met": ratio <= TARGET_RATIO,
    }


def baseline_lines(results: dict) -> list[str]:
    """Markdown: the new models' SQL seconds and the shared nodes that changed most."""
    data = results.get("baseline", {})
    if "new_nodes_s" not in data:
        return []
    lines = [
        "",
        f"## The models beyond the package in the partition run (vs {data['baseline_commit']})",
        "",
        "| dbt node | seconds now | seconds before |",
        "|---|---|---|",
    ]
    for node, seconds in data["new_nodes_s"].items():
        lines.append(f"| {node} (new) | {seconds:.2f} | – |")
    for node, (before, now) in data["shared_nodes_s"].items():
        lines.append(f"| {node} | {now:.2f} | {before:.2f} |")
    return lines
