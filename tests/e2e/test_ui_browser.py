"""The Dagster UI in Debian's headless Chromium: one partition materialized with clicks.

From the asset graph, "Materialize all…" for one event day; then the sensor is switched on from
the Automation page. Screenshots land in ``test-artifacts/e2e/`` (gitignored): the asset graph,
the `events` asset's partitions, its overview (freshness policy, sensor, schedule) and the
Automation page.
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
VIEWPORT = {"width": 1600, "height": 1000}
GRAPH_VIEWPORT = {"width": 2800, "height": 2600}
FIRST_RUN_DIALOG = "Join the Dagster community"


def _require_chromium() -> None:
    """Skip without Debian's Chromium, except in CI, whose .ci/run installs it."""
    if CHROMIUM.exists():
        return
    message = f"the browser test needs {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs it, so CI must run this test")
    pytest.skip(message)


@pytest.fixture(scope="module")
def ui_env(start_dagster_dev, tmp_path_factory):
    """A `dagster dev` over three simulated past days, its sensor stopped before they landed."""
    _require_chromium()
    workdir = tmp_path_factory.mktemp("ui")
    now = utc_now()
    today = now.date()
    warehouse = workdir / "warehouse.duckdb"
    dev = start_dagster_dev(
        "ui",
        {
            "FULLSTORY_DUCKDB_PATH": str(warehouse),
            "FULLSTORY_START_DATE": (today - timedelta(days=6)).isoformat(),
            # No tick while the test runs: the schedule stays on but fires in ~30 min.
            "FULLSTORY_SCHEDULE_MINUTE": str((now.minute + 30) % 60),
        },
        workdir,
    )
    # The warehouse file does not exist yet, so the sensor has had nothing to request; stopped,
    # it leaves the run launched from the UI alone in the warehouse pool. The test switches it
    # back on from the Automation page.
    dev.stop_sensor()
    first = today - timedelta(days=DAYS)
    print(simulate(warehouse, first, DAYS, 2000, 3, now.replace(minute=0, second=0, microsecond=0)))
    days = [first + timedelta(days=i) for i in range(DAYS)]
    return dev, days


def _nav(page, path: str):
    """A link of the left navigation (their names carry icon names: "catalog_book Catalog")."""
    return page.get_by_role("navigation").locator(f'a[href="{path}"]')


