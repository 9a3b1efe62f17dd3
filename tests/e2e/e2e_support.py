"""`dagster dev` as a test fixture: start it in its own process group, talk GraphQL, stop it.

Everything here is bounded in time; every failure says what it waited for and shows the server's
log tail or the failing run's errors.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCATION = "fullstory_assets"  # workspace.yaml's location_name
REPOSITORY = "__repository__"  # the repository a Definitions object becomes
JOB = "fullstory_models"
SCHEDULE = "hourly_models_schedule"
SENSOR = "late_data_sensor"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"

READY_TIMEOUT_S = 180  # seen: 35 s on an idle machine, ~60 s beside the other test worker
STOP_TIMEOUT_S = 30
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def utc_now() -> datetime:
    """Naive UTC now, the convention of the raw table and of the simulator's --until."""
    return datetime.now(UTC).replace(tzinfo=None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    what: str,
    check: Callable[[], Any],
    timeout: float,
    interval: float = 2.0,
    explain: Callable[[], str] | None = None,
) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            details = explain() if explain else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{details}")
        time.sleep(interval)


@dataclass
class DagsterDev:
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

    # ── GraphQL ─────────────────────────────────────────────────────────────────────────────
    def graphql(self, query: str, variables: Mapping[str, Any] | None = None, timeout=30) -> dict:
        """POST a GraphQL query; return its ``data``; raise GraphQLError on ``errors``."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"])[:2000])
        return payload["data"]

    def runs(self, tags: Mapping[str, str] | None = None, limit: int = 100) -> list["Run"]:
        """Runs of the instance, newest first (optionally only those carrying ``tags``)."""
        run_filter = {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}
        data = self.graphql(
            """query($filter: RunsFilter, $limit: Int) {
              runsOrError(filter: $filter, limit: $limit) {
                __typename
                ... on Runs { results {
                  runId status jobName creationTime startTime endTime
                  tags { key value } assetSelection { path }
                } }
                ... on PythonError { message }
              } }""",
            {"filter": run_filter, "limit": limit},
        )
        result = data["runsOrError"]
        if result["__typename"] != "Runs":
            raise GraphQLError(str(result))
        return [Run.from_graphql(r) for r in result["results"]]

    def run_errors(self, run_id: str) -> str:
        """The run's error messages and stacks, for a failure message."""
        data = self.graphql(
            """query($runId: ID!) { logsForRun(runId: $runId, limit: 5000) {
                ... on EventConnection { events {
                  __typename
                  ... on MessageEvent { message level stepKey }
                  ... on ErrorEvent { error { message stack cause { message stack } } }
                } } } }""",
            {"runId": run_id},
        )
        lines = []
        for event in data["logsForRun"].get("events", []):
            error = event.get("error")
            if event.get("level") in ("ERROR", "CRITICAL") or error:
                lines.append(f"[{event['__typename']}] {event.get('stepKey')}: {event['message']}")
                while error:
                    lines.append(error["message"] + "".join(error.get("stack") or [])[-2000:])
                    error = error.get("cause")
        return f"--- errors of run {run_id} ---\n" + ("\n".join(lines) or "(none logged)")

    def describe_runs(self, runs: Iterable["Run"] | None = None) -> str:
        """One line per run (and the errors of failed ones), for failure messages."""
        runs = list(self.runs() if runs is None else runs)
        lines = [r.describe() for r in runs]
        for run in runs:
            if run.status in ("FAILURE", "CANCELED"):
                lines.append(self.run_errors(run.run_id))
        return "--- runs ---\n" + ("\n".join(lines) or "(no runs)")

    def wait_run_finished(self, run_id: str, timeout: float) -> "Run":
        """Wait for a run to finish; fail with its errors unless it succeeded."""

        def finished():
            runs = self.runs_by_id([run_id])
            return runs[0] if runs and runs[0].status in FINISHED else None

        run = wait_for(
            f"run {run_id} to finish",
            finished,
            timeout,
            explain=lambda: self.describe_runs() + "\n" + self.log_tail(30),
        )
        assert run.status == "SUCCESS", f"run ended {run.status}\n{self.run_errors(run_id)}"
        return run

    def runs_by_id(self, run_ids: list[str]) -> list["Run"]:
        data = self.graphql(
            """query($ids: [String]) { runsOrError(filter: {runIds: $ids}) {
                ... on Runs { results {
                  runId status jobName creationTime startTime endTime
                  tags { key value } assetSelection { path }
                } } } }""",
            {"ids": run_ids},
        )
        return [Run.from_graphql(r) for r in data["runsOrError"]["results"]]

    def instigator(self, kind: str, name: str) -> dict:
        """The state of a schedule (``kind='schedule'``) or sensor, with its latest ticks."""
        selector = {"repositoryName": REPOSITORY, "repositoryLocationName": LOCATION}
        if kind == "schedule":
            query = """query($s: ScheduleSelector!) { scheduleOrError(scheduleSelector: $s) {
                __typename ... on Schedule { scheduleState { ...state } } } }"""
            selector["scheduleName"] = name
        else:
            query = """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
                __typename ... on Sensor { sensorState { ...state } } } }"""
            selector["sensorName"] = name
        query += """
            fragment state on InstigationState {
              id selectorId status
              typeSpecificData { ... on SensorData { lastCursor lastTickTimestamp } }
              ticks(limit: 20) {
                status timestamp runIds skipReason cursor error { message }
              }
            }"""
        data = self.graphql(query, {"s": selector})
        result = data[f"{kind}OrError"]
        key = "scheduleState" if kind == "schedule" else "sensorState"
        assert key in result, f"{kind} {name} not found: {result}"
        return result[key]

    def stop_automation(self) -> None:
        """Stop the schedule and the sensor (tests that must be the only source of runs)."""
        self.stop_schedule()
        self.stop_sensor()

    def stop_schedule(self) -> None:
        schedule = self.instigator("schedule", SCHEDULE)
        data = self.graphql(
            """mutation($id: String) { stopRunningSchedule(id: $id) {
                __typename ... on ScheduleStateResult { scheduleState { status } }
                ... on PythonError { message } } }""",
            {"id": schedule["id"]},
        )
        assert data["stopRunningSchedule"]["__typename"] == "ScheduleStateResult", data
        assert self.instigator("schedule", SCHEDULE)["status"] == "STOPPED"

    def stop_sensor(self) -> None:
        sensor = self.instigator("sensor", SENSOR)
        data = self.graphql(
            """mutation($id: String) { stopSensor(id: $id) {
                __typename ... on StopSensorMutationResult { instigationState { status } }
                ... on PythonError { message } } }""",
            {"id": sensor["id"]},
        )
        assert data["stopSensor"]["__typename"] == "StopSensorMutationResult", data
        assert self.instigator("sensor", SENSOR)["status"] == "STOPPED"

    def materializations(self, asset: str, partitions: list[str] | None = None) -> list[dict]:
        """Materialization events of an asset (newest first), with their integer metadata."""
        data = self.graphql(
            """query($key: AssetKeyInput!, $partitions: [String!]) {
              assetOrError(assetKey: $key) { __typename ... on Asset {
                assetMaterializations(partitions: $partitions) {
                  runId partition timestamp
                  metadataEntries { label ... on IntMetadataEntry { intValue } }
                } } } }""",
            {"key": {"path": [asset]}, "partitions": partitions},
        )
        events = data["assetOrError"].get("assetMaterializations", [])
        for event in events:
            event["metadata"] = {
                e["label"]: e["intValue"] for e in event["metadataEntries"] if "intValue" in e
            }
        return events

    def freshness(self, asset: str) -> str | None:
        """The asset's freshness status (HEALTHY, WARNING, DEGRADED, UNKNOWN...)."""
        data = self.graphql(
            """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
                ... on AssetNode { freshnessStatusInfo { freshnessStatus } } } }""",
            {"key": {"path": [asset]}},
        )
        info = data["assetNodeOrError"].get("freshnessStatusInfo") or {}
        return info.get("freshnessStatus")


