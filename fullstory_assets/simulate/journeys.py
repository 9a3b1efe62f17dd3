"""Where a session goes next: shoppers follow the shop's path, and drop off along it.

A session's first page is drawn at random (sources.draw_views). Each next page continues the
journey (home, category, product, cart, checkout, confirmation) with ``FOLLOW_SHARE``, and is a
page drawn at random otherwise. Every step of a funnel along that path loses sessions, and the
deeper steps are reached only by those that kept going, as in a real shop.
"""

import numpy as np

from fullstory_assets.simulate.catalog import PAGES

FOLLOW_SHARE = 0.6
# (page path, the path a shopper following the journey goes to next)
JOURNEY = {
    "/": "/c/running",
    "/search": "/p/trail-runner-2",
    "/c/running": "/p/trail-runner-2",
    "/c/outdoor": "/p/rain-shell",
    "/p/trail-runner-2": "/cart",
    "/p/rain-shell": "/cart",
    "/cart": "/checkout",
    "/checkout": "/checkout/confirmation",
    "/checkout/confirmation": "/account/orders",
    "/account": "/account/orders",
    "/account/orders": "/",
    "/help": "/",
    "/screens/home": "/screens/search",
    "/screens/search": "/screens/product",
    "/screens/product": "/screens/cart",
    "/screens/cart": "/screens/checkout",
    "/screens/checkout": "/screens/profile",
    "/screens/profile": "/screens/home",
}
_INDEX = {path: i for i, (path, _name, _definition) in enumerate(PAGES)}
NEXT_PAGE = np.array([_INDEX[JOURNEY[path]] for path, _name, _definition in PAGES])


def follow_journeys(
    rng: np.random.Generator, random_page: np.ndarray, first_view: np.ndarray
) -> np.ndarray:
    """Each view's page: its random page, or the journey's next page after the previous view's.

    Args:
        rng: The journeys' own random stream.
        random_page: Per view (a session's views contiguous, in order), a page drawn at random.
        first_view: Per view, whether it opens its session (it keeps its random page).

    Returns:
        Per view, an index into ``PAGES``.
    """
    follow = (rng.random(len(random_page)) < FOLLOW_SHARE) & ~first_view
    starts = np.flatnonzero(first_view)
    session_start = starts[np.searchsorted(starts, np.arange(len(first_view)), "right") - 1]
    position = np.arange(len(first_view)) - session_start
    page = random_page.copy()
    for k in range(1, int(position.max(initial=0)) + 1):
        at = np.flatnonzero(position == k)
        page[at] = np.where(follow[at], NEXT_PAGE[page[at - 1]], page[at])
    return page
