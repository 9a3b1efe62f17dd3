"""``event_properties`` of the signal events: performance, errors, consent, page and device."""

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate import vocabulary as v
from fullstory_assets.simulate.catalog import PAGES, dumps, url
from fullstory_assets.simulate.facts import Builder, Facts, fixed, millis
from fullstory_assets.simulate.render import join, num, pick, take


def _load(rng: np.random.Generator, f: Facts) -> pa.Array:
    timings = [("time_to_first_byte", 180), ("first_paint_time", 900)]
    timings += [("dom_content_time", 1400), ("load_time", 2600)]
    parts: list[pa.Array | str] = []
    for i, (name, median) in enumerate(timings):
        parts += ["{" if i == 0 else ",", f'"{name}_millis":', millis(rng, len(f.kind), median)]
    return join(*parts, "}")


def _layout_shift(rng: np.random.Generator, f: Facts) -> pa.Array:
    thousandths = np.minimum(rng.geometric(1 / 60, len(f.kind)), 999)
    digits = np.minimum(np.floor(np.log10(thousandths)), 2).astype(np.int64)
    padded = join(take(["00", "0", ""], digits), num(thousandths))
    return join('{"cumulative_layout_shift":0.', padded, "}")


def _request(rng: np.random.Generator, f: Facts) -> pa.Array:
    heads = [
        dumps({"request_method": m, "request_status": int(s), "request_url": url(h, p, q)})[:-1]
        for m, s, h, p, q in v.REQUESTS
    ]
    n = len(f.kind)
    return join(pick(rng, heads, n), ',"request_duration_millis":', millis(rng, n, 350), "}")


def _page_properties(rng: np.random.Generator, f: Facts) -> pa.Array:
    names = take([dumps(name) for _, name, _ in PAGES], f.page)
    category = pick(rng, ['"running"', '"outdoor"', '"sale"'], len(f.kind))
    return join('{"page_name":', names, ',"properties":{"category":', category, "}}")


SIGNAL_BUILDERS: dict[str, Builder] = {
    "load": _load,
    "first_input_delay": lambda rng, f: join(
        '{"first_input_delay_millis":', millis(rng, len(f.kind), 40, 1.0), "}"
    ),
    "cumulative_layout_shift": _layout_shift,
    "request": _request,
    "page_properties": _page_properties,
    "console_message": fixed(
        [{"message": m, "console_message_level": "error"} for m in v.CONSOLE_MESSAGES]
    ),
    "exception": fixed(
        [
            {
                "message": m,
                "exception_count": 1,
                "is_exception_handled": False,
                "exception_source_file": f"https://www.shopfast.example/{src}",
            }
            for m, src in v.EXCEPTIONS
        ]
    ),
    "crash": fixed([{"message": m} for m in v.CRASH_MESSAGES]),
    "consent": fixed(
        [{"is_consent_given": given, "consent_scope": "document"} for given in (True, False)],
        [0.85, 0.15],
    ),
    "pinch_gesture": fixed([{"pinch_gesture_type": t} for t in ("zoom_in", "zoom_out")]),
}
