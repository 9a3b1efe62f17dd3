"""`fullstory-assets simulate` on real DuckDB files: deterministic, replayable hourly, safe."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from fullstory_assets.cli import main
from fullstory_assets.settings import PROJECT_ROOT, load_settings
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import sync_times
from fullstory_assets.warehouses.duckdb import connect

SCHEMA = load_settings().raw_schema
ARGS = ["--start", "2024-02-01", "--days", "1", "--events-per-day", "400", "--seed", "9"]


def simulate(db, *extra):
    assert main(["simulate", *ARGS, "--db", str(db), *extra]) == 0


def rows(db):
    with connect(db) as conn:
        return conn.sql(f"select * from {SCHEMA}.events order by all").fetchall()


def test_entry_point_module_runs_and_prints_a_summary(tmp_path):
    db = tmp_path / "raw.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "fullstory_assets.cli", "simulate", *ARGS, "--db", str(db)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "400 events" in result.stdout and "events/s" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1
    assert len(rows(db)) >= 400


def test_same_arguments_same_table_other_seed_other_table(tmp_path):
    simulate(tmp_path / "a.duckdb")
    simulate(tmp_path / "b.duckdb")
    assert rows(tmp_path / "a.duckdb") == rows(tmp_path / "b.duckdb")
    simulate(tmp_path / "c.duckdb", "--seed", "10")
    assert rows(tmp_path / "a.duckdb") != rows(tmp_path / "c.duckdb")


def test_until_hour_by_hour_equals_all_at_once(tmp_path):
    times = sync_times(build_deliveries(SimulationSpec(date(2024, 2, 1), 1, 400, 9)))
    hour = datetime(2024, 2, 1)
    while hour <= times[-1] + timedelta(hours=1):
        simulate(tmp_path / "hourly.duckdb", "--until", f"{hour:%Y-%m-%d %H:00}")
        hour += timedelta(hours=1)
    simulate(tmp_path / "once.duckdb", "--until", f"{times[-1]:%Y-%m-%d %H:00}")
    assert rows(tmp_path / "hourly.duckdb") == rows(tmp_path / "once.duckdb")
    simulate(tmp_path / "once.duckdb")  # re-running is a no-op
    assert rows(tmp_path / "hourly.duckdb") == rows(tmp_path / "once.duckdb")


def test_without_until_only_syncs_up_to_the_current_hour_land(tmp_path):
    now = datetime.now(UTC).replace(tzinfo=None)
    yesterday = (now - timedelta(days=1)).date().isoformat()
    db = tmp_path / "now.duckdb"
    assert main(["simulate", "--start", yesterday, "--days", "2", "--events-per-day", "300",
                 "--db", str(db)]) == 0  # fmt: skip
    with connect(db) as conn:
        latest, count = conn.sql(
            f"select max(updated_time), count(*) from {SCHEMA}.events"
        ).fetchall()[0]
    assert count > 0 and latest <= now.replace(minute=0, second=0, microsecond=0)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--start", "2024-02-30"], "invalid date"),
        (["--days", "0"], "--days"),
        (["--days", "-2"], "--days"),
        (["--events-per-day", "many"], "--events-per-day"),
        (["--seed", "-1"], "--seed"),
        (["--until", "2024-02-01 10:30"], "invalid hour"),
        (["--until", "tomorrow"], "invalid hour"),
    ],
)
def test_bad_arguments_fail_in_one_line_and_leave_the_table_alone(tmp_path, capsys, argv, message):
    db = tmp_path / "raw.duckdb"
    simulate(db)
    before = rows(db)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", *ARGS, "--db", str(db), *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("fullstory-assets: error: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert rows(db) == before


def test_bad_arguments_print_no_traceback_from_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "fullstory_assets.cli", "simulate", "--start", "2024-13-01",
         "--db", str(tmp_path / "raw.duckdb")],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr.startswith("fullstory-assets: error: ") and "Traceback" not in result.stderr
    )
    assert not (tmp_path / "raw.duckdb").exists()
