"""`dagster dev` as a test fixture: start it in its own process group, wait for it, stop it.

Everything here is bounded in time; every failure says what it waited for and shows the server's
log tail.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.dagster_api import DagsterApi, GraphQLError
from tests.e2e.e2e_support import BIN, LOCATION, PROJECT_ROOT, free_port, wait_for

READY_TIMEOUT_S = 180  # seen: 35 s on an idle machine, ~60 s beside the other test worker
STOP_TIMEOUT_S = 30


@dataclass
class DagsterDev(DagsterApi):
    """One ``dagster dev`` (webserver + daemon) on a temp DAGSTER_HOME and a temp warehouse."""

    workdir: Path
    env_overrides: Mapping[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    ready_after_s: float = 0.0

    @property
    def home(self) -> Path:
        return self.workdir / "dagster_home"

    @property
    def warehouse(self) -> Path:
        return Path(self.env_overrides["FULLSTORY_DUCKDB_PATH"])

    @property
    def log_path(self) -> Path:
        return self.workdir / "dagster_dev.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start ``dagster dev`` from the project root in a new session (its own process group)."""
        self.home.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", self.home / "dagster.yaml")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FULLSTORY_", "DAGSTER_"))}
        env.update({"DAGSTER_HOME": str(self.home), **self.env_overrides})
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        command = [
            str(BIN / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        self.started_at = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_default_interrupts,
            )

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Wait until the webserver answers and the code location has loaded without error."""

        def loaded() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"dagster dev exited with code {self.process.returncode}\n{self.log_tail()}"
                )
            try:
                data = self.graphql(
                    """{ workspaceOrError { ... on Workspace { locationEntries {
                        name loadStatus
                        locationOrLoadError { __typename ... on PythonError { message } }
                    } } } }""",
                    timeout=10,
                )
            except (OSError, urllib.error.URLError, GraphQLError):
                return False
            entries = data["workspaceOrError"].get("locationEntries") or []
            for entry in entries:
                loaded = entry.get("locationOrLoadError") or {}
                if loaded.get("__typename") == "PythonError":
                    raise AssertionError(f"code location failed to load: {loaded['message']}")
            return any(
                e["name"] == LOCATION
                and e["loadStatus"] == "LOADED"
                and (e.get("locationOrLoadError") or {}).get("__typename") == "RepositoryLocation"
                for e in entries
            )

        wait_for("dagster dev to serve", loaded, timeout, interval=1.0, explain=self.log_tail)
        self.ready_after_s = time.monotonic() - self.started_at
        print(f"dagster dev on {self.url} ready after {self.ready_after_s:.0f} s")

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after a timeout."""
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the leader's pid is the group's id
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _group_has_members(pgid):
            self.process.poll()  # reap the leader once it exits
            if time.monotonic() > deadline:
                print(f"dagster dev still running {STOP_TIMEOUT_S} s after SIGTERM: SIGKILL")
                _signal_group(pgid, signal.SIGKILL)
                break
            time.sleep(0.5)
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no dagster dev log)"
        return "--- dagster dev log (tail) ---\n" + "\n".join(text[-lines:])


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _default_interrupts() -> None:
    # A process started in the background by a non-interactive shell inherits SIGINT ignored;
    # dagster maps SIGTERM onto SIGINT's handler, so it would ignore SIGTERM as well.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _group_has_members(pgid: int) -> bool:
    """Whether a live (non-zombie) process is still in process group ``pgid``."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False
