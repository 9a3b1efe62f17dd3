from datetime import date

import pytest

from fullstory_assets.settings import PROJECT_ROOT, SettingsError, load_settings


def test_defaults_use_the_embedded_duckdb_file():
    settings = load_settings({})
    assert settings.warehouse == "duckdb"
    assert settings.dbt_target == "duckdb"
    assert settings.duckdb_path == PROJECT_ROOT / "data" / "warehouse.duckdb"
    assert settings.start_date == date(2024, 1, 1)
    assert (settings.sync_interval_hours, settings.update_window_hours) == (1, 3)


def test_environment_overrides(tmp_path):
    settings = load_settings(
        {
            "FULLSTORY_DUCKDB_PATH": str(tmp_path / "x.duckdb"),
            "FULLSTORY_START_DATE": "2025-02-03",
            "FULLSTORY_UPDATE_WINDOW_HOURS": "5",
            "FULLSTORY_BAD_ROW_MAX_SHARE": "0.05",
        }
    )
    assert settings.duckdb_path == tmp_path / "x.duckdb"
    assert settings.start_date == date(2025, 2, 3)
    assert settings.update_window_hours == 5
    assert settings.bad_row_max_share == 0.05


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("FULLSTORY_WAREHOUSE", "oracle", "FULLSTORY_WAREHOUSE"),
        ("FULLSTORY_START_DATE", "2024-13-01", "YYYY-MM-DD"),
        ("FULLSTORY_UPDATE_WINDOW_HOURS", "three", "whole number"),
        ("FULLSTORY_SYNC_LATENCY_HOURS", "-1", "negative"),
        ("FULLSTORY_BAD_ROW_MAX_SHARE", "2", "between 0 and 1"),
    ],
)
def test_bad_values_get_a_clear_error(name, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({name: value})


@pytest.mark.parametrize("name", ["fullstory", "fullstory_raw", "fullstory_seeds"])
def test_a_warehouse_file_named_like_a_schema_is_refused(tmp_path, name):
    with pytest.raises(SettingsError, match="named like a schema"):
        load_settings({"FULLSTORY_DUCKDB_PATH": str(tmp_path / f"{name}.duckdb")})


def test_the_raw_source_defaults_to_a_warehouse_sync():
    settings = load_settings({})
    assert (settings.raw_source, settings.export_url) == ("warehouse", None)
    assert settings.export_settle_minutes == 10


@pytest.mark.parametrize("scheme", ["s3", "gs"])
def test_parquet_export_mode_takes_a_bucket_url_or_a_local_directory(tmp_path, monkeypatch, scheme):
    url = f"{scheme}://bucket/prefix/fullstory_o-1-na1/events/"
    settings = load_settings(
        {
            "FULLSTORY_RAW_SOURCE": "parquet_export",
            "FULLSTORY_EXPORT_URL": url,
            "FULLSTORY_EXPORT_SETTLE_MINUTES": "0",
        }
    )
    assert settings.raw_source == "parquet_export"
    assert settings.export_url == url.rstrip("/")
    assert settings.export_settle_minutes == 0
    monkeypatch.chdir(tmp_path)
    local = load_settings({"FULLSTORY_RAW_SOURCE": "parquet_export", "FULLSTORY_EXPORT_URL": "x"})
    assert local.export_url == str(tmp_path / "x")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"FULLSTORY_RAW_SOURCE": "kafka"}, "FULLSTORY_RAW_SOURCE must be one of"),
        ({"FULLSTORY_RAW_SOURCE": "parquet_export"}, "needs FULLSTORY_EXPORT_URL"),
        (
            {"FULLSTORY_RAW_SOURCE": "parquet_export", "FULLSTORY_EXPORT_URL": "abfs://b/p"},
            "s3://bucket/prefix, gs://bucket/prefix or a local directory",
        ),
        (
            {"FULLSTORY_RAW_SOURCE": "parquet_export", "FULLSTORY_EXPORT_URL": "s3:///p"},
            "s3://bucket/prefix",
        ),
        (
            {"FULLSTORY_RAW_SOURCE": "parquet_export", "FULLSTORY_EXPORT_URL": "gs://"},
            "gs://bucket/prefix",
        ),
        ({"FULLSTORY_EXPORT_SETTLE_MINUTES": "soon"}, "whole number"),
    ],
)
def test_bad_raw_source_settings_get_a_clear_error(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_the_change_scan_is_bounded_on_bigquery_only_by_default():
    assert load_settings({}).change_lookback_hours is None
    assert load_settings({"FULLSTORY_WAREHOUSE": "postgres"}).change_lookback_hours is None
    bigquery = load_settings({"FULLSTORY_WAREHOUSE": "bigquery"})
    assert (bigquery.change_lookback_hours, bigquery.change_full_scan_hours) == (72, 24)
    off = {"FULLSTORY_WAREHOUSE": "bigquery", "FULLSTORY_CHANGE_LOOKBACK_HOURS": "off"}
    assert load_settings(off).change_lookback_hours is None
    on = {"FULLSTORY_CHANGE_LOOKBACK_HOURS": "6", "FULLSTORY_CHANGE_FULL_SCAN_HOURS": "2"}
    settings = load_settings(on)
    assert (settings.change_lookback_hours, settings.change_full_scan_hours) == (6, 2)
    with pytest.raises(SettingsError, match="whole number"):
        load_settings({"FULLSTORY_CHANGE_LOOKBACK_HOURS": "three days"})
