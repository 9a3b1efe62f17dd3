"""The daemon of `dagster dev` drives the models: the late-data sensor and the hourly schedule.

One `dagster dev` for the module; the tests run in file order and share its history:

1. two and a half days of simulated syncs (up to yesterday 22:00) are in the warehouse before the
   daemon starts: the sensor builds exactly the days they touch;
2. one more batch of syncs (yesterday 23:00 up to the current hour, or 03:00 early in the day)
   brings late rows for yesterday and today's rows: the sensor builds the days they touch;
3. the schedule, set to fire a few minutes after start-up, builds today (and yesterday while it
   settles);
4. once all runs have finished and the sensor has caught up, today's `events` partition reports
   the row count the warehouse holds.
"""

import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fullstory_assets.automation.change_cursor import ChangeCursor
from fullstory_assets.simulate.history import SYNC_COLUMN, build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from tests.e2e.dagster_api import Run
from tests.e2e.dagster_dev import DagsterDev
from tests.e2e.e2e_support import (
    FINISHED,
    JOB,
    SCHEDULE,
    SENSOR,
    query_warehouse,
    simulate,
    utc_now,
    wait_for,
)

pytestmark = pytest.mark.e2e

TODAYS_CHECK = "todays_partition_fresh"

EVENTS_PER_DAY = 2000
SEED = 11
DAYS = 3
# The schedule's minute is set so its first tick comes this long after the fixture starts:
# dagster dev needs 35-90 s to serve here, the sensor's first run another 30-50 s, and the late
# sync must land before the tick. The scheduler only fires ticks after it has loaded the schedule.
SCHEDULE_LEAD_S = 180
TICK_AFTER_READY_S = 45  # the scheduler's loop must have loaded the schedule before its tick
# Late rows are applied before the tick only if they land first (the scheduled run must read
# them); while yesterday settles, the scheduled run covers it too, so the sensor must also have
# requested its run by the tick (its interval: 60 s), or it would leave that day to the schedule.
SENSOR_BEFORE_TICK_S = 75
LATE_BEFORE_TICK_S = 15
SETTLING = timedelta(hours=1 + 1 + 3)  # sync interval + latency + update window (defaults)
RUN_TIMEOUT_S = 300


@dataclass
class Scenario:
    """The module's `dagster dev`, its simulation and what the tests learnt on the way."""

    dev: DagsterDev
    today: date
    first_day: date
    start_date: date
    tick: datetime
    spec: SimulationSpec
    until1: datetime
    late_applied_at: float | None = None  # creation times of later runs compare to this
    until2: datetime | None = None
    notes: list[str] = field(default_factory=list)

    def watermark(self, until: datetime) -> datetime:
        """The last sync at or before ``until``: the raw table's max(updated_time) after it."""
        syncs = [t for t in self._syncs() if t <= until]
        return max(syncs)

    def event_days(self, after: datetime | None, until: datetime) -> set[date]:
        """Event days of the rows delivered by the syncs in (after, until], within partitions."""
        table = self._deliveries
        syncs = table[SYNC_COLUMN]
        mask = pc.less_equal(syncs, until)
        if after is not None:
            mask = pc.and_(mask, pc.greater(syncs, after))
        times = table.filter(mask)["event_time"].drop_null().to_pylist()
        return {t.date() for t in times if self.start_date <= t.date() <= self.today}

    @cached_property
    def _deliveries(self) -> pa.Table:
        # A pure function of the spec: the rows the simulate command applies, with sync times.
        return build_deliveries(self.spec)

    def _syncs(self) -> list[datetime]:
        return sorted(set(self._deliveries[SYNC_COLUMN].to_pylist()))


def _next_minute(moment: datetime) -> datetime:
    return (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)


@pytest.fixture(scope="module")
def scenario(start_dagster_dev, tmp_path_factory) -> Scenario:
    notes = []
    for attempt in (1, 2):
        workdir = tmp_path_factory.mktemp("daemon")
        now = utc_now()
        tick = _next_minute(now + timedelta(seconds=SCHEDULE_LEAD_S))
        today = tick.date()  # the day the schedule's tick will build
        first_day = today - timedelta(days=DAYS - 1)
        spec = SimulationSpec(first_day, DAYS, EVENTS_PER_DAY, SEED)
        until1 = datetime.combine(today - timedelta(days=1), time(22))
        warehouse = workdir / "warehouse.duckdb"
        print(simulate(warehouse, first_day, DAYS, EVENTS_PER_DAY, SEED, until1))
        start_date = today - timedelta(days=5)
        dev = start_dagster_dev(
            "daemon" if attempt == 1 else "daemon-2",
            {
                "FULLSTORY_DUCKDB_PATH": str(warehouse),
                "FULLSTORY_START_DATE": start_date.isoformat(),
                "FULLSTORY_SCHEDULE_MINUTE": str(tick.minute),
            },
            workdir,
        )
        if (tick - utc_now()).total_seconds() > TICK_AFTER_READY_S:
            return Scenario(dev, today, first_day, start_date, tick, spec, until1, notes=notes)
        # The scheduler fires only ticks after it has loaded the schedule: this one would be
        # missed. Start afresh (new home, new warehouse); the manifest is warm by now.
        notes.append(f"attempt {attempt}: ready after {dev.ready_after_s:.0f} s, too late")
        dev.stop()
    pytest.fail(
        f"dagster dev started too slowly for a schedule tick {SCHEDULE_LEAD_S} s on: {notes}"
    )


