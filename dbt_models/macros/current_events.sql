{#
  The current events: stg_fullstory__events' SQL (see its yml), in a macro so that a model reading
  a few sessions' events can filter them before their JSON is parsed. `sessions`, when given, is a
  subquery of the full_session_ids to keep; `where`, a predicate on raw columns (event_type, say).
  Both apply to each event's latest version, so they cannot bring back a version Fullstory
  superseded. Parsing is most of staging's cost: a filter on the view's full_session_id would run
  after it.
#}
{% macro fullstory_current_events(sessions=none, where=none) %}
{%- set source_fields = fullstory_source_property_fields() -%}
{%- set event_fields = fullstory_event_property_fields() -%}
{#- The package's columns in its order, then ours. -#}
{%- set peer_source_columns = source_fields.keys()
    | reject('in', ['page_definition_id', 'page_title']) -%}
{%- set peer_event_columns = [
    'target_text', 'target_masked', 'target_raw_selector', 'target_element_properties',
    'element_definition_id', 'additional_element_definition_ids',
    'user_id', 'user_email', 'user_display_name', 'user_properties'] -%}
{%- set extra_event_columns = event_fields.keys() | reject('in', peer_event_columns) -%}
{%- set min_event_time = fullstory_var('fullstory_min_event_time') -%}
{%- set max_skew_hours = fullstory_var('fullstory_max_clock_skew_hours') | int -%}
{%- set device_id = 'cast(device_id as ' ~ dbt.type_string() ~ ')' -%}
{%- set session_id = 'cast(session_id as ' ~ dbt.type_string() ~ ')' -%}
{#- An event's versions, newest first: a nulled version first among equal times, then the
    row's other columns, so versions with identical times resolve the same way everywhere. -#}
{%- set version_key = ['raw_events.event_id', 'raw_events.event_time'] -%}
{%- set newest_version_first = [
    'coalesce(raw_events.updated_time, raw_events.processed_time) desc',
    'raw_events.processed_time desc',
    'raw_events.event_type is null desc',
    'raw_events.source_type desc, raw_events.event_properties desc',
    'raw_events.source_properties desc, raw_events.device_id desc',
    'raw_events.session_id desc, raw_events.view_id desc'] -%}

{#- Under 1% of events arrive more than once: only their versions are ranked (ranking every row
    would sort the whole window, JSON text included). The keys are a subquery in both places that
    read them: DuckDB would materialize a CTE read twice, and a materialized CTE reads all history,
    since the event_time filter of a model reading this view no longer reaches its scan. -#}
{%- set repeated_keys -%}
select event_id, event_time
        from {{ source('fullstory', 'events') }}
        group by event_id, event_time
        having count(*) > 1
{%- endset %}

with

single_versions as (
    select raw_events.*
    from {{ source('fullstory', 'events') }} as raw_events
    left join (  -- noqa: ST05
        {{ repeated_keys }}
    ) as repeated
        on raw_events.event_id = repeated.event_id and raw_events.event_time = repeated.event_time
    where repeated.event_id is null
),

ranked_versions as (
    select {{ fullstory_distinct_on(version_key) }}raw_events.*
    from {{ source('fullstory', 'events') }} as raw_events
    inner join (  -- noqa: ST05
        {{ repeated_keys }}
    ) as repeated
        on raw_events.event_id = repeated.event_id and raw_events.event_time = repeated.event_time
    {{ fullstory_keep_first(version_key, newest_version_first) }}
),

latest_versions as (
    select * from single_versions
    union all
    select * from ranked_versions
),

current_events as (
    select
        *,
        {{ fullstory_parse_json('source_properties', source_fields) }} as parsed_source,
        {{ fullstory_parse_json('event_properties', event_fields) }} as parsed_event
    from latest_versions
    where
        event_type is not null
        and event_time >= {{ fullstory_utc_timestamp(min_event_time) }}
        and event_time <= {{ fullstory_add_hours('processed_time', max_skew_hours) }}
        {%- if sessions is not none %}
        and {{ dbt.concat([device_id, "':'", session_id]) }} in ({{ sessions }})
        {%- endif %}
        {%- if where is not none %}
        and ({{ where }})
        {%- endif %}
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
        {{ fullstory_property('parsed_source', source_fields, 'page_title') }} as page_title,
        {%- for name in extra_event_columns %}
        {{ fullstory_property('parsed_event', event_fields, name) }} as {{ name }},
        {%- endfor %}
        (source_properties is not null and parsed_source is null)
        or (event_properties is not null and parsed_event is null) as has_malformed_json
    from current_events
)

select * from final
{% endmacro %}
