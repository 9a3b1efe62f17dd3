"""page_views and session_paths on a small hand-built raw history, every number worked out here.

Sessions (all on 2024-03-01 unless said):
- 1:1, three views: / (10:00:00, four events), /search (10:02:00, a click of it arrives a day
  late) and /cart (10:05:00, one event);
- 2:5, a view of /p/rain-shell from 23:59:50 to 00:00:20 (crosses midnight: stored on March 1st)
  and a view of /cart at 00:01:00 on March 2nd (stored on March 2nd, its session began before);
- 4:1, two views that start at the same instant: view 9 comes before view 10 (numeric order of
  view ids, where text would put "10" first);
- device 3: a server event without session or view, no page view.
Partition runs day by day, before and after the late sync, must give the rows below and equal a
full rebuild.
"""

import json
from datetime import datetime, timedelta

import duckdb
import pytest

from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS
from tests.support import run_dbt

HOST = "www.shopfast.example"
GOOGLE = "https://www.google.com/"
FIRST_SYNC, LATE_SYNC = datetime(2024, 3, 2, 6), datetime(2024, 3, 3, 6)
COLUMNS = (
    "page_view_number, url_path, referrer, title, start_time, end_time, time_on_page_seconds, "
    "engaged_time_seconds, total_events, total_clicks, is_entry, is_exit, previous_page_path, "
    "next_page_path"
)


def page(path: str) -> str:
    return f"https://{HOST}{path}"


def event(event_id, at, device, session, view, event_type="click", path=None, title=None,
          referrer=None, synced=FIRST_SYNC):  # fmt: skip
    """One raw row at ``at`` ('YYYY-MM-DD HH:MM:SS[.ffffff]'); a path/title as an opener has."""
    source = {}
    if path:
        source["url"] = {"full_url": page(path), "host": HOST, "path": path}
    if title:  # the events that open a page carry the title and the initial referrer
        source["title"] = title
        source["initial_referrer"] = {"full_url": referrer} if referrer else {}
    event_time = datetime.fromisoformat(at)
    return {
        "event_id": event_id,
        "event_time": event_time,
        "processed_time": event_time + timedelta(minutes=10),
        "updated_time": synced,
        "device_id": device,
        "session_id": session,
        "view_id": view,
        "event_type": event_type,
        "event_properties": "{}",
        "source_type": "web" if session is not None else "server",
        "source_properties": json.dumps(source),
    }


def opener(event_id, at, device, session, view, path, title, referrer=None):
    return event(event_id, at, device, session, view, "navigate", path, title, referrer)


