"""Invocation directories: the newest and the recent stay, older ones beyond them go."""

import os

from fullstory_assets.dbt.invocation_dirs import prune_invocation_dirs

PREFIX = "fullstory_dbt_models-"
HOUR = 3600.0


def _make(target, name, mtime):
    directory = target / name
    (directory / "compiled").mkdir(parents=True)
    (directory / "run_results.json").write_text("{}")
    os.utime(directory, (mtime, mtime))
    return directory


def test_keeps_the_newest_and_the_recent_and_other_files(tmp_path):
    now = 1_000_000.0
    old = [_make(tmp_path, f"{PREFIX}old{i}", now - (10 + i) * HOUR) for i in range(5)]
    recent = _make(tmp_path, f"{PREFIX}recent", now - HOUR)
    other = _make(tmp_path, "compiled", now - 100 * HOUR)
    (tmp_path / "partial_parse.msgpack").write_text("cache")

    deleted = prune_invocation_dirs(tmp_path, PREFIX, keep=2, min_age_seconds=6 * HOUR, now=now)

    # Newest first: recent, old0, old1, ...; the first two stay, the rest is old enough to go.
    assert sorted(deleted) == sorted(old[1:])
    assert recent.exists() and old[0].exists() and other.exists()
    assert (tmp_path / "partial_parse.msgpack").exists()
    assert not any(d.exists() for d in old[1:])


def test_recent_directories_stay_beyond_the_newest(tmp_path):
    now = 1_000_000.0
    dirs = [_make(tmp_path, f"{PREFIX}{i}", now - i * 60) for i in range(4)]
    assert prune_invocation_dirs(tmp_path, PREFIX, keep=1, min_age_seconds=HOUR, now=now) == []
    assert all(d.exists() for d in dirs)
