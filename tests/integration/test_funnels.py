"""Funnels on a hand-built raw table: steps in order, out of order, dropped, tied and late.

The default seed's `checkout` funnel: product page (/p/%) → /cart → /checkout →
/checkout/confirmation; `purchase_events`: custom events Product Viewed → Product Added →
Checkout Started → Order Completed. Sessions (device:session) on day D = 2024-03-01:

- 1:1 does it all in order: product +60 s, cart +200, checkout +260, confirmation +300, so
  140, 60 and 40 s between steps; Product Viewed +61, Product Added +190 (129 s).
- 2:1 is out of order: cart first, product +30, checkout +90. Step 1 is the product page; the
  cart before it does not count and the checkout cannot come before a cart: step 1 only.
- 3:1 drops off: product, a second product +10 (step 1 stays the first), cart +50 (50 s), home.
- 4:1 starts at 23:50 with a product page, cart at 23:55 (300 s); its checkout at 00:05 the next
  day arrives in a later sync (late): it reaches step 3 (600 s) on D, the session's start day.
- 6:1 ties: a product page and the cart at the same instant; ordered by event_id, the cart
  (6_b) comes after the product (6_a): step 2 in 0 s.
And on D+1, 5:1 opens with the cart at 10:00 and a product at 10:05 (step 1 only); a later
sync brings a product page at 09:58, before it: now the session starts at 09:58, steps 1 (09:58)
and 2 (the cart, 120 s).
"""

import json
import shutil
from datetime import datetime, timedelta

import pytest
from dbt.cli.main import dbtRunner

from fullstory_assets.settings import DBT_PROJECT_DIR
from fullstory_assets.warehouses.environ import patched_environ
from tests.integration.test_peer_bugs_fixed import merge, query
from tests.support import assert_same_models, model_snapshot, run_dbt

D = datetime(2024, 3, 1)


def row(event_id, at, device, event_type="navigate", path=None, name=None):
    """A web event of session device:1, synced 10 minutes after it happened."""
    url = {"path": path, "full_url": f"https://www.shopfast.example{path}"} if path else None
    synced = at + timedelta(minutes=10)
    return {
        "event_id": event_id,
        "event_time": at,
        "processed_time": synced,
        "updated_time": synced,
        "device_id": device,
        "session_id": 1,
        "view_id": 1,
        "event_type": event_type,
        "event_properties": json.dumps({"event_name": name} if name else {}),
        "source_type": "web",
        "source_properties": json.dumps({"url": url} if url else {}),
    }


def custom(event_id, at, device, name):
    return row(event_id, at, device, "custom", name=name)


T1, T2, T3, T6 = (D + timedelta(hours=h) for h in (10, 11, 12, 14))
LATE_DAY = D + timedelta(days=1)
FIRST_SYNC = [
    row("1_home", T1, 1, path="/"),
    row("1_product", T1 + timedelta(seconds=60), 1, path="/p/trail-runner-2"),
    custom("1_viewed", T1 + timedelta(seconds=61), 1, "Product Viewed"),
    custom("1_added", T1 + timedelta(seconds=190), 1, "Product Added"),
    row("1_cart", T1 + timedelta(seconds=200), 1, path="/cart"),
    row("1_checkout", T1 + timedelta(seconds=260), 1, path="/checkout"),
    row("1_confirmation", T1 + timedelta(seconds=300), 1, path="/checkout/confirmation"),
    row("2_cart", T2, 2, path="/cart"),
    row("2_product", T2 + timedelta(seconds=30), 2, path="/p/rain-shell"),
    row("2_checkout", T2 + timedelta(seconds=90), 2, path="/checkout"),
    row("3_product", T3, 3, path="/p/rain-shell"),
    row("3_product_again", T3 + timedelta(seconds=10), 3, path="/p/trail-runner-2"),
    row("3_cart", T3 + timedelta(seconds=50), 3, path="/cart"),
    row("3_home", T3 + timedelta(seconds=100), 3, path="/"),
    row("4_product", D + timedelta(hours=23, minutes=50), 4, path="/p/rain-shell"),
    row("4_cart", D + timedelta(hours=23, minutes=55), 4, path="/cart"),
    row("6_b", T6, 6, path="/cart"),
    row("6_a", T6, 6, path="/p/trail-runner-2"),
    row("5_cart", LATE_DAY + timedelta(hours=10), 5, path="/cart"),
    row("5_product", LATE_DAY + timedelta(hours=10, minutes=5), 5, path="/p/rain-shell"),
]
LATE_SYNC = [
    row("4_checkout", LATE_DAY + timedelta(minutes=5), 4, path="/checkout"),
    row("5_product_early", LATE_DAY + timedelta(hours=9, minutes=58), 5, path="/p/trail-runner-2"),
]
# The late rows reach the warehouse hours after their events, as a late sync does.
for late in LATE_SYNC:
    late["updated_time"] = late["processed_time"] = LATE_DAY + timedelta(hours=12)

