"""The manifest is prepared again exactly when it is missing or older than what dbt parses."""

import os
from pathlib import Path

import pytest

from fullstory_assets.dbt.manifest_age import manifest_is_stale


def _at(path: Path, seconds: int) -> Path:
    os.utime(path, ns=(seconds * 10**9, seconds * 10**9))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A dbt project whose files are all older than its manifest."""
    for folder in ("models/marts", "macros", "seeds", "tests", "target"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml", "models/marts/events.sql", "macros/m.sql"):
        (tmp_path / name).write_text("x")
    for path in tmp_path.rglob("*"):
        _at(path, 100)
    (tmp_path / "target" / "manifest.json").write_text("{}")
    _at(tmp_path / "target" / "manifest.json", 200)
    return tmp_path


def _stale(project: Path) -> bool:
    return manifest_is_stale(project / "target" / "manifest.json", project)


def test_a_manifest_newer_than_every_parsed_file_is_kept(project):
    assert not _stale(project)


def test_a_missing_manifest_is_prepared(project):
    (project / "target" / "manifest.json").unlink()
    assert _stale(project)


@pytest.mark.parametrize(
    "changed", ["dbt_project.yml", "profiles.yml", "models/marts/events.sql", "macros/m.sql"]
)
def test_a_file_changed_after_the_manifest_makes_it_stale(project, changed):
    _at(project / changed, 300)
    assert _stale(project)


def test_a_deleted_model_makes_it_stale(project):
    (project / "models" / "marts" / "events.sql").unlink()  # the folder's time moves on
    assert _stale(project)


def test_new_seeds_and_tests_make_it_stale(project):
    for name in ("seeds/types.csv", "tests/singular.sql"):
        (project / name).write_text("x")
        assert _stale(project), name
        (project / name).unlink()
        _at(project / name.split("/")[0], 100)


def test_files_dbt_does_not_parse_do_not(project):
    _at(project / "target", 300)
    (project / "README.md").write_text("x")
    assert not _stale(project)
