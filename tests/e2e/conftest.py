"""Fixtures of the e2e tier: `dagster dev` instances that always stop, and the artifacts folder.

Each test file starts its own `dagster dev` (own port, DAGSTER_HOME and warehouse file), so files
can run in different pytest-xdist workers (`--dist loadfile`) at the same time.
"""

import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.e2e.dagster_dev import DagsterDev
from tests.e2e.e2e_support import ARTIFACTS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/e2e``: screenshots and the `dagster dev` logs of the last run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def start_dagster_dev(
    tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> Iterator[Callable[[str, Mapping[str, str], Path | None], DagsterDev]]:
    """Start `dagster dev` instances for a test module; stop them (whole process group) after it.

    The factory takes a name (log file in the artifacts), the environment overrides and
    optionally the work directory; it returns the instance once its code location has loaded.
    """
    started: list[tuple[str, DagsterDev]] = []

    def start(name: str, env: Mapping[str, str], workdir: Path | None = None) -> DagsterDev:
        dev = DagsterDev(workdir or tmp_path_factory.mktemp(name), env)
        started.append((name, dev))
        dev.start()
        dev.wait_ready()
        # The views' daily checks would add a run of their own to any test that spans its hour.
        dev.stop_view_checks_schedule()
        return dev

    yield start
    for name, dev in started:
        dev.stop()
        if dev.log_path.exists():
            shutil.copy(dev.log_path, artifacts / f"{name}-dagster-dev.log")
