"""Every FULLSTORY_WAREHOUSE value loads, without a credential, into the same Dagster graph.

Each value runs in its own process (settings are read when the definitions are imported), with
every connection variable removed from the environment.
"""

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fullstory_assets.settings import PROJECT_ROOT, WAREHOUSES
from fullstory_assets.warehouses.variables import (
    OPTIONAL_CONNECTION_VARIABLES,
    REQUIRED_CONNECTION_VARIABLES,
)

GRAPH_SCRIPT = """
import json
from fullstory_assets.definitions import defs
graph = defs.resolve_asset_graph()
print(json.dumps({
    "assets": sorted(
        [k.to_user_string(), sorted(p.to_user_string() for p in graph.get(k).parent_keys)]
        for k in graph.get_all_asset_keys()
    ),
    "checks": sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys),
    "jobs": sorted(job.name for job in defs.jobs),
    "schedules": sorted(s.name for s in defs.schedules),
    "sensors": sorted(s.name for s in defs.sensors),
    "warehouse_resource": type(defs.resources["warehouse"]).__name__,
    "model_pools": sorted({pool for k in graph.get_all_asset_keys()
                          if graph.get(k).is_materializable for pool in graph.get(k).pools}),
}))
"""
# Runs of any days overlap on the other warehouses (PostgreSQL, Redshift); these take turns
# (fullstory_assets/dbt/assets.py).
ONE_RUN_AT_A_TIME = {w: ["fullstory_warehouse"] for w in ("duckdb", "snowflake", "bigquery")}
RESOURCE_CLASSES = {
    "duckdb": "DuckDBWarehouse",
    "bigquery": "BigQueryWarehouse",
    "snowflake": "SnowflakeWarehouse",
    "redshift": "RedshiftWarehouse",
    "postgres": "RedshiftWarehouse",
}


CONNECTION_VARIABLES = {
    name
    for names in (*REQUIRED_CONNECTION_VARIABLES.values(), *OPTIONAL_CONNECTION_VARIABLES.values())
    for name in names
}


def _environment(warehouse: str, home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONNECTION_VARIABLES}
    env.update(FULLSTORY_WAREHOUSE=warehouse)
    if home is not None:
        env.update(DAGSTER_HOME=str(home))
    return env


def _home(directory: Path) -> Path:
    """A Dagster home of its own: processes starting together on a new one would race to create
    its SQLite storage ("table secondary_indexes already exists")."""
    directory.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", directory)
    return directory


def _load(warehouse: str, home: Path) -> tuple[subprocess.CompletedProcess, dict]:
    env = _environment(warehouse, home)
    validate = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "definitions",
            "validate",
            "-m",
            "fullstory_assets.definitions",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    graph = subprocess.run(
        [sys.executable, "-c", GRAPH_SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return validate, json.loads(graph.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, dict]]:
    root = tmp_path_factory.mktemp("homes")
    homes = [_home(root / warehouse) for warehouse in WAREHOUSES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(WAREHOUSES, pool.map(_load, WAREHOUSES, homes), strict=True))


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_definitions_validate_without_credentials(loaded, warehouse):
    validate, _ = loaded[warehouse]
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "All code locations passed validation" in validate.stdout + validate.stderr


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_the_asset_graph_is_the_same_on_every_warehouse(loaded, warehouse):
    _, graph = loaded[warehouse]
    _, on_duckdb = loaded["duckdb"]
    assert graph.pop("warehouse_resource") == RESOURCE_CLASSES[warehouse]
    assert graph.pop("model_pools") == ONE_RUN_AT_A_TIME.get(warehouse, [])
    differ = ("warehouse_resource", "model_pools")
    assert graph == {k: v for k, v in on_duckdb.items() if k not in differ}


@pytest.mark.parametrize("warehouse", [w for w in WAREHOUSES if w != "duckdb"])
def test_a_run_without_credentials_names_the_missing_variable(warehouse, monkeypatch):
    from dagster import DagsterInstance, DagsterInvalidConfigError

    from fullstory_assets.definitions import build_definitions
    from fullstory_assets.settings import load_settings

    for name in CONNECTION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FULLSTORY_WAREHOUSE", warehouse)
    job = build_definitions(load_settings()).resolve_job_def("fullstory_models")
    with pytest.raises(DagsterInvalidConfigError) as error:
        job.execute_in_process(instance=DagsterInstance.ephemeral(), partition_key="2024-03-01")
    missing = [
        name for name in REQUIRED_CONNECTION_VARIABLES[warehouse] if name in str(error.value)
    ]
    assert missing, str(error.value)
    assert "is not set" in str(error.value)
