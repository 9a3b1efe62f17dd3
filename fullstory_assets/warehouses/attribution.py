"""Identity stitching's late data: the event days whose stored ``stitched_user_id`` is stale.

An event's stitched user depends on identifies of other days (models/marts/device_identities.sql):
a late identify on day X re-attributes the device's events on earlier days, which no raw row of
those days announces. The stored events are compared with the current spans instead, which gives
exactly the partitions whose attribution changed. The spans are read from the stored identify
table, so a late identify shows here once its own day has been rebuilt; the sensor asks again on
every tick, and once nothing is stale, every event agrees with the raw table's identifies.
"""

from dataclasses import dataclass
from datetime import date, datetime

from fullstory_assets.warehouses.session import WarehouseSession

SPANS_MODEL = "device_identities"
EVENTS_MODEL = "events"


@dataclass(frozen=True)
class StaleAttribution:
    """Stored events whose ``stitched_user_id`` differs from their device's current span.

    Attributes:
        rows: How many stored events are stale.
        days: Their event days: the events partitions to rebuild.
    """

    rows: int
    days: frozenset[date]


def stale_attribution_sql(model_schema: str) -> str:
    """Per event day with stale events, how many; portable to every supported warehouse."""
    return f"""
        select cast(events.event_time as date) as event_day, count(*) as stale_events
        from {model_schema}.{EVENTS_MODEL} as events
        left join {model_schema}.{SPANS_MODEL} as spans
            on events.device_id = spans.device_id
            and (spans.valid_from is null or events.event_time >= spans.valid_from)
            and (spans.valid_to is null or events.event_time < spans.valid_to)
        where case
            when events.stitched_user_id is null then spans.user_id is not null
            when spans.user_id is null then true
            else events.stitched_user_id <> spans.user_id
        end
        group by cast(events.event_time as date)"""


def read_stale_attribution(session: WarehouseSession, model_schema: str) -> StaleAttribution:
    """The stale events per day; none before both models exist (nothing stored to be stale)."""
    if not {EVENTS_MODEL, SPANS_MODEL} <= session.relations_in(model_schema):
        return StaleAttribution(0, frozenset())
    rows = session.fetchall(stale_attribution_sql(model_schema), {})
    days = {day.date() if isinstance(day, datetime) else day for day, _ in rows}
    return StaleAttribution(sum(int(count) for _, count in rows), frozenset(days))
