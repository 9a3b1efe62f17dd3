"""The sensor's change scans on BigQuery.

The fast scan's text, as the session sends it, bounds ``event_time`` (the raw table's partition
column) by a constant: the filter BigQuery prunes partitions on. crucible cannot show pruning or
bytes (it reports 0), but it runs both scans, which must find what they find on DuckDB.
"""

from datetime import timedelta
from types import SimpleNamespace

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from fullstory_assets.warehouses.bigquery import BigQuerySession
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import read_changes
from fullstory_assets.warehouses.duckdb import DuckDBSession
from tests.engines.bigquery.load import load_raw

pytestmark = pytest.mark.bigquery


class _Recorder:
    """A BigQuery client that records the SQL it is sent and bills 123 bytes per query."""

    def __init__(self):
        self.sent: list[str] = []

    def query(self, sql: str):
        self.sent.append(sql)
        return SimpleNamespace(result=lambda: [], total_bytes_processed=123)

    def list_tables(self, dataset: str):
        return []


def _sent(scan: ChangeScan) -> tuple[str, int]:
    client = _Recorder()
    session = BigQuerySession(client)
    read_changes(session, "fullstory_raw", "fullstory", scan)
    return client.sent[0], session.bytes_scanned


def _constant_bounds_on_event_time(sql: str) -> list[exp.Expression]:
    """Comparisons ``event_time >= <an expression of no column>`` in the query."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    return [
        node
        for node in tree.find_all(exp.GTE)
        if isinstance(node.left, exp.Column)
        and node.left.name == "event_time"
        and not list(node.right.find_all(exp.Column))
    ]


def test_the_fast_scan_bounds_the_partition_column_by_a_constant(reference):
    since = reference.raw["updated_time"][0].as_py()
    sql, scanned = _sent(ChangeScan(False, since=since, lookback_hours=72))
    floor = since - timedelta(hours=72)
    bounds = _constant_bounds_on_event_time(sql)
    assert [node.right.sql("bigquery") for node in bounds] == [
        f"CAST('{floor.isoformat(sep=' ', timespec='microseconds')}' AS TIMESTAMP)"
    ]
    assert scanned == 123  # the session adds up what BigQuery bills
    # The full scan has no such bound (it reads every partition, by design), and parses too.
    full, _ = _sent(ChangeScan(True, since=since, lookback_hours=72, full_since=since))
    assert not _constant_bounds_on_event_time(full)


def test_fast_and_full_scans_find_on_crucible_what_they_find_on_duckdb(crucible, reference):
    server = crucible.in_project("change-scan")
    load_raw(server.client(), reference.raw)
    times = sorted(set(reference.raw["updated_time"].to_pylist()))
    since, full_since = times[len(times) * 2 // 3], times[len(times) // 3]
    scans = [
        ChangeScan(False, since=since, lookback_hours=2),
        ChangeScan(True, since=since, lookback_hours=2, full_since=full_since),
        ChangeScan(True, since=None),
    ]
    with duckdb.connect() as conn:
        conn.execute("set timezone = 'UTC'")
        conn.execute("create schema fullstory_raw")
        conn.register("raw", reference.raw)
        conn.execute("create table fullstory_raw.events as select * from raw")
        expected = [read_changes(DuckDBSession(conn), "fullstory_raw", "none", s) for s in scans]
    session = BigQuerySession(server.client())
    for scan, want in zip(scans, expected, strict=True):
        got = read_changes(session, "fullstory_raw", "fullstory", scan)
        assert got.watermark.replace(tzinfo=None) == want.watermark, scan
        assert (got.rows, got.event_days, got.session_days, got.page_view_days) == (
            want.rows,
            want.event_days,
            want.session_days,
            want.page_view_days,
        ), scan
    assert expected[0].rows < expected[2].rows  # the fast scan left rows out
