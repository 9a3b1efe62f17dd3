{#- Funnels (seeds/fullstory_funnel_steps.csv): how a step matches, the step chain, and the
    portable bits of the funnels mart. -#}

{#- The allow-list of event columns a step's property_name may name: text columns of staging
    (and of events). A name outside it matches nothing; the seed's tests reject it. -#}
{% macro fullstory_funnel_property_columns() %}
    {{ return([
        'custom_event_name', 'event_definition_id', 'page_definition_id', 'element_definition_id',
        'target_text', 'navigate_reason', 'url_path', 'url_host', 'url_query', 'source_type',
        'device_type', 'device_operating_system', 'device_browser', 'geo_country']) }}
{% endmacro %}


{#- The value of the column named by `name_column` (a step's property_name) on `relation`'s row. -#}
{% macro fullstory_funnel_property(name_column, relation) -%}
    case {{ name_column }}
        {%- for column in fullstory_funnel_property_columns() %}
        when '{{ column }}' then {{ relation }}.{{ column }}
        {%- endfor %}
    end
{%- endmacro %}


{#- The UTC calendar day of timestamp `expression`, as a date. -#}
{% macro fullstory_utc_date(expression) %}
    {{ return(adapter.dispatch('fullstory_utc_date', 'fullstory_assets')(expression)) }}
{% endmacro %}

{% macro default__fullstory_utc_date(expression) -%}
    cast({{ expression }} as date)
{%- endmacro %}

{#- TIMESTAMPTZ (PostgreSQL, Redshift): a plain cast takes the day in the session's time zone. -#}
{% macro postgres__fullstory_utc_date(expression) -%}
    cast({{ expression }} at time zone 'UTC' as date)
{%- endmacro %}


{#- A 64-bit float: rates and medians compare exactly across warehouses (no NUMERIC division, no
    32-bit FLOAT as DuckDB spells it). -#}
{% macro fullstory_type_double() %}
    {{ return(adapter.dispatch('fullstory_type_double', 'fullstory_assets')()) }}
{% endmacro %}

{% macro default__fullstory_type_double() -%}double precision{%- endmacro %}

{% macro bigquery__fullstory_type_double() -%}float64{%- endmacro %}


{#- The CTEs step_1 .. step_<max_steps> of int_fullstory__session_funnels over its `matches`
    (each event × each step it matches): step k keeps, per session and funnel, the first match
    of step k by (event_time, event_id) strictly after the event that reached step k-1. A chain,
    not a recursive CTE, which not every warehouse has. Each CTE ends with a comma. -#}
{% macro fullstory_funnel_step_ctes(max_steps) -%}
    {%- set keys = ['matches.full_session_id', 'matches.funnel_name'] -%}
    {%- for step in range(1, max_steps + 1) %}
step_{{ step }} as (
    select {{ fullstory_distinct_on(keys) }}
        matches.full_session_id, matches.session_start_time, matches.funnel_name,
        matches.step_number, matches.step_name,
        matches.event_time as reached_time, matches.event_id as reached_event_id,
        {% if step == 1 -%}
        cast(null as {{ dbt.type_bigint() }})
        {%- else -%}
        {{ fullstory_seconds_between('previous.reached_time', 'matches.event_time') }}
        {%- endif %} as seconds_from_previous_step
    from matches
    {%- if step > 1 %}
    inner join step_{{ step - 1 }} as previous
        on matches.full_session_id = previous.full_session_id
        and matches.funnel_name = previous.funnel_name
        and (
            matches.event_time > previous.reached_time
            or matches.event_time = previous.reached_time
            and matches.event_id > previous.reached_event_id
        )
    {%- endif %}
    where matches.step_number = {{ step }}
    {{ fullstory_keep_first(keys, ['matches.event_time', 'matches.event_id']) }}
),
{% endfor -%}
{%- endmacro %}


{#- Whether event `events` matches funnel step `steps` (a seed row): a page view (navigate
    event) whose url_path is LIKE the step's page_path_pattern when it has one, else an event of
    its event_type; and, when the step names a property, that column equals property_value.
    Empty seed cells count as NULL, however a warehouse's seed loader reads them. -#}
{% macro fullstory_funnel_step_matches(steps, events) -%}
    (
        nullif({{ steps }}.page_path_pattern, '') is not null
        and {{ events }}.event_type = 'navigate'
        and {{ events }}.url_path like {{ steps }}.page_path_pattern
        or nullif({{ steps }}.page_path_pattern, '') is null
        and {{ events }}.event_type = {{ steps }}.event_type
    )
    and (
        nullif({{ steps }}.property_name, '') is null
        or {{ fullstory_funnel_property(steps ~ '.property_name', events) }}
        = {{ steps }}.property_value
    )
{%- endmacro %}
