"""A fresh clone has no dbt manifest: loading the definitions must prepare it."""

import os
import subprocess
import sys
from pathlib import Path

from fullstory_assets.settings import PROJECT_ROOT


def test_definitions_load_from_a_fresh_clone(tmp_path: Path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    assert not (clone / "dbt_models" / "target" / "manifest.json").exists()
    probe = (
        "import fullstory_assets.definitions as d, fullstory_assets.settings as s;"
        "print(s.PROJECT_ROOT);"
        "print(len(d.defs.resolve_asset_graph().get_all_asset_keys()))"
    )
    env = {**os.environ, "PYTHONPATH": str(clone)}
    env.pop("DAGSTER_IS_DEV_CLI", None)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=clone, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    root, asset_count = result.stdout.split()[-2:]
    assert Path(root) == clone
    assert int(asset_count) >= 10
    assert (clone / "dbt_models" / "target" / "manifest.json").exists()
