"""A throwaway PostgreSQL server: initdb in a temporary directory, serve on 127.0.0.1, stop.

Independent of pytest, so Dagster-level tests and local runs can use it too::

    with running_postgres() as server:
        os.environ.update(server.dbt_env())  # the `postgres` target of dbt_models/profiles.yml

The server runs as user ``postgres`` when the caller is root (PostgreSQL refuses to run as
root), else as the caller. It keeps all its files (data, unix socket, log) in one private
directory that is removed on exit, and listens on 127.0.0.1 only, on a port free at start.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Where to find initdb/pg_ctl when they are neither here nor on PATH.
BINDIR_ENV = "FULLSTORY_PG_BINDIR"
SUPERUSER = "postgres"
START_ATTEMPTS = 3  # a port found free can be taken before the server binds it


class PostgresNotInstalled(RuntimeError):
    """The PostgreSQL server binaries (initdb, pg_ctl) are not installed."""


@dataclass(frozen=True)
class PostgresServer:
    """Where a running server listens, and how to log in as its superuser."""

    host: str
    port: int
    user: str
    password: str
    database: str
    log_path: Path

    def conn_params(self) -> dict[str, object]:
        """Keyword arguments for ``psycopg2.connect``."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
        }

    def dbt_env(self) -> dict[str, str]:
        """The variables the ``postgres`` target of dbt_models/profiles.yml reads."""
        return {
            "FULLSTORY_WAREHOUSE": "postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DATABASE": self.database,
        }


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl; raises ``PostgresNotInstalled`` if none does."""
    if os.environ.get(BINDIR_ENV):  # an explicit choice is the only candidate
        candidates = [Path(os.environ[BINDIR_ENV])]
    else:
        candidates = _installed_bindirs()
    for bindir in candidates:
        missing = [name for name in ("initdb", "pg_ctl") if not (bindir / name).is_file()]
        if not missing:
            return bindir
    looked = ", ".join(str(c) for c in candidates) or "PATH"
    raise PostgresNotInstalled(
        f"PostgreSQL is not installed: no initdb/pg_ctl found (looked in {looked}). Install the "
        f"server (Debian: apt-get install postgresql) or set {BINDIR_ENV} to its bin directory."
    )


def _installed_bindirs() -> list[Path]:
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:  # Debian's pg_config names the server's bindir, which is not on PATH
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: int(p.parent.name), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    return candidates


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the server's user: ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        raise PostgresNotInstalled("running as root needs runuser (util-linux) to switch users")
    return ["runuser", "-u", SUPERUSER, "--", *command]


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _private_directory(parent: Path | None) -> Path:
    """A new directory only the server's user can read: data, socket, password file, log."""
    base = Path(tempfile.mkdtemp(prefix="fullstory-pg-", dir=parent))
    if os.geteuid() == 0:
        shutil.chown(base, SUPERUSER, SUPERUSER)
        # pytest's tmp_path is private to root (0700), so the server's user cannot enter it.
        reachable = subprocess.run(_as_server_user(["test", "-w", str(base)])).returncode == 0
        if not reachable:
            shutil.rmtree(base)
            raise PermissionError(
                f"user {SUPERUSER} cannot reach {parent}: pass a world-traversable directory "
                "(the default, the system temp directory, is)"
            )
    return base


@contextlib.contextmanager
def running_postgres(directory: Path | None = None) -> Iterator[PostgresServer]:
    """Start a fresh PostgreSQL server; stop it and delete its files on exit, even on error.

    Args:
        directory: Where to create the server's private directory (default: the system temp
            directory). As root it must be reachable by user ``postgres``.

    Yields:
        The running server; its superuser logs in with a random password over TCP only.
    """
    bindir = find_bindir()
    base = _private_directory(directory)
    data, log_path = base / "data", base / "server.log"
    password = secrets.token_urlsafe(24)
    started: subprocess.CompletedProcess | None = None
    try:
        password_file = base / "password"
        password_file.write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(password_file, SUPERUSER, SUPERUSER)
        password_file.chmod(0o600)
        # C collation: strings compare byte by byte, as on DuckDB, Redshift and BigQuery, so
        # ties broken on ids come out the same. --no-sync: a test server needs no durability.
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile",
             str(password_file), "-A", "scram-sha-256", "-E", "UTF8", "--locale=C",
             "--no-sync", "--no-instructions"]
        )  # fmt: skip
        password_file.unlink()
        for attempt in range(START_ATTEMPTS):
            port = _free_port()
            # timezone UTC: a session's time zone turns timestamp literals into timestamptz;
            # Redshift's default is UTC, and the partition windows are UTC days.
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={base} "
                "-c timezone=UTC -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=30"
            )
            command = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log_path), "-w",
                       "-t", "60", "-o", options, "start"]  # fmt: skip
            # Its own session, so the postmaster's process group can be stopped as one.
            started = subprocess.run(
                _as_server_user(command), capture_output=True, text=True, start_new_session=True
            )
            if started.returncode == 0:
                break
            log = log_path.read_text() if log_path.exists() else ""
            if "could not bind" not in log or attempt == START_ATTEMPTS - 1:
                raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()}\n{log}")
        yield PostgresServer("127.0.0.1", port, SUPERUSER, password, "postgres", log_path)
    finally:
        _stop(bindir, data)
        shutil.rmtree(base, ignore_errors=True)


def _stop(bindir: Path, data: Path) -> None:
    """Stop the server in ``data``, if one runs: pg_ctl first, the postmaster's group if stuck."""
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return
    postmaster = int(pid_file.read_text().split()[0])
    stopped = subprocess.run(
        _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "30",
                         "stop"]),
        capture_output=True,
    )  # fmt: skip
    if stopped.returncode != 0:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(postmaster), signal.SIGKILL)
