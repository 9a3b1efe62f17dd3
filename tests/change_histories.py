"""Random histories for comparing the pruned change scans with the unpruned query, on DuckDB.

Each history simulates syncs (late events, re-synced sessions, nulled rows, duplicates, plus the
invariant replay's seam-crossing late changes) and ticks at random sync times from a cursor
taken mid-history. Every tick runs the fast scan with a small lookback and, beside it, the
unpruned query from the same watermark on the same tables; now and then, and always at the end,
a full scan. The runs each tick requests are played on a stand-in session table (start and end
of each session's current events, rebuilt per requested start day), so the stored sessions the
queries read move as they do in production, runs and all.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

from fullstory_assets.automation.change_cursor import ChangeCursor, advance
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs, sync_times
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import SESSIONS_MODEL, RawChanges, read_changes
from fullstory_assets.warehouses.duckdb import DuckDBSession
from tests.invariant_replay import START, with_adversarial_changes

RAW, MODELS = "fullstory_raw", "fullstory"
KINDS = ("event_days", "session_days", "page_view_days")
NOW = datetime(2030, 1, 1, tzinfo=UTC)  # the tick time only says when the last full scan ran
CURRENT_SESSIONS = f"""
    select cast(device_id as varchar) || ':' || cast(session_id as varchar) as full_session_id,
        min(event_time) as start_time, max(event_time) as end_time
    from (
        select *, row_number() over (
            partition by event_id order by updated_time desc, event_type is null desc
        ) as version
        from {RAW}.events
    )
    where version = 1 and event_type is not null and session_id is not null
    group by device_id, session_id
"""


@dataclass
class Outcome:
    """What one history's scans requested, and what its stand-in session table ended as."""

    pruned: dict[str, set[date]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    unpruned: dict[str, set[date]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    fast_only: dict[str, set[date]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    left_out: int = 0  # rows the unpruned query read that the fast scan at the same tick did not
    sessions_match: bool = False

    def add(self, into: dict[str, set[date]], changes: RawChanges) -> None:
        for kind in KINDS:
            into[kind] |= getattr(changes, kind)


def _rebuild_sessions(conn: duckdb.DuckDBPyConnection, days: frozenset[date]) -> None:
    """What the requested session runs do: each day's sessions again, from the current raw."""
    if not days:
        return
    conn.execute(
        f"delete from {MODELS}.{SESSIONS_MODEL} where cast(start_time as date) in "
        "(select unnest($days))",
        {"days": sorted(days)},
    )
    conn.execute(
        f"insert into {MODELS}.{SESSIONS_MODEL} select * from ({CURRENT_SESSIONS}) "
        "where cast(start_time as date) in (select unnest($days))",
        {"days": sorted(days)},
    )


def replay_scans(seed: int, lookback_hours: int) -> Outcome:
    """Tick through one random history; see the module docstring."""
    rng = random.Random(seed)
    spec = SimulationSpec(START, 2, rng.choice([120, 250, 400]), seed)
    deliveries = with_adversarial_changes(build_deliveries(spec), seed)
    times = sync_times(deliveries)
    start = rng.randrange(1, len(times) // 3)
    ticks = sorted(rng.sample(times[start + 1 : -1], rng.randint(2, 8))) + [times[-1]]
    outcome = Outcome()
    with duckdb.connect() as conn:
        conn.execute("set timezone = 'UTC'")
        apply_syncs(conn, RAW, deliveries, until=times[start])
        conn.execute(f"create schema {MODELS}")
        conn.execute(f"create table {MODELS}.{SESSIONS_MODEL} as {CURRENT_SESSIONS}")
        session = DuckDBSession(conn)
        cursor = ChangeCursor(since=times[start], full_since=times[start], full_scan_at=NOW)
        # A full scan now and then, and one after the last tick if any fast scan pruned.
        for tick in ticks + [None]:
            if tick is not None:
                apply_syncs(conn, RAW, deliveries, until=tick)
            owed = cursor.lookback_hours is not None
            if tick is None and not owed:
                break
            unpruned = read_changes(session, RAW, MODELS, ChangeScan(False, since=cursor.since))
            if owed and (tick is None or rng.random() < 0.2):
                scan = ChangeScan(True, cursor.since, cursor.lookback_hours, cursor.full_since)
            else:
                scan = ChangeScan(False, since=cursor.since, lookback_hours=lookback_hours)
            changes = read_changes(session, RAW, MODELS, scan)
            outcome.add(outcome.unpruned, unpruned)
            outcome.add(outcome.pruned, changes)
            if not scan.full:
                outcome.add(outcome.fast_only, changes)
                outcome.left_out += unpruned.rows - changes.rows
            cursor = advance(cursor, scan, changes.watermark, NOW)
            _rebuild_sessions(conn, changes.session_days)
        stored = conn.execute(f"select * from {MODELS}.{SESSIONS_MODEL} order by 1").fetchall()
        rebuilt = conn.execute(f"{CURRENT_SESSIONS} order by 1").fetchall()
        outcome.sessions_match = stored == rebuilt
    return outcome
