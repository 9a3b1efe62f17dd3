"""`python -m bench.run --quick` (the benchmark's smoke test): every report file, every section.

No timing is asserted: the numbers depend on the machine and its load.
"""

import json
import subprocess
import sys

from bench.report import SECTIONS
from fullstory_assets.settings import PROJECT_ROOT


def test_quick_bench_writes_every_report_section(tmp_path):
    results = tmp_path / "results"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--results", str(results),
         "--work", str(tmp_path / "work")],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    (report,) = results.glob("*.json")
    assert {path.suffix for path in results.iterdir()} == {".json", ".md", ".png"}
    assert (results / f"{report.stem}.png").stat().st_size > 0
    numbers = json.loads(report.read_text())
    for section in SECTIONS:
        assert numbers.get(section), section
        assert "error" not in numbers[section], (section, numbers[section])
    assert len(numbers["history"]["runs"]) >= 2
    # Runs of the models job (its own checks) beside `asset materialize` (every check).
    for data in numbers["partition_run"].values():
        assert data["job_run"]["status"] == "SUCCESS", data["job_run"]
        assert data["job_run"]["select"] == "job fullstory_models"
    for measured in numbers["history"]["runs"]:
        assert measured["run"]["status"] == measured["asset_run"]["status"] == "SUCCESS"
        assert len(measured["run"]["repeats_wall_s"]) == len(measured["asset_run"]["repeats_sql_s"])
    assert all(run["status"] == "SUCCESS" for run in numbers["steady_state"]["runs"])
    assert numbers["steady_state"]["sensor"]["requests"], "the tick requested no run"
    # The bounds the report sets the unmet targets against: the write floor, runs of SQL alone.
    assert all(floor["write_median_s"] > 0 for floor in numbers["floor"].values())
    assert numbers["steady_state"]["sql_only_speedup"] >= numbers["steady_state"]["speedup"]
    assert numbers["targets"] and numbers["meta"]["loadavg_start"]
    # The same partition run before the models beyond the package, for the 1.3x target.
    baseline = numbers["baseline"]
    assert all(r["status"] == "SUCCESS" for runs in baseline["runs"].values() for r in runs)
    assert "model:device_identities" in baseline["new_nodes_s"]
    markdown = (results / f"{report.stem}.md").read_text()
    for heading in ("## Targets", "## Partition runs", "## Hourly steady state",
                    "## Sensor tick query", "## Simulator", "## Steps"):  # fmt: skip
        assert heading in markdown
    assert "| write floor " in markdown and "if the runs cost their SQL only" in markdown
    assert not (tmp_path / "work").exists(), "the bench leaves no temporary files"
