"""The house stays tidy: ruff and sqlfluff are clean (CI fails otherwise)."""

import os
import subprocess
import sys
from pathlib import Path

from fullstory_assets.settings import DBT_PROJECT_DIR, PROJECT_ROOT

BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_ruff():
    _run([str(BIN / "ruff"), "check", "."], PROJECT_ROOT)
    _run([str(BIN / "ruff"), "format", "--check", "."], PROJECT_ROOT)


def test_sqlfluff(tmp_path):
    # dbt's target and logs of its own: sqlfluff's dbt templater rewrites manifest.json in its
    # target directory, which another test worker's dagster dev may be reading.
    _run(
        [str(BIN / "sqlfluff"), "lint", "models"],
        DBT_PROJECT_DIR,
        env={
            "FULLSTORY_DUCKDB_PATH": str(tmp_path / "lint.duckdb"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
    )
