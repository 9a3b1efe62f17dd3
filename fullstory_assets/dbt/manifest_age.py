"""Whether the dbt manifest must be prepared again: missing, or older than the project's files."""

import os
from pathlib import Path

# What `dbt parse` reads. Directories count too: deleting a file changes only its folder's time.
PARSED_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
PARSED_DIRS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")


def _newest_change_ns(project_dir: Path) -> int:
    newest = 0
    for name in PARSED_FILES:
        path = project_dir / name
        if path.exists():
            newest = max(newest, path.stat().st_mtime_ns)
    for name in PARSED_DIRS:
        for folder, _, files in os.walk(project_dir / name):
            newest = max(newest, os.stat(folder).st_mtime_ns)
            for file in files:
                newest = max(newest, os.stat(os.path.join(folder, file)).st_mtime_ns)
    return newest


def manifest_is_stale(manifest: Path, project_dir: Path) -> bool:
    """True when ``manifest`` is missing or a file dbt parses changed after it was written.

    Args:
        manifest: The prepared ``manifest.json``.
        project_dir: The dbt project it was parsed from.
    """
    if not manifest.exists():
        return True
    return _newest_change_ns(project_dir) > manifest.stat().st_mtime_ns
