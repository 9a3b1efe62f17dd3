"""The Python side's portable SQL: placeholders and literals per warehouse."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from fullstory_assets.checks.queries import bad_input_queries
from fullstory_assets.warehouses.bigquery import literal
from fullstory_assets.warehouses.change_scan import ChangeScan
from fullstory_assets.warehouses.changes import changes_sql
from fullstory_assets.warehouses.dialect import DIALECTS


def test_bigquery_literals_are_typed_and_in_utc():
    assert literal(datetime(2024, 3, 1, 5, 6, 7, 8)) == "timestamp '2024-03-01 05:06:07.000008'"
    plus_two = timezone(timedelta(hours=2))
    assert literal(datetime(2024, 3, 1, 2, tzinfo=plus_two)) == literal(datetime(2024, 3, 1, 0))
    assert literal(datetime(2024, 3, 1, tzinfo=UTC)) == "timestamp '2024-03-01 00:00:00.000000'"
    assert literal(date(2024, 3, 1)) == "date '2024-03-01'"
    assert literal(42) == "42"
    with pytest.raises(TypeError):
        literal("x' or true --")
    with pytest.raises(TypeError):
        literal(True)


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_each_dialect_writes_its_own_placeholders(name):
    dialect = DIALECTS[name]
    scan = ChangeScan(full=False, since=datetime(2024, 3, 1))
    sql = changes_sql(dialect, "raw.events", scan, "fullstory.int_fullstory__sessions")
    assert f"updated_time > {dialect.param('since')}" in sql
    assert f"as {dialect.string_type})" in sql
    for query in bad_input_queries(dialect, "raw.events", 24).values():
        assert dialect.param("start") in query and dialect.param("end") in query
    others = {DIALECTS[other].param("start") for other in DIALECTS} - {dialect.param("start")}
    for query in bad_input_queries(dialect, "raw.events", 24).values():
        assert not any(placeholder in query for placeholder in others)


SINCE = datetime(2024, 3, 4, 10)
FAST = ChangeScan(full=False, since=SINCE, lookback_hours=72)
FULL = ChangeScan(full=True, since=SINCE, lookback_hours=72, full_since=SINCE - timedelta(days=1))


def test_the_fast_scan_filters_the_partition_column_by_a_parameter():
    sql = changes_sql(DIALECTS["bigquery"], "raw.events", FAST, None)
    # A comparison of event_time (the raw table's partition column) with a parameter: the form
    # BigQuery prunes partitions on. The bound is computed in Python, not from a column.
    assert "updated_time > @since and event_time >= @floor" in sql
    assert FAST.params() == {"since": SINCE, "floor": SINCE - timedelta(hours=72)}
    assert "@full_since" not in sql
    # Without a lookback nothing is bounded: the query of every warehouse before pruning.
    unbounded = changes_sql(DIALECTS["bigquery"], "raw.events", ChangeScan(False, SINCE), None)
    assert "event_time >=" not in unbounded


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_the_full_scan_reads_rows_older_than_the_lookback_and_every_row_of_their_sessions(name):
    dialect = DIALECTS[name]
    sql = changes_sql(dialect, "raw.events", FULL, None)
    assert f"updated_time > {dialect.param('full_since')}" in sql
    assert f"event_time < {dialect.add_hours('updated_time', -72)}" in sql
    assert "from raw.events as raw inner join touched" in sql
    assert set(FULL.params()) == {"since", "full_since"}
