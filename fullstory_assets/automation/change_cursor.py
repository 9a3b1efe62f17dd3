"""The late-data sensor's cursor, and which change scan each tick runs (pure).

The cursor is a small JSON object: the fast scans' watermark, the last full scan's watermark and
time, and the smallest lookback a fast scan pruned with since then. A cursor written before
pruning (a plain ISO timestamp) reads as both watermarks, with nothing missed.
"""

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fullstory_assets.warehouses.change_scan import ChangeScan


@dataclass(frozen=True)
class ChangeCursor:
    """What the late-data sensor has handled.

    Attributes:
        since: Every row updated at or before it was read by some scan (or is older than the
            lookback, and left to the next full scan).
        full_since: The last full scan's watermark: a row a fast scan left out was updated
            after it.
        full_scan_at: When the last full scan ran (None: not since the cursor became JSON).
        lookback_hours: The smallest lookback a fast scan advanced ``since`` with after the last
            full scan; None when none did, so no row can have been left out.
    """

    since: datetime
    full_since: datetime
    full_scan_at: datetime | None = None
    lookback_hours: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> "ChangeCursor | None":
        """The cursor stored as ``text`` (None before the first tick that found rows)."""
        if not text:
            return None
        if not text.lstrip().startswith("{"):
            since = datetime.fromisoformat(text)
            return cls(since=since, full_since=since)
        data = json.loads(text)
        scanned = data.get("full_scan_at")
        return cls(
            since=datetime.fromisoformat(data["since"]),
            full_since=datetime.fromisoformat(data["full_since"]),
            full_scan_at=datetime.fromisoformat(scanned) if scanned else None,
            lookback_hours=data.get("lookback_hours"),
        )

    def dump(self) -> str:
        """The cursor as the sensor stores it."""
        return json.dumps(
            {
                "since": self.since.isoformat(),
                "full_since": self.full_since.isoformat(),
                "full_scan_at": self.full_scan_at.isoformat() if self.full_scan_at else None,
                "lookback_hours": self.lookback_hours,
            }
        )


def choose_scan(
    cursor: ChangeCursor | None, now: datetime, lookback_hours: int | None, full_scan_hours: int
) -> ChangeScan:
    """The scan a tick runs.

    A full scan when nothing was handled yet; when a fast scan may have left rows out and either
    ``full_scan_hours`` have passed since the last full scan or pruning is now off (the rows it
    left out are read before the floor goes away). Otherwise a fast scan, bounded when
    ``lookback_hours`` is set.

    Args:
        cursor: The sensor's cursor (None on its first tick).
        now: The tick's time (aware, UTC).
        lookback_hours: ``FULLSTORY_CHANGE_LOOKBACK_HOURS`` (None: no pruning).
        full_scan_hours: ``FULLSTORY_CHANGE_FULL_SCAN_HOURS``.
    """
    if cursor is None:
        return ChangeScan(full=True, since=None)
    missed = cursor.lookback_hours
    due = cursor.full_scan_at is None or now - cursor.full_scan_at >= timedelta(
        hours=full_scan_hours
    )
    if missed is not None and (lookback_hours is None or due):
        # A lookback raised since the last fast scan must not shrink what this scan reads.
        smallest = missed if lookback_hours is None else min(missed, lookback_hours)
        return ChangeScan(
            full=True, since=cursor.since, lookback_hours=smallest, full_since=cursor.full_since
        )
    return ChangeScan(full=False, since=cursor.since, lookback_hours=lookback_hours)


def advance(
    cursor: ChangeCursor | None, scan: ChangeScan, watermark: datetime | None, now: datetime
) -> ChangeCursor | None:
    """The cursor after ``scan`` found rows up to ``watermark`` (None: none).

    A full scan moves both watermarks, and records its time even when it found nothing. A fast
    scan moves ``since`` only, and remembers its lookback if it pruned, even when it found
    nothing: the rows it left out may be all that changed, and only a full scan reads them.
    """
    if scan.full:
        marks = [mark for mark in (scan.since, watermark) if mark is not None]
        if not marks:
            return cursor
        return ChangeCursor(since=max(marks), full_since=max(marks), full_scan_at=now)
    if cursor is None:
        return cursor
    missed = cursor.lookback_hours
    if scan.floor is not None:
        missed = scan.lookback_hours if missed is None else min(missed, scan.lookback_hours)
    return replace(cursor, since=watermark or cursor.since, lookback_hours=missed)
