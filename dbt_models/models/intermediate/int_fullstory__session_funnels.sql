{{ config(
    partition_column='session_start_time',
    unique_key='funnel_step_key',
    partition_by=fullstory_partition_by('session_start_time'),
    cluster_by=fullstory_cluster_by(['funnel_name', 'full_session_id']),
) }}

{#- One row per session × funnel × step reached in order, stored on the session's start day. The
    sessions are those int_fullstory__sessions stores for the window, chosen by the same rule
    rather than read from it (a model reading it would wait for its tests); their events come from
    macros/session_events.sql. Step k is reached at the first matching event strictly after step
    k-1's, by (event_time, event_id): one CTE per step up to fullstory_funnel_max_steps
    (macros/funnels.sql), as recursive CTEs are not portable. Only the columns read are selected:
    events may carry more columns than staging. -#}
{%- set max_steps = var('fullstory_funnel_max_steps') | int -%}
{%- set columns = ['full_session_id', 'event_id', 'event_time', 'event_type']
    + fullstory_funnel_property_columns() -%}
-- depends_on: {{ ref('events') }}
with

steps as (
    select * from {{ ref('fullstory_funnel_steps') }}
),

{{ fullstory_earlier_sessions_cte() }}

{# The sessions starting in the window, as int_fullstory__sessions has them: with events in it and
   none just before it, starting at their first event. #}
window_sessions as (
    select
        full_session_id,
        min(event_time) as session_start_time
    from {{ fullstory_window_events_source() }}
    where
        full_session_id is not null
        and {{ fullstory_window_filter('event_time') }}
        and full_session_id not in (select earlier_sessions.full_session_id from earlier_sessions)
    group by full_session_id
),

{# Their events of the types a step can match: page views, or a step's event_type. #}
{{ fullstory_session_events_ctes(columns,
    sessions='select window_sessions.full_session_id from window_sessions',
    where="event_type = 'navigate' or event_type in (select steps.event_type from steps)") }}

matches as (
    select
        events.*,
        window_sessions.session_start_time,
        steps.funnel_name,
        steps.step_number,
        steps.step_name
    from session_events as events
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