SYNC = [
    opener("s1", "2024-03-01 10:00:00", 1, 1, 11, "/", "Home", GOOGLE),
    event("s2", "2024-03-01 10:00:10", 1, 1, 11, path="/"),
    event("s3", "2024-03-01 10:01:00", 1, 1, 11),  # no URL ({}): still the view's event
    event("s4", "2024-03-01 10:01:05.5", 1, 1, 11, "element_seen", "/"),
    opener("s5", "2024-03-01 10:02:00", 1, 1, 12, "/search", "Search", GOOGLE),
    event("s6", "2024-03-01 10:02:20", 1, 1, 12, "change", "/search"),
    opener("s8", "2024-03-01 10:05:00", 1, 1, 13, "/cart", "Cart", GOOGLE),
    opener("m1", "2024-03-01 23:59:50", 2, 5, 21, "/p/rain-shell", "Product Detail"),
    event("m2", "2024-03-02 00:00:15", 2, 5, 21, path="/p/rain-shell"),
    event("m3", "2024-03-02 00:00:20", 2, 5, 21, path="/p/rain-shell"),
    opener("m4", "2024-03-02 00:01:00", 2, 5, 22, "/cart", "Cart"),
    opener("t1", "2024-03-01 12:00:00", 4, 1, 10, "/help", "Help Center"),
    event("t2", "2024-03-01 12:00:00", 4, 1, 9, "load", "/account", "Account"),
    event("x1", "2024-03-01 11:00:00", 3, None, None, "identify"),
]
LATE = [event("s7", "2024-03-01 10:02:40", 1, 1, 12, path="/search", synced=LATE_SYNC)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2024-03-0{text}")


# page_view_id -> the COLUMNS, before the late click arrives.
# fmt: off
EXPECTED = {
    # / : 10:00:00 → 10:01:05.5 is 65 s (rounded down); engaged: gaps 10 s, 50 s capped at 30 s,
    # 5.5 s rounded down to 5 s = 45 s; 4 events, 2 clicks (s2, s3); the entry page, referred by
    # the initial referrer.
    "1:1:11": (1, "/", GOOGLE, "Home", at("1 10:00:00"), at("1 10:01:05.5"), 65, 45, 4, 2,
               True, False, None, "/search"),
    # /search: 10:02:00 → 10:02:20 = 20 s, one gap of 20 s; referred by the previous page.
    "1:1:12": (2, "/search", page("/"), "Search", at("1 10:02:00"), at("1 10:02:20"), 20, 20, 2, 0,
               False, False, "/", "/cart"),
    # /cart: a single event: no time on page, the session's exit.
    "1:1:13": (3, "/cart", page("/search"), "Cart", at("1 10:05:00"), at("1 10:05:00"), 0, 0, 1, 0,
               False, True, "/search", None),
    # Crosses midnight: 23:59:50 → 00:00:20 = 30 s, gaps 25 s + 5 s; direct visit: no referrer.
    "2:5:21": (1, "/p/rain-shell", None, "Product Detail", at("1 23:59:50"), at("2 00:00:20"), 30,
               30, 3, 2, True, False, None, "/cart"),
    # March 2nd's view of a session begun on March 1st: its neighbours come from that day.
    "2:5:22": (2, "/cart", page("/p/rain-shell"), "Cart", at("2 00:01:00"), at("2 00:01:00"), 0, 0,
               1, 0, False, True, "/p/rain-shell", None),
    # Same start: view 9 is first (9 < 10 as numbers).
    "4:1:9": (1, "/account", None, "Account", at("1 12:00:00"), at("1 12:00:00"), 0, 0, 1, 0,
              True, False, None, "/help"),
    "4:1:10": (2, "/help", page("/account"), "Help Center", at("1 12:00:00"), at("1 12:00:00"), 0,
               0, 1, 0, False, True, "/account", None),
}
# The late click at 10:02:40: /search now lasts 40 s (gaps 20 s + 20 s), 3 events, 1 click.
AFTER_LATE = EXPECTED | {
    "1:1:12": (2, "/search", page("/"), "Search", at("1 10:02:00"), at("1 10:02:40"), 40, 40, 3, 1,
               False, False, "/", "/cart"),
}
# fmt: on
PATHS = {  # full_session_id -> (page_view_count, path_1, path_3, path)
    "1:1": (3, "/", "/cart", "/ > /search > /cart"),
    "2:5": (2, "/p/rain-shell", None, "/p/rain-shell > /cart"),
    "4:1": (2, "/account", None, "/account > /help"),
}


def merge(path, rows) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS.items())
    with connect(path) as conn:
        conn.execute(f"create or replace temp table incoming ({columns})")
        conn.executemany(
            f"insert into incoming values ({', '.join('?' for _ in RAW_COLUMNS)})",
            [[row[c] for c in RAW_COLUMNS] for row in rows],
        )
        merge_into_raw(conn, "fullstory_raw", "incoming")


def build_days(path, *days: str) -> None:
    """A partition run per day (every model, so page_views reuses the rebuilt events)."""
    for day in days:
        end = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
        window = {"FULLSTORY_PARTITION_START": day, "FULLSTORY_PARTITION_END": end}
        run_dbt(["build"], path, env=window)


def page_views(path) -> dict:
    with duckdb.connect(str(path)) as conn:
        rows = conn.execute(f"select page_view_id, {COLUMNS} from fullstory.page_views").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def session_paths(path) -> dict:
    with duckdb.connect(str(path)) as conn:
        rows = conn.execute(
            "select full_session_id, page_view_count, path_1, path_3, path "
            "from fullstory.session_paths"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    directory = tmp_path_factory.mktemp("page_views")
    path = directory / "warehouse.duckdb"
    merge(path, SYNC)
    run_dbt(["build"], path)  # the first build creates the tables
    return path


def test_partition_runs_give_the_expected_views_and_paths(warehouse):
    build_days(warehouse, "2024-03-02", "2024-03-01")
    assert page_views(warehouse) == EXPECTED
    assert session_paths(warehouse) == PATHS


def test_a_late_event_reaches_its_view_and_equals_a_rebuild(warehouse, tmp_path):
    merge(warehouse, LATE)
    build_days(warehouse, "2024-03-01", "2024-03-02")
    assert page_views(warehouse) == AFTER_LATE
    assert session_paths(warehouse) == PATHS
    rebuilt = tmp_path / "rebuilt.duckdb"
    merge(rebuilt, SYNC + LATE)
    run_dbt(["build", "--full-refresh"], rebuilt)
    assert page_views(rebuilt) == AFTER_LATE
