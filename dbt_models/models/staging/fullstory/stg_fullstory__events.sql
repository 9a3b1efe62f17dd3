{#- One row per current event: the latest delivered version of each event_id, nulled
    (superseded) versions dropped, JSON parsed once. Deduplicating per (event_id, event_time)
    lets a filter on event_time reach the raw scan: event_time never changes for an event. -#}

{{ fullstory_current_events() }}
