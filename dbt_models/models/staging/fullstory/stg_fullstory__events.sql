{#- One row per current event: the latest delivered version of each event_id, nulled
    (superseded) versions dropped, JSON parsed once. Deduplicating per (event_id, event_time)
    lets a filter on event_time reach the raw scan: event_time never changes for an event. -#}
{%- set source_fields = fullstory_source_property_fields() -%}
{%- set event_fields = fullstory_event_property_fields() -%}
{#- The package's columns in its order, then ours. -#}
{%- set peer_source_columns = source_fields.keys() | reject('equalto', 'page_definition_id') -%}
{%- set peer_event_columns = [
    'target_text', 'target_masked', 'target_raw_selector', 'target_element_properties',
    'element_definition_id', 'additional_element_definition_ids',
    'user_id', 'user_email', 'user_display_name', 'user_properties'] -%}
{%- set extra_event_columns = event_fields.keys() | reject('in', peer_event_columns) -%}
{%- set min_event_time = fullstory_var('fullstory_min_event_time') -%}
{%- set max_skew_hours = fullstory_var('fullstory_max_clock_skew_hours') | int -%}
{%- set device_id = 'cast(device_id as ' ~ dbt.type_string() ~ ')' -%}
{%- set session_id = 'cast(session_id as ' ~ dbt.type_string() ~ ')' -%}

with

source as (
    select * from {{ source('fullstory', 'events') }}
),

latest_versions as (
    select *
    from source
    qualify
        row_number() over (
            partition by event_id, event_time
            order by
                coalesce(updated_time, processed_time) desc,
                processed_time desc,
                event_type is null desc,
                source_type desc, event_properties desc, source_properties desc,
                device_id desc, session_id desc, view_id desc
        ) = 1
),

current_events as (
    select
        *,
        {{ fullstory_parse_json('source_properties', source_fields) }} as parsed_source,
        {{ fullstory_parse_json('event_properties', event_fields) }} as parsed_event
    from latest_versions
    where
        event_type is not null
        and event_time >= cast('{{ min_event_time }}' as {{ dbt.type_timestamp() }})
        and event_time <= {{ dbt.dateadd('hour', max_skew_hours, 'processed_time') }}
),

final as (
    select
        event_id,
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(view_id as {{ dbt.type_string() }}) as view_id,
        event_time,
        event_type,
        source_type,
        coalesce(updated_time, processed_time) as updated_time,
        processed_time,
        {{ dbt.concat([device_id, "':'", session_id]) }} as full_session_id,
        {%- for name in peer_source_columns %}
        {{ fullstory_property('parsed_source', source_fields, name) }} as {{ name }},
        {%- endfor %}
        {{ fullstory_json_document('source_properties') }} as source_properties,
        {%- for name in peer_event_columns %}
        {{ fullstory_property('parsed_event', event_fields, name) }} as {{ name }},
        {%- endfor %}
        {{ fullstory_json_document('event_properties') }} as event_properties,
        {{ fullstory_property('parsed_source', source_fields, 'page_definition_id') }}
            as page_definition_id,
        {%- for name in extra_event_columns %}
        {{ fullstory_property('parsed_event', event_fields, name) }} as {{ name }},
        {%- endfor %}
        (source_properties is not null and parsed_source is null)
        or (event_properties is not null and parsed_event is null) as has_malformed_json
    from current_events
)

select * from final
