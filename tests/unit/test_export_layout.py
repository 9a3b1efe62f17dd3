"""Folder names of Fullstory's Parquet export, grouping a listing into sync folders, readiness."""

from datetime import UTC, datetime, timedelta

import pytest

from fullstory_assets.exports.layout import (
    ExportFile,
    ExportLayoutError,
    export_root,
    folder_name,
    group_folders,
    listing_start,
    parse_folder_name,
    ready_folders,
)

T = datetime(2024, 3, 1, 13)
NOW = datetime(2024, 3, 1, 15, tzinfo=UTC)


def file(key: str, minutes_old: int = 60) -> ExportFile:
    return ExportFile(key, 10, NOW - timedelta(minutes=minutes_old), "etag")


def test_folder_names_round_trip_and_sort_like_their_times():
    assert export_root("o-1ABC-na1") == "fullstory_o-1ABC-na1/events"
    assert folder_name(T) == "ingested_time=2024-03-01 13:00:00"
    assert parse_folder_name(folder_name(T)) == T
    later = [T + timedelta(seconds=s) for s in (1, 59, 3600, 86400 * 40)]
    assert sorted(folder_name(t) for t in [*later, T]) == [folder_name(t) for t in [T, *later]]


def test_url_encoded_folder_names_parse_too():
    assert parse_folder_name("ingested_time=2024-03-01%2013%3A00%3A00") == T


@pytest.mark.parametrize(
    "name", ["ingested_time=2024-03-01", "ingested_time=yesterday", "sync=2024-03-01 13:00:00"]
)
def test_a_malformed_folder_name_is_an_error_naming_it(name):
    with pytest.raises(ExportLayoutError, match=name[:12]):
        parse_folder_name(name)


def test_the_listing_start_skips_the_folder_and_nothing_after_it():
    start = listing_start(T)
    assert f"{folder_name(T)}/part-9.parquet" < start
    assert start < f"{folder_name(T + timedelta(seconds=1))}/part-0.parquet"
    assert listing_start(None) is None


def test_files_group_into_folders_in_time_order_after_the_cursor():
    files = [
        file(f"{folder_name(T + timedelta(hours=1))}/part-1.parquet"),
        file(f"{folder_name(T + timedelta(hours=1))}/part-0.parquet"),
        file(f"{folder_name(T)}/part-0.parquet"),
        file(f"{folder_name(T - timedelta(hours=1))}/part-0.parquet"),
        file(f"{folder_name(T)}/_SUCCESS"),  # a marker, not data
        file("README.txt"),
    ]
    folders = group_folders(files, after=T - timedelta(hours=1))
    assert [f.ingested_time for f in folders] == [T, T + timedelta(hours=1)]
    assert [f.key.rsplit("/")[-1] for f in folders[1].files] == ["part-0.parquet", "part-1.parquet"]
    assert len(group_folders(files)) == 3


@pytest.mark.parametrize("key", ["part-0.parquet", "ingested_time=13h/part-0.parquet"])
def test_data_the_layout_cannot_place_is_an_error_not_skipped(key):
    with pytest.raises(ExportLayoutError, match="part-0.parquet"):
        group_folders([file(key)])


def test_the_newest_folder_waits_until_its_files_settle():
    old = group_folders([file(f"{folder_name(T)}/a.parquet", minutes_old=30)])
    fresh = group_folders(
        [
            file(f"{folder_name(T)}/a.parquet", minutes_old=30),
            file(f"{folder_name(T + timedelta(hours=1))}/a.parquet", minutes_old=1),
        ]
    )
    assert ready_folders(old, NOW, settle_seconds=600) == old
    assert ready_folders(fresh, NOW, settle_seconds=600) == fresh[:1]  # its neighbour is done
    assert ready_folders(fresh, NOW, settle_seconds=0) == fresh
    assert ready_folders([], NOW, settle_seconds=600) == []
