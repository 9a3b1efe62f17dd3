{{ config(alias=fullstory_model_name('anonymous_users')) }}

{#- One row per device that was never identified (no identify event with a user id, ever),
    with its latest session-ending event and latest known device and location values. -#}
{%- set newest_first = ['-event_seq_num_desc'] -%}
{#- The type of times computed as text (on Redshift): see fullstory_last_value. -#}
{%- set timestamp = dbt.type_timestamp() -%}

with

identified_devices as (
    select distinct device_id
    from {{ ref('events') }}
    where event_type = 'identify' and user_id is not null
),

anonymous_devices as (
    select devices.*
    from {{ ref('devices') }} as devices
    left join identified_devices on devices.id = identified_devices.device_id
    where identified_devices.device_id is null
),

final as (
    select
        id as device_id,
        {%- for column, last_column in fullstory_device_columns() %}
        {{ fullstory_last_value(column, newest_first) }} as {{ last_column }},
        {%- endfor %}
        {{ fullstory_last_value('event_time', newest_first, timestamp) }} as last_event_time,
        {{ fullstory_last_value('event_id', newest_first) }} as last_event_id
    from anonymous_devices
    group by id
)

select * from final
