"""The fixed world of the simulated shop: user agents, places, pages and referrers.

Everything is pre-rendered to minified JSON once, so payload assembly is string concatenation of
catalog entries picked by index (cheap and vectorised) rather than ``json.dumps`` per event.
Tables are written as ``|``-separated lines to keep the data readable.
"""

import json
from typing import Any


def dumps(value: Any) -> str:
    """Minified JSON, the form the raw table stores."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def table(text: str) -> list[list[str]]:
    """The ``|``-separated fields of each non-blank line of ``text``, stripped."""
    return [[f.strip() for f in line.split("|")] for line in text.strip().splitlines()]


_AGENT_FIELDS = ("raw_user_agent", "device", "operating_system", "browser", "browser_version")
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
WEB_AGENTS = [
    dumps(dict(zip(_AGENT_FIELDS, row, strict=True)))
    for row in table(f"""
Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/124.0.0.0 Safari/537.36 | Desktop | Windows | Chrome | 124.0.0.0
Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_WEBKIT} Chrome/123.0.0.0 Safari/537.36 | Desktop | Mac OS X | Chrome | 123.0.0.0
Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 | Desktop | Mac OS X | Safari | 17.4
Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0 | Desktop | Windows | Firefox | 125.0
Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0 | Desktop | Windows | Edge | 124.0.0.0
Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 | Mobile | iOS | Mobile Safari | 17.4
Mozilla/5.0 (Linux; Android 14; Pixel 8) {_WEBKIT} Chrome/124.0.6367.82 Mobile Safari/537.36 | Mobile | Android | Chrome Mobile | 124.0.6367.82
Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 | Tablet | iOS | Mobile Safari | 17.4
""")  # noqa: E501
]
APP_AGENTS = [
    dumps(dict(zip(_AGENT_FIELDS, row, strict=True)))
    for row in table("""
ShopFast/5.2.0 (iPhone15,2; iOS 17.4) | Mobile | iOS | ShopFast | 5.2.0
ShopFast/5.1.3 (iPhone13,1; iOS 16.7) | Mobile | iOS | ShopFast | 5.1.3
ShopFast/5.2.0 (SM-S911B; Android 14) | Mobile | Android | ShopFast | 5.2.0
ShopFast/5.0.9 (Pixel 7; Android 13) | Mobile | Android | ShopFast | 5.0.9
""")
]

# The fields of ``location`` after ``ip_address`` (drawn per session), without braces.
LOCATIONS = [
    dumps(dict(zip(("country", "region", "city", "lat_long"), row, strict=True)))[1:-1]
    for row in table("""
United States | California | San Francisco | 37.7749,-122.4194
United States | New York | New York | 40.7128,-74.0060
United States | Texas | Austin | 30.2672,-97.7431
United States | Georgia | Atlanta | 33.7490,-84.3880
United States | Washington | Seattle | 47.6062,-122.3321
Canada | Ontario | Toronto | 43.6532,-79.3832
United Kingdom | England | London | 51.5072,-0.1276
Germany | Berlin | Berlin | 52.5200,13.4050
France | Ile-de-France | Paris | 48.8566,2.3522
Brazil | Sao Paulo | São Paulo | -23.5558,-46.6396
India | Karnataka | Bengaluru | 12.9716,77.5946
Australia | New South Wales | Sydney | -33.8688,151.2093
""")
]


def url(host: str, path: str, query: str = "", hash_path: str = "", hash_query: str = "") -> dict:
    """A Fullstory URL object (``full_url`` plus its parts)."""
    full = f"https://{host}{path}" + (f"?{query}" if query else "")
    if hash_path:
        full += f"#{hash_path}" + (f"?{hash_query}" if hash_query else "")
    parts = {"host": host, "path": path, "query": query, "hash_path": hash_path}
    return {"full_url": full, **parts, "hash_query": hash_query}


WEB_HOST, APP_HOST = "www.shopfast.example", "app.shopfast.example"
# (path, page name, page_definition_id or ""): not every page has a definition in Fullstory.
WEB_PAGES = table("""
/ | Home | pd_home
/search | Search | pd_search
/c/running | Category | pd_category
/c/outdoor | Category | pd_category
/p/trail-runner-2 | Product Detail | pd_product
/p/rain-shell | Product Detail | pd_product
/cart | Cart | pd_cart
/checkout | Checkout | pd_checkout
/checkout/confirmation | Order Confirmation |
/account | Account |
/account/orders | Orders |
/help | Help Center |
""")
APP_SCREENS = table("""
/screens/home | Home | pd_app_home
/screens/search | Search |
/screens/product | Product Detail | pd_app_product
/screens/cart | Cart |
/screens/checkout | Checkout | pd_app_checkout
/screens/profile | Account |
""")
# (query, hash_path, hash_query) variants of a page's URL; the first is by far the most common.
URL_VARIANTS = [("", "", ""), ("utm_source=google&utm_medium=cpc", "", "")]
URL_VARIANTS += [("ref=newsletter", "", ""), ("", "/reviews", "sort=newest")]


def _url_fragments(host: str, pages: list[list[str]]) -> list[str]:
    """``"url":{...}`` (plus ``,"page_definition_id":...``) per (page, variant), page-major."""
    out = []
    for path, _name, page_def in pages:
        for variant in URL_VARIANTS:
            fragment = '"url":' + dumps(url(host, path, *variant))
            out.append(fragment + (f',"page_definition_id":"{page_def}"' if page_def else ""))
    return out


# Web pages first, then app screens; a view's page is an index into PAGES and its URL fragment
# is URLS[page * len(URL_VARIANTS) + variant].
PAGES = WEB_PAGES + APP_SCREENS
URLS = _url_fragments(WEB_HOST, WEB_PAGES) + _url_fragments(APP_HOST, APP_SCREENS)

# Direct visits carry no referrer.
REFERRERS = ["{}"] + [
    dumps(url(*row))
    for row in table("""
www.google.com | /
www.bing.com | /search | q=trail+shoes
l.facebook.com | /l.php
news.shopfast.example | /2024/spring | utm_campaign=spring
""")
]
