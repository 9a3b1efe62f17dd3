"""One PostgreSQL server and one DuckDB reference per test session, shared by the suite."""

import pytest

from tests.engines.postgres.load import load_raw
from tests.engines.postgres.runner import create_database, dbt_on_postgres
from tests.engines.postgres.server import running_postgres
from tests.engines.reference import build_reference


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """DuckDB's models on the simulated reference history (tests/engines/reference.py)."""
    return build_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of its own, stopped and deleted at the end of the session."""
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def dbt_target(tmp_path_factory):
    """dbt's target directory for PostgreSQL runs: parsed once, then partially re-parsed."""
    return tmp_path_factory.mktemp("dbt-target-postgres")


@pytest.fixture(scope="session")
def full_build(postgres, reference, dbt_target):
    """The reference raw table in database `full_build`, every model and test built on it."""
    conn_params = create_database(postgres, "full_build")
    load_raw(conn_params, reference.raw)
    dbt_on_postgres(postgres, ["build", "--full-refresh"], dbt_target, database="full_build")
    return conn_params