# (day, funnel, step): (entered, converted, conversion_rate, median seconds to the next step)
EXPECTED = {
    # D: 1, 2, 3, 4 and 6 enter; 1, 3, 4, 6 reach the cart in 140, 50, 300 and 0 s: the median
    # of 0, 50, 140, 300 is (50 + 140) / 2. 1 and 4 go on to checkout (60 and 600 s), 1 only
    # to the confirmation (40 s). The last step converts to nothing: NULL.
    ("2024-03-01", "checkout", 1): (5, 4, 0.8, 95.0),
    ("2024-03-01", "checkout", 2): (4, 2, 0.5, 330.0),
    ("2024-03-01", "checkout", 3): (2, 1, 0.5, 40.0),
    ("2024-03-01", "checkout", 4): (1, None, None, None),
    # Only 1 sends custom events: viewed, then added 129 s later, then nothing.
    ("2024-03-01", "purchase_events", 1): (1, 1, 1.0, 129.0),
    ("2024-03-01", "purchase_events", 2): (1, 0, 0.0, None),
    ("2024-03-01", "purchase_events", 3): (0, 0, None, None),
    ("2024-03-01", "purchase_events", 4): (0, None, None, None),
    # D+1: only 5, product at 09:58 then the cart at 10:00.
    ("2024-03-02", "checkout", 1): (1, 1, 1.0, 120.0),
    ("2024-03-02", "checkout", 2): (1, 0, 0.0, None),
    ("2024-03-02", "checkout", 3): (0, 0, None, None),
    ("2024-03-02", "checkout", 4): (0, None, None, None),
}


def window(day: str) -> dict[str, str]:
    """The environment of a partition run of ``day`` (what Dagster hands dbt)."""
    end = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
    return {
        "FULLSTORY_PARTITION_START": f"{day} 00:00:00",
        "FULLSTORY_PARTITION_END": f"{end} 00:00:00",
    }


def steps(db_path, funnel="checkout") -> dict[str, list]:
    """Per session, its reached steps as (step, reached event, seconds from the previous)."""
    found: dict[str, list] = {}
    for session, *step in query(
        db_path,
        "select full_session_id, step_number, reached_event_id, seconds_from_previous_step "
        f"from fullstory.int_fullstory__session_funnels where funnel_name = '{funnel}' "
        "order by all",
    ):
        found.setdefault(session, []).append(tuple(step))
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Models built after the first sync; the late sync merged, then partition runs of D+1, D."""
    directory = tmp_path_factory.mktemp("funnels")
    db_path = directory / "warehouse.duckdb"
    paths = ["--target-path", str(directory / "target"), "--log-path", str(directory / "logs")]
    merge(db_path, [FIRST_SYNC])
    run_dbt(["build", *paths], db_path)
    before = steps(db_path)
    merge(db_path, [LATE_SYNC])
    for day in ("2024-03-02", "2024-03-01"):  # out of order on purpose
        run_dbt(["build", *paths], db_path, env=window(day))
    return db_path, before


def test_steps_count_only_in_order(warehouse):
    db_path, before = warehouse
    assert before["4:1"] == [(1, "4_product", None), (2, "4_cart", 300)]
    assert before["5:1"] == [(1, "5_product", None)]
    after = steps(db_path)
    assert after["1:1"] == [
        (1, "1_product", None),
        (2, "1_cart", 140),
        (3, "1_checkout", 60),
        (4, "1_confirmation", 40),
    ]
    assert after["2:1"] == [(1, "2_product", None)]
    assert after["3:1"] == [(1, "3_product", None), (2, "3_cart", 50)]
    assert after["4:1"] == [(1, "4_product", None), (2, "4_cart", 300), (3, "4_checkout", 600)]
    assert after["5:1"] == [(1, "5_product_early", None), (2, "5_cart", 120)]
    assert after["6:1"] == [(1, "6_a", None), (2, "6_b", 0)]
    assert steps(db_path, "purchase_events") == {
        "1:1": [(1, "1_viewed", None), (2, "1_added", 129)]
    }
    # Session 4 stays on its start day although its checkout is after midnight.
    ((start,),) = query(
        db_path,
        "select distinct session_start_time from fullstory.int_fullstory__session_funnels "
        "where full_session_id = '4:1'",
    )
    assert start == D + timedelta(hours=23, minutes=50)


def test_funnels_per_day(warehouse):
    db_path, _ = warehouse
    rows = query(
        db_path,
        "select cast(day as varchar), funnel_name, step_number, sessions_entered, "
        "sessions_converted, conversion_rate, median_seconds_to_next from fullstory.funnels",
    )
    assert {tuple(r[:3]): tuple(r[3:]) for r in rows} == EXPECTED
    assert len(rows) == len(EXPECTED)


def test_partition_runs_equal_a_full_rebuild(warehouse, tmp_path):
    db_path, _ = warehouse
    # The same raw table from the same syncs (this process's dbt holds the warehouse file open).
    rebuilt = tmp_path / "rebuild.duckdb"
    merge(rebuilt, [FIRST_SYNC, LATE_SYNC])
    run_dbt(["build", "--full-refresh"], rebuilt)
    assert_same_models(model_snapshot(db_path), model_snapshot(rebuilt))


def test_a_bad_seed_fails_its_tests(tmp_path):
    """A property outside the allow-list, a step both page and event, a gap in the numbering."""
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    with (project / "seeds" / "fullstory_funnel_steps.csv").open("a") as seed:
        seed.write("bad,1,first,,custom,event_name,Product Viewed\nbad,3,third,/p/%,click,,\n")
    with patched_environ({"FULLSTORY_DUCKDB_PATH": str(tmp_path / "bad.duckdb")}):
        result = dbtRunner().invoke(
            ["build", "--select", "fullstory_funnel_steps", "--quiet"]
            + ["--project-dir", str(project), "--profiles-dir", str(project)]
        )
    failed = {r.node.name: r.failures for r in result.result if r.status == "fail"}
    assert failed == {
        "funnel_step_matchers_valid_fullstory_funnel_steps": 2,
        "funnel_steps_numbered_fullstory_funnel_steps": 1,
    }
