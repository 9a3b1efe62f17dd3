"""Prune the target directories dagster-dbt leaves behind, one per dbt invocation.

Each run's dbt invocation writes its manifest, run results and compiled SQL to a directory of
its own under ``dbt_models/target`` (a few MB). Run hourly, they would fill the disk within
months: the newest ones are kept for debugging (and the bench's run_results.json), the rest go.
"""

import shutil
import time
from pathlib import Path

KEEP_NEWEST = 24
# Never one a run may still be writing: runs of this project finish well within this.
MIN_AGE_SECONDS = 6 * 3600


def prune_invocation_dirs(
    project_target: Path,
    prefix: str,
    keep: int = KEEP_NEWEST,
    min_age_seconds: float = MIN_AGE_SECONDS,
    now: float | None = None,
) -> list[Path]:
    """Delete invocation directories beyond the newest ``keep`` that are older than a minimum age.

    Args:
        project_target: The dbt project's target directory.
        prefix: What the invocation directories' names start with (the op's name and a dash).
        keep: How many of the newest directories stay whatever their age.
        min_age_seconds: Directories modified more recently stay too.
        now: The current time (seconds since the epoch); the clock's by default.

    Returns:
        The directories deleted.
    """
    now = time.time() if now is None else now
    directories = sorted(
        (p for p in project_target.glob(f"{prefix}*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    deleted = []
    for directory in directories[keep:]:
        if now - directory.stat().st_mtime >= min_age_seconds:
            shutil.rmtree(directory, ignore_errors=True)
            deleted.append(directory)
    return deleted
