"""The dbt project, with its manifest prepared before definitions load."""

import sys
from pathlib import Path

from dagster_dbt import DbtProject

from fullstory_assets.settings import DBT_PROJECT_DIR, load_settings

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

# The dbt that was installed with this interpreter, found even when its bin/ is not on PATH.
_beside_python = Path(sys.executable).parent / "dbt"
DBT_EXECUTABLE = str(_beside_python) if _beside_python.exists() else "dbt"
