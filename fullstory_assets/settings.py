"""The one place that reads the environment.

Every other module asks `load_settings()` instead of touching `os.environ`, so what a deployment can
change is listed here, with its default.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fullstory_assets.warehouses.variables import OPTIONAL_CONNECTION_VARIABLES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_models"
WAREHOUSES = ("duckdb", "bigquery", "snowflake", "redshift", "postgres")
# Where the raw table's rows come from: a warehouse sync, or Fullstory's Parquet export folders
# loaded into the DuckDB warehouse (fullstory_assets/warehouses/parquet_exports.py).
RAW_SOURCES = ("warehouse", "parquet_export")
# Where the export can be besides a local directory: S3 or Google Cloud Storage (exports/stores.py).
EXPORT_SCHEMES = ("s3", "gs")
# The schemas dbt writes (profiles.yml, dbt_project.yml); the raw one is a setting.
MODEL_SCHEMA = "fullstory"
SEED_SCHEMA = "fullstory_seeds"
MODEL_SCHEMAS = (MODEL_SCHEMA, SEED_SCHEMA, "main")


# Only BigQuery's raw table is partitioned on event_time (by day): elsewhere a bound on it saves
# nothing (updated_time follows load order already), and would only delay the oldest late rows
# until a full scan. Three days: rows reach the warehouse within hours of their event (processed
# within 3 h, synced at the next hour + 1 h, updated within 3 h), re-synced sessions and
# "swan song" events within a day or two; only rarer, older rows wait for the full scan.
DEFAULT_CHANGE_LOOKBACK_HOURS = {"bigquery": 72}


class SettingsError(ValueError):
    """An environment variable holds a value the project cannot use."""


@dataclass(frozen=True)
class Settings:
    """Deployment settings, read once from the environment.

    Attributes:
        warehouse: Which warehouse holds the raw table and the models (also the dbt target).
        duckdb_path: The embedded DuckDB file (warehouse ``duckdb``).
        start_date: The first event-day partition.
        org_id: Fullstory org id, used in session replay URLs.
        replay_host: Fullstory app host of the org's data centre.
        raw_schema: Schema of the raw Data Destinations ``events`` table.
        sync_interval_hours: How often Fullstory syncs into the warehouse.
        sync_latency_hours: Extra delay after ``processed_time`` rounded up to the hour.
        update_window_hours: How long after its sync a row may still change (99% stable).
        session_lookaround_hours: How far beyond a day sessions are read to find their bounds.
        max_clock_skew_hours: A device clock this far ahead of processing is wrong: such events
            are set aside (counted by a check), not modelled.
        schedule_minute: Minute of each hour the schedule runs, after the sync has landed.
        run_budget_minutes: How long a partition run may take before an asset counts as late.
        bad_row_max_share: Share of a window's rows that may be bad input before a check fails
            with ERROR severity (any bad row is a WARN).
        connection: The warehouse's optional connection variables
            (``OPTIONAL_CONNECTION_VARIABLES``), defaults filled in.
        raw_source: ``warehouse`` (Fullstory syncs into the raw table) or ``parquet_export``
            (its Parquet export folders are loaded into the DuckDB raw table).
        export_url: The export's ``.../fullstory_<org_id>/events`` folder, ``s3://bucket/key``,
            ``gs://bucket/key`` or a local directory (``parquet_export`` only).
        export_settle_minutes: The newest export folder is loaded once its files are this old
            (a folder with a later one beside it is complete already).
        change_lookback_hours: The late-data sensor's fast scan reads rows whose ``event_time``
            is at most this long before its watermark, so BigQuery prunes the raw table's
            ``event_time`` partitions; older late rows wait for the full scan. None: no bound
            (the default except on BigQuery, where nothing else is partitioned on it).
        change_full_scan_hours: How often the sensor's full scan (every late row the fast scan
            left out) runs when pruning is on.
    """

    warehouse: str = "duckdb"
    duckdb_path: Path = PROJECT_ROOT / "data" / "warehouse.duckdb"
    start_date: date = date(2024, 1, 1)
    org_id: str = "o-DEMO-na1"
    replay_host: str = "app.fullstory.com"
    raw_schema: str = "fullstory_raw"
    sync_interval_hours: int = 1
    sync_latency_hours: int = 1
    update_window_hours: int = 3
    session_lookaround_hours: int = 12
    max_clock_skew_hours: int = 24
    schedule_minute: int = 10
    run_budget_minutes: int = 30
    bad_row_max_share: float = 0.001
    connection: Mapping[str, str] = field(default_factory=dict)
    raw_source: str = "warehouse"
    export_url: str | None = None
    export_settle_minutes: int = 10
    change_lookback_hours: int | None = None
    change_full_scan_hours: int = 24

    @property
    def dbt_target(self) -> str:
        """The dbt target follows the warehouse setting."""
        return self.warehouse


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < 0:
        raise SettingsError(f"{name} must not be negative, got {value}")
    return value


def _lookback(env: Mapping[str, str], warehouse: str) -> int | None:
    """``FULLSTORY_CHANGE_LOOKBACK_HOURS``: hours, ``off``, or the warehouse's default."""
    raw = env.get("FULLSTORY_CHANGE_LOOKBACK_HOURS")
    if not raw:
        return DEFAULT_CHANGE_LOOKBACK_HOURS.get(warehouse)
    if raw.strip().lower() == "off":
        return None
    return _int(env, "FULLSTORY_CHANGE_LOOKBACK_HOURS", 0)