# ── helpers ──────────────────────────────────────────────────────────────────────────────────
def _sensor_runs(dev: DagsterDev) -> list[Run]:
    return dev.runs({"dagster/sensor_name": SENSOR})


def _schedule_runs(dev: DagsterDev) -> list[Run]:
    return dev.runs({"dagster/schedule_name": SCHEDULE})


def _sensor_cursor(dev: DagsterDev) -> str | None:
    """The watermark the sensor has handled (its cursor's ``since``), as ISO text."""
    state = dev.instigator("sensor", SENSOR)
    cursor = ChangeCursor.parse((state.get("typeSpecificData") or {}).get("lastCursor"))
    return cursor.since.isoformat() if cursor else None


def _explain(dev: DagsterDev, kind: str, name: str):
    def explain() -> str:
        state = dev.instigator(kind, name)
        ticks = "\n".join(
            f"  tick {t['timestamp']:.0f} {t['status']} runs={t['runIds']} "
            f"skip={t['skipReason']!r} cursor={t['cursor']!r} "
            f"error={(t['error'] or {}).get('message', '')[:500]!r}"
            for t in state["ticks"]
        )
        return f"{kind} {name}: {state['status']} {state.get('typeSpecificData')}\n{ticks}\n" + (
            dev.describe_runs()
        )

    return explain


def _wait_sensor_caught_up(scenario: Scenario, watermark: datetime, created_after: float) -> list:
    """Wait until the sensor's cursor is ``watermark`` and its runs since then have finished."""
    dev = scenario.dev

    def done():
        if _sensor_cursor(dev) != watermark.isoformat():
            return None
        runs = [r for r in _sensor_runs(dev) if r.created >= created_after]
        return runs if all(r.status in FINISHED for r in runs) else None

    return wait_for(
        f"the sensor to handle the syncs up to {watermark}",
        done,
        RUN_TIMEOUT_S,
        explain=_explain(dev, "sensor", SENSOR),
    )


def _schedule_run(scenario: Scenario) -> Run:
    """Wait for the schedule's tick at the expected minute and for its run to finish."""
    dev = scenario.dev
    timeout = max(0.0, (scenario.tick - utc_now()).total_seconds()) + RUN_TIMEOUT_S

    def finished():
        runs = _schedule_runs(dev)
        return runs[0] if runs and runs[0].status in FINISHED else None

    run = wait_for(
        f"the schedule tick at {scenario.tick:%H:%M} UTC and its run",
        finished,
        timeout,
        interval=3,
        explain=_explain(dev, "schedule", SCHEDULE),
    )
    assert run.status == "SUCCESS", dev.run_errors(run.run_id)
    return run


def _assert_all_succeeded(dev: DagsterDev, runs: list[Run]) -> None:
    failed = [r for r in runs if r.status != "SUCCESS"]
    assert not failed, dev.describe_runs(failed)


def _covered(runs: list[Run]) -> set[date]:
    return set().union(*(r.days for r in runs)) if runs else set()


# ── tests ────────────────────────────────────────────────────────────────────────────────────
def test_sensor_builds_exactly_the_days_of_the_first_syncs(scenario: Scenario):
    dev = scenario.dev
    watermark = scenario.watermark(scenario.until1)
    runs = _wait_sensor_caught_up(scenario, watermark, created_after=0)
    expected = scenario.event_days(None, scenario.until1)
    assert {scenario.first_day, scenario.today - timedelta(days=1)} <= expected

    assert runs, "the sensor requested no run for the first syncs"
    _assert_all_succeeded(dev, runs)
    assert all(r.job_name == JOB for r in runs), [r.describe() for r in runs]
    # Exactly the touched days: nothing before them, nor today (no rows of today synced yet).
    assert _covered(runs) == expected, dev.describe_runs(runs)

    run_ids = {r.run_id for r in runs}
    days = sorted(d.isoformat() for d in expected)
    for asset in ("events", "int_fullstory__sessions", "sessions", "users"):
        materialized = {
            m["partition"] for m in dev.materializations(asset, days) if m["runId"] in run_ids
        }
        assert materialized == set(days), f"{asset}: {sorted(materialized)} != {days}"


