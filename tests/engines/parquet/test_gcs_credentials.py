"""A gs:// export without Google credentials: the definitions load, and the load run, the sensor
and the simulator fail naming the export and what to set. No emulator: the production path."""

import pytest
from dagster import DagsterInstance, Definitions

from fullstory_assets.automation.raw_source import raw_source_definitions
from fullstory_assets.cli import main
from fullstory_assets.definitions import defs
from fullstory_assets.exports.reading import ExportReadError
from fullstory_assets.settings import load_settings
from fullstory_assets.warehouses.environ import patched_environ
from tests.engines.parquet.support import NODE, run_load, source_env, tick

pytestmark = pytest.mark.parquet_gcs
URL = "gs://fullstory-exports/dest/fullstory_o-1-na1/events"


@pytest.fixture(autouse=True)
def no_google_credentials(monkeypatch, tmp_path):
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "STORAGE_EMULATOR_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))  # no gcloud login either


def test_definitions_load_and_a_run_fails_naming_what_is_missing(tmp_path):
    env = source_env(tmp_path / "warehouse.duckdb", URL)
    with patched_environ(env):
        merged = Definitions.merge(defs, raw_source_definitions(load_settings()))
        assert merged.resolve_sensor_def("parquet_export_sensor").job_name == "parquet_export_load"

    with DagsterInstance.ephemeral() as instance:
        result = run_load(env, instance)
        assert not result.success
        message = result.failure_data_for_node(NODE).error.message
        assert URL in message and "GOOGLE_APPLICATION_CREDENTIALS" in message
        with pytest.raises(ExportReadError, match="GOOGLE_APPLICATION_CREDENTIALS"):
            tick(env, instance)


def test_the_simulator_says_what_is_missing(capsys):
    args = ["simulate", "--days", "1", "--events-per-day", "50", "--format", "parquet"]
    assert main([*args, "--to", "gs://fullstory-exports/dest"]) == 2
    error = capsys.readouterr().err
    assert "gs://fullstory-exports/dest/fullstory_" in error
    assert "GOOGLE_APPLICATION_CREDENTIALS" in error
