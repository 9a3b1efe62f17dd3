"""Who and when: users, their devices and the sessions on those devices."""

from dataclasses import dataclass

import numpy as np

from fullstory_assets.simulate.catalog import APP_AGENTS, LOCATIONS, REFERRERS, WEB_AGENTS
from fullstory_assets.simulate.ids import unique_ids
from fullstory_assets.simulate.spec import DAY_US, HOUR_US, SimulationSpec

WEB, MOBILE, SERVER = 0, 1, 2
SOURCE_TYPES = ("web", "mobile_app", "server")
# Shares of all events; server events carry no session, so sessions split the other two.
SOURCE_SHARES = (0.75, 0.22, 0.03)
MAX_SESSION_EVENTS = 200
MEDIAN_SESSION_EVENTS = 14
SESSIONS_PER_DEVICE = 2.5
DEVICES_PER_USER = 1.6
# Traffic peaks in the (UTC) afternoon but never stops, so some sessions run over midnight.
PEAK_HOUR, PEAK_SPREAD_HOURS = 14.5, 4.5


@dataclass(frozen=True)
class Population:
    """Users, devices and sessions; every per-device array has one entry per device.

    Attributes:
        n_users: Number of users (indices ``0..n_users-1``); a user exists once identified.
        device_id: Fullstory device id per device (int64 > 2**53).
        device_kind: ``WEB`` or ``MOBILE`` per device.
        device_owner: The user index that owns each device.
        device_agent: Index into ``WEB_AGENTS`` or ``APP_AGENTS`` (by kind) per device.
        session_device: Device index per session.
        session_id: Fullstory session id per session (unique, int64 > 2**53).
        session_start: Planned start per session, in microseconds.
        session_size: Number of events per session (1..200).
        session_location: Index into ``LOCATIONS`` per session (the IP changes between sessions).
        session_referrer: Index into ``REFERRERS`` per session.
    """

    n_users: int
    device_id: np.ndarray
    device_kind: np.ndarray
    device_owner: np.ndarray
    device_agent: np.ndarray
    session_device: np.ndarray
    session_id: np.ndarray
    session_start: np.ndarray
    session_size: np.ndarray
    session_location: np.ndarray
    session_referrer: np.ndarray

    @property
    def session_kind(self) -> np.ndarray:
        """``WEB`` or ``MOBILE`` per session (the kind of its device)."""
        return self.device_kind[self.session_device]


def server_event_count(total_events: int) -> int:
    """How many of ``total_events`` come from the server API."""
    return int(round(total_events * SOURCE_SHARES[SERVER]))


def session_sizes(rng: np.random.Generator, n_events: int) -> np.ndarray:
    """Session lengths (1..200 events, long-tailed) that add up to exactly ``n_events``."""
    chunks, total = [], 0
    while total < n_events:
        draw = rng.lognormal(np.log(MEDIAN_SESSION_EVENTS), 1.0, n_events // 20 + 16)
        chunk = np.clip(np.rint(draw), 1, MAX_SESSION_EVENTS).astype(np.int64)
        chunks.append(chunk)
        total += int(chunk.sum())
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    sizes = np.concatenate(chunks)
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, n_events)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= ends[count - 1] - n_events  # trim the last session to hit the total exactly
    return sizes


def _devices_for(rng: np.random.Generator, n_sessions: int, first: int) -> tuple[np.ndarray, int]:
    """Spread sessions over devices with long-tailed loyalty: most devices come once or twice."""
    n_devices = max(1, int(round(n_sessions / SESSIONS_PER_DEVICE)))
    weights = rng.lognormal(0.0, 1.2, n_devices)
    chosen = rng.choice(n_devices, size=n_sessions, p=weights / weights.sum())
    return first + chosen.astype(np.int64), n_devices


def build_population(rng: np.random.Generator, spec: SimulationSpec) -> Population:
    """Draw the users, devices and sessions of ``spec`` (without the server-API events)."""
    n_client = spec.total_events - server_event_count(spec.total_events)
    sizes = session_sizes(rng, n_client)
    n_sessions = len(sizes)
    web_share = SOURCE_SHARES[WEB] / (SOURCE_SHARES[WEB] + SOURCE_SHARES[MOBILE])
    is_web = rng.random(n_sessions) < web_share
    web_devices, n_web = _devices_for(rng, int(is_web.sum()), 0)
    app_devices, n_app = _devices_for(rng, int((~is_web).sum()), n_web)
    session_device = np.empty(n_sessions, dtype=np.int64)
    session_device[is_web], session_device[~is_web] = web_devices, app_devices
    n_devices = n_web + n_app
    kind = np.where(np.arange(n_devices) < n_web, WEB, MOBILE).astype(np.int8)
    agent = np.where(
        kind == WEB,
        rng.integers(0, len(WEB_AGENTS), n_devices),
        rng.integers(0, len(APP_AGENTS), n_devices),
    )
    n_users = max(1, int(round(n_devices / DEVICES_PER_USER)))
    day = rng.integers(0, spec.days, n_sessions)
    hour = np.mod(rng.normal(PEAK_HOUR, PEAK_SPREAD_HOURS, n_sessions), 24.0)
    return Population(
        n_users=n_users,
        device_id=unique_ids(rng, n_devices),
        device_kind=kind,
        device_owner=rng.integers(0, n_users, n_devices),
        device_agent=agent,
        session_device=session_device,
        session_id=unique_ids(rng, n_sessions),
        session_start=spec.start_us + day * DAY_US + (hour * HOUR_US).astype(np.int64),
        session_size=sizes,
        session_location=rng.integers(0, len(LOCATIONS), n_sessions),
        session_referrer=rng.choice(len(REFERRERS), n_sessions, p=[0.45, 0.3, 0.1, 0.1, 0.05]),
    )
