"""Event-side vocabulary: element targets, custom events, messages and people, as JSON fragments."""

import json

from fullstory_assets.simulate.catalog import dumps, table


def _targets(text: str) -> list[str]:
    """Targets from rows ``text | selector | element_properties JSON | definition ids | masked``.

    Only defined elements carry definition ids (the first is ``element_definition_id``, the rest
    ``additional_element_definition_ids``); masked text is replaced by asterisks, as in the product.
    """
    out = []
    for text_, selector, props, definitions, masked in table(text):
        target = {"text": "*" * len(text_) if masked else text_, "masked": bool(masked)}
        target |= {"raw_selector": selector, "element_properties": json.loads(props)}
        if definitions:
            first, *extra = definitions.split()
            target |= {"element_definition_id": first, "additional_element_definition_ids": extra}
        out.append(dumps(target))
    return out


CLICK_TARGETS = _targets("""
Add to cart | button.add-to-cart | {"sku":"TR-2-42","price":129.0} | ed_add_to_cart ed_primary_cta |
Checkout | a.btn-checkout | {} | ed_checkout ed_primary_cta |
Search | form#search > button | {} | ed_search |
Trail Runner 2 | div.product-card > a | {"sku": "TR-2", "position": 3} | ed_product_card |
Rain Shell | div.product-card > a | {"sku": "RS-1", "position": 1} | ed_product_card |
Next | button.carousel-next | {} | |
Menu | button#nav-toggle | {} | |
Place order | button#place-order | {"total": 158.5} | ed_place_order ed_primary_cta |
Apply | button.apply-coupon | {} | |
Size 42 | li.size-option | {"size": "42"} | |
Close | button.modal-close | {} | |
Track package | a.track-order | {"carrier": "UPS"} | ed_track_order |
""")
INPUT_TARGETS = _targets("""
jane@example.com | input#email | {} | ed_email_field | masked
4111 1111 1111 1111 | input#card-number | {} | ed_card_field | masked
trail shoes | input[name=q] | {} | ed_search_box |
2 | select.qty | {"sku": "TR-2-42"} | |
SPRING10 | input.coupon | {} | ed_coupon_field |
94107 | input#zip | {} | | masked
""")
TEXT_TARGETS = _targets("""
Order #100234 | span.order-number | {} | |
Free returns within 30 days | p.policy | {} | |
SPRING10 | code.promo | {} | ed_promo_code |
Waterproof, breathable, 240 g | div.product-description | {"sku": "RS-1"} | |
""")
SEEN_TARGETS = _targets("""
Spring sale: 10% off | section.hero-banner | {"campaign": "spring"} | ed_hero_banner |
Recommended for you | div.recs | {"algo": "v3"} | ed_recommendations |
Trail Runner 2 | div.product-card | {"sku": "TR-2"} | ed_product_card |
Shipping estimate | div.shipping-estimate | {} | |
""")

# (event_name, properties JSON) of FS.event / trackEvent calls and of server-API events.
CLIENT_CUSTOM_EVENTS = table("""
Product Viewed | {"sku":"TR-2","price":129.0,"category":"running"}
Product Viewed | {"sku":"RS-1","price":89.5,"category":"outdoor"}
Product Added | {"sku":"TR-2-42","price":129.0,"quantity":1}
Product Added | {"sku":"RS-1-M","price":89.5,"quantity":2}
Checkout Started | {"cart_value":158.5,"items":2}
Coupon Applied | {"code":"SPRING10","discount":15.85}
Search Submitted | {"query":"trail shoes","results":24}
Order Completed | {"order_id":"100234","revenue":142.65,"currency":"USD"}
""")
SERVER_CUSTOM_EVENTS = table("""
Subscription Renewed | {"plan":"pro","amount":9.99}
Invoice Paid | {"invoice_id":"inv_8812","amount":142.65}
Support Ticket Opened | {"channel":"email","priority":"normal"}
Refund Issued | {"order_id":"100121","amount":35.0}
""")
# Defined Events: a share of custom events and clicks match one, which Fullstory records.
EVENT_DEFINITIONS = ["evd_add_to_cart", "evd_checkout", "evd_purchase", "evd_search"]

CONSOLE_MESSAGES = [
    "Uncaught (in promise) Error: Request failed with status code 502",
    "Failed to load resource: the server responded with a status of 404 ()",
    "TypeError: Cannot read properties of undefined (reading 'price')",
]
# (message, source file) of uncaught exceptions.
EXCEPTIONS = table("""
TypeError: Cannot read properties of undefined (reading 'price') | static/js/cart.3f2a.js
ReferenceError: gtag is not defined | static/js/vendor.91bc.js
Error: Network Error | static/js/api.77d0.js
""")
CRASH_MESSAGES = ["SIGABRT in CheckoutViewController", "java.lang.OutOfMemoryError in ImageCache"]
# (method, status, host, path, query): request events are network errors (status >= 400).
REQUESTS = table("""
GET | 404 | api.shopfast.example | /v2/products/TR-3 |
POST | 502 | api.shopfast.example | /v2/cart |
GET | 401 | api.shopfast.example | /v2/account |
GET | 500 | api.shopfast.example | /v2/search | q=trail+shoes
POST | 429 | collect.shopfast.example | /events | batch=1
""")

# fmt: off
FIRST_NAMES = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Femi", "Grace", "Hiro", "Ines", "Jonas",
               "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya"]
LAST_NAMES = ["Garcia", "Smith", "Müller", "Okafor", "Tanaka", "Silva", "Novak", "Khan", "Larsen",
              "Rossi", "Dubois", "Kim", "Patel"]
# fmt: on
EMAIL_DOMAINS = ["example.com", "mail.example", "corp.example"]
USER_PROPERTIES = [
    '{"plan":"free","signup_source":"organic"}',
    '{"plan":"pro","signup_source":"google_ads","lifetime_orders":4}',
    '{"plan":"pro","accepts_marketing":true}',
    '{"plan":"enterprise","company":"Acme Outdoors","seats":25}',
    "{}",
]