class GraphQLError(RuntimeError):
    """The GraphQL endpoint answered with errors."""


@dataclass(frozen=True)
class Run:
    """The parts of a Dagster run the tests look at."""

    run_id: str
    status: str
    job_name: str
    created: float
    started: float | None
    ended: float | None
    tags: dict[str, str]
    assets: frozenset[str]

    @classmethod
    def from_graphql(cls, r: dict) -> "Run":
        return cls(
            run_id=r["runId"],
            status=r["status"],
            job_name=r["jobName"],
            created=r["creationTime"],
            started=r.get("startTime"),
            ended=r.get("endTime"),
            tags={t["key"]: t["value"] for t in r["tags"]},
            assets=frozenset("/".join(a["path"]) for a in (r.get("assetSelection") or [])),
        )

    @property
    def days(self) -> set[date]:
        """The event days the run covers (its partition or its partition range)."""
        if "dagster/partition" in self.tags:
            return {date.fromisoformat(self.tags["dagster/partition"])}
        if RANGE_START_TAG in self.tags:
            first = date.fromisoformat(self.tags[RANGE_START_TAG])
            last = date.fromisoformat(self.tags[RANGE_END_TAG])
            return {first + timedelta(days=i) for i in range((last - first).days + 1)}
        return set()

    def describe(self) -> str:
        trigger = (
            self.tags.get("dagster/sensor_name")
            or self.tags.get("dagster/schedule_name")
            or self.tags.get("dagster/backfill")
            or ("ui" if self.tags.get("dagster/from_ui") else "?")
        )
        days = sorted(str(d) for d in self.days)
        span = f"{days[0]}..{days[-1]}" if days else "-"
        return (
            f"{self.run_id[:8]} {self.status:<9} {trigger:<24} days {span} "
            f"created {self.created:.0f}"
        )


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


# ── the warehouse ───────────────────────────────────────────────────────────────────────────
def simulate(
    db: Path, start: date, days: int, events_per_day: int, seed: int, until: datetime
) -> str:
    """Apply simulated syncs up to ``until`` with the CLI; retry while a run holds the file."""
    command = [
        str(BIN / "fullstory-assets"),
        "simulate",
        "--start",
        start.isoformat(),
        "--days",
        str(days),
        "--events-per-day",
        str(events_per_day),
        "--seed",
        str(seed),
        "--until",
        until.strftime("%Y-%m-%d %H:00"),
        "--db",
        str(db),
    ]
    env = {**os.environ, "FULLSTORY_DUCKDB_PATH": str(db)}
    deadline = time.monotonic() + 180
    while True:
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode == 0:
            return done.stdout.strip()
        # Exit code 1: DuckDB's one-writer lock (a run or a sensor tick has the file open).
        if done.returncode != 1 or time.monotonic() > deadline:
            raise AssertionError(f"simulate failed ({done.returncode}): {done.stderr}")
        time.sleep(2)


def query_warehouse(db: Path, sql: str, params: list | None = None, timeout: float = 120) -> list:
    """Run a read-only query, retrying while another process writes the file."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as conn:
                conn.execute("set timezone = 'UTC'")
                return conn.execute(sql, params or []).fetchall()
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