def _dismiss_first_run_dialog(page) -> None:
    """A fresh instance greets the first visitor with a dialog: wait for it to be skipped.

    The page's locator handler does the clicking: it runs before any action or assertion while
    the dialog shows. Clicking "Skip" here as well would race it: the handler skips the dialog
    first, and this click then waits for a button that is gone.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    dialog = page.get_by_text(FIRST_RUN_DIALOG)
    try:
        dialog.wait_for(state="visible", timeout=20_000)
    except PlaywrightTimeout:
        return  # already dismissed on this instance
    expect(dialog).to_be_hidden()  # an assertion: the handler runs first


def _expand_graph(page) -> None:
    """Expand every asset group of the lineage graph (a setting the browser keeps).

    The graph's context menu opens only once the graph has rendered: a right-click on a page
    still loading opens nothing, so it is repeated until the menu shows.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    expand = page.get_by_role("menuitem", name="Expand all groups")
    for _ in range(UI_TIMEOUT_MS // 5_000):
        page.mouse.click(
            GRAPH_VIEWPORT["width"] - 300, GRAPH_VIEWPORT["height"] - 100, button="right"
        )
        try:
            expand.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    expand.click()
    _fit_graph(page)


def _fit_graph(page) -> None:
    """Lay the graph out afresh (the UI zooms it to fit) and wait for every node's status.

    Not zoomed out further: below a zoom level the nodes show only their names, no status.
    """
    from playwright.sync_api import expect

    page.reload()
    # Names short enough to show whole: at the zoom that fits the whole graph, longer ones are
    # shortened in the middle (stg_fulls…_events).
    for name in ("events", "sessions", "page_views", "users"):
        expect(page.get_by_text(name, exact=True).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Loading"))).to_have_count(0)


def test_materialize_one_partition_from_the_ui(ui_env, artifacts: Path):
    # A dev dependency (pyproject.toml); it drives /usr/bin/chromium, it downloads no browser.
    from playwright.sync_api import expect, sync_playwright

    dev, days = ui_env
    day = days[-1]  # yesterday
    target = day.isoformat()
    for old in artifacts.glob("ui-*.png"):
        old.unlink()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport=GRAPH_VIEWPORT)
        page.set_default_timeout(UI_TIMEOUT_MS)
        expect.set_options(timeout=UI_TIMEOUT_MS)
        # The one-time "Join the Dagster community" dialog of a fresh instance: skip it whenever
        # it covers the page.
        page.add_locator_handler(
            page.get_by_text(FIRST_RUN_DIALOG),
            lambda _: page.get_by_role("button", name="Skip").click(),
        )

        def shot(name: str) -> None:
            expect(page.get_by_text(FIRST_RUN_DIALOG)).to_be_hidden()
            page.screenshot(path=artifacts / f"ui-{name}.png")

        try:
            # The asset graph: Materialize all… → type one partition → Launch 1 run.
            page.goto(dev.url)
            _dismiss_first_run_dialog(page)
            _nav(page, "/asset-groups").click()  # "Lineage"
            _expand_graph(page)
            page.get_by_role("button", name="Materialize all").click()
            dialog = page.get_by_role("dialog")
            expect(
                dialog.get_by_text(re.compile(r"Launch runs to materialize \d+ assets"))
            ).to_be_visible()
            partitions = dialog.get_by_role("textbox").first
            partitions.fill(target)
            partitions.press("Enter")
            expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
            dialog.get_by_role("button", name="Launch 1 run").click()
            toast = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
            expect(toast).to_be_visible()
            prefix = re.search(r"[0-9a-f]{8}", toast.inner_text()).group(0)

            # The run: from the UI, that partition, every model; it succeeds.
            launched = [r for r in dev.runs({"dagster/from_ui": "true"}) if r.run_id[:8] == prefix]
            assert len(launched) == 1, dev.describe_runs()
            run = dev.wait_run_finished(launched[0].run_id, RUN_TIMEOUT_S)
            assert run.tags.get("dagster/partition") == target, run.tags
            assert {"events", "int_fullstory__sessions", "users"} <= run.assets, run.assets
            assert [r.run_id for r in dev.runs()] == [run.run_id], dev.describe_runs()
            for asset in ("events", "int_fullstory__sessions", "sessions", "users"):
                events = dev.materializations(asset, [target])
                assert [m["runId"] for m in events] == [run.run_id], asset
            # The only run has finished and the sensor is off: reading blocks no writer.
            ((rows,),) = query_warehouse(
                dev.warehouse,
                "select count(*) from fullstory.events where event_time::date = ?",
                [day],
            )
            (event,) = dev.materializations("events", [target])
            assert event["metadata"]["dagster/row_count"] == rows > 0
            _fit_graph(page)
            expect(page.get_by_text(re.compile(r"^\d+% filled")).first).to_be_visible()
            shot("asset-graph")

            # The events asset: its partitions, the one just built selected.
            page.set_viewport_size(VIEWPORT)
            _nav(page, "/assets").click()  # "Catalog"
            page.locator('a[href="/assets/events"]').first.click()
            page.get_by_role("tab", name="Partitions").click()
            expect(page.get_by_text("Materialized (1)")).to_be_visible()
            page.get_by_text(target, exact=True).first.click()
            expect(page.get_by_role("link", name=prefix)).to_be_visible()
            shot("events-partitions")

            # Overview: the freshness policy, as the freshness daemon last evaluated it (not
            # asserted: today's partition holds no data here), the sensor and the schedule.
            wait_for(
                "the freshness daemon to evaluate events",
                lambda: dev.freshness("events") in ("HEALTHY", "WARNING", "DEGRADED"),
                120,
                explain=lambda: f"events freshness: {dev.freshness('events')}",
            )
            page.get_by_role("tab", name="Overview").click()
            expect(page.get_by_text("Freshness policy").first).to_be_visible()
            expect(page.get_by_role("link", name=SENSOR)).to_be_visible()
            expect(page.get_by_text("past the hour").first).to_be_visible()  # the schedule
            shot("events-overview")

            # Automation: the schedule is on, the sensor off; switch the sensor on.
            _nav(page, "/automation").click()
            for name in (SCHEDULE, SENSOR):
                expect(page.get_by_role("link", name=name)).to_be_visible()

            # Each automation is a list item: a selection checkbox, its link, and an on/off
            # switch (a checkbox drawn as a switch; its input is covered by an SVG, so click its
            # label as a person would).
            def switch(name: str):
                # The link's name also holds its icon's and its description's text.
                link = page.get_by_role("link", name=name)
                item = page.locator('[class*="ListItem_listItem"]', has=link)
                return item.locator('label[class*="formatSwitch"]')

            expect(switch(SCHEDULE).locator("input")).to_be_checked()
            expect(switch(SENSOR).locator("input")).not_to_be_checked()
            switch(SENSOR).click()
            expect(switch(SENSOR).locator("input")).to_be_checked()
            wait_for(
                "the sensor to be running",
                lambda: dev.instigator("sensor", SENSOR)["status"] == "RUNNING",
                30,
            )
            assert dev.instigator("schedule", SCHEDULE)["status"] == "RUNNING"
            shot("automation")
        except Exception:
            page.screenshot(path=artifacts / "ui-failure.png")
            shutil.copy(dev.log_path, artifacts / "ui-failure-dagster-dev.log")
            raise
        finally:
            browser.close()
