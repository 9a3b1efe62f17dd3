"""Simulator throughput and memory: build the history of N events and apply every sync to DuckDB.

Usage: .venv/bin/python bench/bench_simulator.py [--events 1000000] [--days 10] [--report out.json]

Prints events/s for building the deliveries, for applying the syncs and end to end, and the peak
resident memory of the process (the simulator and DuckDB share it).
"""

import argparse
import json
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs
from fullstory_assets.warehouses.duckdb import connect


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", type=Path, help="also write the numbers as JSON here")
    args = parser.parse_args()
    spec = SimulationSpec(date(2024, 1, 1), args.days, args.events // args.days, args.seed)

    started = time.perf_counter()
    deliveries = build_deliveries(spec)
    built = time.perf_counter()
    build_rss = peak_rss_mb()
    with tempfile.TemporaryDirectory() as folder, connect(Path(folder) / "bench.duckdb") as conn:
        syncs = apply_syncs(conn, "fullstory_raw", deliveries)
        rows = conn.sql("select count(*) from fullstory_raw.events").fetchall()[0][0]
    done = time.perf_counter()

    report = {
        "events": spec.total_events,
        "deliveries": deliveries.num_rows,
        "syncs": len(syncs),
        "raw_rows": rows,
        "build_seconds": round(built - started, 2),
        "apply_seconds": round(done - built, 2),
        "total_seconds": round(done - started, 2),
        "build_events_per_second": round(spec.total_events / (built - started)),
        "events_per_second": round(spec.total_events / (done - started)),
        "peak_rss_mb_after_build": round(build_rss),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    for key, value in report.items():
        print(f"{key:>26}: {value:,}")
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
