"""The suite's object stores, one server each per session; every test gets a fresh bucket on
S3 (moto) and on GCS (gcp-storage-emulator), with the variables that point the clients at it."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from google.cloud import storage

from tests.engines.parquet.server import LocalServer, running_gcs_emulator, running_moto

_buckets = itertools.count()
# Each test of the suite runs once per store, marked for it (`-m parquet_gcs` runs GCS alone).
STORES = [
    pytest.param("s3", marks=pytest.mark.parquet_s3, id="s3"),
    pytest.param("gs", marks=pytest.mark.parquet_gcs, id="gcs"),
]


@dataclass(frozen=True)
class Bucket:
    """A fresh bucket, and its objects read and written around the store under test."""

    scheme: str
    name: str
    read: Callable[[str], bytes]
    write: Callable[[str, bytes], None]

    def url(self, prefix: str = "") -> str:
        return f"{self.scheme}://{self.name}/{prefix}".rstrip("/")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory) -> LocalServer:
    with running_moto(Path(tmp_path_factory.mktemp("moto"))) as server:
        yield server


@pytest.fixture(scope="session")
def gcs_emulator(tmp_path_factory) -> LocalServer:
    with running_gcs_emulator(Path(tmp_path_factory.mktemp("gcs"))) as server:
        yield server


def _s3_bucket(name: str) -> Bucket:
    client = boto3.client("s3")
    client.create_bucket(Bucket=name)
    return Bucket(
        "s3",
        name,
        read=lambda key: client.get_object(Bucket=name, Key=key)["Body"].read(),
        write=lambda key, data: client.put_object(Bucket=name, Key=key, Body=data),
    )


def _gcs_bucket(name: str) -> Bucket:
    # A project only to create the bucket: the code under test lists and reads without one.
    bucket = storage.Client(project="fullstory-tests").create_bucket(name)
    return Bucket(
        "gs",
        name,
        read=lambda key: bucket.blob(key).download_as_bytes(),
        write=lambda key, data: bucket.blob(key).upload_from_string(data),
    )


@pytest.fixture(params=STORES)
def bucket(request, monkeypatch) -> Bucket:
    server = request.getfixturevalue("moto_s3" if request.param == "s3" else "gcs_emulator")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    name = f"fullstory-exports-{next(_buckets)}"
    return _s3_bucket(name) if request.param == "s3" else _gcs_bucket(name)