def test_sensor_builds_the_days_a_later_sync_with_late_rows_touches(scenario: Scenario):
    dev = scenario.dev
    # The late rows land before the schedule's tick, or else once the scheduled run has finished.
    settling = scenario.tick < datetime.combine(scenario.today, time()) + SETTLING
    needed = SENSOR_BEFORE_TICK_S if settling else LATE_BEFORE_TICK_S
    if (scenario.tick - utc_now()).total_seconds() < needed:
        scenario.notes.append("late sync applied after the schedule's run (slow start)")
        _schedule_run(scenario)
    scenario.late_applied_at = clock.time()
    # Up to the current hour; in the first hours of a UTC day, up to 03:00 (syncs still to come,
    # which the simulator can apply early), so that today holds rows whatever the time.
    scenario.until2 = max(
        utc_now().replace(minute=0, second=0, microsecond=0),
        datetime.combine(scenario.today, time(3)),
    )
    print(
        simulate(
            dev.warehouse,
            scenario.first_day,
            DAYS,
            EVENTS_PER_DAY,
            SEED,
            scenario.until2,
        )
    )
    affected = scenario.event_days(scenario.until1, scenario.until2)
    yesterday = scenario.today - timedelta(days=1)
    assert yesterday in affected, f"no late rows for {yesterday} in {sorted(affected)}"

    runs = _wait_sensor_caught_up(
        scenario, scenario.watermark(scenario.until2), created_after=scenario.late_applied_at
    )
    assert runs, (
        "the sensor requested no run for the late sync\n" + _explain(dev, "sensor", SENSOR)()
    )
    _assert_all_succeeded(dev, runs)
    # A day a scheduled run already queued for is not requested twice; the schedule never
    # builds days older than yesterday, nor yesterday once it has settled.
    scheduled = [r for r in _schedule_runs(dev) if r.created >= scenario.late_applied_at]
    covered = _covered(runs) | _covered(scheduled)
    assert affected <= covered, (sorted(affected), dev.describe_runs())
    assert affected - _covered(scheduled) <= _covered(runs), dev.describe_runs()
    assert min(affected) in _covered(runs), dev.describe_runs()


def test_schedule_tick_builds_today_and_settling_yesterday(scenario: Scenario):
    dev = scenario.dev
    run = _schedule_run(scenario)
    assert run.tags.get("dagster/schedule_name") == SCHEDULE
    assert run.job_name == JOB
    expected = {scenario.today}
    if scenario.tick < datetime.combine(scenario.today, time()) + SETTLING:
        expected.add(scenario.today - timedelta(days=1))
    assert run.days == expected, run.describe()
    ticks = dev.instigator("schedule", SCHEDULE)["ticks"]
    assert any(t["status"] == "SUCCESS" and run.run_id in t["runIds"] for t in ticks), ticks
    materialized = {
        m["partition"]
        for m in dev.materializations("events", [scenario.today.isoformat()])
        if m["runId"] == run.run_id
    }
    assert materialized == {scenario.today.isoformat()}


def test_today_row_count_matches_the_warehouse(scenario: Scenario):
    dev = scenario.dev
    assert scenario.until2 is not None, "the late-sync test did not run"
    watermark = scenario.watermark(scenario.until2)
    in_flight = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING")

    def quiet():
        runs = dev.runs()
        busy = [r for r in runs if r.status in in_flight]
        return (
            not busy
            and _sensor_cursor(dev) == watermark.isoformat()
            and any(r.tags.get("dagster/schedule_name") for r in runs)
        )

    wait_for("every run to finish", quiet, RUN_TIMEOUT_S, explain=dev.describe_runs)
    _assert_all_succeeded(dev, dev.runs())

    today = scenario.today.isoformat()
    latest = dev.materializations("events", [today])[0]
    (run,) = dev.runs_by_id([latest["runId"]])
    # Nothing writes the warehouse now (the sensor has caught up, the next tick is an hour
    # away), so reading it cannot block a run.
    (rows_today,) = query_warehouse(
        dev.warehouse,
        "select count(*) from fullstory.events where event_time::date = ?",
        [scenario.today],
    )[0]
    print(f"today {today}: {rows_today} rows; latest run {run.describe()}; {scenario.notes}")
    assert rows_today > 0
    # Also when the run covered a range of days: each partition carries its own day's rows.
    assert latest["metadata"]["dagster/row_count"] == rows_today, (latest, run.describe())

    # Today's partition was just built after the last sync: every model is fresh.
    started = clock.monotonic()
    wait_for(
        "the freshness daemon to find every model fresh",
        lambda: all(dev.freshness(m) == "HEALTHY" for m in ("events", "sessions", "users")),
        120,
        explain=lambda: str({m: dev.freshness(m) for m in ("events", "sessions", "users")}),
    )
    print(f"fresh after {clock.monotonic() - started:.0f} s")

    # Today's-partition freshness: its sensor ticked when the daemon started and recorded a
    # verdict for every model, with no run.
    executions = dev.check_executions("events", TODAYS_CHECK)
    assert executions, "todays_partition_freshness_sensor recorded no check evaluation"
    assert executions[0]["evaluation"]["success"] in (True, False), executions[0]
