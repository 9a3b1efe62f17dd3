"""Who identifies where: the identify calls placed into sessions.

A device starts anonymous. Most identifying devices identify in their first session, mid-way
(a login), the others in a later session, often days later. After that the app identifies again
in most sessions. A few devices are shared: from some session on, a second user logs in on them.
"""

from dataclasses import dataclass

import numpy as np

from fullstory_assets.simulate.activity import Activity
from fullstory_assets.simulate.population import Population

NEVER_IDENTIFY_SHARE = 0.4
FIRST_SESSION_IDENTIFY_SHARE = 0.5
REIDENTIFY_SHARE = 0.6
# Of the identifying devices with at least two sessions left after the first identify.
SHARED_DEVICE_SHARE = 0.1


@dataclass(frozen=True)
class Identity:
    """The identify calls and who makes them.

    Attributes:
        event_index: Index (into the activity's events) of each identify call.
        user: User index each call identifies.
        identifying: Per device, whether it ever identifies.
        shared: Per device, whether a second user identifies on it too.
    """

    event_index: np.ndarray
    user: np.ndarray
    identifying: np.ndarray
    shared: np.ndarray


def session_rank(pop: Population) -> np.ndarray:
    """Per session, how many earlier sessions its device had (0 = the device's first)."""
    order = np.lexsort((pop.session_start, pop.session_device))
    sorted_device = pop.session_device[order]
    first = np.searchsorted(sorted_device, np.arange(len(pop.device_id)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first[sorted_device]
    return rank


def place_identifies(rng: np.random.Generator, pop: Population, activity: Activity) -> Identity:
    """Decide which sessions identify whom, and at which event."""
    n_devices = len(pop.device_id)
    sessions = np.bincount(pop.session_device, minlength=n_devices)
    identifying = (rng.random(n_devices) >= NEVER_IDENTIFY_SHARE) & (sessions > 0)
    later = np.floor(rng.random(n_devices) * sessions).astype(np.int64)
    first_rank = np.where(rng.random(n_devices) < FIRST_SESSION_IDENTIFY_SHARE, 0, later)
    left = sessions - first_rank - 1  # sessions after the first identifying one
    shared = identifying & (left >= 1) & (rng.random(n_devices) < SHARED_DEVICE_SHARE)
    switch_rank = first_rank + 1 + np.floor(rng.random(n_devices) * left).astype(np.int64)
    switch_rank = np.where(shared, switch_rank, np.iinfo(np.int64).max)
    step = rng.integers(1, max(pop.n_users, 2), n_devices)
    second_user = (pop.device_owner + step) % pop.n_users

    device, rank, size = pop.session_device, session_rank(pop), pop.session_size
    is_first = identifying[device] & (rank == first_rank[device])
    is_switch = rank == switch_rank[device]
    again = identifying[device] & (rank > first_rank[device])
    again &= rng.random(len(rank)) < REIDENTIFY_SHARE
    calls = is_first | is_switch | again
    # A login happens anywhere after the first page; a returning user is identified early.
    u = rng.random(len(rank))
    mid = np.where(size > 1, 1 + np.floor(u * (size - 1)), 0).astype(np.int64)
    early = np.minimum(size - 1, 1 + np.floor(u * 2)).astype(np.int64)
    position = np.where(is_first | is_switch, mid, early)
    user = np.where(rank >= switch_rank[device], second_user[device], pop.device_owner[device])
    return Identity(
        event_index=(activity.offsets + position)[calls],
        user=user[calls],
        identifying=identifying,
        shared=shared,
    )
