"""The column types of Fullstory's Parquet export, and raw rows written in them (pure).

Times are ISO 8601 strings; ``updated_time`` is epoch milliseconds, NULL unless Fullstory
recreated the file; ids are 64-bit integers. Reading goes the other way through the loader's
parsing (``fullstory_assets.loader.read_events``), which accepts exactly these types.
"""

import pyarrow as pa
import pyarrow.compute as pc

# The raw table's columns, in its order (RAW_COLUMNS), with the export's types.
EXPORT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("event_time", pa.string()),
        ("processed_time", pa.string()),
        ("updated_time", pa.int64()),
        ("device_id", pa.int64()),
        ("session_id", pa.int64()),
        ("view_id", pa.int64()),
        ("event_type", pa.string()),
        ("event_properties", pa.string()),
        ("source_type", pa.string()),
        ("source_properties", pa.string()),
    ]
)


def iso_strings(times: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Naive UTC timestamps as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (NULL stays NULL).

    Microseconds, so a time survives the round trip exactly: Arrow's ``%S`` of a microsecond
    timestamp carries the fraction.
    """
    micros = pc.cast(times, pa.timestamp("us"))
    return pc.strftime(micros, format="%Y-%m-%dT%H:%M:%SZ")


def epoch_millis(times: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Naive UTC timestamps as whole epoch milliseconds (NULL stays NULL)."""
    return pc.cast(pc.cast(times, pa.timestamp("ms"), safe=False), pa.int64())


def to_export_table(raw: pa.Table, recreated: bool = False) -> pa.Table:
    """Rows of the raw table as Fullstory's export writes them.

    Args:
        raw: Rows with (at least) the ``RAW_COLUMNS``, typed like the raw table.
        recreated: Keep ``updated_time`` (as epoch ms), as in a file Fullstory recreated;
            otherwise it is NULL, as in every file of a first export.

    Returns:
        A table with ``EXPORT_SCHEMA``.
    """
    updated = epoch_millis(raw["updated_time"]) if recreated else pa.nulls(raw.num_rows, pa.int64())
    columns = {
        "event_time": iso_strings(raw["event_time"]),
        "processed_time": iso_strings(raw["processed_time"]),
        "updated_time": updated,
    }
    arrays = [columns.get(name, raw[name]) for name in EXPORT_SCHEMA.names]
    return pa.Table.from_arrays(arrays, schema=EXPORT_SCHEMA)
