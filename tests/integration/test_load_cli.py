"""`fullstory-assets load` on real DuckDB files: the peer seed, merge semantics, Parquet exports."""

import csv
import subprocess
import sys
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fullstory_assets.cli import main
from fullstory_assets.loader import load_events
from fullstory_assets.settings import PROJECT_ROOT, load_settings
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS

SCHEMA = load_settings().raw_schema
PEER_SEED = (
    PROJECT_ROOT.parent
    / "shared/peer_fixtures/dbt_fullstory/fullstory_events_integration_seeds.csv"
)
BIG = 2**63 - 1  # ids use all 64 bits; 2**53 + 1 is the first a float cannot hold
ROW = {
    "event_id": "e1",
    "event_time": "2024-01-01 12:00:00",
    "processed_time": "2024-01-01 12:05:00",
    "updated_time": "2024-01-01 14:00:00",
    "device_id": str(BIG),
    "session_id": str(2**53 + 1),
    "view_id": "7",
    "event_type": "click",
    "event_properties": '{"target":{"text":"a, \\"b\\""}}',  # commas and quotes survive CSV
    "source_type": "web",
    "source_properties": "{}",
}


def write_csv(path, rows, columns=tuple(RAW_COLUMNS)):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(db, path):
    return main(["load", str(path), "--db", str(db)])


def table(db):
    with connect(db) as conn:
        return conn.sql(f"select * from {SCHEMA}.events order by all").fetchall()


def by_id(db, event_id):
    with connect(db) as conn:
        return conn.sql(
            f"select * from {SCHEMA}.events where event_id = ?", params=[event_id]
        ).fetchall()


def test_peer_seed_loads_to_83_distinct_events_with_the_latest_versions(tmp_path):
    db = tmp_path / "raw.duckdb"
    assert load(db, PEER_SEED) == 0
    rows = table(db)
    assert len(rows) == len({row[0] for row in rows}) == 83
    winner = by_id(db, "duplicate_event_id_test_1 ")  # the trailing space is part of the id
    assert [(r[3], r[9]) for r in winner] == [(datetime(2023, 1, 1, 14, 15), "mobile_app")]
    assert by_id(db, "duplicate_event_id_test_1") == []
    assert by_id(db, "simple_session_test_1") == [(
        "simple_session_test_1", datetime(2023, 1, 1, 12), datetime(2023, 1, 1, 12),
        datetime(2023, 1, 1, 1), 1, 1, 1, "click", "{}", "web", "{}",
    )]  # fmt: skip
    assert load(db, PEER_SEED) == 0  # reloading the same file changes nothing
    assert table(db) == rows


def test_older_versions_never_overwrite_newer_ones(tmp_path):
    db = tmp_path / "raw.duckdb"
    load(db, write_csv(tmp_path / "v2.csv", [ROW]))
    older = {**ROW, "updated_time": "2024-01-01 13:00:00", "event_type": "navigate"}
    load(db, write_csv(tmp_path / "v1.csv", [older]))
    assert [r[7] for r in by_id(db, "e1")] == ["click"]
    newer = {**ROW, "updated_time": "2024-01-01 15:00:00", "event_type": None}
    load(db, write_csv(tmp_path / "v3.csv", [newer]))  # a nulled-out row supersedes it
    assert [r[7] for r in by_id(db, "e1")] == [None]


def test_csv_columns_in_any_order_keep_64_bit_ids_and_json_text_exact(tmp_path):
    db = tmp_path / "raw.duckdb"
    load(db, write_csv(tmp_path / "shuffled.csv", [ROW], columns=sorted(RAW_COLUMNS)))
    (row,) = by_id(db, "e1")
    assert (row[4], row[5]) == (BIG, 2**53 + 1)
    assert row[8] == ROW["event_properties"]


def test_null_updated_time_is_stamped_with_the_load_time(tmp_path):
    path = write_csv(tmp_path / "unstamped.csv", [{**ROW, "updated_time": ""}])
    stamp = datetime(2024, 5, 5, 5, 5)
    with connect(tmp_path / "raw.duckdb") as conn:
        assert load_events(conn, SCHEMA, path, load_time=stamp) == 1
        assert conn.sql(f"select updated_time from {SCHEMA}.events").fetchall() == [(stamp,)]


