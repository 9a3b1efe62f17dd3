"""The bench report's judgement of the targets: which run it keeps, which bounds it states."""

from bench.history import _median_run
from bench.report import evaluate_targets


def _run(wall: float, sql: float) -> dict:
    return {"process_wall_s": wall, "sql_s": sql, "status": "SUCCESS"}


def test_the_median_run_is_kept_with_every_repeat():
    kept = _median_run([_run(14.0, 4.0), _run(30.0, 9.0), _run(12.0, 3.5)])
    assert kept["process_wall_s"] == 14.0
    assert kept["repeats_wall_s"] == [14.0, 30.0, 12.0]
    assert kept["median_sql_s"] == 4.0


def test_history_ratio_is_of_medians_not_of_single_runs():
    history = {
        "runs": [
            {"history_days": 7, "run": _median_run([_run(w, 3.0) for w in (12.0, 11.0, 12.5)])},
            # One run slowed by a busy machine does not decide the ratio.
            {
                "history_days": 90,
                "run": _median_run([_run(13.0, 3.3), _run(25.0, 8.0), _run(14.0, 3.6)]),
            },
        ]
    }
    (target,) = evaluate_targets({"history": history})
    assert target["met"] is True
    assert target["measured"].startswith("1.17 (whole run), 1.20 (SQL), medians of 3")


def test_unmet_targets_state_their_bounds():
    results = {
        "floor": {"1000000": {"median_s": 2.0, "write_median_s": 4.0}},
        "partition_run": {
            "1000000": {"median": {"sql_s": 12.0, "process_wall_s": 20.0, "fixed_cost_s": 8.0}}
        },
        "steady_state": {
            "speedup": 3.0,
            "steady_state_wall_s": 14.0,
            "full_rebuild": {"process_wall_s": 42.0},
            "sql_only_speedup": 8.4,
        },
    }
    targets = {t["target"]: t for t in evaluate_targets(results)}
    sql = targets["SQL of one partition at 1M/day vs floor"]
    assert sql["met"] is False
    assert "so SQL is 2.0× floor + write (6.00 s)" in sql["measured"]
    steady = targets["Steady state (sync + tick + runs) vs full rebuild"]
    assert steady["met"] is False
    assert steady["measured"].endswith("runs costing their SQL alone would give 8.4×")
