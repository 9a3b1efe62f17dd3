"""Dagster on an engine: the same runs, checks, sensor and replays as on DuckDB, compared with it.

Each engine suite wraps its server in an ``EngineHarness`` (the environment that points the
project at it, how to load a raw table into it, how to read a model back) and calls these.
Definitions are built for the engine's settings, as a deployment with ``FULLSTORY_WAREHOUSE``
set would load them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from dagster import DagsterInstance, Definitions

from fullstory_assets.automation.run_requests import RANGE_END_TAG, RANGE_START_TAG
from fullstory_assets.definitions import build_definitions
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.environ import patched_environ
from tests.engines.reference import (
    MODEL_TABLES,
    Reference,
    assert_matches_duckdb,
)
from tests.invariant_replay import Target, replay_history
from tests.support import run_dbt


@dataclass(frozen=True)
class EngineHarness:
    """An engine the project runs on in a test."""

    env: dict[str, str]  # FULLSTORY_WAREHOUSE and the connection variables
    load_raw: Callable[[pa.Table], None]  # replace the engine's raw events table
    read_model: Callable[[str], pd.DataFrame]  # every row of a model

    def definitions(self) -> Definitions:
        """The project's definitions as loaded with the engine's environment."""
        with patched_environ(self.env):
            return build_definitions(load_settings())


def raw_table(db_path: Path) -> pa.Table:
    """The raw events table of a DuckDB file."""
    # Read-write: an in-process dbt may still hold the file open that way.
    with duckdb.connect(str(db_path)) as conn:
        return conn.sql("select * from fullstory_raw.events").to_arrow_table()


def assert_models_match(engine: EngineHarness, reference: Reference) -> None:
    """Every model on the engine equals DuckDB's, row for row."""
    for model in MODEL_TABLES:
        assert_matches_duckdb(model, engine.read_model(model), reference)


def run_days(engine: EngineHarness, definitions: Definitions, first: str, last: str):
    """The models job for event days ``first..last`` as one run on the engine."""
    job = definitions.resolve_job_def("fullstory_models")
    with patched_environ(engine.env):
        return job.execute_in_process(
            instance=DagsterInstance.ephemeral(),
            tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
            raise_on_error=False,
        )


def check_results(result) -> dict[str, bool]:
    """Each executed check's name and whether it passed."""
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def events_rows_per_day(result) -> dict[str, int]:
    """The ``dagster/row_count`` each partition of ``events`` got."""
    counts = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.path[-1] == "events":
                counts[materialization.partition] = materialization.metadata[
                    "dagster/row_count"
                ].value
    return counts


def assert_range_run_matches_duckdb(engine: EngineHarness, reference: Reference) -> None:
    """The reference raw table, one range run of its days: models, checks and row counts."""
    engine.load_raw(reference.raw)
    first, last = reference_days(reference)
    result = run_days(engine, engine.definitions(), first, last)
    assert result.success
    assert_models_match(engine, reference)
    checks = check_results(result)
    assert {"malformed_json", "unique_events_event_id"} <= checks.keys()
    assert all(checks.values()), {name for name, passed in checks.items() if not passed}
    expected = reference.model("events").event_time.dt.date.astype(str).value_counts().to_dict()
    assert events_rows_per_day(result) == expected


def replay_on_engine(
    engine: EngineHarness,
    tmp_path: Path,
    seed: int,
    events_per_day: int,
    actions: int,
    lookback_hours: int | None = None,
):
    """The invariant replay with the engine as the warehouse; returns its ``History``.

    Syncs land in a DuckDB file (the simulator's merge is the reference semantics of a sync)
    and are mirrored into the engine's raw table; the schedule, the sensor and the backfills
    act on the engine. Afterwards every model must equal DuckDB's full rebuild of the same raw
    table. ``lookback_hours`` prunes the sensor's change scans (tests/invariant_replay.py).
    """
    target = Target(
        engine.definitions(), engine.env, lambda db_path: engine.load_raw(raw_table(db_path))
    )
    history = replay_history(tmp_path, seed, events_per_day, actions, target, lookback_hours)
    rebuild = tmp_path / "rebuild.duckdb"
    with duckdb.connect(str(rebuild)) as conn:
        conn.execute(f"attach '{history.db_path}' as source (read_only)")
        conn.execute("create schema fullstory_raw")
        conn.execute(
            "create table fullstory_raw.events as select * from source.fullstory_raw.events"
        )
    run_dbt(["build", "--full-refresh"], rebuild)
    assert_models_match(engine, Reference(rebuild, raw_table(rebuild)))
    return history


def reference_days(reference: Reference) -> tuple[str, str]:
    """The first and last event day of the reference history."""
    with duckdb.connect(str(reference.db_path)) as conn:
        first, last = conn.execute(
            "select min(event_time)::date, max(event_time)::date from fullstory.events"
        ).fetchone()
    return date.isoformat(first), date.isoformat(last)
