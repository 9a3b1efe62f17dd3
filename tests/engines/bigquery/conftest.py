"""One crucible server and one DuckDB reference for the whole BigQuery suite."""

import pytest

from tests.engines.bigquery.server import crucible_executable, running_crucible
from tests.engines.reference import build_reference


@pytest.fixture(scope="session")
def crucible(tmp_path_factory):
    """A running crucible server; each test module works in a project of its own."""
    if not crucible_executable().exists():
        pytest.fail(f"crucible is not installed at {crucible_executable()}: run make engines")
    with running_crucible(tmp_path_factory.mktemp("crucible")) as server:
        yield server


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """Every model built by DuckDB on the reference history (tests/engines/reference.py)."""
    return build_reference(tmp_path_factory.mktemp("reference"))
