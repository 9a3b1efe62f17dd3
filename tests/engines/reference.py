"""What every engine suite compares against: DuckDB's models on the same simulated raw table.

An engine suite loads ``reference.raw`` (the raw Data Destinations rows, exactly as the
simulator's syncs left them in DuckDB) into its engine, builds the dbt project there, reads each
model back and calls ``assert_matches_duckdb``. Values are compared, not only counts: the
emulators are DuckDB + sqlglot underneath and have silent bugs (../shared/ENGINES.md §6).
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from tests.support import MODEL_TABLES, run_dbt, simulate_into

# A short history that still has every shape the models care about: sessions crossing midnight,
# late and re-synced events, nulled rows, duplicates, identifies, server events.
REFERENCE_START = "2024-03-01"
REFERENCE_DAYS = 2
REFERENCE_EVENTS_PER_DAY = 1500
REFERENCE_SEED = 11

# The grain of each model: its rows are matched on these columns.
GRAIN = {
    "events": ["event_id"],
    "devices": ["event_id"],
    "identifies": ["user_id"],
    "identified_users": ["user_id"],
    "anonymous_users": ["device_id"],
    "sessions": ["full_session_id"],
    "users": ["user_id"],
    "int_fullstory__sessions": ["full_session_id"],
    "int_fullstory__identifies": ["event_id"],
    "device_identities": ["device_identity_id"],
    "page_views": ["page_view_id"],
    "session_paths": ["full_session_id"],
    "funnels": ["day", "funnel_name", "step_number"],
    "int_fullstory__session_funnels": ["full_session_id", "funnel_name", "step_number"],
}
# JSON documents: each warehouse prints them its own way, so they are compared parsed.
JSON_COLUMNS = {
    "source_properties",
    "event_properties",
    "user_properties",
    "target_element_properties",
    "additional_element_definition_ids",
}


@dataclass(frozen=True)
class Reference:
    """A DuckDB warehouse built with ``dbt build --full-refresh`` on a simulated raw table."""

    db_path: Path
    raw: pa.Table  # the raw events table, RAW_COLUMNS in Fullstory's order

    def model(self, name: str) -> pd.DataFrame:
        """DuckDB's rows of model ``name``."""
        with duckdb.connect(str(self.db_path)) as conn:
            return conn.sql(f"select * from fullstory.{name}").df()


def build_reference(directory: Path, until: datetime | None = None) -> Reference:
    """Simulate the reference history into ``directory`` and build every model on DuckDB."""
    db_path = directory / "reference.duckdb"
    simulate_into(
        db_path, REFERENCE_START, REFERENCE_DAYS, REFERENCE_EVENTS_PER_DAY, REFERENCE_SEED, until
    )
    run_dbt(["build", "--full-refresh"], db_path)
    with duckdb.connect(str(db_path)) as conn:  # as the in-process dbt keeps it open
        raw = conn.sql(
            "select * from fullstory_raw.events order by event_id, updated_time"
        ).to_arrow_table()
    return Reference(db_path, raw)


def _canonical(value, column: str):
    """One spelling per value, whatever engine and driver produced it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if column in JSON_COLUMNS:
        parsed = json.loads(value) if isinstance(value, str) else value
        return json.dumps(parsed, sort_keys=True, separators=(",", ":"))
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())  # a DATE: DuckDB's pandas frame has midnight
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.isoformat(timespec="microseconds")
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # e.g. Snowflake NUMBER sums arrive as floats
    if hasattr(value, "as_integer_ratio") and not isinstance(value, int | float):
        return int(value) if value == int(value) else float(value)  # Decimal
    return value


def canonical_rows(frame: pd.DataFrame, model: str) -> pd.DataFrame:
    """``frame`` with lower-case column names, canonical values, sorted on the model's grain."""
    frame = frame.rename(columns=str.lower)
    data = {
        column: [_canonical(v, column) for v in frame[column].tolist()] for column in frame.columns
    }
    canonical = pd.DataFrame(data, columns=list(frame.columns), dtype=object)
    return canonical.sort_values(GRAIN[model], kind="stable").reset_index(drop=True)


def assert_matches_duckdb(model: str, engine_rows: pd.DataFrame, reference: Reference) -> None:
    """Row-for-row equality of an engine's model with DuckDB's, with a readable first difference.

    Columns must match by name and order; values are compared after ``_canonical``.
    """
    ours = canonical_rows(engine_rows, model)
    expected = canonical_rows(reference.model(model), model)
    assert list(ours.columns) == list(expected.columns), f"{model}: columns differ"
    assert len(ours) == len(expected), f"{model}: {len(ours)} rows vs {len(expected)} on DuckDB"
    for column in expected.columns:
        mismatch = [
            i for i, (a, b) in enumerate(zip(ours[column], expected[column], strict=True)) if a != b
        ]
        if mismatch:
            i = mismatch[0]
            key = expected.loc[i, GRAIN[model]].to_dict()
            raise AssertionError(
                f"{model}.{column}: {len(mismatch)} rows differ from DuckDB; first at {key}: "
                f"engine {ours.loc[i, column]!r} vs DuckDB {expected.loc[i, column]!r}"
            )


def stale_attribution_days(read: Callable[[str], pd.DataFrame]) -> list[date]:
    """Event days whose stored stitched_user_id differs from the device spans now stored.

    Runs of single days in turn leave them: a day's events are stitched with the identifies the
    other days' runs had stored by then. The late-data sensor re-runs them
    (warehouses/attribution.py); engine tests that run days by hand do the same with this.

    Args:
        read: Reads a model of the engine into a DataFrame.
    """
    events, spans = (
        read(model).rename(columns=str.lower) for model in ("events", "device_identities")
    )
    events = events[["event_id", "device_id", "event_time", "stitched_user_id"]]
    spans = spans[["device_id", "user_id", "valid_from", "valid_to"]]
    joined = events.merge(spans, on="device_id", how="left")
    inside = (joined.valid_from.isna() | (joined.event_time >= joined.valid_from)) & (
        joined.valid_to.isna() | (joined.event_time < joined.valid_to)
    )
    current = joined[inside & joined.user_id.notna()].set_index("event_id").user_id
    stored = events.set_index("event_id")
    differs = stored.stitched_user_id.fillna("") != current.reindex(stored.index).fillna("")
    return sorted({pd.Timestamp(t).date() for t in stored.event_time[differs]})


__all__ = [
    "MODEL_TABLES",
    "Reference",
    "assert_matches_duckdb",
    "build_reference",
    "run_dbt",
    "stale_attribution_days",
]
