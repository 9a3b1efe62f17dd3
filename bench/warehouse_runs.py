"""What one hourly run costs on each warehouse engine: `python -m bench.warehouse_runs`.

    python -m bench.warehouse_runs [--events-per-day N] [--engines postgres,snowflake,bigquery]

On each local engine (the test suites' servers: PostgreSQL, fakesnow, crucible) the same
simulated history is loaded, every day is built by one Dagster range run, then the last day is
run again as the hourly schedule runs today, and the late-data sensor's change query reads the
syncs after the last day's noon. Printed per engine: the wall time of each run and what the
warehouse reported for the hourly run (rows affected; on BigQuery also bytes processed). The
emulators are DuckDB + sqlglot: their times say nothing of the real warehouses' speed; rows and
scanned bytes are what the SQL touches. Numbers are printed and written as JSON, never asserted.
"""

import argparse
import json
import tempfile
import time
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from fullstory_assets.settings import MODEL_SCHEMA, load_settings
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import read_changes
from fullstory_assets.warehouses.environ import patched_environ
from fullstory_assets.warehouses.resources import warehouse_resource
from tests.engines.dagster_suite import EngineHarness, raw_table, run_days
from tests.support import simulate_into

RESULTS = Path(__file__).resolve().parent / "results"
START, DAYS = "2024-03-01", 2


def _postgres(stack: ExitStack, work: Path) -> EngineHarness:
    from tests.engines.postgres.load import load_raw
    from tests.engines.postgres.runner import create_database, read_relation
    from tests.engines.postgres.server import running_postgres

    # Its own directory under the system temp: the server runs as user postgres.
    server = stack.enter_context(running_postgres())
    params = create_database(server, "bench")
    return EngineHarness(
        server.dbt_env() | {"POSTGRES_DATABASE": "bench"},
        lambda table: load_raw(params, table),
        lambda name: read_relation(params, f"fullstory.{name}"),
    )


def _snowflake(stack: ExitStack, work: Path) -> EngineHarness:
    from tests.engines.snowflake.raw import load_raw
    from tests.engines.snowflake.server import running_fakesnow
    from tests.engines.snowflake.support import read_model

    server = stack.enter_context(running_fakesnow(work / "fakesnow"))
    connection = server.connect("FS_BENCH")
    return EngineHarness(
        server.dbt_env("FS_BENCH"),
        lambda table: load_raw(connection, table),
        lambda name: read_model(connection, name),
    )


def _bigquery(stack: ExitStack, work: Path) -> EngineHarness:
    from tests.engines.bigquery.load import load_raw
    from tests.engines.bigquery.project import read_model
    from tests.engines.bigquery.server import running_crucible

    server = stack.enter_context(running_crucible(work / "crucible")).in_project("bench")
    client = server.client()
    return EngineHarness(
        server.dbt_env(),
        lambda table: load_raw(client, table),
        lambda name: read_model(client, name),
    )


ENGINES = {"postgres": _postgres, "snowflake": _snowflake, "bigquery": _bigquery}
COST_KEYS = ("warehouse_rows_affected", "warehouse_bytes_processed", "warehouse_bytes_billed")


def _costs(result) -> dict[str, dict[str, int]]:
    costs = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            found = {
                key: materialization.metadata[key].value
                for key in COST_KEYS
                if key in materialization.metadata
            }
            if found:
                costs[materialization.asset_key.path[-1]] = found
    return costs


def measure(engine: EngineHarness, db_path: Path) -> dict:
    """The first build, one hourly run and one change query on ``engine``."""
    engine.load_raw(raw_table(db_path))
    definitions = engine.definitions()
    last = (date.fromisoformat(START) + timedelta(days=DAYS - 1)).isoformat()
    began = time.perf_counter()
    assert run_days(engine, definitions, START, last).success
    first_build_s = time.perf_counter() - began
    began = time.perf_counter()
    hourly = run_days(engine, definitions, last, last)
    assert hourly.success
    hourly_s = time.perf_counter() - began
    # The sensor's cursor at the last day's noon: the change query reads the afternoon's syncs.
    noon = datetime.fromisoformat(f"{last} 12:00:00")
    with duckdb.connect(str(db_path), read_only=True) as conn:
        (since,) = conn.execute(
            "select max(updated_time) from fullstory_raw.events where updated_time <= ?", [noon]
        ).fetchone()
    with patched_environ(engine.env):
        settings = load_settings()
        # Initialized as Dagster does for a run: the credentials' EnvVars are read now.
        resource = warehouse_resource(settings).process_config_and_initialize()
        with resource.session() as session:
            changes = read_changes(
                session, settings.raw_schema, MODEL_SCHEMA, ChangeScan(full=False, since=since)
            )
            scanned = getattr(session, "bytes_scanned", None)
    return {
        "first_build_s": round(first_build_s, 1),
        "hourly_run_s": round(hourly_s, 1),
        "hourly_run_costs": _costs(hourly),
        "change_query_since": since.isoformat(),
        "change_query_rows": changes.rows,
        "change_query_bytes_scanned": scanned,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-per-day", type=int, default=5000)
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    results = {"events_per_day": args.events_per_day, "days": DAYS, "engines": {}}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        work = Path(scratch)
        db_path = work / "history.duckdb"
        simulate_into(db_path, START, DAYS, args.events_per_day, seed=3)
        for name in args.engines.split(","):
            (work / name).mkdir()
            engine = ENGINES[name](stack, work)
            results["engines"][name] = measured = measure(engine, db_path)
            print(f"{name}: {json.dumps(measured, indent=1)}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "warehouse_runs.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
