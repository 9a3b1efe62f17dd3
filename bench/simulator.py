"""Simulator throughput and memory; it also writes the raw tables the other steps run on.

Building the deliveries (numpy/pyarrow) and applying them as hourly syncs (DuckDB merges) are
timed apart. Peak memory is this process's (the simulator and DuckDB share it).
"""

from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from bench.datasets import extend_history
from bench.measure import self_peak_rss_mb, timed
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs
from fullstory_assets.warehouses.duckdb import connect

RAW_SCHEMA = "fullstory_raw"


def simulate(
    db_path: Path,
    start: date,
    days: int,
    events_per_day: int,
    seed: int = 1,
    until: datetime | None = None,
    deliveries_path: Path | None = None,
) -> dict:
    """Simulate ``days`` days into ``db_path``'s raw table; return the throughput numbers.

    Args:
        db_path: Warehouse file (created).
        start: First event day.
        days: Days of events.
        events_per_day: Distinct events per day.
        seed: Random seed.
        until: Apply the syncs up to this moment only (the rest stay for later syncs).
        deliveries_path: Also keep the deliveries here (Parquet), for later syncs.
    """
    spec = SimulationSpec(start, days, events_per_day, seed)
    build_s, deliveries = timed(lambda: build_deliveries(spec))
    rss_after_build = self_peak_rss_mb()
    with connect(db_path) as conn:
        apply_s, syncs = timed(lambda: apply_syncs(conn, RAW_SCHEMA, deliveries, until=until))
        (raw_rows,) = conn.execute(f"select count(*) from {RAW_SCHEMA}.events").fetchone()
    if deliveries_path is not None:
        pq.write_table(deliveries, deliveries_path)
    total = build_s + apply_s
    return {
        "events": spec.total_events,
        "days": days,
        "events_per_day": events_per_day,
        "deliveries": deliveries.num_rows,
        "syncs_applied": len(syncs),
        "raw_rows": raw_rows,
        "build_s": round(build_s, 2),
        "apply_s": round(apply_s, 2),
        "total_s": round(total, 2),
        "build_events_per_s": round(spec.total_events / build_s),
        "events_per_s": round(spec.total_events / total),
        "peak_rss_mb_after_build": rss_after_build,
        "peak_rss_mb": self_peak_rss_mb(),
    }


def partition_datasets(work: str, sizes: list[int], day: str, seed: int = 1) -> dict:
    """One simulated day per size, copied to the day before and after (the partition runs').

    The copies give the session look-around its neighbours and the partition's scan other days
    to skip, at the cost of a copy rather than two more simulated days.
    """
    first = date.fromisoformat(day)
    results = {}
    for size in sizes:
        db_path = Path(work) / f"partition_{size}.duckdb"
        db_path.unlink(missing_ok=True)
        numbers = simulate(db_path, first, 1, size, seed)
        numbers["neighbours"] = extend_history(
            db_path, first, 1, [(1, -1, 1), (2, 1, 1)], with_models=False
        )
        numbers["db"] = str(db_path)
        numbers["day"] = day
        numbers["neighbour_days"] = [
            str(first - timedelta(days=1)),
            str(first + timedelta(days=1)),
        ]
        results[str(size)] = numbers
    return results
