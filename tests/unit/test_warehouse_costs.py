import json

from fullstory_assets.dbt.warehouse_costs import warehouse_costs


def test_models_costs_as_their_adapter_reported_them(tmp_path):
    results = tmp_path / "run_results.json"
    results.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "unique_id": "model.fullstory_assets.events",
                        "adapter_response": {
                            "_message": "MERGE (3.0k rows, 1.2 MiB processed)",
                            "bytes_processed": 1258291,
                            "bytes_billed": 10485760,
                            "slot_ms": 312,
                            "rows_affected": 3000,
                            "job_id": "abc",
                        },
                    },
                    {"unique_id": "model.fullstory_assets.sessions", "adapter_response": {}},
                    {
                        "unique_id": "seed.fullstory_assets.fullstory_event_types",
                        "adapter_response": {"rows_affected": 25},
                    },
                    {"unique_id": "test.fullstory_assets.unique_x", "adapter_response": None},
                ]
            }
        )
    )
    assert warehouse_costs(results) == {
        "events": {
            "warehouse_bytes_processed": 1258291,
            "warehouse_bytes_billed": 10485760,
            "warehouse_slot_ms": 312,
            "warehouse_rows_affected": 3000,
        }
    }


def test_no_run_results_no_costs(tmp_path):
    assert warehouse_costs(tmp_path / "missing.json") == {}
    (tmp_path / "broken.json").write_text("{")
    assert warehouse_costs(tmp_path / "broken.json") == {}


def test_a_count_the_adapter_could_not_make_is_left_out(tmp_path):
    results = tmp_path / "run_results.json"
    response = {"_message": "CREATE VIEW", "rows_affected": -1}
    results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.fullstory_assets.users", "adapter_response": response}
                ]
            }
        )
    )
    assert warehouse_costs(results) == {}
