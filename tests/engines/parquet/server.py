"""A local S3 for the Parquet-export suite: moto's server, bound to 127.0.0.1 on a free port.

Importable without pytest (the benchmarks use it too). The server runs in its own process group
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
START_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class MotoS3:
    """A running moto server and the standard AWS variables that point boto3 at it."""

    endpoint: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(endpoint: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not serve {endpoint} within {START_TIMEOUT_SECONDS} s")


@contextmanager
def running_moto(directory: Path) -> Iterator[MotoS3]:
    """Run moto's S3 server for the ``with`` block; its log goes to ``directory``/moto.log.

    Args:
        directory: Where the server's log is written.

    Yields:
        The endpoint and the AWS variables (fake credentials, region, endpoint) for it.
    """
    if not MOTO_SERVER.exists():
        raise RuntimeError(
            f"{MOTO_SERVER} is missing: run `make engines` or set FULLSTORY_ENGINES_DIR"
        )
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = Path(directory) / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        _wait_until_serving(endpoint, process, log)
        yield MotoS3(
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
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
