"""Session-wide fixtures of the Snowflake suite: DuckDB's reference build, one fakesnow server."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engines.reference import Reference, build_reference
from tests.engines.snowflake.server import FakesnowServer, running_fakesnow


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> Reference:
    return build_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def fakesnow(tmp_path_factory) -> Iterator[FakesnowServer]:
    with running_fakesnow(tmp_path_factory.mktemp("fakesnow")) as server:
        yield server


@pytest.fixture(scope="session")
def snowflake_target(tmp_path_factory) -> Path:
    """One dbt target path for every Snowflake build, so they share the parsed manifest."""
    return tmp_path_factory.mktemp("snowflake-target")
