{{ config(alias=fullstory_model_name('identifies')) }}

{#- One row per identified user: their latest identify event. Email, display name and properties
    carry forward: each is the latest non-null value across the user's identify events. -#}
{%- set latest = ['event_time', 'updated_time', 'processed_time', 'event_id'] -%}

with

identify_events as (
    select * from {{ ref('events') }}
    where event_type = 'identify' and user_id is not null
),

latest_values as (
    select
        user_id,
        {%- for column in ['user_email', 'user_display_name', 'user_properties'] %}
        {{ fullstory_last_value(column, latest) }} as {{ column }},
        {%- endfor %}
        {{ fullstory_last_value('event_id', latest) }} as event_id
    from identify_events
    group by user_id
),

final as (
    select
        identify_events.event_id,
        identify_events.device_id,
        identify_events.session_id,
        identify_events.view_id,
        identify_events.event_time,
        identify_events.updated_time,
        identify_events.processed_time,
        identify_events.source_type,
        latest_values.user_id,
        latest_values.user_email,
        latest_values.user_display_name,
        latest_values.user_properties,
        1 as event_seq_num_desc
    from latest_values
    inner join identify_events
        on latest_values.event_id = identify_events.event_id
            and latest_values.user_id = identify_events.user_id
)

select * from final
