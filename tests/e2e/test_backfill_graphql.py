"""A partition backfill of every model over three days, launched through the GraphQL API.

Every model carries a single-run backfill policy: the backfill must become ONE run over the
range, and the warehouse must hold those days, and only those.
"""

from datetime import timedelta

import pytest

from tests.e2e.dagster_dev import DagsterDev
from tests.e2e.e2e_support import (
    query_warehouse,
    simulate,
    utc_now,
    wait_for,
)

pytestmark = pytest.mark.e2e

SEED = 5
DAYS = 3
BACKFILL_TIMEOUT_S = 300
TERMINAL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}

LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId launchedRunIds }
    ... on Error { message }
    ... on PythonError { stack }
  }
}"""

BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill {
      status isAssetBackfill numPartitions partitionNames
      assetSelection { path }
      error { message stack }
    }
    ... on Error { message }
  }
}"""


@pytest.fixture(scope="module")
def backfill_env(start_dagster_dev, tmp_path_factory):
    """A `dagster dev` whose schedule and sensor are stopped, over three simulated past days."""
    workdir = tmp_path_factory.mktemp("backfill")
    now = utc_now()
    today = now.date()
    warehouse = workdir / "warehouse.duckdb"
    dev = start_dagster_dev(
        "backfill",
        {
            "FULLSTORY_DUCKDB_PATH": str(warehouse),
            "FULLSTORY_START_DATE": (today - timedelta(days=7)).isoformat(),
            # Far from now, and stopped below anyway: this test must be the only source of runs.
            "FULLSTORY_SCHEDULE_MINUTE": str((now.minute + 30) % 60),
        },
        workdir,
    )
    # The warehouse file does not exist yet, so the sensor has had nothing to request.
    dev.stop_automation()
    first = today - timedelta(days=5)
    hour = now.replace(minute=0, second=0, microsecond=0)
    print(simulate(warehouse, first, DAYS, 2000, SEED, hour))
    days = [first + timedelta(days=i) for i in range(DAYS)]
    return dev, days


def _materializable_keys(dev: DagsterDev) -> list[list[str]]:
    data = dev.graphql("{ assetNodes { assetKey { path } isMaterializable isPartitioned } }")
    nodes = [n for n in data["assetNodes"] if n["isMaterializable"]]
    assert all(n["isPartitioned"] for n in nodes), nodes
    return [n["assetKey"]["path"] for n in nodes]


def test_backfill_over_three_days_is_one_successful_run(backfill_env):
    dev, days = backfill_env
    keys = _materializable_keys(dev)
    assert ["events"] in keys and ["int_fullstory__sessions"] in keys and len(keys) >= 10
    names = [d.isoformat() for d in days]

    launched = dev.graphql(
        LAUNCH,
        {
            "params": {
                "assetSelection": [{"path": k} for k in keys],
                "partitionNames": names,
                "title": "e2e backfill",
            }
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]

    def finished():
        backfill = dev.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        return backfill if backfill.get("status") in TERMINAL else None

    backfill = wait_for(
        f"backfill {backfill_id} to complete",
        finished,
        BACKFILL_TIMEOUT_S,
        explain=lambda: str(dev.graphql(BACKFILL, {"id": backfill_id})) + dev.describe_runs(),
    )
    runs = dev.runs({"dagster/backfill": backfill_id})
    assert backfill["status"] in ("COMPLETED_SUCCESS", "COMPLETED"), str(
        backfill
    ) + dev.describe_runs(runs)
    assert backfill["isAssetBackfill"]
    assert sorted(backfill["partitionNames"]) == names

    # Single-run backfill policy: one run over the whole range, every asset in it.
    assert len(runs) == 1, dev.describe_runs(runs)
    (run,) = runs
    assert run.status == "SUCCESS", dev.run_errors(run.run_id)
    assert run.days == set(days), run.describe()
    assert run.assets == {"/".join(k) for k in keys}
    assert not [r for r in dev.runs() if r.run_id != run.run_id], dev.describe_runs()
    # The run worker forked dbt (fullstory_assets/dbt/forked.py) rather than starting it anew.
    messages = dev.run_messages(run.run_id)
    assert any(m.startswith("Running dbt command") for m in messages), messages
    assert not [m for m in messages if m.startswith("dbt starts as a new process")], messages

    for key in keys:
        events = dev.materializations("/".join(key), names)
        assert {e["partition"] for e in events if e["runId"] == run.run_id} == set(names), key

    stats = dev.graphql("{ assetNodes { assetKey { path } partitionStats { numMaterialized } } }")
    for node in stats["assetNodes"]:
        if node["assetKey"]["path"] in keys:
            assert node["partitionStats"]["numMaterialized"] == DAYS, node

    # The run has finished and nothing else runs: reading the warehouse blocks no writer.
    per_day = dict(
        query_warehouse(
            dev.warehouse,
            "select event_time::date, count(*) from fullstory.events group by 1",
        )
    )
    assert set(per_day) == set(days), per_day  # those days, and only those
    assert all(count > 0 for count in per_day.values())
    sessions = dict(
        query_warehouse(
            dev.warehouse,
            "select start_time::date, count(*) from fullstory.int_fullstory__sessions group by 1",
        )
    )
    assert set(sessions) == set(days), sessions
    for mart in ("sessions", "devices", "users", "identifies"):
        ((count,),) = query_warehouse(dev.warehouse, f"select count(*) from fullstory.{mart}")
        assert count > 0, mart
