"""What happens inside a session: event times, event types and page views."""

from dataclasses import dataclass

import numpy as np

from fullstory_assets.simulate.catalog import table
from fullstory_assets.simulate.population import MOBILE, WEB, Population
from fullstory_assets.simulate.spec import HOUR_US, MINUTE_US, SECOND_US, SimulationSpec

# The package's 25 event types (a type's code is its row number) and their relative frequency
# on web and in apps. identify is placed by the identity plan, not drawn; the app-only types
# (background, crash, keyboard_*, low_memory, pinch_gesture) never occur on web.
_TYPES = table("""
background              | 0   | 5
change                  | 8   | 6
click                   | 26  | 24
consent                 | 0.5 | 0.3
console_message         | 3   | 1
copy                    | 0.8 | 0.3
crash                   | 0   | 0.1
cumulative_layout_shift | 3   | 0
custom                  | 4   | 4
element_seen            | 16  | 12
exception               | 1.5 | 1
first_input_delay       | 3   | 0
form_abandon            | 0.5 | 0
highlight               | 1   | 0
identify                | 0   | 0
keyboard_close          | 0   | 3
keyboard_open           | 0   | 3
load                    | 6   | 3
low_memory              | 0   | 0.15
mouse_thrash            | 0.6 | 0
navigate                | 12  | 13
page_properties         | 3   | 2
paste                   | 0.6 | 0.4
pinch_gesture           | 0   | 1.5
request                 | 4   | 6
""")
EVENT_TYPES = tuple(name for name, _, _ in _TYPES)
CODE = {name: code for code, name in enumerate(EVENT_TYPES)}
TYPE_WEIGHTS = {kind: np.array([float(row[1 + kind]) for row in _TYPES]) for kind in (WEB, MOBILE)}
MEDIAN_SESSION_MINUTES = 12
MAX_SESSION_US = 4 * HOUR_US


@dataclass(frozen=True)
class Activity:
    """The client (web and app) events, grouped by session in session order.

    Attributes:
        session: Session index per event.
        position: Position of each event within its session (0 = first).
        time_us: ``event_time`` per event (non-decreasing within a session).
        type_code: Index into ``EVENT_TYPES`` per event (identify calls not placed yet).
        offsets: Index of each session's first event.
    """

    session: np.ndarray
    position: np.ndarray
    time_us: np.ndarray
    type_code: np.ndarray
    offsets: np.ndarray


def _type_codes(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    codes = np.empty(len(kinds), dtype=np.int8)
    for kind, weights in TYPE_WEIGHTS.items():
        chosen = kinds == kind
        codes[chosen] = rng.choice(len(weights), int(chosen.sum()), p=weights / weights.sum())
    return codes


def build_activity(rng: np.random.Generator, spec: SimulationSpec, pop: Population) -> Activity:
    """Lay out every session's events in time and draw their types.

    Sessions last minutes to a few hours; a session that would run past the last requested day
    starts earlier instead, so every ``event_time`` stays inside the requested days.
    """
    sizes = pop.session_size
    offsets = np.cumsum(sizes) - sizes
    session = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    position = np.arange(len(session), dtype=np.int64) - offsets[session]
    planned = np.minimum(
        rng.lognormal(np.log(MEDIAN_SESSION_MINUTES * MINUTE_US), 1.0, len(sizes)), MAX_SESSION_US
    )
    planned = np.maximum(planned, (sizes - 1) * SECOND_US)
    mean_gap = planned / np.maximum(sizes - 1, 1)
    gaps = (rng.exponential(1.0, len(session)) * mean_gap[session]).astype(np.int64)
    gaps[offsets] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= elapsed[offsets][session]  # restart the running sum at every session start
    duration = elapsed[offsets + sizes - 1]
    # Sessions that would overrun the range end a little before it (not all at one instant).
    latest_start = spec.end_us - duration - rng.integers(1, 30 * MINUTE_US, len(sizes))
    start = np.maximum(np.minimum(pop.session_start, latest_start), spec.start_us)
    # The clip only matters if a session outlasts the whole range (a one-day run, in theory).
    time_us = np.minimum(start[session] + elapsed, spec.end_us - 1)
    codes = _type_codes(rng, pop.session_kind[session])
    codes[position == 0] = CODE["navigate"]  # a session opens with its first page or screen
    return Activity(session, position, time_us, codes, offsets)


def assign_views(activity: Activity, type_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split sessions into page views: a view starts at a session's start and at each navigate.

    Returns:
        The global view index of each event and whether it is the last event of its view.
    """
    starts = (activity.position == 0) | (type_code == CODE["navigate"])
    view = np.cumsum(starts) - 1
    last = np.ones(len(view), dtype=bool)
    last[:-1] = starts[1:]
    return view, last
