{{ config(
    materialized='incremental',
    incremental_strategy='partition_window',
    partition_column='event_time',
    partition_window_rows='view',
    partition_by=fullstory_partition_by('event_time'),
    cluster_by=fullstory_cluster_by(['event_type', 'device_id']),
    alias=fullstory_model_name('events'),
) }}

{#- One row per event, partitioned by the UTC day of event_time. A partitioned run replaces
    exactly its days; the raw scan is pruned to them. It reads staging only, never itself, so its
    new rows are computed once, as they are inserted (macros/materializations/incremental.sql).
    On BigQuery the table is partitioned by day and clustered by event_type first: identifies
    and anonymous_users read only identify events, across every day. -#}

with

events as (
    select * from {{ ref('stg_fullstory__events') }}
    where {{ fullstory_window_filter('event_time') }}
),

final as (
    select * from events
)

select * from final
