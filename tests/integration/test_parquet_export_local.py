"""Parquet exports in a local folder: the simulator's layout, the folder-by-folder load, merge
semantics within a folder, and the refusal to load behind rows the late-data sensor has seen."""

import io
from datetime import date, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fullstory_assets.cli import main
from fullstory_assets.exports.layout import export_root, folder_name
from fullstory_assets.exports.schema import EXPORT_SCHEMA, to_export_table
from fullstory_assets.exports.stores import LocalStore
from fullstory_assets.settings import load_settings
from fullstory_assets.simulate.history import DELIVERY_SCHEMA, build_deliveries
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import sync_times
from fullstory_assets.warehouses.duckdb import connect, merge_into_raw
from fullstory_assets.warehouses.parquet_exports import (
    ExportOrderError,
    load_new_folders,
    loaded_until,
)
from tests.support import simulate_into

SCHEMA = "fullstory_raw"
ARGS = ["--start", "2024-02-01", "--days", "1", "--events-per-day", "300", "--seed", "9"]
T = datetime(2024, 3, 1, 13)


def rows(db):
    with connect(db) as conn:
        return conn.sql(f"select * from {SCHEMA}.events order by all").fetchall()


def load(db, root):
    with connect(db) as conn:
        return list(load_new_folders(conn, LocalStore(root), SCHEMA))


def test_simulate_to_a_folder_writes_the_export_layout_and_loads_like_the_synced_history(
    tmp_path,
):
    times = sync_times(build_deliveries(SimulationSpec(date(2024, 2, 1), 1, 300, 9)))
    until = ["--until", f"{times[5]:%Y-%m-%d %H:00}"]
    assert main(["simulate", *ARGS, "--format", "parquet", "--to", str(tmp_path), *until]) == 0
    assert main(["simulate", *ARGS, "--format", "parquet", "--to", str(tmp_path)]) == 0
    root = tmp_path / export_root(load_settings().org_id)
    folders = sorted(path.name for path in root.iterdir())
    assert folders == [folder_name(t) for t in times]  # each sync once, resumed after times[5]
    assert pq.read_schema(root / folders[0] / "part-0.parquet") == EXPORT_SCHEMA

    loaded = load(tmp_path / "w.duckdb", root)
    assert [folder.ingested_time for folder in loaded] == times
    simulate_into(tmp_path / "synced.duckdb", "2024-02-01", 1, 300, 9)
    assert rows(tmp_path / "w.duckdb") == rows(tmp_path / "synced.duckdb")
    assert load(tmp_path / "w.duckdb", root) == []


@pytest.mark.parametrize(
    "extra, message",
    [(["--format", "parquet"], "needs --to"), (["--to", "x"], "--to goes with"),
     (["--format", "parquet", "--to", "x", "--live"], "do not apply")],
)  # fmt: skip
def test_export_arguments_are_checked(tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", *ARGS, *extra])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def _write(root, moment, records):
    table = pa.Table.from_pylist(records, schema=DELIVERY_SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(to_export_table(table, recreated=True), buffer)
    LocalStore(root).write(f"{folder_name(moment)}/part-0.parquet", buffer.getvalue())


def _event(event_id, processed, updated=None):
    return {
        "event_id": event_id,
        "event_time": datetime(2024, 3, 1, 12),
        "processed_time": processed,
        "updated_time": updated,
        "device_id": 1,
        "event_type": "click",
    }


def test_within_a_folder_the_latest_version_wins_and_rows_get_its_ingested_time(tmp_path):
    _write(tmp_path, T, [
        _event("a", datetime(2024, 3, 1, 12, 5)),
        _event("a", datetime(2024, 3, 1, 12, 6)),  # reprocessed: newer processed_time
        _event("b", datetime(2024, 3, 1, 12, 9), updated=datetime(2024, 3, 1, 12, 40)),
        _event("b", datetime(2024, 3, 1, 12, 30)),  # older than the recreated file's updated_time
        _event("c", datetime(2024, 3, 1, 12, 5)),
        _event("c", datetime(2024, 3, 1, 12, 5)),  # an at-least-once duplicate: both land
    ])  # fmt: skip
    load(tmp_path / "w.duckdb", tmp_path)
    with connect(tmp_path / "w.duckdb") as conn:
        kept = conn.sql(
            f"select event_id, processed_time, updated_time from {SCHEMA}.events order by all"
        ).fetchall()
        assert loaded_until(conn, SCHEMA) == T
    assert kept == [
        ("a", datetime(2024, 3, 1, 12, 6), T),
        ("b", datetime(2024, 3, 1, 12, 9), T),
        ("c", datetime(2024, 3, 1, 12, 5), T),
        ("c", datetime(2024, 3, 1, 12, 5), T),
    ]


def test_a_folder_older_than_rows_already_there_is_refused_untouched(tmp_path):
    db = tmp_path / "w.duckdb"
    with connect(db) as conn:  # a sync from elsewhere, stamped after the folder's time
        conn.register("other", pa.Table.from_pylist(
            [_event("z", T, updated=datetime(2024, 3, 2))], schema=DELIVERY_SCHEMA
        ).drop_columns(["sync_time"]))  # fmt: skip
        merge_into_raw(conn, SCHEMA, "other")
    _write(tmp_path / "export", T, [_event("a", T)])
    before = rows(db)
    with pytest.raises(ExportOrderError, match="late-data sensor would never see"):
        load(db, tmp_path / "export")
    assert rows(db) == before
    with duckdb.connect(str(db)) as conn:
        assert loaded_until(conn, SCHEMA) is None
