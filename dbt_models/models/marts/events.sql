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
    exactly its days; the raw scan is pruned to them. It never reads itself, so its new rows are
    computed once, as they are inserted (macros/materializations/incremental.sql).
    On BigQuery the table is partitioned by day and clustered by event_type first: identifies
    and anonymous_users read only identify events, across every day.
    After the package's columns and ours from staging: the stitched user (the device's identity
    span the event falls in, from identifies of every day) and the names of the Defined Event,
    Page and Element the event matched (one name per id: the seeds' ids are unique). -#}

with

events as (
    select * from {{ ref('stg_fullstory__events') }}
    where {{ fullstory_window_filter('event_time') }}
),

spans as (
    select * from {{ ref('device_identities') }}
),

defined_events as (
    select * from {{ ref('fullstory_defined_events') }}
),

defined_pages as (
    select * from {{ ref('fullstory_defined_pages') }}
),

defined_elements as (
    select * from {{ ref('fullstory_defined_elements') }}
),

final as (
    select
        events.*,
        spans.user_id as stitched_user_id,
        defined_events.defined_event_name,
        defined_pages.defined_page_name,
        defined_elements.defined_element_name
    from events
    left join spans
        on
            events.device_id = spans.device_id
            and (spans.valid_from is null or events.event_time >= spans.valid_from)
            and (spans.valid_to is null or events.event_time < spans.valid_to)
    left join defined_events
        on events.event_definition_id = defined_events.event_definition_id
    left join defined_pages on events.page_definition_id = defined_pages.page_definition_id
    left join defined_elements
        on events.element_definition_id = defined_elements.element_definition_id
)

select * from final
