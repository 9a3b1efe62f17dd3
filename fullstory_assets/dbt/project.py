"""The dbt project, with its manifest prepared before definitions load when it is out of date."""

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from fullstory_assets.dbt.environment import settings_env
from fullstory_assets.dbt.manifest_age import manifest_is_stale
from fullstory_assets.settings import DBT_PROJECT_DIR, load_settings

# dagster-dbt runs `dbt` from PATH, also when it prepares the manifest. A virtualenv used without
# activation (`.venv/bin/dagster dev`) has dbt beside its interpreter but not on PATH.
_interpreter_bin = Path(sys.executable).parent
if shutil.which("dbt") is None and (_interpreter_bin / "dbt").exists():
    os.environ["PATH"] = f"{_interpreter_bin}{os.pathsep}{os.environ.get('PATH', '')}"

# Every dbt process of this one (preparing the manifest, runs) sees the same settings, so dbt's
# partial parsing stays valid: a profile or env var that differs from parse time (the DuckDB
# path, say) would make dbt re-parse the whole project on every run.
os.environ.update(settings_env(load_settings()))

fullstory_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=load_settings().dbt_target,
)

# Parse (about 20 s) only when the manifest is missing or older than the project's files, under
# `dagster dev` or not: `prepare_if_dev` would parse on every load of the code server and of every
# run worker, which inherit `dagster dev`'s environment; a fresh clone, the tests and CLI runs need
# a manifest too (the install step normally prepared it already).
if manifest_is_stale(fullstory_dbt_project.manifest_path, fullstory_dbt_project.project_dir):
    fullstory_dbt_project.preparer.prepare(fullstory_dbt_project)
