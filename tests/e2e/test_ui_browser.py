"""The Dagster UI in Debian's headless Chromium: one partition materialized with clicks.

Screenshots land in ``test-artifacts/e2e/`` (gitignored): the asset graph, the `events` asset's
partitions, its overview (freshness policy, sensor and schedule) and the Automation page.
"""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.e2e_support import (
    SCHEDULE,
    SENSOR,
    DagsterDev,
    query_warehouse,
    simulate,
    utc_now,
    wait_for,
)

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# As on every machine here: no sandbox as root, no GPU, and no background connections (the
# network is closed; without these flags Chromium keeps retrying Google's hosts).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DAYS = 3
RUN_TIMEOUT_S = 300
UI_TIMEOUT_MS = 60_000


def _browser_or_skip():
    """Playwright's sync API, or a skip outside CI when Chromium or Playwright is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[dev]')")
        sync_playwright = None
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " — .ci/run installs both, so CI must run this test")
        pytest.skip(message)
    return sync_playwright


@pytest.fixture(scope="module")
def ui_env(start_dagster_dev, tmp_path_factory):
    """A `dagster dev` over three simulated past days; the sensor (running) builds them."""
    workdir = tmp_path_factory.mktemp("ui")
    now = utc_now()
    today = now.date()
    warehouse = workdir / "warehouse.duckdb"
    first = today - timedelta(days=DAYS)
    hour = now.replace(minute=0, second=0, microsecond=0)
    print(simulate(warehouse, first, DAYS, 2000, 3, hour))
    dev = start_dagster_dev(
        "ui",
        {
            "FULLSTORY_DUCKDB_PATH": str(warehouse),
            "FULLSTORY_START_DATE": (today - timedelta(days=6)).isoformat(),
            # No tick while the test runs: the schedule stays RUNNING but fires in ~30 min.
            "FULLSTORY_SCHEDULE_MINUTE": str((now.minute + 30) % 60),
        },
        workdir,
    )
    days = [first + timedelta(days=i) for i in range(DAYS)]
    return dev, days


def _wait_sensor_runs(dev: DagsterDev) -> None:
    """The sensor's first tick requests the simulated days; wait for its runs to succeed."""

    def done():
        runs = dev.runs({"dagster/sensor_name": SENSOR})
        return runs and all(r.status in ("SUCCESS", "FAILURE", "CANCELED") for r in runs)

    wait_for("the sensor's catch-up runs", done, RUN_TIMEOUT_S, explain=dev.describe_runs)
    runs = dev.runs({"dagster/sensor_name": SENSOR})
    assert all(r.status == "SUCCESS" for r in runs), dev.describe_runs(runs)


def _dismiss_first_run_dialog(page) -> None:
    """A fresh instance greets the first visitor with a dialog: wait for it, then skip it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialog = page.get_by_text("Join the Dagster community")
    try:
        dialog.wait_for(state="visible", timeout=20_000)
    except PlaywrightTimeout:
        return  # already dismissed on this instance
    page.get_by_role("button", name="Skip").click()
    dialog.wait_for(state="hidden")


def test_materialize_one_partition_from_the_ui(ui_env, artifacts: Path):
    sync_playwright = _browser_or_skip()
    from playwright.sync_api import expect

    dev, days = ui_env
    target = days[-1].isoformat()  # yesterday: the sensor built it, the UI rebuilds it
    for old in artifacts.glob("ui-*.png"):
        old.unlink()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(UI_TIMEOUT_MS)
        expect.set_options(timeout=UI_TIMEOUT_MS)
        # The one-time "Join the Dagster community" dialog of a fresh instance: skip it whenever
        # it covers the page.
        page.add_locator_handler(
            page.get_by_text("Join the Dagster community"),
            lambda _: page.get_by_role("button", name="Skip").click(),
        )

        def shot(name: str) -> None:
            expect(page.get_by_text("Join the Dagster community")).to_be_hidden()
            page.screenshot(path=artifacts / f"ui-{name}.png")

        try:
            # The asset graph, every group expanded.
            page.goto(f"{dev.url}/asset-groups")
            _dismiss_first_run_dialog(page)
            expect(page.get_by_role("button", name="Materialize all")).to_be_visible()
            page.mouse.click(1100, 900, button="right")
            page.get_by_role("menuitem", name="Expand all groups").click()
            for name in ("events", "int_fullstory__sessions", "users"):
                expect(page.get_by_text(name, exact=True).first).to_be_visible()
            shot("asset-graph")

            _wait_sensor_runs(dev)

            # The events asset, through the catalog, then its partitions.
            page.get_by_role("link", name="Catalog").click()
            page.get_by_role("link", name="events", exact=True).click()
            page.get_by_role("tab", name="Partitions").click()
            expect(page.get_by_text(f"Materialized ({DAYS})")).to_be_visible()

            # Materialize one partition: Materialize… → type the partition → Launch 1 run.
            page.get_by_role("button", name="Materialize…").click()
            dialog = page.get_by_role("dialog")
            expect(dialog.get_by_text("Launch runs to materialize events")).to_be_visible()
            partitions = dialog.get_by_role("textbox").first
            partitions.fill(target)
            partitions.press("Enter")
            expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
            dialog.get_by_role("button", name="Launch 1 run").click()
            toast = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
            expect(toast).to_be_visible()
            prefix = re.search(r"[0-9a-f]{8}", toast.inner_text()).group(0)

            run = next(
                r for r in dev.runs({"dagster/from_ui": "true"}) if r.run_id.startswith(prefix)
            )
            run = dev.wait_run_finished(run.run_id, RUN_TIMEOUT_S)
            assert run.tags.get("dagster/partition") == target, run.tags
            assert run.assets == {"events"}, run.assets
            (event,) = [
                m for m in dev.materializations("events", [target]) if m["runId"] == run.run_id
            ]
            ((rows,),) = query_warehouse(
                dev.warehouse,
                "select count(*) from fullstory.events where event_time::date = ?",
                [days[-1]],
            )
            assert event["metadata"]["dagster/row_count"] == rows > 0

            # The partition's page shows the new materialization and its run.
            page.reload()
            page.get_by_text(target, exact=True).first.click()
            expect(page.get_by_role("link", name=prefix)).to_be_visible()
            shot("events-partitions")

            # Overview: the freshness policy passes; the sensor and the schedule are attached.
            page.get_by_role("tab", name="Overview").click()
            expect(page.get_by_text("Freshness policy").first).to_be_visible()
            expect(page.get_by_text("Passing").first).to_be_visible()
            expect(page.get_by_role("link", name=SENSOR)).to_be_visible()
            shot("events-overview")

            # Automation: the schedule and the sensor, both running.
            page.get_by_role("link", name="Automation").click()
            for name in (SCHEDULE, SENSOR):
                row = page.get_by_role("row").filter(has_text=name)
                expect(row.get_by_role("switch")).to_be_checked()
            shot("automation")
        except Exception:
            page.screenshot(path=artifacts / "ui-failure.png")
            shutil.copy(dev.log_path, artifacts / "ui-failure-dagster-dev.log")
            raise
        finally:
            browser.close()
