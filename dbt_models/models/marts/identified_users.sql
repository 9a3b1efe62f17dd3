{{ config(alias=fullstory_model_name('identified_users')) }}

{#- One row per identified user, described by the device of their latest identify: that device's
    latest session-ending event and its latest known device and location values. -#}
{%- set device_columns = ['user_agent', 'type', 'operating_system', 'browser', 'browser_version',
    'geo_ip_address', 'geo_country', 'geo_region', 'geo_city', 'geo_lat_long'] -%}

with

identifies as (
    select * from {{ ref('identifies') }}
),

device_summaries as (
    select
        id,
        {%- for column in device_columns %}
        {{ fullstory_last_value(column, ['event_seq_num_desc * -1']) }} as {{ column }},
        {%- endfor %}
        {%- for column in ['event_id', 'event_time', 'updated_time', 'processed_time'] %}
        {{ fullstory_last_value(column, ['event_seq_num_desc * -1']) }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
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
        {%- for column in device_columns %}
        device_summaries.{{ column }} as last_{{ 'device_' if not column.startswith('geo_') }}{{ column }},
        {%- endfor %}
        device_summaries.event_id as last_event_id,
        device_summaries.event_time as last_event_time,
        device_summaries.updated_time as last_updated_time,
        device_summaries.processed_time as last_processed_time
    from identifies
    inner join device_summaries on identifies.device_id = device_summaries.id
)

select * from final
