"""SQL of the bad-input checks: each returns (count, first event ids) for a window [?, ?)."""

from fullstory_assets.checks.known_event_types import KNOWN_EVENT_TYPES

_KNOWN = ", ".join(f"'{name}'" for name in KNOWN_EVENT_TYPES)
_IDS = "count(*), list(event_id order by event_id)[1:10]"
_EVENTS_IN_WINDOW = "from fullstory.events where event_time >= ? and event_time < ?"

BAD_INPUT_QUERIES = {
    "malformed_json": f"select {_IDS} {_EVENTS_IN_WINDOW} and has_malformed_json",
    "missing_device_id": f"select {_IDS} {_EVENTS_IN_WINDOW} and device_id is null",
    "unknown_event_types": f"select {_IDS} {_EVENTS_IN_WINDOW} and event_type not in ({_KNOWN})",
    # Raw rows, not the model: the staging model sets them aside with the same setting.
    "clock_ahead_set_aside": f"""
        select {_IDS} from {{raw}}
        where event_time >= ? and event_time < ? and event_type is not null
          and event_time > processed_time + to_hours({{max_skew_hours}})""",
}

OUTSIDE_PARTITIONS_QUERY = f"""
    select {_IDS} from {{raw}}
    where event_type is not null
      and (event_time is null or event_time < ? or event_time >= ?)"""
