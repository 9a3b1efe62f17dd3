"""The export's types: raw rows written as the export writes them, read back exactly."""

from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fullstory_assets.exports.schema import EXPORT_SCHEMA, to_export_table
from fullstory_assets.loader import LoadError, read_events
from fullstory_assets.simulate.history import DELIVERY_SCHEMA
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS

BIG = 2**63 - 1  # ids use all 64 bits; 2**53 + 1 is the first a float cannot hold
RAW = pa.Table.from_pylist(
    [
        {
            "event_id": "e1",
            "event_time": datetime(2024, 3, 1, 12, 34, 56, 123456),
            "processed_time": datetime(2024, 3, 1, 13, 0, 0, 1),
            "updated_time": datetime(2024, 3, 1, 14, 0, 0, 250000),
            "device_id": BIG,
            "session_id": 2**53 + 1,
            "view_id": -(2**63),
            "event_type": "click",
            "event_properties": '{"target":{"text":"a"}}',
            "source_type": "web",
            "source_properties": "{}",
            "sync_time": datetime(2024, 3, 1, 14),
        },
        {"event_id": "e2", "event_time": datetime(2024, 3, 1), "device_id": 1},
    ],
    schema=DELIVERY_SCHEMA,
)


def test_the_export_has_the_raw_columns_in_order_with_its_own_types():
    assert EXPORT_SCHEMA.names == list(RAW_COLUMNS)
    exported = to_export_table(RAW, recreated=True)
    assert exported.schema == EXPORT_SCHEMA
    row = exported.to_pylist()[0]
    assert row["event_time"] == "2024-03-01T12:34:56.123456Z"
    assert row["updated_time"] == 1709301600250  # epoch milliseconds
    assert row["device_id"] == BIG
    assert to_export_table(RAW)["updated_time"].null_count == 2  # NULL unless recreated


@pytest.mark.parametrize("recreated", [False, True])
def test_an_exported_file_reads_back_exactly(tmp_path, recreated):
    path = tmp_path / "part-0.parquet"
    pq.write_table(to_export_table(RAW, recreated), path)
    back = read_events(path)
    expected = RAW.select(list(RAW_COLUMNS))
    if not recreated:
        index = expected.schema.get_field_index("updated_time")
        expected = expected.set_column(index, "updated_time", pa.nulls(2, pa.timestamp("us")))
    assert back.to_pylist() == expected.to_pylist()  # ids exact, microseconds kept


def test_float_ids_in_an_export_file_are_refused(tmp_path):
    exported = to_export_table(RAW)
    index = exported.schema.get_field_index("device_id")
    floats = exported.set_column(index, "device_id", pa.array([1.0, 2.0], pa.float64()))
    pq.write_table(floats, tmp_path / "part-0.parquet")
    with pytest.raises(LoadError, match="device_id"):
        read_events(tmp_path / "part-0.parquet")
