"""The dbt project, with its manifest prepared before definitions load."""

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from fullstory_assets.dbt.environment import settings_env
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

# `prepare_if_dev` only acts under `dagster dev`; a fresh clone, the tests and CLI runs need the
# manifest too, so parse once when it is missing (the install step normally did it already).
fullstory_dbt_project.prepare_if_dev()
if not fullstory_dbt_project.manifest_path.exists():
    fullstory_dbt_project.preparer.prepare(fullstory_dbt_project)
