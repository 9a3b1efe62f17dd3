"""Replays a simulated history through the real schedule, sensor and backfills (the invariant).

Each seed simulates a history with late events, whole-session re-syncs, nulled rows,
duplicates, identifies days later and sessions over midnight, then replays it hour by hour: at
random hours the real schedule, the real sensor (against the real warehouse) or a random range
backfill fires, and its run requests execute through Dagster. The DuckDB invariant test and each
engine suite compare the result with a full rebuild. With ``lookback_hours`` the sensor's change
query is pruned (fast scans bounded on event_time, full scans at random and at the end): a small
lookback leaves many late rows to the full scans.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
from dagster import DagsterInstance, Definitions, build_schedule_context, build_sensor_context

from fullstory_assets.automation.schedules import hourly_models_schedule
from fullstory_assets.automation.sensors import late_data_sensor
from fullstory_assets.definitions import defs
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs, sync_times
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.environ import patched_environ
from tests.support import execute_run_request

START = date(2024, 4, 1)
DAYS = 2
# The sensor is the one that must heal what the others left: it fires most, and first, so the
# final catch-up tick works from a real cursor.
ACTIONS = ("schedule", "sensor", "sensor", "backfill")
MAX_SETTLING_TICKS = 4
# Pruned replays: a full scan when the action says so, never on the clock.
NEVER_HOURS, ALWAYS_HOURS = "1000000", "0"


def _backfill(rng: random.Random):
    from fullstory_assets.automation.run_requests import range_run_request

    first = START + timedelta(days=rng.randrange(DAYS))
    last = min(first + timedelta(days=rng.randrange(2)), START + timedelta(days=DAYS - 1))
    return [range_run_request(first, last, run_key=f"backfill:{first}..{last}")]


# Late changes aimed at the seams between partitions, on top of the simulator's own: a late event
# after midnight for a session that started the day before, a late event that moves a session's
# start back over midnight, and a nulled first event that moves a start forward.
ADVERSARIAL_SQL = """
    with sessions as (
        select device_id, session_id, min(event_time) as first_time, max(event_time) as last_time,
            arg_min(event_id, event_time) as first_id
        from deliveries where session_id is not null and event_type is not null
        group by all
    ),
    before_midnight as (
        select * from sessions where hour(last_time) >= 20 order by hash(device_id, {seed}) limit 3
    ),
    late_starters as (
        select * from sessions where hour(first_time) >= 20 order by hash(device_id, {seed}) limit 2
    ),
    early as (
        select * from sessions where hour(first_time) < 2 order by hash(device_id, {seed}) limit 2
    ),
    changes as (
        select 'late_after_midnight_' || device_id || '_' || session_id as event_id,
            date_trunc('day', last_time) + interval 1 day + interval 5 minute as event_time,
            device_id, session_id, 'click' as event_type
        from before_midnight
        union all
        select first_id, first_time, device_id, session_id, null from late_starters
        union all
        select 'late_before_start_' || device_id || '_' || session_id, first_time - interval 2 hour,
            device_id, session_id, 'navigate' from early
    ),
    -- One sync each, after the whole simulated history.
    numbered as (
        select *, (select max(sync_time) from deliveries)
            + to_hours(row_number() over (order by event_id)) as synced_at
        from changes
    )
    select event_id, event_time, synced_at - interval 2 hour as processed_time,
        synced_at as updated_time, device_id, session_id, 1::bigint as view_id,
        event_type, '{{}}' as event_properties, 'web' as source_type,
        '{{}}' as source_properties, synced_at as sync_time
    from numbered
