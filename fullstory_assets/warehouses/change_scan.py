"""Which raw rows one change query reads: a fast scan BigQuery can prune, or a full scan.

BigQuery's raw ``events`` table is partitioned by day of ``event_time`` and not clustered on
``updated_time``: a filter on ``updated_time`` alone scans the whole table. The fast scan also
keeps ``event_time >= floor`` (``floor = since - lookback``, a bound parameter, so BigQuery prunes
partitions). It misses a row updated at ``u > since`` only if ``event_time < since - lookback <
u - lookback``; the full scan reads every row updated after its own watermark with ``event_time <
updated_time - lookback``, a superset of those, plus every row the fast scan would read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fullstory_assets.warehouses.dialect import Dialect


@dataclass(frozen=True)
class ChangeScan:
    """The rows a change query reads.

    Attributes:
        full: A full scan: every row updated after ``since``, and every row updated after
            ``full_since`` that a fast scan with ``lookback_hours`` may have left out. Its
            sessions are bounded by all of their rows (see changes_sql). Otherwise a fast scan:
            rows updated after ``since`` with ``event_time >= since - lookback_hours``.
        since: The watermark already handled; None reads every row (a first tick, always full).
        lookback_hours: Fast: how far before ``since`` ``event_time`` may lie (None: no floor,
            nothing pruned). Full: the smallest lookback the fast scans since ``full_since`` used.
        full_since: Full only: the watermark of the last full scan (at most ``since``).
    """

    full: bool
    since: datetime | None
    lookback_hours: int | None = None
    full_since: datetime | None = None

    @property
    def floor(self) -> datetime | None:
        """A fast scan's lower bound on ``event_time`` (None: no bound)."""
        if self.full or self.since is None or self.lookback_hours is None:
            return None
        return self.since - timedelta(hours=self.lookback_hours)

    @property
    def kind(self) -> str:
        """``full`` or ``fast``, as reported in the tick log and on the runs."""
        return "full" if self.full else "fast"

    def params(self) -> dict[str, Any]:
        """The query parameters ``row_filter`` names."""
        names = {"since": self.since, "floor": self.floor, "full_since": self.full_since}
        return {name: value for name, value in names.items() if value is not None}

    def describe(self) -> str:
        """One line for the tick log: which rows the scan read."""
        if self.since is None:
            return "full scan of every row"
        if self.full:
            return (
                f"full scan: updated after {self.since}, or after {self.full_since} with "
                f"event_time more than {self.lookback_hours} h before updated_time"
            )
        floor = f" with event_time >= {self.floor}" if self.floor else ""
        return f"fast scan: updated after {self.since}{floor}"


def row_filter(dialect: Dialect, scan: ChangeScan) -> str:
    """The ``where`` predicate on the raw table, its parameters as ``scan.params()`` names them.

    The fast scan's ``event_time`` bound compares the partition column with a parameter: the one
    form of filter BigQuery prunes partitions on.
    """
    if scan.since is None:
        return "true"
    newer = f"updated_time > {dialect.param('since')}"
    if not scan.full:
        if scan.floor is None:
            return newer
        return f"{newer} and event_time >= {dialect.param('floor')}"
    if scan.full_since is None or scan.lookback_hours is None:
        raise ValueError("a full scan after a watermark needs full_since and lookback_hours")
    # A NULL event_time fails both scans' bounds on it: the full scan keeps it.
    old = f"event_time < {dialect.add_hours('updated_time', -scan.lookback_hours)}"
    return (
        f"updated_time > {dialect.param('full_since')} and ({newer} or event_time is null or {old})"
    )
