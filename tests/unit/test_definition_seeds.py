"""The Defined Events, Pages and Elements seeds are the simulator's, and name every id it emits."""

import csv
import re

from fullstory_assets.settings import DBT_PROJECT_DIR
from fullstory_assets.simulate import catalog, vocabulary
from fullstory_assets.simulate.definitions import SEEDS, definitions, write_definition_seeds


def test_committed_seeds_are_what_the_simulator_writes(tmp_path):
    for path in write_definition_seeds(tmp_path):
        committed = DBT_PROJECT_DIR / "seeds" / path.name
        assert committed.read_text() == path.read_text(), "run `fullstory-assets definitions`"


def test_every_id_the_simulator_emits_has_a_name():
    emitted_text = (
        "".join(vocabulary.CLICK_TARGETS + vocabulary.INPUT_TARGETS + vocabulary.TEXT_TARGETS)
        + "".join(vocabulary.SEEN_TARGETS)
        + "".join(catalog.URLS)
    )
    emitted = set(re.findall(r'"((?:ed|pd)_[a-z_]+)"', emitted_text)) | set(
        vocabulary.EVENT_DEFINITIONS
    )
    named = {row[0] for rows in definitions().values() for row in rows}
    assert emitted == named


def test_ids_are_unique_and_columns_are_the_seed_yml_ones(tmp_path):
    for path in write_definition_seeds(tmp_path):
        with path.open() as rows:
            header, *body = list(csv.reader(rows))
        assert tuple(header) == SEEDS[path.stem]
        ids = [row[0] for row in body]
        assert len(ids) == len(set(ids)) and all(row[1] for row in body)