"""


def with_adversarial_changes(deliveries, seed: int):
    """The deliveries plus late syncs that cross partition boundaries, in sync order."""
    with duckdb.connect() as conn:
        conn.register("deliveries", deliveries)
        extra = conn.sql(ADVERSARIAL_SQL.format(seed=int(seed))).to_arrow_table()
        combined = pa.concat_tables([deliveries, extra.cast(deliveries.schema)])
    return combined.sort_by("sync_time")


@dataclass
class Target:
    """The warehouse the models are built in.

    The simulated syncs always land in a DuckDB file first (the simulator's merge is the
    reference semantics of a sync); an engine's ``mirror`` then copies that raw table into it.
    """

    definitions: Definitions
    env: dict[str, str]  # patched while ticks and runs execute
    mirror: Callable[[Path], None] | None = None  # DuckDB raw table -> the engine's

    @classmethod
    def duckdb(cls, db_path: Path) -> "Target":
        return cls(defs, {"FULLSTORY_DUCKDB_PATH": str(db_path)})


class History:
    """One simulated warehouse and the Dagster state driving it."""

    def __init__(
        self,
        db_path,
        seed: int,
        events_per_day: int,
        target: Target | None = None,
        lookback_hours: int | None = None,
    ):
        self.db_path = db_path
        self.target = target or Target.duckdb(db_path)
        self.lookback_hours = lookback_hours
        self.late_run_tags: list[dict[str, str]] = []  # of the change query's requests
        simulated = build_deliveries(SimulationSpec(START, DAYS, events_per_day, seed))
        self.simulated_until = sync_times(simulated)[-1]
        self.deliveries = with_adversarial_changes(simulated, seed)
        self.instance = DagsterInstance.ephemeral()
        self.cursor: str | None = None
        self.runs = 0

    def sync_until(self, hour: datetime) -> None:
        with connect(self.db_path) as conn:
            apply_syncs(conn, "fullstory_raw", self.deliveries, until=hour)
        if self.target.mirror:
            self.target.mirror(self.db_path)

    def fire(self, action: str, hour: datetime, rng: random.Random) -> int:
        """Fire ``action`` at ``hour`` and execute the runs it requests; return how many."""
        if action == "schedule":
            tick = hour.replace(minute=10)
            context = build_schedule_context(
                instance=self.instance, scheduled_execution_time=tick.replace(tzinfo=UTC)
            )
            requests = [hourly_models_schedule(context)]
        elif action in ("sensor", "full_scan"):
            definitions = self.target.definitions
            with patched_environ({**self.target.env, **self._scan_env(action)}):
                context = build_sensor_context(
                    instance=self.instance,
                    cursor=self.cursor,
                    definitions=definitions,
                    resources=definitions.resources,
                )
                result = late_data_sensor(context)
            requests = getattr(result, "run_requests", None) or []
            self.cursor = getattr(result, "cursor", None) or self.cursor
            self.late_run_tags += [
                r.tags for r in requests if r.run_key and r.run_key.startswith("late:")
            ]
        else:
            requests = _backfill(rng)
        executed = 0
        for request in requests:
            if getattr(request, "run_key", None):  # a SkipReason has none
                execute_run_request(
                    request, self.db_path, self.instance, self.target.definitions, self.target.env
                )
                executed += 1
        self.runs += executed
        return executed

    def _scan_env(self, action: str) -> dict[str, str]:
        """The sensor's change-scan settings for ``action`` (none: the warehouse's default)."""
        if self.lookback_hours is None:
            return {}
        every = ALWAYS_HOURS if action == "full_scan" else NEVER_HOURS
        return {
            "FULLSTORY_CHANGE_LOOKBACK_HOURS": str(self.lookback_hours),
            "FULLSTORY_CHANGE_FULL_SCAN_HOURS": every,
        }


def replay_history(
    tmp_path: Path,
    seed: int,
    events_per_day: int,
    actions: int,
    target: Target | None = None,
    lookback_hours: int | None = None,
) -> History:
    """Sync hour by hour, firing random ticks and backfills, then let the sensor catch up.

    With ``lookback_hours``, sensor ticks are fast scans with that lookback, a random action is
    also a full scan, and the catch-up ends with one.
    """
    rng = random.Random(seed)
    history = History(tmp_path / "warehouse.duckdb", seed, events_per_day, target, lookback_hours)
    choices = ACTIONS if lookback_hours is None else (*ACTIONS, "full_scan")
    hours = sync_times(history.deliveries)
    simulated = [hour for hour in hours if hour <= history.simulated_until]
    for index, hour in enumerate(sorted(rng.sample(simulated, actions))):
        history.sync_until(hour)
        history.fire("sensor" if index == 0 else rng.choice(choices), hour, rng)
    # The sensor catches up, then meets each seam-crossing late change on its own.
    for hour in [simulated[-1], *hours[len(simulated) :]]:
        history.sync_until(hour)
        history.fire("sensor", hour, rng)
    if lookback_hours is not None:
        history.fire("full_scan", hours[-1], rng)
    # A run can re-attribute other days' events (identity stitching): the sensor has caught up
    # when a tick asks for nothing more. Each round settles a late identify's own day first.
    for _ in range(MAX_SETTLING_TICKS):
        if not history.fire("sensor", hours[-1], rng):
            break
    else:
        raise AssertionError(f"the sensor still asks for runs after {MAX_SETTLING_TICKS} ticks")
    return history
