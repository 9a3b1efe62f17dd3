"""Local object stores for the Parquet-export suite, bound to 127.0.0.1 on a free port: moto's
S3 server and gcp-storage-emulator (GCS), each from its own venv under the engines directory.

Importable without pytest. Each server runs in its own process group
and the group is stopped on exit, whatever happened inside the ``with`` block.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
# `make engines` creates <repo>/.venv-engines; a worktree points at another checkout's copy.
ENGINES_DIR = Path(os.environ.get("FULLSTORY_ENGINES_DIR") or REPO_ROOT / ".venv-engines")
MOTO_SERVER = ENGINES_DIR / "moto" / "bin" / "moto_server"
GCS_EMULATOR = ENGINES_DIR / "gcs" / "bin" / "gcp-storage-emulator"
START_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class LocalServer:
    """A running store server and the standard variables that point its client library at it."""

    endpoint: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.stem} exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{log.stem} did not serve {url} within {START_TIMEOUT_SECONDS} s")


@contextmanager
def _serving(program: Path, args: list[str], probe: str, log: Path) -> Iterator[None]:
    """Run ``program args`` until the ``with`` block ends, once ``probe`` answers."""
    if not program.exists():
        raise RuntimeError(f"{program} is missing: run `make engines` or set FULLSTORY_ENGINES_DIR")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(program), *args],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        _wait_until_serving(probe, process, log)
        yield
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running_moto(directory: Path) -> Iterator[LocalServer]:
    """Run moto's S3 server for the ``with`` block; its log goes to ``directory``/moto.log.

    Yields:
        The endpoint and the AWS variables (fake credentials, region, endpoint) for it.
    """
    endpoint = f"http://127.0.0.1:{_free_port()}"
    args = ["-H", "127.0.0.1", "-p", endpoint.rsplit(":", 1)[1]]
    with _serving(MOTO_SERVER, args, f"{endpoint}/moto-api/", Path(directory) / "moto.log"):
        yield LocalServer(
            endpoint=endpoint,
            env={
                "AWS_ENDPOINT_URL_S3": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                # No profile or file of the machine's takes part.
                "AWS_CONFIG_FILE": str(Path(directory) / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(Path(directory) / "no-aws-credentials"),
            },
        )


@contextmanager
def running_gcs_emulator(directory: Path) -> Iterator[LocalServer]:
    """Run gcp-storage-emulator (in memory) for the ``with`` block; log in ``directory``.

    Yields:
        The endpoint and ``STORAGE_EMULATOR_HOST``, which google-cloud-storage honours: it then
        talks to the emulator with anonymous credentials.
    """
    port = str(_free_port())
    endpoint = f"http://127.0.0.1:{port}"
    args = ["start", "--host", "127.0.0.1", "--port", port, "--in-memory"]
    with _serving(GCS_EMULATOR, args, f"{endpoint}/", Path(directory) / "gcs-emulator.log"):
        yield LocalServer(endpoint=endpoint, env={"STORAGE_EMULATOR_HOST": endpoint})
