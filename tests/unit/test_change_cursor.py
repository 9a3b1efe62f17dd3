"""The late-data sensor's cursor and its choice of change scan (fast, pruned; or full)."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fullstory_assets.automation.change_cursor import ChangeCursor, advance, choose_scan
from fullstory_assets.warehouses.change_scan import ChangeScan

NOW = datetime(2024, 5, 10, 12, tzinfo=UTC)
W1 = datetime(2024, 5, 10, 9)
W2 = datetime(2024, 5, 10, 10)
W0 = datetime(2024, 5, 9, 9)


def test_a_plain_iso_cursor_reads_as_both_watermarks_with_nothing_missed():
    cursor = ChangeCursor.parse(W1.isoformat())
    assert cursor == ChangeCursor(since=W1, full_since=W1, full_scan_at=None, lookback_hours=None)
    # Every row up to it was read unpruned: no full scan is owed, the next tick is fast.
    assert choose_scan(cursor, NOW, 72, 24) == ChangeScan(False, since=W1, lookback_hours=72)


def test_the_cursor_round_trips_as_json():
    cursor = ChangeCursor(since=W2, full_since=W1, full_scan_at=NOW, lookback_hours=6)
    text = cursor.dump()
    assert json.loads(text)["lookback_hours"] == 6
    assert ChangeCursor.parse(text) == cursor
    assert ChangeCursor.parse(None) is None and ChangeCursor.parse("") is None


def test_the_first_tick_is_a_full_scan_of_every_row():
    scan = choose_scan(None, NOW, 72, 24)
    assert scan.full and scan.since is None and scan.params() == {}
    assert advance(None, scan, W1, NOW) == ChangeCursor(W1, W1, full_scan_at=NOW)
    assert advance(None, scan, None, NOW) is None  # an empty table: try again from scratch


def test_a_fast_scan_floors_event_time_at_the_watermark_minus_the_lookback():
    cursor = ChangeCursor(since=W1, full_since=W1, full_scan_at=NOW - timedelta(hours=1))
    scan = choose_scan(cursor, NOW, 72, 24)
    assert not scan.full and scan.floor == W1 - timedelta(hours=72)
    assert scan.params() == {"since": W1, "floor": W1 - timedelta(hours=72)}
    # It moves the fast watermark only, and remembers it may have left old rows out.
    after = advance(cursor, scan, W2, NOW)
    assert after == ChangeCursor(W2, W1, full_scan_at=cursor.full_scan_at, lookback_hours=72)
    # Finding nothing, it may still have left old rows out: a full scan is owed.
    assert advance(cursor, scan, None, NOW) == replace(cursor, lookback_hours=72)


def test_the_full_scan_comes_once_its_interval_has_passed_and_something_may_be_missed():
    scanned = NOW - timedelta(hours=24)
    owed = ChangeCursor(since=W2, full_since=W0, full_scan_at=scanned, lookback_hours=72)
    scan = choose_scan(owed, NOW, 72, 24)
    assert scan == ChangeScan(True, since=W2, lookback_hours=72, full_since=W0)
    assert scan.params() == {"since": W2, "full_since": W0}
    assert not choose_scan(owed, NOW - timedelta(minutes=1), 72, 24).full
    # Nothing pruned since the last full scan: nothing to look for, however long ago it ran.
    clean = ChangeCursor(since=W2, full_since=W0, full_scan_at=scanned - timedelta(days=9))
    assert not choose_scan(clean, NOW, 72, 24).full


def test_a_full_scan_moves_both_watermarks_and_records_its_time_even_when_it_finds_nothing():
    owed = ChangeCursor(since=W2, full_since=W0, full_scan_at=None, lookback_hours=72)
    scan = choose_scan(owed, NOW, 72, 24)
    assert scan.full
    assert advance(owed, scan, None, NOW) == ChangeCursor(W2, W2, full_scan_at=NOW)
    later = W2 + timedelta(hours=1)
    assert advance(owed, scan, later, NOW) == ChangeCursor(later, later, full_scan_at=NOW)
    # Only old rows updated before the fast watermark: the watermarks do not go back.
    assert advance(owed, scan, W1, NOW) == ChangeCursor(W2, W2, full_scan_at=NOW)


def test_pruning_switched_off_still_reads_what_it_left_out_once():
    owed = ChangeCursor(since=W2, full_since=W0, full_scan_at=NOW, lookback_hours=72)
    scan = choose_scan(owed, NOW, None, 24)
    assert scan == ChangeScan(True, since=W2, lookback_hours=72, full_since=W0)
    after = advance(owed, scan, None, NOW)
    unpruned = choose_scan(after, NOW + timedelta(days=3), None, 24)
    assert unpruned == ChangeScan(False, since=W2) and unpruned.floor is None
    # An unpruned fast scan leaves nothing out: still no full scan owed after it.
    assert advance(after, unpruned, later := W2 + timedelta(hours=1), NOW).lookback_hours is None
    assert advance(after, unpruned, later, NOW).since == later


@pytest.mark.parametrize("before, now, used", [(6, 72, 6), (72, 6, 6)])
def test_the_full_scan_uses_the_smallest_lookback_any_fast_scan_used(before, now, used):
    owed = ChangeCursor(since=W2, full_since=W0, full_scan_at=None, lookback_hours=before)
    assert choose_scan(owed, NOW, now, 24).lookback_hours == used
    fast = ChangeScan(False, since=W2, lookback_hours=now)
    clean = ChangeCursor(since=W2, full_since=W2, full_scan_at=NOW, lookback_hours=before)
    assert advance(clean, fast, W2 + timedelta(hours=1), NOW).lookback_hours == used
