"""The simulator's small pure parts: ids, session sizes, sync times, string assembly, catalogs."""

import json
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fullstory_assets.simulate import catalog, vocabulary
from fullstory_assets.simulate.activity import EVENT_TYPES, TYPE_WEIGHTS
from fullstory_assets.simulate.ids import unique_ids
from fullstory_assets.simulate.population import MAX_SESSION_EVENTS, MOBILE, WEB, session_sizes
from fullstory_assets.simulate.render import choose, scatter
from fullstory_assets.simulate.spec import HOUR_US, SimulationSpec, from_us, to_us
from fullstory_assets.simulate.timing import sync_time


@given(st.integers(0, 5000), st.integers(0, 2**32))
@settings(max_examples=50, deadline=None)
def test_unique_ids_are_distinct_int64_beyond_float_precision(n, seed):
    ids = unique_ids(np.random.default_rng(seed), n)
    assert ids.dtype == np.int64
    assert len(np.unique(ids)) == n
    assert n == 0 or ids.min() > 2**53


@given(st.integers(0, 20_000), st.integers(0, 2**32))
@settings(max_examples=50, deadline=None)
def test_session_sizes_add_up_exactly_and_stay_in_range(n, seed):
    sizes = session_sizes(np.random.default_rng(seed), n)
    assert sizes.sum() == n
    assert n == 0 or (sizes.min() >= 1 and sizes.max() <= MAX_SESSION_EVENTS)


def test_sync_is_processed_time_rounded_up_to_the_hour_plus_one_hour():
    moments = [
        datetime(2024, 1, 1, 12),
        datetime(2024, 1, 1, 12, 0, 0, 1),
        datetime(2024, 1, 1, 12, 59),
    ]
    synced = sync_time(np.array([to_us(m) for m in moments]))
    assert [from_us(int(s)) for s in synced] == [
        datetime(2024, 1, 1, 13),
        datetime(2024, 1, 1, 14),
        datetime(2024, 1, 1, 14),
    ]
    assert (synced % HOUR_US == 0).all()


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_microsecond_conversion_round_trips(moment):
    assert from_us(to_us(moment)) == moment


@pytest.mark.parametrize("days, per_day, seed", [(0, 10, 0), (1, 0, 0), (-1, 10, 0), (1, 10, -1)])
def test_spec_rejects_empty_or_negative_parameters(days, per_day, seed):
    with pytest.raises(ValueError):
        SimulationSpec(date(2024, 1, 1), days, per_day, seed)


def test_scatter_places_each_part_at_its_rows_and_takes_in_any_order():
    pieces = scatter(
        5,
        [
            (np.array([3, 0]), pa.array(["d", "a"])),
            (np.array([1, 4, 2]), pa.array(["x", "y"]), np.array([0, 1, 0])),
        ],
    )
    assert pieces.take(np.arange(5)).to_pylist() == ["a", "x", "x", "d", "y"]
    assert pieces.take(np.array([4, 4, 0])).to_pylist() == ["y", "y", "a"]
    with pytest.raises(ValueError):
        scatter(3, [(np.array([0, 1]), pa.array(["a", "b"]))])


def test_choose_picks_row_by_row():
    arrays = [pa.array(["a0", "a1", "a2"]), pa.array(["b0", "b1", "b2"])]
    assert choose(np.array([1, 0, 1]), arrays).to_pylist() == ["b0", "a1", "b2"]


def test_catalog_fragments_are_valid_json():
    for text in catalog.WEB_AGENTS + catalog.APP_AGENTS + catalog.REFERRERS:
        json.loads(text)
    for fragment in catalog.URLS:
        parsed = json.loads("{" + fragment + "}")
        assert set(parsed["url"]) == {
            "full_url",
            "host",
            "path",
            "query",
            "hash_path",
            "hash_query",
        }
    for location in catalog.LOCATIONS:
        assert set(json.loads("{" + location + "}")) == {"country", "region", "city", "lat_long"}
    targets = vocabulary.CLICK_TARGETS + vocabulary.INPUT_TARGETS + vocabulary.TEXT_TARGETS
    for target in map(json.loads, targets + vocabulary.SEEN_TARGETS):
        assert {"text", "masked", "raw_selector", "element_properties"} <= set(target)
        assert isinstance(target["element_properties"], dict)
        if "element_definition_id" in target:
            assert isinstance(target["additional_element_definition_ids"], list)


def test_event_types_are_the_packages_25_and_app_only_types_never_on_web():
    assert len(EVENT_TYPES) == 25 and list(EVENT_TYPES) == sorted(EVENT_TYPES)
    web, app = TYPE_WEIGHTS[WEB], TYPE_WEIGHTS[MOBILE]
    for name in ("background", "crash", "keyboard_close", "keyboard_open", "low_memory"):
        code = EVENT_TYPES.index(name)
        assert web[code] == 0 and app[code] > 0
    assert web[EVENT_TYPES.index("identify")] == app[EVENT_TYPES.index("identify")] == 0
