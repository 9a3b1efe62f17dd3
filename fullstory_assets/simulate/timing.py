"""When Fullstory processes and syncs each event: the full delivery history of a simulation.

- ``processed_time`` is ``event_time`` plus minutes (about 95% within 20 min, a slow tail up to
  3 h); a few "swan song" events (the last event of a page, sent on unload) hours later.
- A sync carries the rows processed before its hour: sync time = ``processed_time`` rounded up to
  the hour + 1 h; the warehouse stamps ``updated_time`` with it.
- About 1% of sessions are reprocessed hours later: every event is delivered again with a new
  ``processed_time``. Some re-ordered rows are superseded: their old ``event_id`` comes again with
  ``event_type`` NULL and the event itself under a new id.
- Delivery is at-least-once: some rows arrive twice in the same sync.
"""

from dataclasses import dataclass

import numpy as np

from fullstory_assets.simulate.spec import HOUR_US, MINUTE_US, SECOND_US

PROCESSING_MEAN_US = int(4.5 * MINUTE_US)
SLOW_SHARE = 0.03
SLOW_RANGE_US = (20 * MINUTE_US, 3 * HOUR_US)
SWAN_SONG_RATE = 0.005
SWAN_SONG_RANGE_US = (3 * HOUR_US, 30 * HOUR_US)
REPROCESSED_SESSION_RATE = 0.01
REPROCESS_AFTER_US = (1 * HOUR_US, 36 * HOUR_US)
REPROCESS_SPREAD_US = 10 * MINUTE_US
NULLED_EVENT_RATE = 0.002
DUPLICATE_RATE = 0.005


@dataclass(frozen=True)
class DeliveryPlan:
    """Every row Fullstory delivers, as indices into the simulated events.

    Attributes:
        source: Event index of each delivered row.
        id_slot: Index of the row's ``event_id``: its event's index, or ``n_events + k`` for the
            ``k``-th replacement of a superseded row.
        processed_us: ``processed_time`` of each row.
        sync_us: Sync time (= ``updated_time``) of each row.
        nulled: Whether the row is a superseded copy with ``event_type`` NULL.
        n_replacements: How many fresh event ids the replacements need.
    """

    source: np.ndarray
    id_slot: np.ndarray
    processed_us: np.ndarray
    sync_us: np.ndarray
    nulled: np.ndarray
    n_replacements: int


def sync_time(processed_us: np.ndarray) -> np.ndarray:
    """The sync that carries a row: ``processed_time`` rounded up to the hour, plus one hour."""
    return -(-processed_us // HOUR_US) * HOUR_US + HOUR_US


def _uniform(rng: np.random.Generator, bounds: tuple[int, int], n: int) -> np.ndarray:
    return rng.integers(bounds[0], bounds[1], n)


def first_processing(
    rng: np.random.Generator, time_us: np.ndarray, view_last: np.ndarray
) -> np.ndarray:
    """``processed_time`` of each event's first delivery."""
    n = len(time_us)
    delay = 5 * SECOND_US + rng.exponential(PROCESSING_MEAN_US, n).astype(np.int64)
    slow = rng.random(n) < SLOW_SHARE
    delay[slow] = _uniform(rng, SLOW_RANGE_US, int(slow.sum()))
    candidates = np.flatnonzero(view_last)
    share = min(1.0, SWAN_SONG_RATE * n / max(len(candidates), 1))
    swan = candidates[rng.random(len(candidates)) < share]
    delay[swan] = _uniform(rng, SWAN_SONG_RANGE_US, len(swan))
    return time_us + delay


def plan_deliveries(
    rng: np.random.Generator,
    time_us: np.ndarray,
    session: np.ndarray,
    offsets: np.ndarray,
    view_last: np.ndarray,
) -> DeliveryPlan:
    """Plan every delivery of the events, ordered by sync time.

    Args:
        rng: Random stream of this concern.
        time_us: ``event_time`` per event; session events first, grouped by session.
        session: Session index per event (-1 for server events, which come last).
        offsets: Index of each session's first event.
        view_last: Whether each event is the last of its page view.
    """
    n = len(time_us)
    processed = first_processing(rng, time_us, view_last)
    synced = sync_time(processed)
    n_sessions, n_client = len(offsets), int((session >= 0).sum())
    latest = np.maximum.reduceat(synced[:n_client], offsets) if n_sessions else synced[:0]
    redo_at = latest + _uniform(rng, REPROCESS_AFTER_US, n_sessions)
    chosen = rng.random(n_sessions) < REPROCESSED_SESSION_RATE
    redo = np.flatnonzero(chosen[session[:n_client]])
    processed_again = redo_at[session[redo]] + rng.integers(0, REPROCESS_SPREAD_US, len(redo))
    share = min(1.0, NULLED_EVENT_RATE * n / max(len(redo), 1))
    nulled = rng.random(len(redo)) < share
    replaced = redo[nulled]
    k = len(replaced)

    source = np.concatenate([np.arange(n), redo, replaced])
    id_slot = np.concatenate([np.arange(n), redo, n + np.arange(k)])
    processed_all = np.concatenate([processed, processed_again, processed_again[nulled]])
    null_flags = np.concatenate([np.zeros(n, bool), nulled, np.zeros(k, bool)])
    copies = np.flatnonzero(rng.random(len(source)) < DUPLICATE_RATE)
    rows = np.concatenate([np.arange(len(source)), copies])
    processed_all = processed_all[rows]
    sync_all = sync_time(processed_all)
    order = np.lexsort((rows, sync_all))  # by sync, then as planned: a stable, seed-only order
    rows = rows[order]
    return DeliveryPlan(
        source=source[rows],
        id_slot=id_slot[rows],
        processed_us=processed_all[order],
        sync_us=sync_all[order],
        nulled=null_flags[rows],
        n_replacements=k,
    )
