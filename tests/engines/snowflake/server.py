"""A local fakesnow server (Snowflake's REST API over DuckDB + sqlglot) for the Snowflake suite.

Independent of pytest, so Dagster-level tests can reuse it: ``running_fakesnow`` starts the
server on a free loopback port, ``FakesnowServer.dbt_env`` gives the variables the ``snowflake``
target of ``dbt_models/profiles.yml`` reads, ``FakesnowServer.connect`` a real
``snowflake.connector`` connection. The server keeps its data in memory, shared by every
connection, so a suite isolates its builds by database (``SNOWFLAKE_DATABASE``).
"""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import snowflake.connector

REPO_ROOT = Path(__file__).resolve().parents[3]
# fakesnow pins duckdb and sqlglot versions the project cannot share: it has its own venv.
ENGINES_DIR = Path(os.environ.get("FULLSTORY_ENGINES_DIR", REPO_ROOT / ".venv-engines"))
FAKESNOW = ENGINES_DIR / "fakesnow" / "bin" / "fakesnow"
HOST = "127.0.0.1"
# Any account, user and password log in; fakesnow ignores warehouse and role.
ACCOUNT, USER, PASSWORD, WAREHOUSE, ROLE = "fakesnow", "fake", "snow", "WH1", "R1"
START_TIMEOUT_SECONDS = 60
# Not the production default FULLSTORY: fakesnow keeps databases and schemas in one DuckDB
# namespace, and a database named like the model schema (fullstory) makes every reference to
# that schema ambiguous ("Ambiguous reference to catalog or schema"), in every database.
DEFAULT_DATABASE = "FS_DEV"


@dataclass(frozen=True)
class FakesnowServer:
    """A running fakesnow server.

    Attributes:
        port: The loopback port it serves on (plain HTTP).
        process: The server process, leader of its own process group.
        log_path: Where its output goes.
    """

    port: int
    process: subprocess.Popen
    log_path: Path

    def dbt_env(self, database: str = DEFAULT_DATABASE) -> dict[str, str]:
        """Environment for ``dbt --target snowflake`` against this server, in ``database``.

        The emulator switch turns on the project's fakesnow shims (macros/emulators/fakesnow.sql).
        """
        return {
            "FULLSTORY_WAREHOUSE": "snowflake",
            "FULLSTORY_SNOWFLAKE_EMULATOR": "fakesnow",
            "SNOWFLAKE_ACCOUNT": ACCOUNT,
            "SNOWFLAKE_USER": USER,
            "SNOWFLAKE_PASSWORD": PASSWORD,
            "SNOWFLAKE_DATABASE": database,
            "SNOWFLAKE_WAREHOUSE": WAREHOUSE,
            "SNOWFLAKE_ROLE": ROLE,
            "SNOWFLAKE_HOST": HOST,
            "SNOWFLAKE_PORT": str(self.port),
            "SNOWFLAKE_PROTOCOL": "http",
        }

    def connect(
        self, database: str = DEFAULT_DATABASE, schema: str | None = None
    ) -> snowflake.connector.SnowflakeConnection:
        """A real connector connection (``qmark`` paramstyle) to this server, in ``database``.

        ``database`` (and ``schema``, if given) are created if missing.
        """
        connection = snowflake.connector.connect(
            account=ACCOUNT,
            user=USER,
            password=PASSWORD,
            warehouse=WAREHOUSE,
            role=ROLE,
            host=HOST,
            port=self.port,
            protocol="http",
            # Server-side binding: a bound value is not re-tokenized by fakesnow's sqlglot (raw.py).
            paramstyle="qmark",
            # No telemetry, no retries: a failure shows at once.
            session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
            network_timeout=60,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"create database if not exists {database}")
            cursor.execute(f"use database {database}")
            if schema:
                cursor.execute(f"create schema if not exists {database}.{schema}")
                cursor.execute(f"use schema {database}.{schema}")
        return connection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop the server's process group: SIGINT is fakesnow's own shutdown, SIGKILL the fallback."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running_fakesnow(directory: Path) -> Iterator[FakesnowServer]:
    """Run a fakesnow server on a free 127.0.0.1 port while the context lasts.

    Args:
        directory: Where the server's log (``fakesnow.log``) is written.

    Yields:
        The server, answering on its port.

    Raises:
        RuntimeError: The server exited or did not answer within a minute.
    """
    if not FAKESNOW.exists():
        raise RuntimeError(
            f"{FAKESNOW} is missing: set FULLSTORY_ENGINES_DIR or run `make engines`"
        )
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = directory / "fakesnow.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(FAKESNOW), "-s", "--host", HOST, "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"fakesnow did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield FakesnowServer(port, process, log_path)
    finally:
        _stop(process)
