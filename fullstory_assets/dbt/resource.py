"""The dbt CLI resource, without two start-up costs dagster-dbt pays on every run.

On each run, before starting dbt, dagster-dbt's ``DbtCliResource.cli``

- runs ``dbt --version`` in a subprocess (2-4 s here: dbt imports its whole self) to tell dbt Core
  from the Fusion engine. The dbt on PATH is the dbt-core installed beside this package (see
  project.py), so its version is read from the package metadata instead;
- builds a dbt Core adapter in its own process (1.5-3.5 s: profile, project and every macro
  parsed). dagster-dbt uses that adapter only for ``fetch_row_counts`` and
  ``fetch_column_metadata``, which this project does not call: it counts rows itself once dbt
  has released the DuckDB file (row_counts.py).

It also starts dbt through the `fullstory-dbt` launcher (launcher.py), which spends less than
`dbt` on starting and stopping its process, and starts the launcher as a fork of the run's own
process where that is safe (forked.py), which saves importing dbt a second time.
"""

import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliInvocation, DbtCliResource
from packaging.version import Version

from fullstory_assets.dbt.forked import launcher_forked


class FullstoryDbtCliResource(DbtCliResource):
    """``DbtCliResource`` that knows dbt's version and builds no adapter in the Dagster process."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:
        """``DbtCliResource.cli``, with the launcher started by a fork of this process."""
        with launcher_forked():
            return super().cli(args, **kwargs)


def dbt_launcher() -> str:
    """The dbt command runs start: `fullstory-dbt` beside this interpreter, else plain `dbt`.

    The launcher (launcher.py) is dbt's own command line, started and stopped faster. It is
    missing only where the package runs from a source tree without being installed.
    """
    launcher = Path(sys.executable).parent / "fullstory-dbt"
    return str(launcher) if launcher.exists() else "dbt"
