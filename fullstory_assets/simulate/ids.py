"""Fullstory-like 64-bit identifiers, kept in int64 from draw to warehouse (never a float)."""

import numpy as np

# Real device/session/view ids use the whole int64 range; staying above 2**60 guarantees every
# simulated id is beyond 2**53, where a float round-trip would silently change it.
ID_LOW = 2**60
ID_HIGH = 2**63 - 1


def unique_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw ``n`` distinct int64 ids in ``[2**60, 2**63)``, in random order.

    Sorting the draws and adding ``0..n-1`` makes them strictly increasing, hence distinct,
    without a rejection loop; the permutation then removes the order.
    """
    draws = np.sort(rng.integers(ID_LOW, ID_HIGH - n, size=n, dtype=np.int64))
    return rng.permutation(draws + np.arange(n, dtype=np.int64))