def _share(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number between 0 and 1, got {raw!r}") from exc
    if not 0 <= value <= 1:
        raise SettingsError(f"{name} must be between 0 and 1, got {value}")
    return value


def _date(env: Mapping[str, str], name: str, default: date) -> date:
    raw = env.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from exc


def _export(env: Mapping[str, str], warehouse: str) -> tuple[str, str | None]:
    """The raw source and, for ``parquet_export``, the export URL (a local path made absolute)."""
    source = env.get("FULLSTORY_RAW_SOURCE") or Settings.raw_source
    if source not in RAW_SOURCES:
        raise SettingsError(f"FULLSTORY_RAW_SOURCE must be one of {RAW_SOURCES}, got {source!r}")
    url = env.get("FULLSTORY_EXPORT_URL") or None
    if source == "warehouse":
        return source, url
    if warehouse != "duckdb":  # the export folders are loaded into the embedded file only
        raise SettingsError("FULLSTORY_RAW_SOURCE=parquet_export needs FULLSTORY_WAREHOUSE=duckdb")
    if url is None:
        raise SettingsError("FULLSTORY_RAW_SOURCE=parquet_export needs FULLSTORY_EXPORT_URL")
    if "://" not in url:
        return source, str(Path(url).resolve())
    scheme, _, rest = url.partition("://")
    if scheme not in EXPORT_SCHEMES or not rest.split("/")[0]:
        raise SettingsError(
            "FULLSTORY_EXPORT_URL must be s3://bucket/prefix, gs://bucket/prefix or a local "
            f"directory, got {url!r}"
        )
    return source, url.rstrip("/")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: the process environment).

    Raises:
        SettingsError: A variable is set to a value the project cannot use.
    """
    env = os.environ if env is None else env
    defaults = Settings()
    warehouse = env.get("FULLSTORY_WAREHOUSE", defaults.warehouse) or defaults.warehouse
    if warehouse not in WAREHOUSES:
        raise SettingsError(f"FULLSTORY_WAREHOUSE must be one of {WAREHOUSES}, got {warehouse!r}")
    duckdb_path = env.get("FULLSTORY_DUCKDB_PATH")
    # DuckDB names a file's catalog after the file: one named like a schema of the project makes
    # `<schema>.<table>` ambiguous, which DuckDB (2.0.1) refuses.
    raw_schema = env.get("FULLSTORY_RAW_SCHEMA") or defaults.raw_schema
    if duckdb_path and Path(duckdb_path).stem in {*MODEL_SCHEMAS, raw_schema}:
        raise SettingsError(
            f"FULLSTORY_DUCKDB_PATH must not be named like a schema of the warehouse "
            f"({', '.join(sorted({*MODEL_SCHEMAS, raw_schema}))}), got {duckdb_path!r}"
        )
    raw_source, export_url = _export(env, warehouse)
    schedule_minute = _int(env, "FULLSTORY_SCHEDULE_MINUTE", defaults.schedule_minute)
    if schedule_minute > 59:
        raise SettingsError(f"FULLSTORY_SCHEDULE_MINUTE must be 0..59, got {schedule_minute}")
    return Settings(
        warehouse=warehouse,
        duckdb_path=Path(duckdb_path).resolve() if duckdb_path else defaults.duckdb_path,
        start_date=_date(env, "FULLSTORY_START_DATE", defaults.start_date),
        org_id=env.get("FULLSTORY_ORG_ID") or defaults.org_id,
        replay_host=env.get("FULLSTORY_REPLAY_HOST") or defaults.replay_host,
        raw_schema=raw_schema,
        sync_interval_hours=_int(
            env, "FULLSTORY_SYNC_INTERVAL_HOURS", defaults.sync_interval_hours
        ),
        sync_latency_hours=_int(env, "FULLSTORY_SYNC_LATENCY_HOURS", defaults.sync_latency_hours),
        update_window_hours=_int(
            env, "FULLSTORY_UPDATE_WINDOW_HOURS", defaults.update_window_hours
        ),
        session_lookaround_hours=_int(
            env, "FULLSTORY_SESSION_LOOKAROUND_HOURS", defaults.session_lookaround_hours
        ),
        max_clock_skew_hours=_int(
            env, "FULLSTORY_MAX_CLOCK_SKEW_HOURS", defaults.max_clock_skew_hours
        ),
        schedule_minute=schedule_minute,
        run_budget_minutes=_int(env, "FULLSTORY_RUN_BUDGET_MINUTES", defaults.run_budget_minutes),
        bad_row_max_share=_share(env, "FULLSTORY_BAD_ROW_MAX_SHARE", defaults.bad_row_max_share),
        connection={
            name: env.get(name) or default
            for name, default in OPTIONAL_CONNECTION_VARIABLES[warehouse].items()
        },
        raw_source=raw_source,
        export_url=export_url,
        export_settle_minutes=_int(
            env, "FULLSTORY_EXPORT_SETTLE_MINUTES", defaults.export_settle_minutes
        ),
        change_lookback_hours=_lookback(env, warehouse),
        change_full_scan_hours=_int(
            env, "FULLSTORY_CHANGE_FULL_SCAN_HOURS", defaults.change_full_scan_hours
        ),
    )
