"""A crucible BigQuery emulator for the engine suite (and the lead's Dagster-level tests).

crucible (``crucible-emulator``, DuckDB + sqlglot behind BigQuery's REST API) lives in its own
venv, as it pins duckdb and sqlglot versions the project cannot share: ``<engines dir>/crucible``,
the engines dir being ``$FULLSTORY_ENGINES_DIR`` or ``<repository>/.venv-engines`` (``make
engines``). Nothing here imports pytest.
"""

import dataclasses
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
PROJECT = "local-project"
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60


def engines_dir() -> Path:
    """Where the emulators' venvs are: ``$FULLSTORY_ENGINES_DIR`` or ``<repo>/.venv-engines``."""
    return Path(os.environ.get("FULLSTORY_ENGINES_DIR") or REPOSITORY / ".venv-engines")


def crucible_executable() -> Path:
    """The ``crucible`` command of the engines venv (it may not exist: callers check)."""
    return engines_dir() / "crucible" / "bin" / "crucible"


@dataclass(frozen=True)
class CrucibleServer:
    """A running crucible server speaking BigQuery's REST API on ``endpoint``."""

    endpoint: str
    project: str = PROJECT

    def dbt_env(self) -> dict[str, str]:
        """The variables the ``bigquery`` target of dbt_models/profiles.yml reads, for this server.

        oauth-secrets with a dummy token: the emulator checks no credentials, and dbt-bigquery
        then neither looks for application-default credentials nor refreshes the token.
        FULLSTORY_BIGQUERY_EMULATOR turns on the project's workarounds of crucible's gaps
        (dbt_models/macros/json.sql).
        """
        return {
            "FULLSTORY_WAREHOUSE": "bigquery",
            "FULLSTORY_BIGQUERY_EMULATOR": "crucible",
            "BIGQUERY_METHOD": "oauth-secrets",
            "BIGQUERY_TOKEN": "crucible-dummy-token",
            "BIGQUERY_PROJECT": self.project,
            "BIGQUERY_API_ENDPOINT": self.endpoint,
        }

    def client(self):
        """A real ``google.cloud.bigquery.Client`` talking to this server."""
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import bigquery

        return bigquery.Client(
            project=self.project,
            credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=self.endpoint),
        )

    def in_project(self, project: str) -> "CrucibleServer":
        """The same server seen from another project: its datasets are a separate namespace,
        so tests sharing one server do not see each other's tables."""
        return dataclasses.replace(self, project=project)

    def reset(self) -> None:
        """Drop every dataset, table and job (crucible's admin route)."""
        request = urllib.request.Request(f"{self.endpoint}/_crucible/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _healthy(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/_crucible/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_crucible(directory: Path) -> Iterator[CrucibleServer]:
    """Start ``crucible serve --dialect bigquery`` on a free loopback port; stop it on exit.

    The server runs in its own process group, which is stopped as a whole on exit (uvicorn
    may outlive a signal to its parent alone). Its data is in memory; its log is
    ``directory/crucible.log``.

    Raises:
        FileNotFoundError: crucible is not installed in the engines dir.
        RuntimeError: the server did not answer within START_TIMEOUT_SECONDS.
    """
    executable = crucible_executable()
    if not executable.exists():
        raise FileNotFoundError(f"{executable} (run `make engines` or set FULLSTORY_ENGINES_DIR)")
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    endpoint = f"http://{HOST}:{port}"
    with open(directory / "crucible.log", "ab") as log:
        process = subprocess.Popen(
            [
                str(executable),
                "serve",
                "--dialect",
                "bigquery",
                "--host",
                HOST,
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _healthy(endpoint):
            if process.poll() is not None:
                raise RuntimeError(f"crucible exited with {process.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"crucible did not answer on {endpoint}; see {log.name}")
            time.sleep(0.2)
        yield CrucibleServer(endpoint)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL it if it is still there after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
