"""``event_properties`` JSON per event type, built column-wise for all events of a type at once."""

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate import vocabulary as v
from fullstory_assets.simulate.activity import EVENT_TYPES
from fullstory_assets.simulate.facts import Builder, Facts, fixed, millis
from fullstory_assets.simulate.people import identify_payloads
from fullstory_assets.simulate.population import SERVER
from fullstory_assets.simulate.render import Pieces, join, maybe, num, pick, scatter, take
from fullstory_assets.simulate.signals import SIGNAL_BUILDERS


def _definition(rng: np.random.Generator, n: int, share: float) -> pa.Array:
    """``,"event_definition_id":…`` for the share matching a Defined Event, else ``""``."""
    ids = join(',"event_definition_id":"', pick(rng, v.EVENT_DEFINITIONS, n), '"')
    return maybe(rng, share, ids)


def _targets(options: list[str]) -> Builder:
    return lambda rng, f: join('{"target":', pick(rng, options, len(f.kind)), "}")


def _click(rng: np.random.Generator, f: Facts) -> pa.Array:
    n = len(f.kind)
    rage = np.where(rng.random(n) < 0.03, rng.integers(3, 9, n), 0)  # rage clicks come in bursts
    dead = np.where(rng.random(n) < 0.05, rng.integers(1, 3, n), 0)
    target = pick(rng, v.CLICK_TARGETS, n)
    counts = join(',"fs_rage_count":', num(rage), ',"fs_dead_count":', num(dead))
    return join('{"target":', target, counts, _definition(rng, n, 0.15), "}")


def _element_seen(rng: np.random.Generator, f: Facts) -> pa.Array:
    n = len(f.kind)
    start = join(',"element_start_type":"', pick(rng, ["rendered", "visible"], n, [0.3, 0.7]))
    visible = join('","element_visible_duration_millis":', millis(rng, n, 2500, 1.0))
    return join('{"target":', pick(rng, v.SEEN_TARGETS, n), start, visible, "}")


def _custom(rng: np.random.Generator, f: Facts) -> pa.Array:
    n, server = len(f.kind), f.kind == SERVER
    client = rng.integers(0, len(v.CLIENT_CUSTOM_EVENTS), n)
    backend = len(v.CLIENT_CUSTOM_EVENTS) + rng.integers(0, len(v.SERVER_CUSTOM_EVENTS), n)
    events = v.CLIENT_CUSTOM_EVENTS + v.SERVER_CUSTOM_EVENTS
    index = np.where(server, backend, client)
    name = take([name for name, _ in events], index)
    properties = take([props for _, props in events], index)
    definition = _definition(rng, n, 0.4)
    return join('{"event_name":"', name, '","properties":', properties, definition, "}")


BUILDERS: dict[str, Builder] = {
    "click": _click,
    "change": _targets(v.INPUT_TARGETS),
    "paste": _targets(v.INPUT_TARGETS),
    "form_abandon": _targets(v.INPUT_TARGETS),
    "copy": _targets(v.TEXT_TARGETS),
    "highlight": _targets(v.TEXT_TARGETS),
    "element_seen": _element_seen,
    "navigate": fixed(
        [{"navigate_reason": r} for r in ("navigate", "back_forward", "reload", "prerender")],
        [0.8, 0.12, 0.07, 0.01],
    ),
    "identify": lambda rng, f: identify_payloads(rng, f.user, f.kind == SERVER),
    "custom": _custom,
    **SIGNAL_BUILDERS,
}


def event_properties(rng: np.random.Generator, type_code: np.ndarray, facts: Facts) -> Pieces:
    """The ``event_properties`` JSON text of every event.

    Types without fields of their own (background, keyboard_*, low_memory, mouse_thrash) get
    ``{}``: the type says it all.
    """
    parts = []
    for code, name in enumerate(EVENT_TYPES):
        rows = np.flatnonzero(type_code == code)
        if name in BUILDERS:
            parts.append((rows, BUILDERS[name](rng, facts.rows(rows))))
        else:
            parts.append((rows, pa.array(["{}"]), np.zeros(len(rows), np.int64)))
    return scatter(len(type_code), parts)
