{{ config(
    partition_column='event_time',
    partition_window_rows='view',
    partition_by=fullstory_partition_by('event_time'),
    cluster_by=fullstory_cluster_by(['device_id']),
) }}

{#- One row per current identify event that names a user, partitioned by the UTC day of
    event_time: the few rows identity stitching reads across all history, stored apart so the
    spans of every device come from a small table, never from the whole events table. -#}

with

identify_events as (
    select * from {{ ref('stg_fullstory__events') }}
    where
        event_type = 'identify'
        and user_id is not null
        and {{ fullstory_window_filter('event_time') }}
),

final as (
    select
        event_id,
        device_id,
        user_id,
        event_time
    from identify_events
)

select * from final
