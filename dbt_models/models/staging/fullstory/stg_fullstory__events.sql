{#- One row per current event: the latest delivered version of each event_id, nulled
    (superseded) versions dropped, JSON parsed once. Deduplicating per (event_id, event_time)
    lets a filter on event_time reach the raw scan: event_time never changes for an event. -#}
{%- set source_fields = fullstory_source_property_fields() -%}
{%- set event_fields = fullstory_event_property_fields() -%}

with

source as (
    select * from {{ source('fullstory', 'events') }}
),

latest_versions as (
    select *
    from source
    qualify row_number() over (
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
        and event_time >= cast('{{ fullstory_var('fullstory_min_event_time') }}' as {{ dbt.type_timestamp() }})
        and event_time <= {{ dbt.dateadd('hour', fullstory_var('fullstory_max_clock_skew_hours') | int, 'processed_time') }}
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
        {{ dbt.concat(['cast(device_id as ' ~ dbt.type_string() ~ ')', "':'",
            'cast(session_id as ' ~ dbt.type_string() ~ ')']) }} as full_session_id,
        {%- for name, spec in source_fields.items() if name != 'page_definition_id' %}
        {{ fullstory_json_field('parsed_source', spec[0], spec[1]) }} as {{ name }},
        {%- endfor %}
        {{ fullstory_json_document('source_properties') }} as source_properties,
        {%- for name, spec in event_fields.items() if name in [
            'target_text', 'target_masked', 'target_raw_selector', 'target_element_properties',
            'element_definition_id', 'additional_element_definition_ids', 'user_id',
            'user_email', 'user_display_name', 'user_properties'] %}
        {% if name == 'target_masked' %}coalesce({{ fullstory_json_field('parsed_event', spec[0], spec[1]) }}, false)
        {%- else %}{{ fullstory_json_field('parsed_event', spec[0], spec[1]) }}{% endif %} as {{ name }},
        {%- endfor %}
        {{ fullstory_json_document('event_properties') }} as event_properties,
        {{ fullstory_json_field('parsed_source', ['page_definition_id'], 'string') }} as page_definition_id,
        {%- for name in ['event_definition_id', 'custom_event_name', 'click_rage_count',
            'click_dead_count', 'navigate_reason'] %}
        {{ fullstory_json_field('parsed_event', event_fields[name][0], event_fields[name][1]) }} as {{ name }},
        {%- endfor %}
        (source_properties is not null and parsed_source is null)
        or (event_properties is not null and parsed_event is null) as has_malformed_json
    from current_events
)

select * from final
