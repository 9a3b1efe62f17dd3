"""A change to what Dagster shows (asset keys, checks, jobs, schedules, sensors) is deliberate."""

from fullstory_assets.definitions import defs
from fullstory_assets.partitions import event_day_partitions

ASSETS = {
    "fullstory_raw/events",
    "stg_fullstory__events",
    "events",
    "int_fullstory__sessions",
    "int_fullstory__session_funnels",
    "sessions",
    "funnels",
    "devices",
    "identifies",
    "identified_users",
    "anonymous_users",
    "users",
    "int_fullstory__identifies",
    "device_identities",
    "page_views",
    "session_paths",
    "fullstory_event_types",
    "fullstory_source_types",
    "fullstory_defined_events",
    "fullstory_defined_pages",
    "fullstory_defined_elements",
    "fullstory_funnel_steps",
}
BAD_INPUT_CHECKS = {
    "events:malformed_json",
    "events:missing_device_id",
    "events:unknown_event_types",
    "events:clock_ahead_set_aside",
    "events:events_outside_partitions",
}


def test_asset_keys():
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == ASSETS


def test_every_model_is_partitioned_by_event_day():
    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.partitions_def == event_day_partitions, key
        assert (
            node.backfill_policy is not None and node.backfill_policy.max_partitions_per_run is None
        )


def test_checks_include_dbt_tests_and_bad_input():
    graph = defs.resolve_asset_graph()
    checks = {f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys}
    assert checks >= BAD_INPUT_CHECKS
    assert "events:unique_events_event_id" in checks
    assert "sessions:unique_sessions_full_session_id" in checks


def test_jobs_schedules_sensors():
    assert {job.name for job in defs.jobs} == {"fullstory_models", "fullstory_view_checks"}
    assert {s.name for s in defs.schedules} == {
        "hourly_models_schedule",
        "daily_view_checks_schedule",
    }
    assert {s.name for s in defs.sensors} == {
        "late_data_sensor",
        "todays_partition_freshness_sensor",
    }


def test_the_models_job_leaves_todays_freshness_to_its_sensor():
    job = defs.resolve_job_def("fullstory_models")
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert "todays_partition_fresh" not in checks
    assert {"unique_events_event_id", "malformed_json"} <= checks


def test_the_views_tests_run_daily_not_in_the_partition_runs():
    graph = defs.resolve_asset_graph()
    views = {"identifies", "identified_users", "devices", "sessions", "anonymous_users", "users"}
    on_views = {
        key for key in graph.asset_check_keys if key.asset_key.to_user_string() in views
    } - {key for key in graph.asset_check_keys if key.name == "todays_partition_fresh"}
    models = defs.resolve_job_def("fullstory_models").asset_layer.asset_graph
    assert not on_views & models.asset_check_keys
    daily = defs.resolve_job_def("fullstory_view_checks")
    assert daily.partitions_def is None
    assert daily.asset_layer.asset_graph.asset_check_keys >= on_views
    assert "unique_sessions_full_session_id" in {key.name for key in on_views}
