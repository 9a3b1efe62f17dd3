"""One moto S3 server for the suite; each test gets its own bucket and the AWS variables."""

import itertools
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.engines.parquet.server import MotoS3, running_moto

_buckets = itertools.count()


@dataclass(frozen=True)
class Bucket:
    """A fresh bucket on the suite's server, and where a test's export of it goes."""

    name: str
    client: object

    def url(self, prefix: str = "") -> str:
        return f"s3://{self.name}/{prefix}".rstrip("/")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory) -> MotoS3:
    with running_moto(Path(tmp_path_factory.mktemp("moto"))) as server:
        yield server


@pytest.fixture()
def bucket(moto_s3, monkeypatch) -> Bucket:
    for name, value in moto_s3.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3")
    name = f"fullstory-exports-{next(_buckets)}"
    client.create_bucket(Bucket=name)
    return Bucket(name, client)
