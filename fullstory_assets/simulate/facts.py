"""What an event's payload may depend on, and the shape of a payload builder."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate.catalog import dumps
from fullstory_assets.simulate.render import num, pick


@dataclass(frozen=True)
class Facts:
    """Per-event inputs of the payloads, one entry per event.

    Attributes:
        kind: ``WEB``, ``MOBILE`` or ``SERVER``.
        user: User index of identify calls and server events (-1 elsewhere).
        page: Index into ``PAGES`` of the event's view (-1 for server events).
    """

    kind: np.ndarray
    user: np.ndarray
    page: np.ndarray

    def rows(self, index: np.ndarray) -> "Facts":
        """The facts of the events at ``index``."""
        return Facts(self.kind[index], self.user[index], self.page[index])


# Builds the ``event_properties`` of n events of one type from their facts.
Builder = Callable[[np.random.Generator, Facts], pa.Array]


def millis(rng: np.random.Generator, n: int, median: float, spread: float = 0.6) -> pa.Array:
    """Long-tailed durations in whole milliseconds, as text."""
    return num(np.rint(rng.lognormal(np.log(median), spread, n)).astype(np.int64))


def fixed(options: list[dict], p: list[float] | None = None) -> Builder:
    """A builder that picks one of a few complete payloads."""
    rendered = [dumps(option) for option in options]
    return lambda rng, facts: pick(rng, rendered, len(facts.kind), p)
