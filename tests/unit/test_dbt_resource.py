"""The dbt resource starts no `dbt --version` process and builds no adapter in Dagster's process."""

from importlib.metadata import version

import dagster_dbt.core.resource as dagster_dbt_resource
from dagster_dbt import DbtCliResource
from packaging.version import Version

from fullstory_assets.dbt.project import fullstory_dbt_project
from fullstory_assets.dbt.resource import FullstoryDbtCliResource


def test_the_overridden_members_still_exist_upstream():
    # If dagster-dbt renamed them, the overrides would silently stop saving anything.
    assert isinstance(
        DbtCliResource.__dict__.get("_cli_version"),
        type(FullstoryDbtCliResource.__dict__["_cli_version"]),
    )
    assert callable(DbtCliResource.__dict__.get("_initialize_dbt_core_adapter"))


def test_version_comes_from_the_installed_package(monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"unexpected subprocess {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    resource = FullstoryDbtCliResource(project_dir=fullstory_dbt_project)
    assert resource._cli_version == Version(version("dbt-core"))
    assert resource._cli_version.major < 2  # dbt Core, not Fusion: the events parse as Core's


def test_no_adapter_is_built():
    resource = FullstoryDbtCliResource(project_dir=fullstory_dbt_project)
    assert resource._initialize_dbt_core_adapter(["build"]) is None