def export(path, event_ids, updated_ms):
    """A file shaped like the object-storage export: ISO time strings, epoch-ms updated_time."""
    n = len(event_ids)
    columns = {
        "event_id": pa.array(event_ids),
        "event_time": pa.array(["2024-01-01T12:00:00.123456Z"] * n),
        "processed_time": pa.array(["2024-01-01T12:04:00.000001Z"] * n),
        "updated_time": pa.array(updated_ms, pa.int64()),
        "device_id": pa.array([BIG] * n, pa.int64()),
        "session_id": pa.array([2**53 + 1] * n, pa.int64()),
        "view_id": pa.array([None] * n, pa.int64()),
        "event_type": pa.array(["navigate"] * n),
        "event_properties": pa.array(['{"navigate_reason":"navigate"}'] * n),
        "source_type": pa.array(["web"] * n),
        "source_properties": pa.array(["{}"] * n),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def test_parquet_export_shape_loads_from_a_file_a_directory_or_a_glob(tmp_path):
    db = tmp_path / "raw.duckdb"
    folder = tmp_path / "fullstory_o-1/events"
    export(
        folder / "ingested_time=2024-01-01 13:00:00/a.parquet", ["p1", "p2"], [1704117600123, None]
    )
    export(folder / "ingested_time=2024-01-01 14:00:00/b.parquet", ["p3"], [None])
    assert load(db, folder / "ingested_time=2024-01-01 13:00:00/a.parquet") == 0
    (p1,) = by_id(db, "p1")
    assert p1[1:4] == (datetime(2024, 1, 1, 12, 0, 0, 123456), datetime(2024, 1, 1, 12, 4, 0, 1),
                       datetime(2024, 1, 1, 14, 0, 0, 123000))  # fmt: skip
    assert (p1[4], p1[5], p1[6]) == (BIG, 2**53 + 1, None)
    assert by_id(db, "p2")[0][3] > datetime(2024, 1, 2)  # NULL updated_time: stamped at load
    assert load(db, folder) == 0 and len(table(db)) == 3
    assert load(tmp_path / "glob.duckdb", tmp_path / "fullstory_o-1/**/*.parquet") == 0
    assert len(table(tmp_path / "glob.duckdb")) == 3


def bad_inputs(tmp_path):
    floats = {c: pa.array([1.5e18] if c == "device_id" else ["x"]) for c in RAW_COLUMNS}
    pq.write_table(pa.table(floats), tmp_path / "float_ids.parquet")
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "notes.json").write_text("{}")
    renamed = [c if c != "processed_time" else "processed_at" for c in RAW_COLUMNS]
    write_csv(tmp_path / "columns.csv", [{**ROW, "processed_at": "x"}], renamed)
    return {
        "missing": (tmp_path / "nope.csv", "no such file"),
        "columns": (tmp_path / "columns.csv", "missing processed_time; unexpected processed_at"),
        "time": (write_csv(tmp_path / "t.csv", [{**ROW, "event_time": "yesterday"}]), "event_time"),
        "float id text": (
            write_csv(tmp_path / "i.csv", [{**ROW, "device_id": "1.5e18"}]),
            "device_id",
        ),
        "float id column": (tmp_path / "float_ids.parquet", "device_id"),
        "empty dir": (tmp_path / "empty_dir", "no .parquet files"),
        "suffix": (tmp_path / "notes.json", "expected .csv or .parquet"),
        "glob": (tmp_path / "nothing/*.parquet", "no files match"),
    }


@pytest.mark.parametrize("case", ["missing", "columns", "time", "float id text", "float id column",
                                  "empty dir", "suffix", "glob"])  # fmt: skip
def test_bad_input_fails_in_one_line_and_leaves_the_table_alone(tmp_path, capsys, case):
    db = tmp_path / "raw.duckdb"
    load(db, PEER_SEED)
    before = table(db)
    path, message = bad_inputs(tmp_path)[case]
    capsys.readouterr()
    assert load(db, path) == 2
    err = capsys.readouterr().err
    assert err.startswith("fullstory-assets: error: ") and message in err, err
    assert len(err.strip().splitlines()) == 1
    assert table(db) == before


def test_bad_input_prints_no_traceback_from_a_real_process(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [{**ROW, "processed_time": "2024-99-99"}])
    argv = ["load", str(path), "--db", str(tmp_path / "r.duckdb")]
    result = subprocess.run(
        [sys.executable, "-m", "fullstory_assets.cli", *argv],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("fullstory-assets: error: processed_time")
