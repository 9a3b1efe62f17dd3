"""Live mode applies the syncs still to come, in order, and ends where a full replay ends."""

from datetime import date, datetime

from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.live import replay_live
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs, sync_times
from fullstory_assets.warehouses.duckdb import connect
from tests.support import read_table


def test_live_replay_applies_the_remaining_syncs(tmp_path):
    deliveries = build_deliveries(SimulationSpec(date(2024, 8, 1), 2, 800, 4))
    midway = datetime(2024, 8, 2, 6, 0)
    live, whole = tmp_path / "live.duckdb", tmp_path / "whole.duckdb"
    with connect(live) as conn:
        apply_syncs(conn, "fullstory_raw", deliveries, until=midway)
    with connect(whole) as conn:
        apply_syncs(conn, "fullstory_raw", deliveries)

    lines: list[str] = []
    naps: list[float] = []
    applied = replay_live(live, "fullstory_raw", deliveries, 3.0, lines.append, naps.append)

    remaining = [sync for sync in sync_times(deliveries) if sync > midway]
    assert applied == len(remaining) == len(lines) == len(naps)
    assert all(nap == 3.0 for nap in naps)
    assert lines[0].startswith(f"sync {remaining[0]:%Y-%m-%d %H:%M}: ")
    order = "event_id, updated_time, event_type, source_properties, event_properties"
    assert read_table(live, "fullstory_raw.events", order).equals(
        read_table(whole, "fullstory_raw.events", order)
    )
