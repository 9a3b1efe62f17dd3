"""Server-API events: custom events and identify calls sent by the shop's backend.

They belong to a device (Fullstory ties them to the user's latest device) but to no session or
view, so their ``session_id`` and ``view_id`` are NULL.
"""

from dataclasses import dataclass

import numpy as np

from fullstory_assets.simulate.activity import CODE
from fullstory_assets.simulate.population import Population, server_event_count
from fullstory_assets.simulate.spec import SimulationSpec

SERVER_IDENTIFY_SHARE = 0.2


@dataclass(frozen=True)
class ServerEvents:
    """Server-API events (``source_type`` ``server``).

    Attributes:
        device: Device index per event.
        user: User index per event (the device's owner).
        time_us: ``event_time`` per event.
        type_code: ``custom`` or ``identify`` code per event.
    """

    device: np.ndarray
    user: np.ndarray
    time_us: np.ndarray
    type_code: np.ndarray


def build_server_events(
    rng: np.random.Generator, spec: SimulationSpec, pop: Population, identifying: np.ndarray
) -> ServerEvents:
    """Draw the server-API share of ``spec``'s events, on devices of known users."""
    n = server_event_count(spec.total_events)
    candidates = np.flatnonzero(identifying)
    if len(candidates) == 0:  # tiny simulations: fall back to any device (there is always one)
        candidates = np.arange(len(pop.device_id))
    device = candidates[rng.integers(0, len(candidates), n)]
    codes = np.where(rng.random(n) < SERVER_IDENTIFY_SHARE, CODE["identify"], CODE["custom"])
    return ServerEvents(
        device=device,
        user=pop.device_owner[device],
        time_us=rng.integers(spec.start_us, spec.end_us, n),
        type_code=codes.astype(np.int8),
    )
