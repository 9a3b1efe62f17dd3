"""Dagster's GraphQL API as the e2e tests use it: runs, sensors and schedules, asset events."""

import json
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.e2e.e2e_support import (
    FINISHED,
    LOCATION,
    RANGE_END_TAG,
    RANGE_START_TAG,
    REPOSITORY,
    SCHEDULE,
    SENSOR,
    VIEW_CHECKS_SCHEDULE,
    wait_for,
)


class DagsterApi:
    """Queries and mutations against the webserver at ``url``.

    A subclass provides ``url`` and ``log_tail()`` (the server's log, for failure messages).
    """

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

    def run_messages(self, run_id: str) -> list[str]:
        """Every message the run logged, in order."""
        data = self.graphql(
            """query($runId: ID!) { logsForRun(runId: $runId, limit: 5000) {
                ... on EventConnection { events { ... on MessageEvent { message } } } } }""",
            {"runId": run_id},
        )
        return [e["message"] for e in data["logsForRun"].get("events", []) if "message" in e]

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
        self._stop("schedule", SCHEDULE, "stopRunningSchedule", "ScheduleStateResult")

    def stop_sensor(self) -> None:
        self._stop("sensor", SENSOR, "stopSensor", "StopSensorMutationResult")

    def stop_view_checks_schedule(self) -> None:
        self._stop("schedule", VIEW_CHECKS_SCHEDULE, "stopRunningSchedule", "ScheduleStateResult")

    def _stop(self, kind: str, name: str, mutation: str, result_type: str) -> None:
        """Stop an instigator until it stays stopped.

        A daemon tick in flight when the mutation lands writes its instigator state back when it
        ends, status included, which can undo the stop: the stop is repeated until it holds.
        """

        def stopped() -> bool:
            before = self.instigator(kind, name)
            if before["status"] != "STOPPED":
                data = self.graphql(
                    f"""mutation($id: String) {{ {mutation}(id: $id) {{
                        __typename ... on PythonError {{ message }} }} }}""",
                    {"id": before["id"]},
                )
                assert data[mutation]["__typename"] == result_type, data
            time.sleep(3)
            # Stopped before and after the pause: no tick in flight undid it.
            return before["status"] == self.instigator(kind, name)["status"] == "STOPPED"

        wait_for(f"{kind} {name} stopped", stopped, timeout=60)

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

    def check_executions(self, asset: str, check: str, limit: int = 5) -> list[dict]:
        """An asset check's latest executions (newest first): status, whether it passed."""
        data = self.graphql(
            """query($key: AssetKeyInput!, $check: String!, $limit: Int!) {
              assetCheckExecutions(assetKey: $key, checkName: $check, limit: $limit) {
                runId status timestamp evaluation { success severity }
              } }""",
            {"key": {"path": [asset]}, "check": check, "limit": limit},
        )
        return data["assetCheckExecutions"]


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
