"""What each model's statement cost the warehouse, as dbt's adapter reported it.

BigQuery bills the bytes a query scans: its adapter reports ``bytes_processed`` and
``bytes_billed`` per model, the other adapters ``rows_affected``. They become metadata of the
model's materialization, so a run's cost is visible per model in the UI.
"""

import json
from pathlib import Path

# The adapter_response fields worth showing, and their metadata names.
COST_FIELDS = {
    "bytes_processed": "warehouse_bytes_processed",
    "bytes_billed": "warehouse_bytes_billed",
    "slot_ms": "warehouse_slot_ms",
    "rows_affected": "warehouse_rows_affected",
}


def warehouse_costs(run_results: Path) -> dict[str, dict[str, int]]:
    """Per model name, the cost fields its adapter reported (missing file or fields: none)."""
    try:
        results = json.loads(run_results.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return {}
    costs = {}
    for result in results:
        response = result.get("adapter_response") or {}
        fields = {
            name: int(response[field])
            for field, name in COST_FIELDS.items()
            # PostgreSQL reports -1 rows for a statement that counts none (a view's DDL).
            if isinstance(response.get(field), int | float) and response[field] >= 0
        }
        if fields and result.get("unique_id", "").startswith("model."):
            costs[result["unique_id"].split(".")[-1]] = fields
    return costs
