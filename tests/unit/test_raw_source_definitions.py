"""parquet_export mode adds the export's load job and sensor; warehouse mode adds nothing."""

from dagster import Definitions

from fullstory_assets.automation.raw_source import raw_source_definitions
from fullstory_assets.definitions import defs
from fullstory_assets.settings import load_settings

PARQUET = {"FULLSTORY_RAW_SOURCE": "parquet_export", "FULLSTORY_EXPORT_URL": "s3://b-1/p"}


def test_warehouse_mode_adds_nothing():
    added = raw_source_definitions(load_settings({}))
    assert not added.jobs and not added.sensors and not added.resources


def test_parquet_export_mode_adds_the_load_job_and_its_sensor_next_to_the_models():
    merged = Definitions.merge(defs, raw_source_definitions(load_settings(PARQUET)))
    assert {job.name for job in merged.jobs} >= {"fullstory_models", "parquet_export_load"}
    assert {s.name for s in merged.sensors} >= {"late_data_sensor", "parquet_export_sensor"}
    load = merged.resolve_job_def("parquet_export_load")
    assert load.executor_def.name == "in_process"
    # The load takes the warehouse pool like every model run: DuckDB has one writer.
    assert {node.definition.pool for node in load.graph.node_dict.values()} == {
        "fullstory_warehouse"
    }
    models = merged.resolve_job_def("fullstory_models").asset_layer.asset_graph
    assert (
        models.get_all_asset_keys()
        == defs.resolve_job_def("fullstory_models").asset_layer.asset_graph.get_all_asset_keys()
    )
    assert merged.resolve_sensor_def("parquet_export_sensor").job_name == "parquet_export_load"
