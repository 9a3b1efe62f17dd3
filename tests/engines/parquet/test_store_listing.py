"""What the loader and the sensor rely on from a store, checked on each server through the
production client factories: listings in key order, exclusive ``start_after``, the prefix as a
folder, a new version tag for every rewrite, sizes and times, whole-object reads and writes."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from fullstory_assets.exports.gcs_store import default_gcs_client
from fullstory_assets.exports.reading import ExportReadError, read_file
from fullstory_assets.exports.s3_store import default_s3_client
from fullstory_assets.exports.stores import open_store

KEYS = [
    "ingested_time=2024-02-01 00:00:00/part-0.parquet",
    "ingested_time=2024-02-01 00:00:00/part-1.parquet",
    "ingested_time=2024-02-01 01:00:00/part-0.parquet",
    "ingested_time=2024-02-01 01:00:00/~part.parquet",
    "ingested_time=2024-02-01 10:00:00/part-0.parquet",
]


def _store(bucket, prefix):
    return open_store(bucket.url(prefix), default_s3_client, default_gcs_client)


def test_a_listing_is_in_key_order_after_start_after_and_inside_the_prefix(bucket):
    store = _store(bucket, "exp/events")
    for key in reversed(KEYS):
        store.write(key, key.encode())
    # Beside the export, sharing the prefix's characters: never part of it.
    bucket.write("exp/events-old/ingested_time=2024-01-01 00:00:00/part-0.parquet", b"x")
    bucket.write("exp/eventsx", b"x")

    assert [f.key for f in store.list_files()] == KEYS
    # start_after is exclusive, also when it names an object (GCS's startOffset is inclusive).
    assert [f.key for f in store.list_files(KEYS[1])] == KEYS[2:]
    # The loader's resume point: every key of a folder sorts before "<folder>~".
    resume = "ingested_time=2024-02-01 01:00:00~"
    assert [f.key for f in store.list_files(resume)] == KEYS[4:]
    assert store.list_files(KEYS[-1]) == []

    files = {f.key: f for f in store.list_files()}
    now = datetime.now(UTC)
    for key in KEYS:
        assert files[key].size == len(key.encode())
        assert timedelta(0) <= now - files[key].modified < timedelta(minutes=5)
        with store.local_copy(key) as path:
            assert path.suffix == ".parquet" and path.read_bytes() == key.encode()


def test_every_rewrite_gets_a_new_version_and_the_url_names_the_object(bucket):
    store = _store(bucket, "deep/prefix/")
    key = KEYS[0]
    store.write(key, b"first")
    first = store.list_files()[0]
    store.write(key, b"second, longer")
    second = store.list_files()[0]

    assert second.etag != first.etag and second.size == len(b"second, longer")
    assert bucket.read(f"deep/prefix/{key}") == b"second, longer"
    assert store.url(key) == f"{bucket.url('deep/prefix')}/{key}"
    missing = "ingested_time=2024-02-01 02:00:00/part-0.parquet"
    with pytest.raises(ExportReadError, match=re.escape(f"{store.url(missing)}: cannot fetch")):
        read_file(store, missing)


def test_an_export_at_the_bucket_root_lists_every_object(bucket):
    store = _store(bucket, "")
    store.write(KEYS[2], b"a")
    store.write(KEYS[0], b"b")
    assert [f.key for f in store.list_files()] == [KEYS[0], KEYS[2]]
    assert store.url(KEYS[0]) == f"{bucket.url()}/{KEYS[0]}"
