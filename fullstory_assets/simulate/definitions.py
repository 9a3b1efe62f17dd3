"""The simulated org's Defined Events, Pages and Elements: the names its users gave in Fullstory.

The product keeps these definitions, not the events table: events carry only their ids
(``event_definition_id``, ``page_definition_id``, ``target.element_definition_id``). They reach
the models as dbt seeds, one per kind; `fullstory-assets definitions` writes the simulated org's,
and a deployment replaces them with its own export of the same columns.
"""

import argparse
import csv
from pathlib import Path

from fullstory_assets.settings import DBT_PROJECT_DIR
from fullstory_assets.simulate.catalog import PAGES
from fullstory_assets.simulate.vocabulary import EVENT_DEFINITIONS

EVENT_NAMES = {
    "evd_add_to_cart": "Added to Cart",
    "evd_checkout": "Started Checkout",
    "evd_purchase": "Completed Purchase",
    "evd_search": "Searched Products",
}
# Every element id the simulated targets carry (vocabulary.py), named as a product team would.
ELEMENT_NAMES = {
    "ed_add_to_cart": "Add to Cart Button",
    "ed_primary_cta": "Primary Call to Action",
    "ed_checkout": "Checkout Button",
    "ed_search": "Search Button",
    "ed_product_card": "Product Card",
    "ed_place_order": "Place Order Button",
    "ed_track_order": "Track Package Link",
    "ed_email_field": "Email Field",
    "ed_card_field": "Card Number Field",
    "ed_search_box": "Search Box",
    "ed_coupon_field": "Coupon Field",
    "ed_promo_code": "Promo Code",
    "ed_hero_banner": "Hero Banner",
    "ed_recommendations": "Recommendations Carousel",
}
# Seed file name -> (id column, name column).
SEEDS = {
    "fullstory_defined_events": ("event_definition_id", "defined_event_name"),
    "fullstory_defined_pages": ("page_definition_id", "defined_page_name"),
    "fullstory_defined_elements": ("element_definition_id", "defined_element_name"),
}


def definitions() -> dict[str, list[tuple[str, str]]]:
    """Per seed, its (id, name) rows sorted by id; every id the simulator emits has one."""
    unknown = set(EVENT_DEFINITIONS) - EVENT_NAMES.keys()
    assert not unknown, f"Defined Events without a name: {unknown}"
    pages = {page_def: name for _path, name, page_def in PAGES if page_def}
    # The app's screens share names with web pages: say which one a definition is.
    pages = {
        pid: f"{name} (app)" if pid.startswith("pd_app_") else name for pid, name in pages.items()
    }
    kinds = [EVENT_NAMES, pages, ELEMENT_NAMES]
    return {seed: sorted(rows.items()) for seed, rows in zip(SEEDS, kinds, strict=True)}


def write_definition_seeds(directory: Path) -> list[Path]:
    """Write one CSV per kind of definition into ``directory``; return the files written."""
    written = []
    for seed, rows in definitions().items():
        path = directory / f"{seed}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(SEEDS[seed])
            writer.writerows(rows)
        written.append(path)
    return written


def definitions_command(commands: argparse._SubParsersAction) -> None:
    """Register ``definitions`` on the ``fullstory-assets`` command line."""
    cmd = commands.add_parser(
        "definitions", help="write the simulated org's Defined Events, Pages and Elements seeds"
    )
    cmd.add_argument(
        "--to", type=Path, default=DBT_PROJECT_DIR / "seeds", help="directory (default: dbt seeds)"
    )
    cmd.set_defaults(handler=lambda args: _write(args.to))


def _write(directory: Path) -> int:
    for path in write_definition_seeds(directory):
        print(f"wrote {path}")
    return 0
