{{ config(
    partition_column='session_start_time',
    unique_key='funnel_step_key',
    partition_by=fullstory_partition_by('session_start_time'),
    cluster_by=fullstory_cluster_by(['funnel_name', 'full_session_id']),
) }}

{#- One row per session × funnel × step reached in order, stored on the session's start day with
    the lookaround of int_fullstory__sessions (see there). Step k is reached at the first matching
    event strictly after step k-1's, by (event_time, event_id): one CTE per step up to
    fullstory_funnel_max_steps (macros/funnels.sql), as recursive CTEs are not portable. Only the
    columns read are selected: events may carry more columns than staging. -#}
{%- set lookaround_hours = fullstory_var('fullstory_session_lookaround_hours') -%}
{%- set max_steps = var('fullstory_funnel_max_steps') | int -%}
{%- set columns = ['full_session_id', 'event_id', 'event_time', 'event_type']
    + fullstory_funnel_property_columns() -%}
{%- set reuse_events = fullstory_partition_window() is not none and is_incremental()
    and ('model.' ~ project_name ~ '.events') in selected_resources %}
-- depends_on: {{ ref('events') }}
with

steps as (
    select * from {{ ref('fullstory_funnel_steps') }}
),

window_events as (
    select {{ columns | join(', ') }}
    from {{ ref('events') if reuse_events else ref('stg_fullstory__events') }}
    where full_session_id is not null and {{ fullstory_window_filter('event_time') }}
),

{# Sessions under way when the window starts began on an earlier day: they are left out. #}
earlier_sessions as (
    select distinct full_session_id
    from {{ ref('stg_fullstory__events') }}
    where
        full_session_id is not null
        and {{ fullstory_lookaround_filter('event_time', 'start', lookaround_hours) }}
),

later_events as (
    select {{ columns | join(', ') }}
    from {{ ref('stg_fullstory__events') }}
    where
        full_session_id in (select window_events.full_session_id from window_events)
        and {{ fullstory_lookaround_filter('event_time', 'end', lookaround_hours) }}
),

events as (
    select * from window_events
    union all
    select * from later_events
),

window_sessions as (
    select
        full_session_id,
        min(event_time) as session_start_time
    from events
    where full_session_id not in (select earlier_sessions.full_session_id from earlier_sessions)
    group by full_session_id
    having {{ fullstory_window_filter('min(event_time)') }}
),

matches as (
    select
        events.*,
        window_sessions.session_start_time,
        steps.funnel_name,
        steps.step_number,
        steps.step_name
    from events
    inner join window_sessions on events.full_session_id = window_sessions.full_session_id
    inner join steps on {{ fullstory_funnel_step_matches('steps', 'events') }}
),
{{ fullstory_funnel_step_ctes(max_steps) }}

reached as (
    {%- for step in range(1, max_steps + 1) %}
    select * from step_{{ step }}{{ ' union all' if not loop.last }}
    {%- endfor %}
),

final as (
    {#- The grain as one value, the unique_key: a session whose start moved to another day
        leaves its old day as the new day's rows are written (as in int_fullstory__sessions). #}
    select
        *,
        {{ dbt.concat(['full_session_id', "':'", 'funnel_name', "':'",
            'cast(step_number as ' ~ dbt.type_string() ~ ')']) }} as funnel_step_key
    from reached
)

select * from final
