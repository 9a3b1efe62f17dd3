"""Vectorised JSON text assembly: concatenate catalog fragments and numbers column-wise."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literal strings."""
    return pc.binary_join_element_wise(*parts, "")


def pick(
    rng: np.random.Generator, options: Sequence[str], n: int, p: Sequence[float] | None = None
) -> pa.Array:
    """``n`` entries drawn from ``options`` (with probabilities ``p``, default uniform)."""
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return take(options, rng.choice(len(options), n, p=weights))


def take(options: Sequence[str], index: np.ndarray) -> pa.Array:
    """``options[index]`` as a string array."""
    return pa.array(options, type=pa.string()).take(pa.array(index, type=pa.int64()))


def num(values: np.ndarray) -> pa.Array:
    """Integers as their decimal text, exactly (no float round-trip)."""
    return pc.cast(pa.array(values), pa.string())


def maybe(rng: np.random.Generator, share: float, fragments: pa.Array) -> pa.Array:
    """Keep each fragment with probability ``share``, else the empty string."""
    return pc.if_else(pa.array(rng.random(len(fragments)) < share), fragments, "")


def choose(which: np.ndarray, arrays: list[pa.Array]) -> pa.Array:
    """Row ``i`` of ``arrays[which[i]]``, for arrays of equal length."""
    rows = np.asarray(which, dtype=np.int64) * len(which) + np.arange(len(which))
    return pa.concat_arrays(arrays).take(pa.array(rows))


@dataclass(frozen=True)
class Pieces:
    """A column built type by type: the parts' values back to back, and where each row's is.

    Gathering rows straight from the parts (``take``) costs one pass over the strings instead of
    two (reassemble, then reorder), which dominates the simulator's run time.

    Attributes:
        values: The parts' values, concatenated.
        position: For each row, the index of its value in ``values``.
    """

    values: pa.Array
    position: np.ndarray

    def take(self, rows: np.ndarray) -> pa.Array:
        """The values of ``rows``, in that order (rows may repeat)."""
        return self.values.take(pa.array(self.position[rows]))


Part = tuple[np.ndarray, pa.Array] | tuple[np.ndarray, pa.Array, np.ndarray]


def scatter(n: int, parts: list[Part]) -> Pieces:
    """Combine parts that each give the values of the rows at their indices (``n`` rows in all).

    A part is ``(rows, values)`` with one value per row, or ``(rows, options, choice)`` where row
    ``rows[i]`` holds ``options[choice[i]]``: catalog-only payloads are then never copied per row.
    """
    position = np.full(n, -1, dtype=np.int64)
    offset = 0
    for rows, values, *choice in parts:
        position[rows] = offset + (choice[0] if choice else np.arange(len(rows)))
        offset += len(values)
    if (position < 0).any():
        raise ValueError("parts leave rows without a value")
    return Pieces(pa.concat_arrays([part[1] for part in parts]), position)
