"""What to simulate: the parameters of a run and the time arithmetic every module shares."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

# All times inside the simulator are int64 microseconds since the epoch (UTC), DuckDB's resolution.
SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US

# Independent random streams, one per concern: changing how payloads are drawn must not move
# every session of an existing seed.
# Appended names leave the earlier streams as they were (SeedSequence.spawn is positional).
STREAMS = ("population", "activity", "identity", "server", "payloads", "sources", "timing", "ids")
STREAMS += ("journeys",)


@dataclass(frozen=True)
class SimulationSpec:
    """Parameters of one simulated history; the same spec always yields the same deliveries.

    Attributes:
        start: First UTC day of ``event_time``.
        days: Number of days of events (positive).
        events_per_day: Average number of distinct events per day (positive).
        seed: Seed of every random draw.
    """

    start: date
    days: int
    events_per_day: int
    seed: int = 0

    def __post_init__(self) -> None:
        if self.days <= 0:
            raise ValueError(f"days must be positive, got {self.days}")
        if self.events_per_day <= 0:
            raise ValueError(f"events_per_day must be positive, got {self.events_per_day}")
        if self.seed < 0:
            raise ValueError(f"seed must not be negative, got {self.seed}")

    @property
    def total_events(self) -> int:
        """Number of distinct events the history holds (before re-deliveries)."""
        return self.days * self.events_per_day

    @property
    def start_us(self) -> int:
        """Start of the first day, in microseconds since the epoch."""
        return to_us(datetime(self.start.year, self.start.month, self.start.day))

    @property
    def end_us(self) -> int:
        """End (exclusive) of the last day, in microseconds since the epoch."""
        return self.start_us + self.days * DAY_US

    def streams(self) -> dict[str, np.random.Generator]:
        """One independent generator per name in ``STREAMS``, derived from ``seed``."""
        children = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        return {
            name: np.random.default_rng(child)
            for name, child in zip(STREAMS, children, strict=True)
        }


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of a naive UTC (or aware) datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * SECOND_US + delta.microseconds


def from_us(micros: int) -> datetime:
    """Naive UTC datetime of microseconds since the epoch (DuckDB ``TIMESTAMP`` semantics)."""
    return datetime.fromtimestamp(micros // SECOND_US, UTC).replace(
        tzinfo=None, microsecond=micros % SECOND_US
    )
