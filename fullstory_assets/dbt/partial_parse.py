"""Keep dbt's partial-parse cache of the latest run, so the next run does not parse again.

dagster-dbt gives every invocation its own target directory, seeded with the project's
``partial_parse.msgpack``. When a run had to parse (its settings differ from the prepared ones),
its fresh cache is what the next run with the same settings can reuse.
"""

import os
import shutil
from pathlib import Path

CACHE_FILE = "partial_parse.msgpack"


def keep_partial_parse(run_target: Path, project_target: Path) -> bool:
    """Copy the run's cache over the project's when it is newer; atomic for concurrent readers.

    Returns:
        Whether the project's cache was replaced.
    """
    fresh, kept = run_target / CACHE_FILE, project_target / CACHE_FILE
    if not fresh.exists() or (kept.exists() and kept.stat().st_mtime >= fresh.stat().st_mtime):
        return False
    staging = project_target / f".{CACHE_FILE}.{os.getpid()}"
    shutil.copy2(fresh, staging)
    os.replace(staging, kept)
    return True
