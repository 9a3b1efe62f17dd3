{{ config(alias=fullstory_model_name('identified_users')) }}

{#- One row per identified user, described by the device of their latest identify: that device's
    latest session-ending event and its latest known device and location values. -#}
{%- set newest_first = ['-event_seq_num_desc'] -%}
{#- The type of times computed as text (on Redshift): see fullstory_last_value. -#}
{%- set timestamp = dbt.type_timestamp() -%}

with

identifies as (
    select * from {{ ref('identifies') }}
),

device_summaries as (
    select
        id,
        {%- for column, _ in fullstory_device_columns() %}
        {{ fullstory_last_value(column, newest_first) }} as {{ column }},
        {%- endfor %}
        {{ fullstory_last_value('event_id', newest_first) }} as event_id,
        {{ fullstory_last_value('event_time', newest_first, timestamp) }} as event_time,
        {{ fullstory_last_value('updated_time', newest_first, timestamp) }} as updated_time,
        {{ fullstory_last_value('processed_time', newest_first, timestamp) }} as processed_time
    from {{ ref('devices') }}
    group by id
),

final as (
    select
        identifies.user_id,
        identifies.user_email,
        identifies.user_display_name,
        identifies.user_properties,
        identifies.device_id as last_device_id,
        {%- for column, last_column in fullstory_device_columns() %}
        device_summaries.{{ column }} as {{ last_column }},
        {%- endfor %}
        device_summaries.event_id as last_event_id,
        device_summaries.event_time as last_event_time,
        device_summaries.updated_time as last_updated_time,
        device_summaries.processed_time as last_processed_time
    from identifies
    inner join device_summaries on identifies.device_id = device_summaries.id
)

select * from final
