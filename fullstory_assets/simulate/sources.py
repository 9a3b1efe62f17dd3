"""``source_properties`` JSON: where an event came from (agent, location, page, referrer).

Like the product, not every event carries every field: the user agent, location and initial
referrer come with the events that open a page (navigate, load), and so does the page's
``title`` (its name in the catalog); other events carry the page's URL or nothing at all (``{}``).
"""

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate.activity import CODE
from fullstory_assets.simulate.catalog import (
    APP_AGENTS,
    APP_SCREENS,
    LOCATIONS,
    PAGES,
    REFERRERS,
    URL_VARIANTS,
    URLS,
    WEB_AGENTS,
    WEB_PAGES,
    dumps,
)
from fullstory_assets.simulate.facts import Facts
from fullstory_assets.simulate.journeys import follow_journeys
from fullstory_assets.simulate.people import user_ids
from fullstory_assets.simulate.population import MOBILE, SERVER, WEB, Population
from fullstory_assets.simulate.render import Pieces, join, num, scatter, take

EMPTY_SOURCE_SHARE = 0.3
HEADS = {
    WEB: '{"entrypoint":"web client","origin":"dom","integration":"fs"',
    MOBILE: '{"entrypoint":"mobile app","origin":"app","integration":"fs"',
}

# Each page's name as a JSON string: the ``title`` of the events that open it.
TITLES = [dumps(name) for _path, name, _definition in PAGES]


def draw_views(
    rng: np.random.Generator, view_kind: np.ndarray, first_view: np.ndarray, journeys
) -> tuple[np.ndarray, np.ndarray]:
    """Pick each view's page (index into ``PAGES``) and URL (index into ``URLS``) by its kind.

    A session's first page is random; the next ones follow the shop's journey or not
    (journeys.py, drawn from the ``journeys`` generator).
    """
    n = len(view_kind)
    web_page = rng.integers(0, len(WEB_PAGES), n)
    app_page = len(WEB_PAGES) + rng.integers(0, len(APP_SCREENS), n)
    page = follow_journeys(journeys, np.where(view_kind == WEB, web_page, app_page), first_view)
    variant = rng.choice(len(URL_VARIANTS), n, p=[0.8, 0.1, 0.06, 0.04])
    return page, page * len(URL_VARIANTS) + variant


def _session_context(rng: np.random.Generator, pop: Population) -> pa.Array:
    """Per session: ``,"user_agent":…,"location":…,"initial_referrer":…`` (no braces)."""
    kind = pop.session_kind
    device_agent = pop.device_agent[pop.session_device]
    agent = take(WEB_AGENTS + APP_AGENTS, device_agent + (kind == MOBILE) * len(WEB_AGENTS))
    bounds = ((23, 224), (0, 256), (0, 256), (1, 255))  # public unicast-looking addresses
    octets = [num(rng.integers(low, high, len(kind))) for low, high in bounds]
    ip = join(octets[0], ".", octets[1], ".", octets[2], ".", octets[3])
    return join(
        ',"user_agent":',
        agent,
        ',"location":{"ip_address":"',
        ip,
        '",',
        take(LOCATIONS, pop.session_location),
        '},"initial_referrer":',
        take(REFERRERS, pop.session_referrer),
    )


def source_properties(
    rng: np.random.Generator,
    pop: Population,
    facts: Facts,
    session: np.ndarray,
    view_url: np.ndarray,
    type_code: np.ndarray,
) -> Pieces:
    """``source_properties`` of every event.

    Args:
        rng: Random stream of this concern.
        pop: The population the sessions belong to.
        facts: Kind and user of each event.
        session: Session index per event (-1 for server events).
        view_url: Index into ``URLS`` of each event's view (-1 for server events).
        type_code: Event type code per event.
    """
    context = _session_context(rng, pop)
    heads = take([HEADS[WEB], HEADS[MOBILE]], pop.session_kind)
    server = facts.kind == SERVER
    opens_page = ~server & ((type_code == CODE["navigate"]) | (type_code == CODE["load"]))
    empty = ~server & ~opens_page & (rng.random(len(session)) < EMPTY_SOURCE_SHARE)
    url_only = ~server & ~opens_page & ~empty

    full, url, server_rows = (np.flatnonzero(m) for m in (opens_page, url_only, server))
    full_sources = join(
        heads.take(pa.array(session[full])),
        context.take(pa.array(session[full])),
        ",",
        take(URLS, view_url[full]),
        ',"title":',
        # A URL index is page-major (catalog.URLS): the page is its quotient by the variants.
        take(TITLES, view_url[full] // len(URL_VARIANTS)),
        "}",
    )
    # Without the session context a source is one of few strings: pick them from a catalog.
    url_catalog = [f"{HEADS[kind]},{fragment}}}" for kind in (WEB, MOBILE) for fragment in URLS]
    url_choice = (facts.kind[url] == MOBILE) * len(URLS) + view_url[url]
    return scatter(
        len(session),
        [
            (full, full_sources),
            (url, pa.array(url_catalog), url_choice),
            (np.flatnonzero(empty), pa.array(["{}"]), np.zeros(int(empty.sum()), np.int64)),
            (server_rows, _server_sources(facts.user[server_rows], type_code[server_rows])),
        ],
    )


def _server_sources(user: np.ndarray, type_code: np.ndarray) -> pa.Array:
    """Server-API events name the endpoint that received them."""
    path = take(["/customvars", "/customevent"], (type_code != CODE["identify"]).astype(int))
    return join(
        '{"entrypoint":"/users/v1/individual/',
        user_ids(user),
        path,
        '","origin":"server","integration":"fs"}',
    )
