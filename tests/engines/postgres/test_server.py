"""The throwaway server stops and leaves nothing behind, also when its user fails."""

from pathlib import Path

import psycopg2
import pytest

from tests.engines.postgres.server import PostgresNotInstalled, running_postgres

pytestmark = pytest.mark.postgres


def test_server_is_stopped_and_removed_even_on_error():
    with pytest.raises(RuntimeError, match="the test failed"), running_postgres() as server:
        with psycopg2.connect(**server.conn_params()) as connection, connection.cursor() as cur:
            cur.execute("show timezone")
            assert cur.fetchone() == ("UTC",)
            cur.execute("show listen_addresses")
            assert cur.fetchone() == ("127.0.0.1",)
        connection.close()
        directory = server.log_path.parent
        raise RuntimeError("the test failed")
    assert not directory.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(**server.conn_params(), connect_timeout=3)


def test_missing_server_binaries_are_named(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("FULLSTORY_PG_BINDIR", str(tmp_path))
    expected = f"no initdb/pg_ctl found .*{tmp_path}"
    with pytest.raises(PostgresNotInstalled, match=expected), running_postgres():
        pass
