"""SQL of the bad-input checks, in SQL every supported warehouse runs.

Each returns up to ``FIRST_IDS`` rows (event id, total count) of a window [start, end).
"""

from fullstory_assets.checks.known_event_types import KNOWN_EVENT_TYPES
from fullstory_assets.warehouses.dialect import Dialect

FIRST_IDS = 10
_KNOWN = ", ".join(f"'{name}'" for name in KNOWN_EVENT_TYPES)
_EVENTS = "fullstory.events"


def _first_ids(relation: str, condition: str) -> str:
    """The first event ids (in order) of the rows matching ``condition``, each with the count."""
    return f"""
        select event_id, total from (
            select event_id, count(*) over () as total,
                row_number() over (order by event_id) as position
            from {relation} where {condition}
        ) as matching
        where position <= {FIRST_IDS}
        order by position"""


def bad_input_queries(dialect: Dialect, raw: str, max_skew_hours: int) -> dict[str, str]:
    """Per check name, its query over the window ``start``..``end`` (bound parameters)."""
    window = f"event_time >= {dialect.param('start')} and event_time < {dialect.param('end')}"
    skewed = dialect.add_hours("processed_time", max_skew_hours)
    return {
        "malformed_json": _first_ids(_EVENTS, f"{window} and has_malformed_json"),
        "missing_device_id": _first_ids(_EVENTS, f"{window} and device_id is null"),
        "unknown_event_types": _first_ids(_EVENTS, f"{window} and event_type not in ({_KNOWN})"),
        # Raw rows, not the model: the staging model sets them aside with the same setting.
        "clock_ahead_set_aside": _first_ids(
            raw, f"{window} and event_type is not null and event_time > {skewed}"
        ),
    }


def outside_partitions_query(dialect: Dialect, raw: str) -> str:
    """Raw events dated outside [first, last_end) or not at all (bound parameters)."""
    return _first_ids(
        raw,
        f"event_type is not null and (event_time is null or event_time < {dialect.param('first')}"
        f" or event_time >= {dialect.param('last_end')})",
    )


def window_rows_query(dialect: Dialect) -> str:
    """Rows of the events model in the window."""
    return (
        f"select count(*) from {_EVENTS} "
        f"where event_time >= {dialect.param('start')} and event_time < {dialect.param('end')}"
    )
